"""Voting one statement at a time (with htmx and without JavaScript), comparing ideas in pairs,
and the results page, in a real browser with axe on every page."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from groundswell.deliberation.services import idea_create, statement_create, vote_cast
from groundswell.deliberation.tasks import recompute_analysis
from groundswell.testing import factories
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

STATEMENTS = [
    "Care workers should be paid for travel time between visits.",
    "Visits shorter than thirty minutes should end.",
    "The same care worker should visit whenever possible.",
]


@pytest.fixture
def deliberating(site, host_org, host_admin):
    project = factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)
    statements = [statement_create(project=project, author=host_admin, text=t) for t in STATEMENTS]
    for text in ["Pay travel time", "End 15-minute visits", "Continuity of carer"]:
        idea_create(project=project, author=host_admin, text=text)
    return project, statements


def test_voting_with_htmx_is_one_click_per_vote(
    new_context, deliberating, practitioner, assert_accessible
):
    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    expect(page.locator("#vote-card")).to_contain_text("3 statements left")
    assert_accessible(page, "vote page")

    url_before = page.url
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")
    assert page.url == url_before  # swapped in place by htmx, no page load
    page.get_by_role("button", name="Disagree").click()
    # Wait for each swap before the next click, as a person would see the new statement first.
    expect(page.locator("#vote-card")).to_contain_text("1 statement left")
    page.get_by_role("button", name="Pass / unsure").click()
    expect(page.locator("#vote-card")).to_contain_text("You have voted on every statement")
    assert_accessible(page, "vote page, all done")

    page.goto(f"/projects/{project.slug}/statements/")
    expect(page.locator("[aria-pressed=true]")).to_have_count(3)
    assert_accessible(page, "statements and my votes")


def test_voting_and_comparing_without_javascript(new_context, deliberating, practitioner):
    project, _ = deliberating
    page = new_context(java_script_enabled=False, viewport={"width": 320, "height": 640}).new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    page.get_by_role("button", name="Agree", exact=True).press("Enter")
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")
    # The page opens at the next statement, not at its top: on a phone its buttons are in view,
    # and one Tab reaches the first of them, not the skip link and the whole header again.
    expect(page.get_by_role("button", name="Pass / unsure")).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Agree", exact=True)).to_be_focused()

    page.locator("#id_text").fill("Rotas should be shared with families a week ahead.")
    page.get_by_role("button", name="Add statement").click()
    expect(page.get_by_role("status").first).to_contain_text("open for votes")

    page.goto(f"/projects/{project.slug}/compare/")
    page.locator("form.pair button.idea-choice").first.press("Enter")
    expect(page.locator("form.pair")).to_be_visible()
    expect(page.get_by_role("button", name="Can't decide")).to_be_in_viewport()  # the next pair
    page.keyboard.press("Tab")
    expect(page.locator("form.pair button.idea-choice").first).to_be_focused()


def test_comparing_every_pair_ends_with_a_clear_message(
    new_context, deliberating, practitioner, assert_accessible
):
    from groundswell.deliberation.models import Comparison

    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/compare/")
    # The question names the choice, as the vote card's legend does: heard on tabbing in.
    pair = page.get_by_role("group", name="Which of these two matters more?")
    expect(pair.get_by_role("button")).to_have_count(3)
    for _ in range(3):  # three ideas make three pairs
        page.locator("form.pair button.idea-choice").first.click()
        page.wait_for_load_state()
    expect(page.get_by_text("You have compared every pair of ideas.")).to_be_visible()
    expect(page.locator("form.pair")).to_have_count(0)
    assert Comparison.objects.filter(project=project).count() == 3
    assert_accessible(page, "compare page, every pair compared")


def test_results_page_is_accessible(new_context, deliberating, assert_accessible):
    project, statements = deliberating
    from groundswell.deliberation.services import comparison_record

    voters = [factories.UserFactory(role=r) for r in ["practitioner", "service_user"] * 6]
    for i, voter in enumerate(voters):
        for j, statement in enumerate(statements):
            vote_cast(statement=statement, user=voter, value=1 if (i + j) % 3 else -1)
    ideas = list(project.ideas.all())
    for voter in voters:
        comparison_record(
            project=project,
            user=voter,
            first_id=ideas[0].pk,
            second_id=ideas[1].pk,
            outcome="first",
        )
    recompute_analysis.call(project_id=project.pk)

    page = new_context().new_page()
    page.goto(f"/projects/{project.slug}/results/")
    expect(page.get_by_role("heading", name="Opinion groups", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Opinion map")).to_be_visible()
    expect(page.get_by_role("heading", name="Ideas ranked by pairwise comparison")).to_be_visible()
    assert_accessible(page, "results page")


def test_results_of_a_conversation_of_passes_are_accessible(
    new_context, deliberating, assert_accessible
):
    project, statements = deliberating
    for voter in [factories.UserFactory(role="practitioner") for _ in range(4)]:
        for statement in statements:
            vote_cast(statement=statement, user=voter, value=0)
    recompute_analysis.call(project_id=project.pk)

    page = new_context().new_page()
    page.goto(f"/projects/{project.slug}/results/")
    groups = page.get_by_role("table", name="Opinion groups and what distinguishes them")
    expect(groups.get_by_text("No statement stands out for this group yet.")).to_be_visible()
    expect(groups.get_by_role("list")).to_have_count(0)
    assert_accessible(page, "results page, nothing stands out")


# A swap waits on a request and the analysis it queues: slow on a busy test machine.
SWAP_WAIT = 15_000


def htmx_settled(page) -> None:
    """Wait until htmx has processed the swapped card (it drops `htmx-added` then).

    Chromium may focus a swapped-in `autofocus` element itself before htmx's settle step, and a
    key pressed in that moment submits the form without htmx (a whole-page vote).
    """
    page.wait_for_function(
        "() => window.htmx && !document.querySelector("
        "'.htmx-added, .htmx-settling, .htmx-swapping, .htmx-request')",
        timeout=SWAP_WAIT,
    )


def test_after_an_htmx_vote_the_focus_moves_to_the_next_statement(
    new_context, deliberating, practitioner
):
    """The pressed button is swapped away with its card; keyboard and screen-reader users land
    on the next statement, not back at the top of the page."""
    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    htmx_settled(page)
    page.get_by_role("button", name="Agree", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#vote-card")).to_contain_text("2 statements left", timeout=SWAP_WAIT)
    htmx_settled(page)
    expect(page.locator("#vote-card blockquote")).to_be_focused(timeout=SWAP_WAIT)
    assert "thirty minutes" in page.evaluate("document.activeElement.textContent")
    # The new count is read with the statement, once: it describes it and is no live region.
    expect(page.locator("#vote-card blockquote")).to_have_accessible_description(
        "2 statements left to vote on."
    )
    expect(page.locator("#vote-card [aria-live], #vote-card [role=status]")).to_have_count(0)

    for after in ["1 statement left", "You have voted on every statement"]:
        htmx_settled(page)
        expect(page.locator("#vote-card blockquote")).to_be_focused(timeout=SWAP_WAIT)
        page.keyboard.press("Tab")  # from the statement to its first vote button
        expect(page.get_by_role("button", name="Agree", exact=True)).to_be_focused(
            timeout=SWAP_WAIT
        )
        page.keyboard.press("Enter")
        expect(page.locator("#vote-card")).to_contain_text(after, timeout=SWAP_WAIT)
    expect(page.locator("#vote-card [role=status]")).to_be_focused(timeout=SWAP_WAIT)


def test_a_double_click_on_a_vote_button_casts_one_vote(new_context, deliberating, practitioner):
    """htmx swaps the next statement in under the pointer within milliseconds: the second and
    third click of a hurried or shaky double or triple click must not vote on a statement the
    person never saw. A click after they had time to read it still counts."""
    from groundswell.deliberation.models import Vote

    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    htmx_settled(page)
    page.wait_for_timeout(700)  # the first card has been on screen a while
    page.get_by_role("button", name="Agree", exact=True).click(click_count=3, delay=40)
    expect(page.locator("#vote-card")).to_contain_text("2 statements left", timeout=SWAP_WAIT)
    htmx_settled(page)
    page.wait_for_timeout(700)  # long enough for any stray click's vote to have come back
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")
    assert Vote.objects.filter(project=project).count() == 1

    page.get_by_role("button", name="Disagree", exact=True).click()
    expect(page.locator("#vote-card")).to_contain_text("1 statement left", timeout=SWAP_WAIT)
    assert Vote.objects.filter(project=project).count() == 2


def test_a_double_click_on_an_idea_records_one_comparison(new_context, deliberating, practitioner):
    """The same for a pair of ideas: the next pair's page loads under the pointer in a moment
    (on a screen tall enough that going to the pair does not scroll the page)."""
    from groundswell.deliberation.models import Comparison

    project, _ = deliberating
    page = new_context(viewport={"width": 1280, "height": 1600}).new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/compare/")
    page.wait_for_timeout(700)
    first_pair = page.locator("form.pair button.idea-choice").all_inner_texts()
    box = page.locator("form.pair button.idea-choice").first.bounding_box()
    x, y = box["x"] + 10, box["y"] + 10
    page.mouse.click(x, y)
    # The next pair is there (as soon as it is): the second click lands on it.
    page.wait_for_url("**#pair-title")
    page.mouse.click(x, y, click_count=2)
    page.wait_for_timeout(1500)
    expect(page.locator("form.pair")).to_be_visible()
    assert Comparison.objects.filter(project=project).count() == 1
    assert page.locator("form.pair button.idea-choice").all_inner_texts() != first_pair


def test_back_to_the_vote_page_after_htmx_votes_shows_the_next_statement(
    new_context, deliberating, practitioner
):
    """htmx changed the page in place: coming back to it must not bring the first statement and
    count back from the browser's cache, as if the votes had been lost."""
    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    htmx_settled(page)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left", timeout=SWAP_WAIT)
    htmx_settled(page)
    page.get_by_role("link", name="All statements and your votes").click()
    expect(page.get_by_role("heading", name="Statements", exact=True)).to_be_visible()
    page.go_back()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")
    expect(page.locator("#vote-card blockquote")).to_contain_text(STATEMENTS[1])


def test_an_htmx_vote_refused_because_the_phase_ended_says_why(
    new_context, deliberating, practitioner
):
    """Voting closes while the page is open: the click must not silently do nothing."""
    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    project.phases.all().delete()
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.get_by_role("heading", name="You cannot do that here")).to_be_visible()
    expect(page.locator("main")).to_contain_text("not taking that at its current phase")
    assert page.locator("main").count() == 1
    # The button pressed is gone: the focus goes to the new content, not to the page's end.
    expect(page.locator("main")).to_be_focused()


def test_an_htmx_vote_refused_by_the_csrf_check_says_what_to_do(
    new_context, deliberating, practitioner, assert_accessible
):
    """The page's form token is out of date (they logged in again in another tab, or the cookie
    went): the click must not blank the page."""
    project, _ = deliberating
    context = new_context()
    page = context.new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    htmx_settled(page)
    context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.get_by_role("heading", name="Please try again")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing was saved")
    assert page.locator("main").count() == 1
    expect(page.locator("main")).to_be_focused()
    assert_accessible(page, "vote refused by the CSRF check")
    # Reloading, as the page says, gives a working vote again.
    page.reload()
    htmx_settled(page)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left", timeout=SWAP_WAIT)


def test_an_htmx_vote_after_the_session_ended_goes_to_log_in_and_back(
    new_context, deliberating, practitioner
):
    project, _ = deliberating
    context = new_context()
    page = context.new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    # The session ends (it timed out, or they logged out in another tab); the CSRF cookie stays.
    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Agree", exact=True).click()
    # The log-in page as a whole page, not swapped into the vote card.
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/projects/{project.slug}/vote/$"))
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    page.locator("#id_login").fill(practitioner.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(rf"/projects/{project.slug}/vote/$"))
    expect(page.locator("#vote-card")).to_contain_text("3 statements left")


LONG = "https://www.example.org/a-very-long-path/with-no-spaces/in-it/at-all/consultation-v3.pdf"


def test_long_unbroken_statements_and_ideas_fit_a_phone_screen(
    new_context, deliberating, host_admin, practitioner
):
    """WCAG 1.4.10 reflow: at 320 CSS pixels nothing scrolls sideways, long links included."""
    project, _ = deliberating
    with_link = statement_create(project=project, author=host_admin, text=f"See {LONG}")
    idea_create(project=project, author=host_admin, text=f"Read {LONG}")
    project.ideas.exclude(text__startswith="Read ").exclude(pk=project.ideas.first().pk).update(
        status="hidden"
    )
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    log_in(page, practitioner)
    for statement in project.statements.exclude(pk=with_link.pk):
        vote_cast(statement=statement, user=practitioner, value=1)
    for path in ["vote/", "compare/", "statements/"]:
        page.goto(f"/projects/{project.slug}/{path}")
        expect(page.locator("main")).to_contain_text("a-very-long-path")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (path, widths)


# Table cells holding a number whose text runs over more than one line: a table squeezes a
# column whose words may break anywhere, and "24" reads as "2" over "4".
BROKEN_NUMBERS = """() => [...document.querySelectorAll('main td')]
  .filter(td => /^-?[0-9][0-9.,]*%?$/.test(td.textContent.trim()))
  .filter(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
  })
  .map(td => td.textContent.trim())"""


def test_results_of_a_real_conversation_on_a_phone_screen_are_accessible(
    new_context, site, assert_accessible
):
    """A real Pol.is conversation at 320 px: tables wrap their text rather than become
    scrolling regions nobody can scroll from the keyboard (axe: scrollable-region-focusable),
    and never inside a number."""
    from pathlib import Path

    from groundswell.deliberation.polis import polis_import
    from groundswell.projects.models import ParticipationTarget

    project = factories.ProjectFactory()
    for role, target in [("service_user", 100), ("practitioner", 20), ("policy", 5)]:
        ParticipationTarget.objects.create(project=project, role=role, target=target)
    folder = Path(settings.BASE_DIR).parent / "data" / "polis" / "london.youth.policing"
    polis_import(project=project, directory=folder)
    recompute_analysis.call(project_id=project.pk)

    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in ["", "statements/", "results/"]:
        page.goto(f"/projects/{project.slug}/{path}")
        expect(page.locator("main table").first).to_be_visible()
        scrolling = page.evaluate(
            "[...document.querySelectorAll('main table')]"
            ".filter(t => t.scrollWidth > t.clientWidth).map(t => t.outerHTML.slice(0, 80))"
        )
        assert not scrolling, (path, scrolling)
        assert not page.evaluate(BROKEN_NUMBERS), path
        assert_accessible(page, f"{path or 'project page'} at 320 px")


def test_a_host_pastes_statements_one_per_line(
    new_context, deliberating, host_admin, assert_accessible
):
    """A plain form, no htmx: the same with JavaScript (which axe needs) and without."""
    project, _ = deliberating
    page = new_context().new_page()
    log_in(page, host_admin)
    page.goto(f"/projects/{project.slug}/vote/")
    assert_accessible(page, "vote page of a host")
    pasted = f"Rotas should be shared a week ahead.\n{STATEMENTS[0]}\nParking permits for carers."
    page.get_by_label("Statements, one per line").fill(pasted)
    page.get_by_role("button", name="Add these statements").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Line 2: that statement is already in this project.")
    expect(page.locator("#id_seed-statements_error")).to_contain_text("Line 2:")
    expect(page.get_by_label("Statements, one per line")).to_have_value(pasted)
    assert_accessible(page, "a pasted list with a line to correct")
    assert project.statements.count() == len(STATEMENTS)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Statements, one per line")).to_be_focused()

    no_js = new_context(java_script_enabled=False).new_page()
    log_in(no_js, host_admin)
    no_js.goto(f"/projects/{project.slug}/vote/")
    no_js.get_by_label("Statements, one per line").fill(
        "Rotas should be shared a week ahead.\nParking permits for carers."
    )
    no_js.get_by_role("button", name="Add these statements").click()
    expect(no_js.locator("main")).to_contain_text("2 statements added.")
    assert project.statements.count() == len(STATEMENTS) + 2


def test_a_form_error_on_a_phone_takes_the_focus_to_the_summary(
    new_context, deliberating, practitioner
):
    """The add-a-statement and add-an-idea forms sit far down a 320 px page: after a refused
    submission the page must not open at its top, with the error out of sight and the focus
    on nothing. Without JavaScript, as `autofocus` needs none."""
    project, _ = deliberating
    page = new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False).new_page()
    log_in(page, practitioner)
    for path, button in [("vote/", "Add statement"), ("compare/", "Add idea")]:
        page.goto(f"/projects/{project.slug}/{path}")
        page.get_by_role("button", name=button).press("Enter")
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("There is a problem")
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()


def test_a_member_without_a_perspective_declares_one_and_comes_back_to_vote(
    new_context, deliberating, assert_accessible
):
    project, _ = deliberating
    member = factories.UserFactory(role="")
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    log_in(page, member)
    page.goto(f"/projects/{project.slug}/vote/")
    assert_accessible(page, "the vote page asking for a perspective, at 320 px")
    page.get_by_role("link", name="add it to your profile").click()
    page.get_by_label("Your role").select_option("carer")
    page.get_by_role("button", name="Save profile").click()
    expect(page).to_have_url(re.compile(rf"/projects/{project.slug}/vote/$"))
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_text("which perspective you bring")).to_have_count(0)


def test_an_htmx_vote_that_cannot_be_sent_says_so_and_can_be_sent_again(
    new_context, deliberating, practitioner, assert_accessible
):
    project, _ = deliberating
    context = new_context()
    page = context.new_page()
    log_in(page, practitioner)
    page.goto(f"/projects/{project.slug}/vote/")
    expect(page.locator("#vote-card")).to_contain_text("3 statements left")

    context.set_offline(True)
    page.wait_for_timeout(600)  # past the half second in which a new card takes no clicks
    agree = page.get_by_role("button", name="Agree", exact=True)
    agree.click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("Your vote was not sent"))
    expect(agree).to_be_focused()
    assert_accessible(page, "vote page after a vote that could not be sent")
    # A second failure is a new alert, announced again, not the same one left in place.
    page.locator("#vote-connection").evaluate("alert => alert.dataset.seen = 'yes'")
    agree.click()
    expect(page.locator("#vote-connection")).to_have_count(1)
    expect(page.locator("#vote-connection[data-seen]")).to_have_count(0)

    context.set_offline(False)
    agree.click()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")
    expect(page.locator("#vote-connection")).to_have_count(0)


def test_empty_pages_refused_forms_and_waiting_statements_are_accessible_on_a_phone(
    new_context, site, host_org, host_admin, practitioner, assert_accessible
):
    """States no other test runs axe on, at 320 px: nothing to vote on or compare yet, both
    forms refused, and a statement waiting for a host under pre-moderation."""
    from groundswell.deliberation.models import DeliberationSettings

    project = factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)
    DeliberationSettings.objects.create(project=project, moderation="pre")
    idea_create(project=project, author=host_admin, text="Pay travel time")
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    log_in(page, practitioner)

    page.goto(f"/projects/{project.slug}/vote/")
    expect(page.locator("#vote-card")).to_contain_text("No statements to vote on yet.")
    assert_accessible(page, "vote page with nothing to vote on, at 320 px")
    page.get_by_role("button", name="Add statement").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "a refused statement, at 320 px")
    page.get_by_label("Your statement").fill("Visits should be at least 45 minutes.")
    page.get_by_role("button", name="Add statement").click()
    expect(page.get_by_role("heading", name="Your statements not open for votes")).to_be_visible()
    assert_accessible(page, "a statement waiting for a host, at 320 px")

    page.goto(f"/projects/{project.slug}/statements/")
    expect(page.get_by_text("1 of your statements is waiting for a host")).to_be_visible()
    assert_accessible(page, "a statement list with only the member's waiting, at 320 px")

    page.goto(f"/projects/{project.slug}/compare/")
    expect(page.get_by_text("There are not yet two ideas to compare.")).to_be_visible()
    assert_accessible(page, "compare page with one idea, at 320 px")
    page.get_by_role("button", name="Add idea").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "a refused idea, at 320 px")

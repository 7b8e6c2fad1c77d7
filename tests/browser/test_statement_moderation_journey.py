"""Statement pre-moderation end to end, as the people involved meet it in a real browser.

A host turns on pre-moderation; a participant adds a named statement and a protected one and sees
both waiting; the host accepts one and rejects the other with one click from the statements
page. The author finds the notice, appeals with a reason and sees the appeal waiting; the host
decides it from the moderation queue and the author sees the outcome. Then the error paths: an
empty appeal, a second appeal, a second host clicking on a stale page, a participant trying the
host's URL, all without JavaScript too. Axe checks every page, at 1280 px and at 320 px, and no
page shows who wrote the protected statement.
"""

import re

import pytest
from playwright.sync_api import expect

from groundswell.deliberation.models import Statement
from groundswell.deliberation.services import deliberation_settings_update, statement_create
from groundswell.moderation.models import Decision
from groundswell.moderation.services import statement_moderate
from groundswell.testing import factories
from tests.browser.conftest import watching_csp
from tests.browser.test_journeys import log_in
from tests.browser.test_trust_pages import check_narrow, expect_field_error

pytestmark = pytest.mark.browser

NAMED = "Carers should be told about a change of visit time the day before."
PROTECTED = "My carer rushes the visit when the rota is late, and nobody checks."
APPEAL = "It is about the rota, which is the question; please look again."


@pytest.fixture
def new_context(new_context):
    """Every page these tests open is watched for Content-Security-Policy violations."""
    yield from watching_csp(new_context)


def visit(page, assert_accessible, what: str) -> None:
    """Axe at 1280 px and at 320 px, and the protected author nowhere on the page."""
    assert_accessible(page, what)
    check_narrow(page, assert_accessible, what)


def assert_author_hidden(page, author, what: str) -> None:
    html = page.content()
    for secret in (author.display_name, f"@{author.username}", author.email, author.pseudonym):
        if secret:
            assert secret not in html, f"{what} shows {secret!r}"


def press_until_focused(page, locator, *, key: str = "Tab", limit: int = 80) -> None:
    """Move through the page with the keyboard until the locator has the focus, as a keyboard
    user would, and check the focus is visible there."""
    for _ in range(limit):
        page.keyboard.press(key)
        if locator.evaluate("el => el === document.activeElement"):
            outline = locator.evaluate(
                "el => { const s = getComputedStyle(el);"
                " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0"
                " || s.boxShadow !== 'none'; }"
            )
            assert outline, "the focused control shows no focus ring"
            return
    raise AssertionError(f"{locator} never got the focus with {key}")


def status_of(text: str) -> str:
    return Statement.objects.get(text=text).status


def test_pre_moderated_statements_accepted_rejected_appealed_and_decided(
    new_context, project, host_admin, service_user, assert_accessible
):
    host = new_context().new_page()
    log_in(host, host_admin)

    # The host turns pre-moderation on, by keyboard.
    host.goto(f"/projects/{project.slug}/deliberation/settings/")
    visit(host, assert_accessible, "deliberation settings")
    pre = host.get_by_label(re.compile("^Pre-moderation"))
    press_until_focused(host, host.get_by_label(re.compile("^Post-moderation")))
    host.keyboard.press("ArrowDown")
    expect(pre).to_be_checked()
    allowed = host.get_by_label(re.compile("Participants may add statements"))
    if not allowed.is_checked():
        press_until_focused(host, allowed)
        host.keyboard.press("Space")
    press_until_focused(host, host.get_by_role("button", name="Save"))
    host.keyboard.press("Enter")
    expect(host.get_by_role("status")).to_contain_text("Saved.")

    # Sam adds a named statement and a protected one, and sees both waiting.
    sam = new_context().new_page()
    log_in(sam, service_user)
    sam.goto(f"/projects/{project.slug}/vote/")
    expect(sam.get_by_text("A host reads new statements before they are shown.")).to_be_visible()
    visit(sam, assert_accessible, "vote page, pre-moderated")
    for text, attribution in [(NAMED, "Named"), (PROTECTED, "Protected")]:
        sam.get_by_role("textbox", name="Your statement").fill(text)
        sam.get_by_label(re.compile(f"^{attribution}:")).check()
        sam.get_by_role("button", name="Add statement").click()
        expect(sam.get_by_role("status")).to_contain_text(
            "Your statement will appear once a host has approved it."
        )
    mine = sam.get_by_role("region", name="Your statements not open for votes")
    expect(mine.get_by_role("listitem").filter(has_text=NAMED)).to_contain_text(
        "waiting for a host"
    )
    expect(mine.get_by_role("listitem").filter(has_text=PROTECTED)).to_contain_text(
        "waiting for a host"
    )
    visit(sam, assert_accessible, "vote page, two statements waiting")
    assert status_of(NAMED) == status_of(PROTECTED) == "pending"

    # The host accepts the named one and rejects the protected one, each with one click.
    host.goto(f"/projects/{project.slug}/statements/")
    waiting = host.get_by_role("region", name="Waiting for moderation")
    expect(waiting).to_contain_text(NAMED)
    expect(waiting).to_contain_text(PROTECTED)
    # Not "No statements yet" while two are waiting just above.
    expect(host.get_by_text("No statements are open for votes yet")).to_be_visible()
    assert_author_hidden(host, service_user, "statements page with a protected statement waiting")
    visit(host, assert_accessible, "statements page, two waiting")
    accept = host.get_by_role("button", name=re.compile(r"^Accept\W+Carers should"))
    press_until_focused(host, accept)
    host.keyboard.press("Enter")
    expect(host.get_by_role("status")).to_contain_text("Statement accepted.")
    expect(host.get_by_role("cell", name=re.compile("^Carers should be told"))).to_be_visible()
    assert status_of(NAMED) == "accepted"
    host.get_by_role("button", name=re.compile(r"^Reject\W+My carer rushes")).click()
    expect(host.get_by_role("status")).to_contain_text("Statement rejected.")
    expect(host.get_by_role("region", name="Waiting for moderation")).to_have_count(0)
    assert status_of(PROTECTED) == "rejected"
    visit(host, assert_accessible, "statements page after deciding")

    # Sam sees the outcome on the vote page and finds the notice.
    sam.goto(f"/projects/{project.slug}/vote/")
    mine = sam.get_by_role("region", name="Your statements not open for votes")
    expect(mine).not_to_contain_text(NAMED)
    expect(mine.get_by_role("listitem").filter(has_text=PROTECTED)).to_contain_text("not accepted")
    mine.get_by_role("link", name="Why, and how to appeal").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Moderation notices")
    visit(sam, assert_accessible, "notices")
    rejected = sam.get_by_role("listitem").filter(has_text=PROTECTED)
    expect(rejected).to_contain_text("your statement (protected)")
    expect(rejected).to_contain_text("Rejected: not open for votes")
    expect(rejected).to_contain_text("It did not fit the question")
    accepted = sam.get_by_role("listitem").filter(has_text=NAMED)
    expect(accepted).to_contain_text("Approved")
    expect(accepted).to_contain_text("it is open for votes")
    expect(accepted.get_by_role("link", name=re.compile("Appeal"))).to_have_count(0)

    # The appeal: first empty, then with a reason.
    rejected.get_by_role("link", name=re.compile("Appeal")).click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Appeal a decision")
    expect(sam.locator("dl.details")).to_contain_text(PROTECTED)
    visit(sam, assert_accessible, "appeal form")
    sam.get_by_role("button", name="Send the appeal").click()
    expect_field_error(sam, "id_text", "Say why the decision should change.")
    visit(sam, assert_accessible, "appeal form with an error")
    sam.locator("#id_text").fill(APPEAL)
    sam.get_by_role("button", name="Send the appeal").click()
    expect(sam.get_by_role("status")).to_contain_text("Your appeal is sent.")
    rejected = sam.get_by_role("listitem").filter(has_text=PROTECTED)
    expect(rejected).to_contain_text("Your appeal: Waiting for a host")
    expect(rejected.get_by_role("link", name=re.compile("Appeal"))).to_have_count(0)
    visit(sam, assert_accessible, "notices with an appeal waiting")
    assert status_of(PROTECTED) == "rejected"

    # The host finds the appeal in the queue, sees which statement it is, and reverses it.
    host.goto(f"/projects/{project.slug}/moderation/")
    appeals = host.get_by_role("region", name="Appeals")
    expect(appeals).to_contain_text(APPEAL)
    assert_author_hidden(host, service_user, "queue with an appeal on a protected statement")
    visit(host, assert_accessible, "queue with an appeal")
    appeals.get_by_role("link", name=re.compile("Decide the appeal")).click()
    expect(host.locator("dl.details")).to_contain_text(PROTECTED)
    assert_author_hidden(host, service_user, "appeal decision page")
    visit(host, assert_accessible, "appeal decision page")
    host.get_by_role("button", name="Record the outcome").click()
    expect_field_error(host, "id_reason", "Give a reason for the outcome.")
    visit(host, assert_accessible, "appeal decision with errors")
    host.get_by_label(re.compile("^Reverse")).check()
    host.locator("#id_reason").fill("On a second reading it is about the rota.")
    host.get_by_role("button", name="Record the outcome").click()
    expect(host.get_by_role("status")).to_contain_text("Appeal decided.")
    expect(host.get_by_role("region", name="Appeals")).to_contain_text("No appeals are waiting.")
    # Reversed, the rejection is undone: the statement is open for votes.
    assert status_of(PROTECTED) == "accepted"
    assert_author_hidden(host, service_user, "queue after the appeal was reversed")

    # Sam sees the outcome, and the statement open for votes: it has left Sam's list.
    sam.goto("/moderation/notices/")
    rejected = sam.get_by_role("listitem").filter(has_text=PROTECTED)
    expect(rejected).to_contain_text("Your appeal: Decision reversed")
    expect(rejected).to_contain_text("On a second reading it is about the rota.")
    visit(sam, assert_accessible, "notices with the appeal decided")
    sam.goto(f"/projects/{project.slug}/vote/")
    expect(sam.get_by_role("region", name="Your statements not open for votes")).to_have_count(0)
    expect(sam.locator("#vote-card")).to_contain_text("2 statements left to vote on.")

    # A second appeal of the same decision is refused: no link, and the form is gone.
    decision = Decision.objects.get(item_protected=True, outcome="reject")
    sam.goto(f"/moderation/notices/{decision.pk}/appeal/")
    expect(sam.get_by_text("You have already appealed this decision")).to_be_visible()
    expect(sam.get_by_role("button", name="Send the appeal")).to_have_count(0)
    visit(sam, assert_accessible, "appeal page, already appealed")


def test_rejecting_from_a_stale_page_and_accepting_from_the_rejected_list_without_javascript(
    new_context, project, host_admin, service_user, assert_accessible
):
    """Two hosts open the statements page; one rejects a waiting statement, the other, still on
    the old page, rejects it too and is told it is already rejected. Then the rejected list
    accepts it after all, which settles the author's open appeal. No JavaScript anywhere."""
    co_host = factories.UserFactory(username="cora", display_name="Cora Co-host")
    factories.MembershipFactory(organisation=project.host_organisation, user=co_host, is_admin=True)
    deliberation_settings_update(
        project=project,
        by=host_admin,
        moderation="pre",
        participants_may_add_statements=True,
    )
    statement = statement_create(
        project=project, author=service_user, text=PROTECTED, attribution="protected"
    )
    assert statement.status == "pending"

    # axe needs JavaScript, so it runs in the first host's browser; the second has none.
    first = new_context().new_page()
    second = new_context(java_script_enabled=False).new_page()
    log_in(first, host_admin)
    log_in(second, co_host)
    for page in (first, second):
        page.goto(f"/projects/{project.slug}/statements/")
    first.get_by_role("button", name=re.compile(r"^Reject\W+My carer")).click()
    expect(first.get_by_role("status")).to_contain_text("Statement rejected.")
    second.get_by_role("button", name=re.compile(r"^Reject\W+My carer")).click()
    expect(second.get_by_role("status")).to_contain_text("That statement is already rejected.")
    assert Decision.objects.filter(item_id=statement.pk).count() == 1

    # The author appeals (without JavaScript too).
    sam = new_context(java_script_enabled=False).new_page()
    log_in(sam, service_user)
    sam.goto("/moderation/notices/")
    sam.get_by_role("link", name=re.compile("Appeal")).click()
    sam.locator("#id_text").fill(APPEAL)
    sam.get_by_role("button", name="Send the appeal").click()
    expect(sam.get_by_role("status")).to_contain_text("Your appeal is sent.")

    # The co-host, from the rejected list, accepts it after all.
    second.get_by_role("link", name="Rejected statements (1)").click()
    assert_author_hidden(second, service_user, "rejected statements")
    first.goto(second.url)
    visit(first, assert_accessible, "rejected statements")
    second.get_by_role("button", name=re.compile(r"^Accept\W+My carer")).click()
    expect(second.get_by_role("status")).to_contain_text("Statement accepted.")
    expect(second.get_by_text("No statements have been rejected.")).to_be_visible()
    assert status_of(PROTECTED) == "accepted"
    sam.goto("/moderation/notices/")
    notice = sam.get_by_role("listitem").filter(has_text="Rejected: not open for votes")
    expect(notice).to_contain_text("Your appeal: Decision reversed")
    expect(notice).to_contain_text("A later decision put it back")
    second.goto(f"/projects/{project.slug}/moderation/")
    expect(second.get_by_role("region", name="Appeals")).to_contain_text("No appeals are waiting.")


def test_a_participant_cannot_use_the_hosts_pages(
    new_context, project, host_admin, service_user, practitioner, assert_accessible
):
    """A participant who tries the hosts' URLs gets a plain refusal (403 or 404), never an error
    page, and the statement is unchanged; so does someone appealing a decision that is not
    theirs, and an appeal with nothing in it."""
    deliberation_settings_update(
        project=project, by=host_admin, moderation="pre", participants_may_add_statements=True
    )
    statement = statement_create(project=project, author=service_user, text=NAMED)
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, practitioner)
    checked = new_context().new_page()  # axe needs JavaScript
    log_in(checked, practitioner)
    csrf = page.context.cookies()
    token = next(c["value"] for c in csrf if c["name"] == "csrftoken")
    url = f"/projects/{project.slug}/statements/{statement.pk}/moderate/"
    response = page.request.post(
        url, form={"decision": "accept"}, headers={"X-CSRFToken": token, "Referer": page.url}
    )
    assert response.status in (403, 404), response.status
    response = page.request.get(url)
    assert response.status == 405
    for path in [
        f"/projects/{project.slug}/statements/rejected/",
        f"/projects/{project.slug}/moderation/",
    ]:
        shown = page.goto(path)
        assert shown.status in (403, 404), (path, shown.status)
        checked.goto(path)
        assert_accessible(checked, f"{path} refused")
    assert status_of(NAMED) == "pending"

    decision = statement_moderate(statement=statement, by=host_admin, accept=False)
    shown = page.goto(f"/moderation/notices/{decision.pk}/appeal/")
    assert shown.status == 404
    shown = page.goto(f"/moderation/notices/{decision.pk + 1000}/appeal/")
    assert shown.status == 404

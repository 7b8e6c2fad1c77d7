"""Whole journeys through a real browser, with axe checking every page against WCAG 2.2 AA.

Journey 1: a newcomer signs up, confirms their e-mail, declares their perspective, sets up an
organisation and starts a project hosted by it. Journey 2: a practitioner logs in, adds a practice
and a protected barrier to that project, and comments on the practice. Then the same pages without
JavaScript, and on a 320 px wide phone screen.
"""

import re

import pytest
from playwright.sync_api import expect

from groundswell.contributions.kinds import all_kinds
from groundswell.testing import factories

pytestmark = pytest.mark.browser

QUESTION = "What would make home care visits work for the people who get them?"
PASSWORD = "a long and unguessable pass phrase"


def confirmation_link(outbox, address: str) -> str:
    """The e-mail confirmation link from the last message sent to the address."""
    message = next(m for m in reversed(outbox) if address in m.to)
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def log_in(page, user, password: str = factories.PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_in_with_code(page, user, code: str, password: str = factories.PASSWORD) -> None:
    """Log in to an account with two-factor authentication: password, then the code."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def add_practice(page, *, title: str) -> None:
    page.locator("#id_title").fill(title)
    page.locator("#id_body").fill("Carers and families plan the week's visits together.")
    page.locator("#id_setting").fill("Home care team, Northfield")
    page.locator("#id_done_by").fill("Care workers with the families")
    page.locator("#id_since").fill("2019")
    page.locator("#id_outcomes").fill("Fewer missed visits and fewer repeat calls.")
    page.locator("#id_cost").fill("Saves two repeat calls a week per family.")
    page.locator("#id_evidence_level").select_option("monitored")
    page.get_by_label("Named: show my name").check()
    page.get_by_role("button", name="Publish").click()


def sign_up_and_start_project(page, mailoutbox, assert_accessible) -> str:
    """Journey 1. Returns the new project's path."""
    page.goto("/")
    assert_accessible(page, "home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    assert_accessible(page, "sign-up")
    page.locator("#id_email").fill("hana@example.org")
    page.locator("#id_username").fill("hana")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    assert_accessible(page, "verification sent")

    page.goto(confirmation_link(mailoutbox, "hana@example.org"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    assert_accessible(page, "confirm e-mail")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto("/me/profile/")
    assert_accessible(page, "profile edit")
    page.locator("#id_display_name").fill("Hana Host")
    page.locator("#id_role").select_option(label="Manager")
    page.locator("#id_sector").select_option(label="Social care")
    page.locator("#id_region").select_option(label="North West England")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hana Host")
    expect(page.locator("dl.details")).to_contain_text("North West England")
    assert_accessible(page, "profile")

    page.get_by_role("link", name="Add an organisation").click()
    assert_accessible(page, "organisation create")
    page.locator("#id_name").fill("Northfield Care Trust")
    page.locator("#id_kind").select_option("charity")
    page.locator("#id_description").fill("A charity that runs home care in Northfield.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northfield Care Trust")
    assert_accessible(page, "organisation page")

    page.goto("/projects/new/")
    assert_accessible(page, "project create")
    page.get_by_role("button", name="Start the project").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator(".field-error #id_question")).to_be_visible()
    assert_accessible(page, "project create with errors")

    page.locator("#id_question").fill(QUESTION)
    page.locator("#id_description").fill("We want to hear from people who give and get home care.")
    page.locator("#id_kind").select_option(label="Policy statement")
    page.locator("#id_host").select_option(label="Northfield Care Trust")
    page.get_by_label("Public: anyone can read; members can take part").check()
    # The phase dates keep the suggested plan the form starts with.
    expect(page.locator("#id_phase_define")).not_to_have_value("")
    page.locator("#id_target_practitioner").fill("20")
    page.get_by_role("button", name="Start the project").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(page.locator(".phases [aria-current=step]")).to_contain_text("Define the problem")
    expect(page.locator(".eyebrow")).to_contain_text("hosted by Northfield Care Trust")
    assert_accessible(page, "project page")
    return re.sub(r"^https?://[^/]+", "", page.url)


def contribute_and_comment(page, project_path: str, assert_accessible) -> None:
    """Journey 2, for a member made by the factories with a verified address."""
    priya = factories.UserFactory(
        username="priya", display_name="Priya Practitioner", role="practitioner"
    )
    page.goto("/accounts/login/")
    assert_accessible(page, "log-in")
    log_in(page, priya)

    page.goto("/projects/")
    assert_accessible(page, "project list")
    page.get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)

    page.get_by_role("link", name="Add a contribution").click()
    assert_accessible(page, "contribution choose")
    for kind in all_kinds():
        page.goto(f"{project_path}contribute/{kind.slug}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Add a")
        assert_accessible(page, f"{kind.slug} form")

    page.goto(f"{project_path}contribute/practice/")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "practice form with errors")
    add_practice(page, title="Families plan the visits")
    expect(page.get_by_role("heading", level=1)).to_have_text("Families plan the visits")
    expect(page.locator("article .byline")).to_contain_text("Priya Practitioner")
    expect(page.locator("dl.details")).to_contain_text("Monitored: we track outcomes")
    practice_url = page.url

    page.goto(f"{project_path}contribute/barrier/")
    page.locator("#id_title").fill("The 15-minute visit slot")
    page.locator("#id_body").fill("Visits are commissioned in 15-minute slots.")
    page.locator("#id_rule").fill("Per-minute home care commissioning")
    page.locator("#id_reference").fill("Council home care framework, schedule 2")
    page.locator("#id_frontline_effect").fill("Carers rush, and people go without a wash.")
    page.locator("#id_workaround").fill("Carers stay on unpaid.")
    page.locator("#id_affected").fill("People who need help to wash and dress")
    page.locator("#id_frequency").select_option("daily")
    page.get_by_label("Protected: show no author to anyone").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The 15-minute visit slot")
    byline = page.locator("article .byline")
    expect(byline).to_contain_text("Protected contributor")
    expect(byline).not_to_contain_text("Priya")
    assert_accessible(page, "barrier page")

    page.goto(practice_url)
    page.locator("#id_body").fill("We tried this in Eastfield too, and it worked.")
    page.get_by_role("button", name="Post comment").click()
    comments = page.locator("#comments .comments")
    expect(comments).to_contain_text("We tried this in Eastfield too, and it worked.")
    expect(comments.locator(".byline")).to_contain_text("Priya Practitioner")
    assert_accessible(page, "practice page with a comment")

    page.goto(f"{project_path}contributions/?kind=barrier")
    results = page.locator("ul.contributions")
    expect(results).to_contain_text("The 15-minute visit slot")
    expect(results).not_to_contain_text("Families plan the visits")
    expect(results.locator(".byline")).to_contain_text("Protected contributor")
    assert_accessible(page, "contribution list, filtered")

    page.goto("/contributions/?q=visits&author_role=practitioner")
    expect(page.locator("ul.contributions")).to_contain_text("Families plan the visits")
    assert_accessible(page, "cross-project browse, filtered")
    page.goto("/contributions/")
    assert_accessible(page, "cross-project browse")

    page.goto("/organisations/")
    expect(page.get_by_role("link", name="Northfield Care Trust")).to_be_visible()
    assert_accessible(page, "organisation list")


def test_newcomer_starts_a_project_and_a_practitioner_contributes(
    new_context, mailoutbox, assert_accessible
):
    host_page = new_context().new_page()
    project_path = sign_up_and_start_project(host_page, mailoutbox, assert_accessible)

    contributor_page = new_context().new_page()
    contribute_and_comment(contributor_page, project_path, assert_accessible)


@pytest.fixture
def live_project(site, host_org, host_admin):
    return factories.ProjectFactory(
        host_organisation=host_org, created_by=host_admin, question=QUESTION
    )


def test_contributing_works_without_javascript(new_context, live_project, practitioner):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, practitioner)
    page.goto(live_project.get_absolute_url())
    page.get_by_role("link", name="Add a contribution").click()
    page.get_by_role("link", name="Practice that works").click()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    add_practice(page, title="Families plan the visits")
    expect(page.get_by_role("heading", level=1)).to_have_text("Families plan the visits")
    expect(page.get_by_role("status")).to_contain_text("Your contribution is published")

    page.locator("#id_body").fill("Same here.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments .comments")).to_contain_text("Same here.")

    page.goto(f"{live_project.get_absolute_url()}contributions/?kind=practice")
    expect(page.locator("ul.contributions")).to_contain_text("Families plan the visits")


def test_no_sideways_scrolling_on_a_320px_screen(
    new_context, live_project, practitioner, host_admin
):
    practice = factories.ContributionFactory(
        project=live_project,
        kind="practice",
        author=practitioner,
        title="A practice with a deliberately long title to see that it wraps on a phone",
        details={"setting": "Home care", "outcomes": "Fewer missed visits", "evidence_level": "x"},
    )
    factories.CommentFactory(contribution=practice, author=host_admin)
    project = live_project.get_absolute_url()
    anonymous_pages = [
        "/",
        "/accounts/signup/",
        "/accounts/login/",
        "/projects/",
        "/organisations/",
        "/contributions/",
        project,
        f"{project}contributions/?kind=practice",
        practice.get_absolute_url(),
        host_admin.get_absolute_url(),
        live_project.host_organisation.get_absolute_url(),
    ]
    member_pages = [
        "/me/profile/",
        "/organisations/new/",
        "/projects/new/",
        f"{project}contribute/",
        *(f"{project}contribute/{kind.slug}/" for kind in all_kinds()),
        practice.get_absolute_url(),
    ]
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    too_wide = {}

    def measure(path: str) -> None:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320 + 1:
            too_wide[path] = width

    for path in anonymous_pages:
        measure(path)
    log_in(page, practitioner)
    for path in member_pages:
        measure(path)
    page.goto("/projects/new/")
    page.get_by_role("button", name="Start the project").click()
    measure_errors = page.evaluate("document.documentElement.scrollWidth")
    if measure_errors > 321:
        too_wide["/projects/new/ with errors"] = measure_errors

    assert not too_wide, f"pages wider than a 320 px screen: {too_wide}"

"""The trust, safety and privacy pages in a real browser, each checked by axe in its normal, empty
and error states: reporting and moderating (with an appeal), invitation codes, verified roles,
staff suspending a member, editing a protected contribution, blocked members, health and
disability, and the coordinated-voting report. Then the report and decision forms without
JavaScript, and the queue and the log on a 320 px wide screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groundswell.contributions.services import comment_create, contribution_create
from groundswell.deliberation.services import statement_create
from groundswell.moderation.items import item_type
from groundswell.moderation.services import decision_make, flag_create
from groundswell.organisations.services import organisation_set_verified, verified_role_request
from groundswell.testing import factories
from tests.browser.conftest import watching_csp
from tests.browser.test_journeys import log_in, log_in_with_code

pytestmark = pytest.mark.browser

RUDE = "The carer who came on Tuesday shouted at my mother."


@pytest.fixture
def new_context(new_context):
    """Every page these tests open is watched for Content-Security-Policy violations."""
    yield from watching_csp(new_context)


def expect_field_error(page, field_id: str, message: str) -> None:
    """The error shows in the summary (linking to the field) and next to the field, which is
    described by it."""
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.locator(f'a[href="#{field_id}"]')).to_contain_text(message)
    expect(page.locator(f"#{field_id}_error")).to_have_text(message)
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
    assert f"{field_id}_error" in described.split()


def check_narrow(page, assert_accessible, what: str) -> None:
    """The page as it stands also works on a 320 px wide phone: no sideways scrolling, and axe
    finds nothing (a table that scrolls on its own must be reachable by keyboard)."""
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320 + 1, f"{what} is {width} px wide on a 320 px screen"
    assert_accessible(page, f"{what} on a 320 px screen")
    page.set_viewport_size({"width": 1280, "height": 720})


@pytest.fixture
def protected_comment(site, project, practitioner, service_user):
    """Sam's protected comment on Priya's story."""
    story = factories.ContributionFactory(
        project=project, author=practitioner, title="Missed visits on Tuesdays"
    )
    comment = comment_create(
        contribution=story, author=service_user, body=RUDE, attribution="protected"
    )
    return story, comment


def test_report_hide_log_appeal_and_decide_the_appeal(
    new_context,
    project,
    protected_comment,
    practitioner,
    service_user,
    host_admin,
    assert_accessible,
):
    story, _ = protected_comment

    # Priya reports the comment, first without choosing a reason.
    reporter = new_context().new_page()
    log_in(reporter, practitioner)
    reporter.goto(story.get_absolute_url())
    reporter.get_by_role("link", name="Report this comment").click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text("Report a comment")
    assert_accessible(reporter, "report form")
    reporter.get_by_role("button", name="Send the report").click()
    expect_field_error(reporter, "id_reason", "Choose why you are reporting this.")
    assert_accessible(reporter, "report form with an error")
    check_narrow(reporter, assert_accessible, "report form with an error")
    reporter.get_by_label("Abusive, hateful or threatening").check()
    reporter.get_by_label("Anything the hosts should know (optional)").fill("Shouting at people.")
    reporter.get_by_role("button", name="Send the report").click()
    expect(reporter.get_by_role("status")).to_contain_text("Thank you. A host will look at it.")

    # The host finds it in the queue and hides it, first without a reason.
    host = new_context().new_page()
    log_in(host, host_admin)
    host.goto(project.get_absolute_url())
    host.get_by_role("link", name="Moderation", exact=True).click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Moderation")
    queue = host.locator("section", has=host.get_by_role("heading", name="Reported items"))
    expect(queue).to_contain_text(RUDE)
    expect(queue).to_contain_text("Protected contributor")
    expect(queue).not_to_contain_text("Sam Service-User")
    assert_accessible(host, "moderation queue with a reported comment")
    queue.get_by_role("link", name="Decide").click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Decide on a comment")
    assert_accessible(host, "decision form")
    host.get_by_label("Hide it from the public").check()
    host.get_by_role("button", name="Record the decision").click()
    expect_field_error(host, "id_reason", "Give a reason for the decision.")
    expect(host.get_by_label("Hide it from the public")).to_be_checked()
    assert_accessible(host, "decision form with an error")
    check_narrow(host, assert_accessible, "decision form with an error")
    host.get_by_label("Reason").fill("Shouting at a named family is not allowed here.")
    host.get_by_role("button", name="Record the decision").click()
    expect(host.get_by_role("status")).to_contain_text("Decision recorded: Hide it from the public")
    expect(host.get_by_text("Nothing is waiting: no open reports.")).to_be_visible()
    assert_accessible(host, "moderation queue, empty")

    # The public log shows the decision and never the author.
    visitor = new_context().new_page()
    visitor.goto(project.get_absolute_url())
    visitor.get_by_role("link", name="Moderation log").click()
    log_table = visitor.get_by_role("table")
    expect(log_table).to_contain_text("Shouting at a named family is not allowed here.")
    expect(log_table).to_contain_text("Hidden from the public")
    expect(visitor.locator("main")).not_to_contain_text("Sam Service-User")
    expect(visitor.locator("main")).not_to_contain_text("sam")
    assert_accessible(visitor, "moderation log")

    # Sam, the protected author, sees the notice and appeals once.
    author = new_context().new_page()
    log_in(author, service_user)
    author.goto(service_user.get_absolute_url())
    author.get_by_role("link", name="Moderation notices").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Moderation notices")
    expect(author.locator("main")).to_contain_text("your comment (protected)")
    assert_accessible(author, "moderation notices")
    check_narrow(author, assert_accessible, "moderation notices")
    author.get_by_role("link", name="Appeal this decision").click()
    appeal_url = author.url
    assert_accessible(author, "appeal form")
    author.get_by_role("button", name="Send the appeal").click()
    expect_field_error(author, "id_text", "Say why the decision should change.")
    author.get_by_role("alert").get_by_role("link").click()  # the summary leads to the field
    expect(author.locator("#id_text")).to_be_focused()
    assert_accessible(author, "appeal form with an error")
    author.get_by_label("Why should the decision change?").fill("I named no one; it happened.")
    author.get_by_role("button", name="Send the appeal").click()
    expect(author.get_by_role("status")).to_contain_text("Your appeal is sent.")
    expect(author.get_by_role("link", name="Appeal this decision")).to_have_count(0)
    expect(author.locator("main")).to_contain_text("Your appeal: Waiting for a host")
    assert_accessible(author, "moderation notices, appealed")
    # Once only: the appeal page now says so and has no form. (Not by Back: the page is not
    # kept by the browser, and the entry before is the refused POST.)
    author.goto(appeal_url)
    expect(author.get_by_text("You have already appealed this decision")).to_be_visible()
    expect(author.get_by_role("button", name="Send the appeal")).to_have_count(0)

    # The host decides the appeal, first without choosing an outcome.
    host.goto(host.url)
    host.get_by_role("link", name="Decide the appeal").click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Decide an appeal")
    expect(host.locator("main")).not_to_contain_text("Sam Service-User")
    assert_accessible(host, "appeal decision form")
    check_narrow(host, assert_accessible, "appeal decision form")
    host.get_by_role("button", name="Record the outcome").click()
    expect_field_error(host, "id_outcome", "Choose to uphold or reverse the decision.")
    assert_accessible(host, "appeal decision form with errors")
    host.get_by_label("Reverse: undo the decision").check()
    host.get_by_label("Reason").fill("On reflection it names no one.")
    host.get_by_role("button", name="Record the outcome").click()
    expect(host.get_by_role("status")).to_contain_text("Appeal decided.")
    expect(host.get_by_text("No appeals are waiting.")).to_be_visible()

    visitor.reload()
    expect(visitor.get_by_role("table")).to_contain_text("On reflection it names no one.")
    expect(visitor.locator("main")).not_to_contain_text("Sam Service-User")


def test_empty_states_and_the_moderation_setting(
    new_context, project, host_admin, service_user, assert_accessible
):
    visitor = new_context().new_page()
    visitor.goto(f"/projects/{project.slug}/moderation/log/")
    expect(visitor.get_by_text("Nothing has been moderated in this project.")).to_be_visible()
    assert_accessible(visitor, "moderation log, empty")

    author = new_context().new_page()
    log_in(author, service_user)
    author.goto("/moderation/notices/")
    expect(author.get_by_text("No notices: no host has moderated anything")).to_be_visible()
    assert_accessible(author, "moderation notices, empty")

    host = new_context().new_page()
    log_in(host, host_admin)
    host.goto(f"/projects/{project.slug}/moderation/")
    expect(host.get_by_text("No contributions are waiting for approval.")).to_be_visible()
    expect(host.get_by_text("No appeals are waiting.")).to_be_visible()
    # No choice made (a browser cannot untick a radio button, so the test does it for them).
    host.locator("#id_mode input:checked").evaluate("radio => { radio.checked = false; }")
    host.get_by_role("button", name="Save").click()
    expect_field_error(host, "id_mode", "Choose pre-moderation or post-moderation.")
    assert_accessible(host, "moderation setting with an error")
    host.get_by_label("Pre-moderation: hosts approve participants' contributions first").check()
    host.get_by_role("button", name="Save").click()
    expect(host.get_by_role("status")).to_contain_text("Moderation setting saved.")

    # A participant's new contribution now waits for the host.
    project.refresh_from_db()
    contribution_create(
        project=project, author=service_user, kind="story", title="Waiting here", body="Text."
    )
    host.reload()
    pending = host.locator(
        "section", has=host.get_by_role("heading", name="Contributions waiting for approval")
    )
    expect(pending).to_contain_text("Waiting here")
    assert_accessible(host, "moderation queue with a pending contribution")
    pending.get_by_role("link", name="Approve or not").click()
    host.get_by_label("Approve: publish it").check()
    host.get_by_label("Reason").fill("Fine.")
    host.get_by_role("button", name="Record the decision").click()
    expect(host.get_by_text("No contributions are waiting for approval.")).to_be_visible()


def test_report_and_decide_without_javascript(
    new_context, project, protected_comment, practitioner, host_admin
):
    story, _ = protected_comment
    reporter = new_context(java_script_enabled=False).new_page()
    log_in(reporter, practitioner)
    reporter.goto(story.get_absolute_url())
    reporter.get_by_role("link", name="Report this comment").click()
    reporter.get_by_role("button", name="Send the report").click()
    expect_field_error(reporter, "id_reason", "Choose why you are reporting this.")
    reporter.get_by_label("Spam or advertising").check()
    reporter.get_by_role("button", name="Send the report").click()
    expect(reporter.get_by_role("status")).to_contain_text("Thank you. A host will look at it.")

    host = new_context(java_script_enabled=False).new_page()
    log_in(host, host_admin)
    host.goto(f"/projects/{project.slug}/moderation/")
    host.get_by_role("link", name="Decide").click()
    host.get_by_role("button", name="Record the decision").click()
    expect_field_error(host, "id_outcome", "Choose a decision.")
    host.get_by_label("Keep: it stays, the flags are dismissed").check()
    host.get_by_label("Reason").fill("Not spam.")
    host.get_by_role("button", name="Record the decision").click()
    expect(host.get_by_role("status")).to_contain_text("Decision recorded: Keep")


def test_queue_and_log_fit_a_320px_screen(
    new_context, project, protected_comment, practitioner, host_admin, assert_accessible
):
    story, comment = protected_comment
    comments = item_type("comment")
    long_word = "Anextraordinarilylongwordwithoutanyspacesthatmustwraponaphone" * 2
    flag_create(
        project=project,
        item_type=comments,
        item=comment,
        by=practitioner,
        reason="abusive",
        note="A deliberately long note to see that it wraps on a narrow phone screen " * 3,
    )
    long_story = factories.ContributionFactory(
        project=project, author=practitioner, title=long_word
    )
    flag_create(
        project=project,
        item_type=item_type("contribution"),
        item=long_story,
        by=host_admin,
        reason="spam",
    )
    decision_make(
        project=project,
        item_type=comments,
        item=comment,
        by=host_admin,
        outcome="hide",
        reason="A reason that is long enough to need several lines on a narrow screen. " * 3,
    )
    long_comment = comment_create(contribution=story, author=practitioner, body=long_word)
    decision_make(
        project=project,
        item_type=comments,
        item=long_comment,
        by=host_admin,
        outcome="edit_request",
        reason=long_word,
    )
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    too_wide = {}

    def measure(path: str) -> None:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320 + 1:
            too_wide[path] = width
        assert_accessible(page, f"{path} on a 320 px screen")

    measure(f"/projects/{project.slug}/moderation/log/")
    log_in(page, host_admin)
    measure(f"/projects/{project.slug}/moderation/")
    measure(f"/projects/{project.slug}/moderation/log/")
    assert not too_wide, f"pages wider than a 320 px screen: {too_wide}"


def test_site_queue_for_staff(
    new_context, project, protected_comment, practitioner, totp_code, assert_accessible
):
    boss = factories.UserFactory(username="boss", is_staff=True)
    page = new_context().new_page()
    log_in_with_code(page, boss, totp_code(factories.totp_activate(boss)))
    page.goto("/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation across every project")
    expect(page.get_by_text("Nothing is waiting: no open reports.")).to_be_visible()
    assert_accessible(page, "site queue, empty")

    _, comment = protected_comment
    flag_create(
        project=project,
        item_type=item_type("comment"),
        item=comment,
        by=practitioner,
        reason="personal",
    )
    page.reload()
    reported = page.locator("section", has=page.get_by_role("heading", name="Reported items"))
    expect(reported).to_contain_text(RUDE)
    expect(reported.get_by_role("link", name=project.question[:30])).to_be_visible()
    assert_accessible(page, "site queue with a reported comment")
    check_narrow(page, assert_accessible, "site queue")


# Invitation codes ----------------------------------------------------------------------------


def test_invite_codes_and_joining_with_a_code(
    new_context, private_project, host_admin, practitioner, service_user, assert_accessible
):
    host = new_context().new_page()
    log_in(host, host_admin)
    host.goto(private_project.get_absolute_url())
    host.get_by_role("link", name="Invitation codes").click()
    expect(host.get_by_text("No invitation codes yet.")).to_be_visible()
    assert_accessible(host, "invitation codes, none yet")
    host.get_by_label("How many codes").fill("0")
    host.get_by_role("button", name="Make codes").click()
    expect_field_error(host, "id_count", "Ensure this value is greater than or equal to 1.")
    assert_accessible(host, "invitation codes with an error")
    host.get_by_label("How many codes").fill("2")
    host.get_by_label("Note to yourself (who they are for)").fill("Tuesday drop-in")
    host.get_by_role("button", name="Make codes").click()
    codes = host.get_by_role("table").locator("code")
    expect(codes).to_have_count(2)
    assert_accessible(host, "invitation codes")
    check_narrow(host, assert_accessible, "invitation codes")
    code = codes.first.inner_text()

    member = new_context().new_page()
    log_in(member, practitioner)
    member.goto("/projects/")
    member.get_by_role("link", name="Join with a code").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Join a project with a code")
    assert_accessible(member, "join with a code")
    member.get_by_label("Your invitation code").fill("WRONGCODE1")
    member.get_by_role("button", name="Join").click()
    expect(member.get_by_role("alert")).to_contain_text("There is a problem")
    expect(member.locator(".field-error #id_code")).to_be_visible()
    assert_accessible(member, "join with a code, wrong code")
    check_narrow(member, assert_accessible, "join with a code, wrong code")
    member.get_by_label("Your invitation code").fill(code.lower())
    member.get_by_role("button", name="Join").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(private_project.question)

    host.reload()
    used = host.get_by_role("row", name=code)
    expect(used).to_contain_text("Priya Practitioner")
    expect(host.get_by_text("1 code still unused.")).to_be_visible()

    # The other code, carried by its link, fills the field in for the next member.
    second = codes.nth(1).inner_text()
    newcomer = new_context().new_page()
    log_in(newcomer, service_user)
    newcomer.goto(f"/projects/join-code/?code={second}")
    expect(newcomer.get_by_label("Your invitation code")).to_have_value(second)
    newcomer.get_by_role("button", name="Join").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(private_project.question)
    host.reload()
    expect(host.get_by_text("0 codes still unused.")).to_be_visible()
    expect(host.get_by_role("button", name="Revoke")).to_have_count(0)
    assert_accessible(host, "invitation codes, all used")
    check_narrow(host, assert_accessible, "invitation codes, all used")


# Verified roles ------------------------------------------------------------------------------


def test_a_verified_role_confirmed_by_an_organisation_shows_on_a_pseudonymous_contribution(
    new_context, project, host_org, host_admin, practitioner, assert_accessible
):
    organisation_set_verified(
        organisation=host_org, by=factories.UserFactory(is_staff=True), verified=True
    )
    factories.MembershipFactory(organisation=host_org, user=practitioner)
    practitioner.pseudonym = "Northfield Nurse"
    practitioner.save(update_fields=["pseudonym"])
    story = contribution_create(
        project=project,
        author=practitioner,
        kind="story",
        title="Weekend visits",
        body="Weekend visits are often missed.",
        attribution="pseudonymous",
    )

    protected = contribution_create(
        project=project,
        author=practitioner,
        kind="story",
        title="What I saw at night",
        body="Nobody answered the night line.",
        attribution="protected",
    )
    admin = new_context().new_page()
    log_in(admin, host_admin)
    admin.goto(host_org.get_absolute_url())
    admin.get_by_role("link", name="Role confirmations").click()
    expect(admin.get_by_text("No requests to confirm.")).to_be_visible()
    assert_accessible(admin, "role confirmations, none")

    member = new_context().new_page()
    log_in(member, practitioner)
    member.goto(practitioner.get_absolute_url())
    member.get_by_role("link", name="Verified roles").click()
    expect(member.get_by_text("You have no verified roles yet.")).to_be_visible()
    assert_accessible(member, "verified roles, none")
    member.get_by_role("button", name="Send request").click()
    expect_field_error(member, "id_label", "This field is required.")
    assert_accessible(member, "verified roles with errors")
    member.get_by_label("Your role").fill("registered social worker")
    member.get_by_label("Type of employer or organisation").select_option("charity")
    member.get_by_label("Who should confirm it").select_option(label="Northfield Care Trust")
    member.get_by_role("button", name="Send request").click()
    expect(member.get_by_role("table")).to_contain_text("registered social worker")
    assert_accessible(member, "verified roles, one requested")
    check_narrow(member, assert_accessible, "verified roles")

    admin.reload()
    admin.get_by_role("button", name="Confirm registered social worker").click()
    expect(admin.get_by_role("table")).to_contain_text("Confirmed")
    assert_accessible(admin, "role confirmations, one confirmed")
    check_narrow(admin, assert_accessible, "role confirmations")

    reader = new_context().new_page()
    reader.goto(story.get_absolute_url())
    byline = reader.locator("main .meta").first
    expect(byline).to_contain_text(story.pseudonym)
    expect(byline).to_contain_text("Verified: registered social worker")
    expect(reader.locator("main")).not_to_contain_text("Priya Practitioner")
    assert_accessible(reader, "pseudonymous contribution with a badge")
    # Never on a protected contribution: a badge would narrow down who wrote it.
    reader.goto(protected.get_absolute_url())
    expect(reader.locator("main .meta").first).to_contain_text("Protected contributor")
    expect(reader.locator("main .meta").first).not_to_contain_text("Verified")
    expect(reader.locator("main")).not_to_contain_text("registered social worker")


def test_staff_role_requests_page(new_context, practitioner, totp_code, assert_accessible):
    boss = factories.UserFactory(username="boss", is_staff=True)
    page = new_context().new_page()
    log_in_with_code(page, boss, totp_code(factories.totp_activate(boss)))
    page.goto("/organisations/verified-roles/requests/")
    expect(page.get_by_text("No requests to confirm.")).to_be_visible()
    assert_accessible(page, "staff role requests, none")

    verified_role_request(
        member=practitioner,
        label="approved mental health professional",
        employer_kind="council",
        organisation=None,
    )
    page.reload()
    page.get_by_role("button", name="Confirm approved mental health professional").click()
    expect(page.get_by_role("table")).to_contain_text("Confirmed")
    assert_accessible(page, "staff role requests, one confirmed")
    check_narrow(page, assert_accessible, "staff role requests")


# Staff, editing, blocking, health and disability, coordinated voting -------------------------


def test_staff_suspend_with_an_error_then_the_site_queue(
    new_context, practitioner, totp_code, assert_accessible
):
    boss = factories.UserFactory(username="boss", is_staff=True)
    page = new_context().new_page()
    log_in_with_code(page, boss, totp_code(factories.totp_activate(boss)))
    page.goto(f"{practitioner.get_absolute_url()}suspension/")
    page.get_by_role("button", name="Suspend this account").click()
    expect_field_error(page, "id_reason", "Give the reason for the suspension.")
    assert_accessible(page, "suspension with an error")
    check_narrow(page, assert_accessible, "suspension with an error")
    page.get_by_label("Reason for the suspension").fill("Threats in comments")
    page.get_by_role("button", name="Suspend this account").click()
    expect(page.get_by_text("This account is suspended.")).to_be_visible()
    page.goto("/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation across every project")
    assert_accessible(page, "site queue")


def test_an_author_edits_their_protected_contribution(
    new_context, project, service_user, assert_accessible
):
    story = contribution_create(
        project=project,
        author=service_user,
        kind="story",
        title="The night calls",
        body="Nobody came when I rang at night.",
        attribution="protected",
    )
    page = new_context().new_page()
    log_in(page, service_user)
    page.goto(story.get_absolute_url())
    expect(page.get_by_text("You wrote this. Only you can see this note")).to_be_visible()
    page.get_by_role("link", name="Edit this contribution").click()
    expect(page.locator("#id_title")).to_have_value("The night calls")
    assert_accessible(page, "edit a contribution")
    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator(".field-error #id_title")).to_be_visible()
    assert_accessible(page, "edit a contribution with an error")
    check_narrow(page, assert_accessible, "edit a contribution with an error")
    page.locator("#id_title").fill("The night calls went unanswered")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The night calls went unanswered")
    expect(page.get_by_role("status")).to_contain_text("Your changes are saved.")
    expect(page.locator("main .meta").first).to_contain_text("Protected contributor")
    expect(page.locator("main")).not_to_contain_text("Sam Service-User")


def test_blocked_members_empty_and_health_and_disability_error(
    new_context, practitioner, assert_accessible
):
    page = new_context().new_page()
    log_in(page, practitioner)
    page.goto("/me/blocked/")
    expect(page.get_by_text("You have not blocked anyone.")).to_be_visible()
    assert_accessible(page, "blocked members, empty")
    page.goto("/me/health-and-disability/")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to agree")
    expect(page.locator(".field-error .error")).to_contain_text("Tick the box to agree")
    assert_accessible(page, "health and disability without consent")


def plant_a_ring(project, host_admin, *, size: int = 6) -> list:
    """New accounts voting one script within half an hour of each other."""
    statements = [
        statement_create(project=project, author=host_admin, text=f"Statement {i}")
        for i in range(8)
    ]
    script = [1, -1, 1, 1, -1, 1, -1, -1]
    now = timezone.now()
    ring = []
    for i in range(size):
        at = now - timedelta(minutes=5 * i)
        user = factories.UserFactory(username=f"ring{i}", date_joined=at - timedelta(days=1))
        factories.votes_at(user=user, statements=statements, values=script, at=at)
        ring.append(user)
    return ring


def test_coordination_report_empty_and_with_a_ring(
    new_context, project, host_admin, assert_accessible
):
    page = new_context().new_page()
    log_in(page, host_admin)
    page.goto(f"/projects/{project.slug}/results/")
    page.get_by_role("link", name="Check for coordinated voting").click()
    expect(page.get_by_text("No suspected coordinated voting found.")).to_be_visible()
    assert_accessible(page, "coordination report, empty")

    ring = plant_a_ring(project, host_admin)
    page.reload()
    expect(page.get_by_role("heading", name="1 suspected group")).to_be_visible()
    for user in ring:
        expect(page.get_by_role("cell", name=f"@{user.username}")).to_be_visible()
    assert_accessible(page, "coordination report with a ring")
    check_narrow(page, assert_accessible, "coordination report")


def test_rejected_statements_looked_over_and_one_accepted(
    new_context, project, host_admin, assert_accessible
):
    from groundswell.moderation.services import statement_moderate

    for text in ["Close the day centre on Fridays", "Tell people about changes in writing"]:
        statement_moderate(
            statement=statement_create(project=project, author=host_admin, text=text),
            by=host_admin,
            accept=False,
        )
    page = new_context().new_page()
    log_in(page, host_admin)
    page.goto(f"/projects/{project.slug}/statements/")
    page.get_by_role("link", name="Rejected statements (2)").click()
    assert_accessible(page, "rejected statements")
    page.get_by_role("button", name="Tell people about changes in writing").click()
    expect(page.get_by_text("Statement accepted.")).to_be_visible()
    expect(page.get_by_text("1 rejected statement.")).to_be_visible()
    assert_accessible(page, "rejected statements after accepting one")
    check_narrow(page, assert_accessible, "rejected statements")


# Two-factor authentication, once it is set up -------------------------------------------------


def test_two_factor_pages_once_set_up(new_context, practitioner, totp_code, assert_accessible):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    secret = factories.totp_activate(practitioner)
    RecoveryCodes.activate(practitioner)
    page = new_context().new_page()
    log_in_with_code(page, practitioner, totp_code(secret))
    page.goto(practitioner.get_absolute_url())
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_text("An authenticator app is set up.")).to_be_visible()
    expect(page.get_by_text("10 of 10 recovery codes are unused.")).to_be_visible()
    assert_accessible(page, "two-factor index, set up")
    check_narrow(page, assert_accessible, "two-factor index")

    page.get_by_role("link", name="Show recovery codes").click()
    # Seeing the codes asks for the password again.
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".field-error #id_password")).to_be_visible()
    assert_accessible(page, "confirm your password, wrong password")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="Make new codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make new recovery codes")
    assert_accessible(page, "make new recovery codes")
    page.get_by_role("button", name="Make new codes").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)

    page.goto("/accounts/2fa/reauthenticate/")
    assert_accessible(page, "confirm it is you")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator(".field-error #id_code")).to_be_visible()
    assert_accessible(page, "confirm it is you, wrong code")

    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Turn off the authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn off the authenticator app")
    assert_accessible(page, "turn off the authenticator app")
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_text("No authenticator app is set up.")).to_be_visible()
    assert_accessible(page, "two-factor index, turned off")

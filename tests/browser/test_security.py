"""No Content-Security-Policy violation on the main pages, htmx voting included, in a real
browser: the policy allows no inline script or style, so anything inline would show up here."""

import pytest
from playwright.sync_api import expect

from groundswell.contributions.services import comment_create
from groundswell.deliberation.services import (
    comparison_record,
    idea_create,
    statement_create,
    vote_cast,
)
from groundswell.deliberation.tasks import recompute_analysis
from groundswell.testing import factories
from tests.browser.test_journeys import log_in, log_in_with_code

pytestmark = pytest.mark.browser

# Runs before any page script; CDP-injected, so the policy does not apply to it.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective}: ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(new_context):
    """A page that records CSP violations, from events and from the console."""

    def make(**options):
        context = new_context(**options)
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.console_messages_seen = []
        page.on(
            "console",
            lambda m: (
                page.console_messages_seen.append(m.text)
                if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
                else None
            ),
        )
        return page

    return make


def _assert_no_violations(page, where: str) -> None:
    events = page.evaluate("window.__csp || []")
    assert events == [] and page.console_messages_seen == [], (
        where,
        events,
        page.console_messages_seen,
    )


@pytest.fixture
def lived_in(site, host_org, host_admin, practitioner, service_user):
    project = factories.ProjectFactory(host_organisation=host_org, created_by=host_admin)
    story = factories.ContributionFactory(project=project, author=practitioner)
    comment_create(contribution=story, author=service_user, body="Same here", attribution="named")
    statements = [
        statement_create(project=project, author=host_admin, text=t)
        for t in ("Pay travel time.", "End 15-minute visits.", "Same carer each visit.")
    ]
    ideas = [idea_create(project=project, author=host_admin, text=t) for t in ("Pay", "Time")]
    voters = [factories.UserFactory(role=r) for r in ["practitioner", "service_user"] * 4]
    for i, voter in enumerate(voters):
        for j, statement in enumerate(statements):
            vote_cast(statement=statement, user=voter, value=1 if (i + j) % 3 else -1)
        comparison_record(
            project=project,
            user=voter,
            first_id=ideas[0].pk,
            second_id=ideas[1].pk,
            outcome="first",
        )
    recompute_analysis.call(project_id=project.pk)
    return project, story


def _pages(project, story) -> list[str]:
    slug = project.slug
    return [
        "/",
        "/projects/",
        "/contributions/",
        "/organisations/",
        "/code-of-conduct/",
        f"/projects/{slug}/",
        f"/projects/{slug}/contributions/",
        story.get_absolute_url(),
        f"/projects/{slug}/statements/",
        f"/projects/{slug}/results/",
        "/no-such-page/",
    ]


def test_anonymous_pages_have_no_csp_violations(watched, lived_in):
    page = watched()
    for url in [*_pages(*lived_in), "/accounts/login/", "/accounts/signup/", "/admin/login/"]:
        page.goto(url)
        _assert_no_violations(page, url)
    # The recorder works: an inline script added now is blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.ran") is None


def test_member_pages_and_htmx_voting_have_no_csp_violations(
    watched, lived_in, practitioner, assert_accessible
):
    project, story = lived_in
    page = watched()
    log_in(page, practitioner)
    for url in [
        *_pages(project, story),
        "/me/profile/",
        "/projects/new/",
        f"/projects/{project.slug}/contribute/",
        f"/projects/{project.slug}/contribute/practice/",
        f"/projects/{project.slug}/compare/",
    ]:
        page.goto(url)
        _assert_no_violations(page, url)

    page.goto(f"/projects/{project.slug}/vote/")
    expect(page.locator("#vote-card")).to_contain_text("3 statements left")
    url_before = page.url
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#vote-card")).to_contain_text("2 statements left")
    assert page.url == url_before  # htmx ran under the policy and swapped the card in place
    assert (
        page.evaluate("typeof htmx !== 'undefined' && htmx.config.includeIndicatorStyles") is False
    )
    assert page.locator("style").count() == 0  # htmx injected no indicator styles
    _assert_no_violations(page, "vote page after an htmx vote")
    assert_accessible(page, "vote page under the content security policy")


def test_host_and_admin_pages_have_no_csp_violations(watched, lived_in, host_admin, totp_code):
    project, _ = lived_in
    page = watched()
    log_in(page, host_admin)
    for url in [
        f"/projects/{project.slug}/edit/",
        f"/projects/{project.slug}/invites/",
        f"/projects/{project.slug}/deliberation/settings/",
        f"/organisations/{project.host_organisation.slug}/members/",
    ]:
        page.goto(url)
        _assert_no_violations(page, url)

    superuser = factories.UserFactory(username="sid", is_staff=True, is_superuser=True)
    secret = factories.totp_activate(superuser)  # staff pages need two-factor authentication
    page = watched()
    log_in_with_code(page, superuser, totp_code(secret))
    for url in [
        "/admin/",
        "/admin/people/user/",
        f"/admin/people/user/{superuser.pk}/change/",
        "/admin/projects/project/",
        f"/admin/projects/project/{project.pk}/change/",
        "/admin/contributions/contribution/add/",
    ]:
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
        _assert_no_violations(page, url)

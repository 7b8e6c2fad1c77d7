"""The page states other browser tests do not reach, each checked by axe at 1280 px and at 320 px
(where nothing may scroll sideways, and Tab goes round the page with the focus always shown):
forms sent back with errors, empty lists, second pages, searches with and without results, the
error pages, invitation pages, account pages. Then the keyboard on the pages used most: the skip
link, and the vote and pairwise choices met in the order they are read.

A state names who looks (nobody, or a member of the test world), how its page is reached, and
the status it answers with. Members are signed in by a session cookie, not through the log-in
form, so a state costs one page load or two.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from groundswell.deliberation.services import statement_create
from groundswell.organisations.services import organisation_invite
from groundswell.projects.services import participant_join, project_invite_create
from groundswell.testing import factories

pytestmark = pytest.mark.browser


@dataclass
class World:
    host_org: object
    host_admin: object
    practitioner: object
    project: object
    private_project: object


@dataclass
class State:
    name: str
    path: Callable[[World], str]
    who: str = ""  # an attribute of World; empty for a visitor who is not signed in
    status: int = 200
    act: Callable | None = None  # what the visitor does on the page before axe looks
    setup: Callable[[World], None] | None = None
    errors: bool = False  # the page shows a form sent back with errors


def submit(button: str, fills: dict[str, str] | None = None) -> Callable:
    def act(page, world) -> None:
        for selector, value in (fills or {}).items():
            page.locator(selector).fill(value)
        page.locator("main").get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return act


def many_projects(world: World) -> None:
    for _ in range(21):  # one more than a page of the project list
        factories.ProjectFactory(host_organisation=world.host_org, created_by=world.host_admin)


def many_contributions(world: World) -> None:
    for n in range(21):
        factories.ContributionFactory(
            project=world.project,
            author=world.practitioner,
            title=f"Home visits {n}",
            search_text=f"Home visits {n}",
        )


def org_invite_path(world: World) -> str:
    invite = organisation_invite(
        organisation=world.host_org, by=world.host_admin, email=world.practitioner.email
    )
    return f"/organisations/invites/{invite.token}/"


def project_invite_path(world: World) -> str:
    invite = project_invite_create(project=world.private_project, by=world.host_admin)
    return f"/projects/join/{invite.token}/"


def statements(world: World) -> None:
    for text in ["Rotas should be shared a week ahead.", "Carers should be paid for travel."]:
        statement_create(project=world.project, author=world.host_admin, text=text)


def contribution_path(world: World) -> str:
    contribution = factories.ContributionFactory(
        project=world.project, author=world.practitioner, title="Families plan the visits"
    )
    return contribution.get_absolute_url()


def comments_page_2_path(world: World) -> str:
    from groundswell.contributions.views import COMMENTS_PER_PAGE

    contribution = factories.ContributionFactory(
        project=world.project, author=world.practitioner, title="Much discussed"
    )
    for n in range(COMMENTS_PER_PAGE + 1):
        top = factories.CommentFactory(
            contribution=contribution, author=world.host_admin, body=f"Thread {n}."
        )
    factories.CommentFactory(contribution=contribution, parent=top, author=world.practitioner)
    return f"{contribution.get_absolute_url()}?comments=2"


def invite_links_page_2_path(world: World) -> str:
    from groundswell.projects.models import ProjectInvite
    from groundswell.projects.views import INVITES_PER_PAGE

    for _ in range(INVITES_PER_PAGE + 1):
        ProjectInvite.objects.create(project=world.private_project, created_by=world.host_admin)
    return f"/projects/{world.private_project.slug}/invites/?page=2"


def pending_invitations_page_2_path(world: World) -> str:
    from groundswell.organisations.models import OrganisationInvite
    from groundswell.organisations.views import INVITES_PER_PAGE

    for n in range(INVITES_PER_PAGE + 1):
        OrganisationInvite.objects.create(
            organisation=world.host_org, email=f"invitee{n}@example.org"
        )
    return f"/organisations/{world.host_org.slug}/members/?pending=2"


def reports_page_2_path(world: World) -> str:
    from groundswell.moderation.models import Flag
    from groundswell.moderation.views import REPORTS_PER_PAGE

    contribution = factories.ContributionFactory(project=world.project, author=world.practitioner)
    for n in range(REPORTS_PER_PAGE + 1):
        Flag.objects.create(
            project=world.project,
            item_kind="contribution",
            item_id=contribution.pk,
            flagger=factories.UserFactory(),
            reason="other",
            note=f"Note {n}",
        )
    return (
        f"/projects/{world.project.slug}/moderation/items/contribution/{contribution.pk}/?reports=2"
    )


def expired_export_path(world: World) -> str:
    from datetime import timedelta

    from django.utils import timezone

    from groundswell.accounts_data.models import DataExport

    export = DataExport.objects.create(
        owner=world.practitioner, expires_at=timezone.now() - timedelta(days=1)
    )
    return f"/me/data/{export.pk}/"


def follow_reset_link(page, world) -> None:
    from django.core import mail

    submit("Reset My Password", {"#id_email": world.practitioner.email})(page, world)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    page.goto(link.group(1))
    submit("Change Password", {"#id_password1": "a long new passphrase 42"})(page, world)


def add_link(page, world) -> None:
    page.get_by_text("Link this to another contribution").click()
    submit("Add link")(page, world)


STATES = [
    # The error pages.
    State("404", lambda w: "/no-such-page/", status=404),
    State("404 for a private project", lambda w: w.private_project.get_absolute_url(), status=404),
    State("403", lambda w: f"/organisations/{w.host_org.slug}/edit/", "practitioner", 403),
    State("405", lambda w: f"/projects/{w.project.slug}/vote/1/", "practitioner", 405),
    # Signing in, signing up, a forgotten password.
    State(
        "log-in with a wrong password",
        lambda w: "/accounts/login/",
        act=submit("Sign In", {"#id_login": "priya@example.org", "#id_password": "wrong"}),
        errors=True,
    ),
    State(
        "sign-up with errors",
        lambda w: "/accounts/signup/",
        act=submit(
            "Sign Up",
            {
                "#id_email": "new@example.org",
                "#id_username": "newcomer",
                "#id_password1": "123",
                "#id_password2": "456",
            },
        ),
        errors=True,
    ),
    State("password reset", lambda w: "/accounts/password/reset/"),
    State(
        "password reset with an error",
        lambda w: "/accounts/password/reset/",
        act=submit("Reset My Password", {"#id_email": "not an address"}),
        errors=True,
    ),
    State(
        "password reset sent",
        lambda w: "/accounts/password/reset/",
        act=submit("Reset My Password", {"#id_email": "nobody@example.org"}),
    ),
    State("password change", lambda w: "/accounts/password/change/", "practitioner"),
    State(
        "password change with errors",
        lambda w: "/accounts/password/change/",
        "practitioner",
        act=submit("Change Password"),
        errors=True,
    ),
    State("e-mail addresses", lambda w: "/accounts/email/", "practitioner"),
    # The member's own pages.
    State(
        "profile edit with errors",
        lambda w: "/me/profile/",
        "practitioner",
        act=submit("Save profile", {"#id_pseudonym": "Carer A"}),
        setup=lambda w: factories.UserFactory(pseudonym="Carer A"),
        errors=True,
    ),
    State("my data", lambda w: "/me/data/", "practitioner"),
    State("delete my account", lambda w: "/me/delete/", "practitioner"),
    State(
        "delete my account with errors",
        lambda w: "/me/delete/",
        "practitioner",
        act=submit("Delete my account"),
        errors=True,
    ),
    State("two-factor index", lambda w: "/accounts/2fa/", "practitioner"),
    State(
        "two-factor index, app set up",
        lambda w: "/accounts/2fa/",
        "practitioner",
        setup=lambda w: factories.totp_activate(w.practitioner),
    ),
    State(
        "confirm your password, wrong password",
        lambda w: "/accounts/2fa/totp/activate/",
        "practitioner",
        act=submit("Confirm", {"#id_password": "wrong"}),
        errors=True,
    ),
    # Organisations.
    State("organisation page", lambda w: w.host_org.get_absolute_url(), "host_admin"),
    State("organisation edit", lambda w: f"/organisations/{w.host_org.slug}/edit/", "host_admin"),
    State(
        "organisation edit with errors",
        lambda w: f"/organisations/{w.host_org.slug}/edit/",
        "host_admin",
        act=submit("Save", {"#id_name": ""}),
        errors=True,
    ),
    State(
        "organisation members", lambda w: f"/organisations/{w.host_org.slug}/members/", "host_admin"
    ),
    State(
        "organisation members, invitation with an error",
        lambda w: f"/organisations/{w.host_org.slug}/members/",
        "host_admin",
        act=submit("Send invitation", {"#id_email": "not an address"}),
        errors=True,
    ),
    State(
        "organisation create with errors",
        lambda w: "/organisations/new/",
        "practitioner",
        act=submit("Save"),
        errors=True,
    ),
    State("organisation invitation", org_invite_path, "practitioner"),
    State(
        "organisation invitation, unknown",
        lambda w: "/organisations/invites/nope/",
        "practitioner",
        404,
    ),
    # Projects: lists, invitations, the host's forms.
    State("project list, page 2", lambda w: "/projects/?page=2", setup=many_projects),
    State("project invitation", project_invite_path, "practitioner"),
    State("project invitation, used up", lambda w: "/projects/join/nope/", "practitioner", 410),
    State(
        "invitation links", lambda w: f"/projects/{w.private_project.slug}/invites/", "host_admin"
    ),
    State(
        "invitation links with an error",
        lambda w: f"/projects/{w.private_project.slug}/invites/",
        "host_admin",
        act=submit("Make link", {"#id_max_uses": "0"}),
        errors=True,
    ),
    State("project edit", lambda w: f"/projects/{w.project.slug}/edit/", "host_admin"),
    State(
        "project edit with errors",
        lambda w: f"/projects/{w.project.slug}/edit/",
        "host_admin",
        act=submit("Save", {"#id_question": ""}),
        errors=True,
    ),
    # Contributions: empty, second page, search.
    State("contributions, empty", lambda w: f"/projects/{w.project.slug}/contributions/"),
    State(
        "contributions, page 2",
        lambda w: f"/projects/{w.project.slug}/contributions/?page=2",
        setup=many_contributions,
    ),
    State("search with results", lambda w: "/contributions/?q=visits", setup=many_contributions),
    State("search without results", lambda w: "/contributions/?q=zzzyx"),
    State("browse, page 2", lambda w: "/contributions/?page=2", setup=many_contributions),
    # Deliberation.
    State(
        "statement form with an error",
        lambda w: f"/projects/{w.project.slug}/vote/",
        "practitioner",
        act=submit("Add statement"),
        errors=True,
    ),
    State("statements, empty", lambda w: f"/projects/{w.project.slug}/statements/", "practitioner"),
    State("results, no votes", lambda w: f"/projects/{w.project.slug}/results/"),
    State(
        "results, statements but no votes",
        lambda w: f"/projects/{w.project.slug}/results/",
        setup=statements,
    ),
    State("coordination", lambda w: f"/projects/{w.project.slug}/results/coordination/"),
    State("compare, no ideas", lambda w: f"/projects/{w.project.slug}/compare/", "practitioner"),
    # Contributions: the author's own, edited, commented on, linked.
    State("contribution, the author's view", contribution_path, "practitioner"),
    State(
        "comment with an error",
        contribution_path,
        "practitioner",
        act=submit("Post comment"),
        errors=True,
    ),
    State("link with an error", contribution_path, "practitioner", act=add_link, errors=True),
    State(
        "contribution edit with errors",
        lambda w: f"{contribution_path(w)}edit/",
        "practitioner",
        act=submit("Save changes", {"#id_title": ""}),
        errors=True,
    ),
    # Account pages met less often.
    State("data copy expired", expired_export_path, "practitioner", 410),
    State("log-out page", lambda w: "/accounts/logout/", "practitioner"),
    State(
        "e-mail addresses with an error",
        lambda w: "/accounts/email/",
        "practitioner",
        act=submit("Add Email", {"#id_email": "not an address"}),
        errors=True,
    ),
    State(
        "new password with errors",
        lambda w: "/accounts/password/reset/",
        act=follow_reset_link,
        errors=True,
    ),
    State("password reset link gone stale", lambda w: "/accounts/password/reset/key/1-nope/"),
    State("private project page", lambda w: w.private_project.get_absolute_url(), "host_admin"),
    # Long lists in pages of their own.
    State("comments, page 2", comments_page_2_path),
    State("invitation links, page 2", invite_links_page_2_path, "host_admin"),
    State("invitations waiting, page 2", pending_invitations_page_2_path, "host_admin"),
    State("reports on an item, page 2", reports_page_2_path, "host_admin"),
    State("code of conduct", lambda w: "/code-of-conduct/"),
]


@pytest.fixture
def world(site, host_org, host_admin, practitioner, project, private_project) -> World:
    participant_join(project=project, user=practitioner)
    return World(host_org, host_admin, practitioner, project, private_project)


def sign_in(context, user, site: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"


def check_error_summary(page) -> None:
    """The summary names each field, links to it, and the field says it is invalid and is
    described by its message (WCAG 3.3.1, 1.3.1)."""
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for link in summary.locator("a").all():
        target = link.get_attribute("href")
        assert target.startswith("#"), target
        field = page.locator(target)
        expect(field).to_have_count(1)
        described = field.get_attribute("aria-describedby") or ""
        if field.evaluate("e => e.tagName") != "FIELDSET":
            expect(field).to_have_attribute("aria-invalid", "true")
        error_ids = [i for i in described.split() if i.endswith("_error")]
        assert error_ids, f"{target} is not described by its error message"
        expect(page.locator(f"#{error_ids[0]}")).to_be_visible()


@pytest.mark.parametrize("state", STATES, ids=[s.name for s in STATES])
def test_page_state_is_accessible(state, world, new_context, site, assert_accessible):
    if state.setup:
        state.setup(world)
    context = new_context()
    if state.who:
        sign_in(context, getattr(world, state.who), site)
    page = context.new_page()
    response = page.goto(state.path(world))
    assert response.status == state.status, f"{state.name}: {response.status}"
    if state.act:
        state.act(page, world)
    if state.errors:
        check_error_summary(page)
    assert_accessible(page, f"{state.name} at 1280 px")
    page.set_viewport_size({"width": 320, "height": 640})
    assert_accessible(page, f"{state.name} at 320 px")
    no_sideways_scroll(page)
    check_keyboard_walk(page)


FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    // A link wrapped over two lines: its box spans both, so look at its first line's.
    const r = e.getClientRects()[0] || e.getBoundingClientRect();
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 12), 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    return {
        name: (e.getAttribute("aria-label") || e.innerText || e.value || e.id || e.tagName)
            .trim().slice(0, 60),
        indicated: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2)
            || s.boxShadow !== "none",
        in_view: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
        covered: !(hit && (e.contains(hit) || hit.contains(e)
            || (hit.tagName === "LABEL" && hit.control === e))),
    };
}"""

LAST_TABBABLE = """() => {
    const controls = "a[href], button, input, select, textarea, [tabindex]";
    const all = [...document.querySelectorAll(controls)]
        .filter(e => e.tabIndex >= 0 && !e.disabled && e.type !== "hidden"
            && e.getClientRects().length);
    const e = all[all.length - 1];
    return (e.getAttribute("aria-label") || e.innerText || e.value || e.id || e.tagName)
        .trim().slice(0, 60);
}"""


def keyboard_walk(page, limit: int = 150) -> list[dict]:
    """Tab from the top of the page to its last control; each stop as FOCUSED describes it."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or (stops and stop["name"] == stops[0]["name"]):
            return stops  # left the page, or wrapped round: nothing held the focus
        stops.append(stop)
    raise AssertionError(f"the focus is trapped: {[s['name'] for s in stops[-5:]]}")


def check_keyboard_walk(page) -> list[str]:
    """Tab round the page: the focus is shown and in view at every stop, and it reaches the
    page's last control and moves on from it (WCAG 2.4.7, 2.4.11, 2.1.2)."""
    stops = keyboard_walk(page)
    names = [s["name"] for s in stops]
    last = page.evaluate(LAST_TABBABLE)
    assert last in names, f"{last!r} not reached: {names}"
    for stop in stops:
        assert stop["indicated"], f"no visible focus on {stop['name']!r}"
        assert stop["in_view"] and not stop["covered"], f"{stop['name']!r} is hidden"
    return names


def vote_world(world: World) -> str:
    statements(world)
    return f"/projects/{world.project.slug}/vote/"


def compare_world(world: World) -> str:
    from groundswell.deliberation.services import idea_create

    for text in ["Pay travel time", "End 15-minute visits"]:
        idea_create(project=world.project, author=world.host_admin, text=text)
    return f"/projects/{world.project.slug}/compare/"


WALKS = {
    "home": (lambda w: "/", "", ""),
    "vote page": (vote_world, "practitioner", "#vote-card button"),
    "compare page": (compare_world, "practitioner", "form.pair button"),
    "practice form": (
        lambda w: f"/projects/{w.project.slug}/contribute/practice/",
        "practitioner",
        "",
    ),
    "project page": (lambda w: w.project.get_absolute_url(), "practitioner", ""),
}


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("name", list(WALKS))
def test_keyboard_reaches_everything_visibly(name, width, world, new_context, site):
    """The skip link comes first and works; every stop shows the focus and is not hidden under
    anything (WCAG 2.4.7, 2.4.11); Tab reaches the page's last control (no trap, 2.1.2); the
    choices are met in the order they are read (2.4.3)."""
    path, who, order = WALKS[name]
    context = new_context(viewport={"width": width, "height": 640})
    if who:
        sign_in(context, getattr(world, who), site)
    page = context.new_page()
    url = path(world)
    page.goto(url)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.goto(url)
    names = check_keyboard_walk(page)
    if order:  # the choices, one after the other, in the order they are read
        choices = [text.strip() for text in page.locator(order).all_inner_texts()]
        first = names.index(choices[0])
        assert names[first : first + len(choices)] == choices, names

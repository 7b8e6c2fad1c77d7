"""The role x action x object matrix across two organisations, through real HTTP.

Organisations A and B each have an admin and a plain member, and each hosts a public and a
private project holding contributions (named, pseudonymous, protected, evidence with a file),
comments, statements, ideas and an invitation link. Every row of the table below is one request
(a page GET or an action POST) on a real route; every column is a role, and every cell is the
exact outcome expected: a status code, or `login` for a redirect to the log-in page. A POST
that is refused must leave the database as it was; one that is allowed must change it.

Adding a route means adding an entry to ACTIONS (how to request it and, for a POST, what it
changes) and a row per object to MATRIX. The world is built once per module and every test runs
inside a savepoint of it, so the few hundred cases stay fast.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts_data.models import DataExport, ExportStatus
from groundswell.contributions.models import Comment, Contribution
from groundswell.contributions.services import comment_create, contribution_create
from groundswell.contributions.tests import samples
from groundswell.deliberation.models import DeliberationSettings, Idea, Statement, Vote
from groundswell.deliberation.services import idea_create, statement_create
from groundswell.moderation.models import Flag
from groundswell.organisations.models import Membership, Organisation, OrganisationInvite
from groundswell.people.models import User
from groundswell.projects.forms import ProjectForm
from groundswell.projects.models import Participant, Project, ProjectInvite, ProjectInviteCode
from groundswell.testing import factories

ROLES = ["anon", "outsider", "member_a", "admin_a", "admin_b", "participant", "author", "staff"]
ROLE_HELP = {
    "anon": "not signed in",
    "outsider": "signed in, no organisation, in no project",
    "member_a": "plain (not admin) member of organisation A",
    "admin_a": "admin of organisation A",
    "admin_b": "admin of organisation B",
    "participant": "invited into A's private project",
    "author": "wrote the contributions in A's projects (a participant of both)",
    "staff": "site staff",
}

# Objects: a.pub / a.priv / b.pub / b.priv are the projects, org.a / org.b the organisations,
# export.author the author's "download my data" file.
# `login`: a redirect to the log-in page. POST rows are marked in ACTIONS, not here.
#
# action            object       anon   outsider member_a admin_a admin_b particip author staff
MATRIX = """
view_project        a.pub        200    200      200      200     200     200      200    200
view_project        a.priv       404    404      404      200     404     200      200    200
view_project        b.pub        200    200      200      200     200     200      200    200
view_project        b.priv       404    404      404      404     200     404      404    200
view_contribution   a.pub        200    200      200      200     200     200      200    200
view_contribution   a.priv       404    404      404      200     404     200      200    200
view_contribution   b.priv       404    404      404      404     200     404      404    200
list_contributions  a.priv       404    404      404      200     404     200      200    200
view_statements     a.priv       404    404      404      200     404     200      200    200
view_results        a.priv       404    404      404      200     404     200      200    200
api_project         a.pub        200    200      200      200     200     200      200    200
api_project         a.priv       404    404      404      200     404     200      200    200
api_project         b.priv       404    404      404      404     200     404      404    200
api_contributions   a.priv       404    404      404      200     404     200      200    200
api_contribution    a.priv       404    404      404      200     404     200      200    200
api_statements      a.priv       404    404      404      200     404     200      200    200
attachment          a.pub        200    200      200      200     200     200      200    200
attachment          a.priv       404    404      404      200     404     200      200    200
polis_export        a.pub        200    200      200      200     200     200      200    200
polis_export        a.priv       404    404      404      404     404     404      404    404
polis_export        b.pub        200    200      200      200     200     200      200    200
contribute_form     a.pub        login  200      200      200     200     200      200    200
contribute_form     a.priv       login  404      404      200     404     200      200    200
contribute_form     b.priv       login  404      404      404     200     404      404    200
contribute          a.pub        login  302      302      302     302     302      302    302
contribute          a.priv       login  404      404      302     404     302      302    302
contribute          b.priv       login  404      404      404     302     404      404    302
comment             a.pub        login  302      302      302     302     302      302    302
comment             a.priv       login  404      404      302     404     302      302    302
vote                a.pub        login  302      302      302     302     302      302    302
vote                a.priv       login  404      404      302     404     302      302    302
api_vote            a.pub        401    200      200      200     200     200      200    200
api_vote            a.priv       401    404      404      200     404     200      200    200
api_votes           a.pub        401    200      200      200     200     200      200    200
api_votes           a.priv       401    404      404      200     404     200      200    200
add_statement       a.pub        login  302      302      302     302     302      302    302
add_statement       a.priv       login  404      404      302     404     302      302    302
add_idea            a.priv       login  404      404      302     404     302      302    302
edit_project_form   a.pub        login  403      403      200     403     403      403    200
edit_project_form   a.priv       login  404      404      200     404     403      403    200
edit_project_form   b.pub        login  403      403      403     200     403      403    200
edit_project_form   b.priv       login  404      404      404     200     404      404    200
edit_project        a.pub        login  403      403      302     403     403      403    302
edit_project        a.priv       login  404      404      302     404     403      403    302
edit_project        b.pub        login  403      403      403     302     403      403    302
moderate_statement  a.pub        login  403      403      302     403     403      403    302
moderate_statement  a.priv       login  404      404      302     404     403      403    302
deliberation_settings a.priv     login  404      404      302     404     403      403    302
polis_import_page   a.pub        login  403      403      200     403     403      403    200
polis_import_page   a.priv       login  404      404      200     404     403      403    200
polis_import_page   b.pub        login  403      403      403     200     403      403    200
polis_import_page   b.priv       login  404      404      404     200     404      404    200
invites_page        a.pub        login  403      403      200     403     403      403    200
invites_page        a.priv       login  404      404      200     404     403      403    200
invites_page        b.pub        login  403      403      403     200     403      403    200
invites_page        b.priv       login  404      404      404     200     404      404    200
create_invite       a.priv       login  404      404      302     404     403      403    302
create_invite       b.pub        login  403      403      403     302     403      403    302
revoke_invite       a.priv       login  404      404      302     404     403      403    302
revoke_invite       b.priv       login  404      404      404     302     404      404    302
join_by_invite_page a.priv       login  200      200      200     200     200      200    200
withdraw            a.pub        login  403      403      403     403     403      302    403
withdraw            a.priv       login  404      404      403     404     403      302    403
view_organisation   org.a        200    200      200      200     200     200      200    200
edit_org_form       org.a        login  403      403      200     403     403      403    200
edit_org_form       org.b        login  403      403      403     200     403      403    200
edit_org            org.a        login  403      403      302     403     403      403    302
edit_org            org.b        login  403      403      403     302     403      403    302
members_page        org.a        login  403      403      200     403     403      403    200
members_page        org.b        login  403      403      403     200     403      403    200
invite_member       org.a        login  403      403      302     403     403      403    302
invite_member       org.b        login  403      403      403     302     403      403    302
set_admin           org.a        login  403      403      302     403     403      403    302
set_admin           org.b        login  403      403      403     302     403      403    302
verify_org          org.a        login  403      403      403     403     403      403    302
verify_org_get      org.a        login  405      405      405     405     405      405    405
data_export         export.author login 404      404      404     404     404      200    404
edit_contribution_form a.pub     login  403      403      403     403     403      200    403
edit_contribution_form a.priv    login  404      404      403     404     403      200    403
edit_contribution   a.pub        login  403      403      403     403     403      302    403
edit_contribution   a.priv       login  404      404      403     404     403      302    403
flag                a.pub        login  302      302      302     302     302      400    302
flag                a.priv       login  404      404      302     404     302      400    302
moderation_queue    a.pub        login  403      403      200     403     403      403    200
moderation_queue    a.priv       login  404      404      200     404     403      403    200
moderation_queue    b.priv       login  404      404      404     200     404      404    200
decide              a.pub        login  403      403      302     403     403      403    302
decide              a.priv       login  404      404      302     404     403      403    302
decide              b.pub        login  403      403      403     302     403      403    302
moderation_log      a.pub        200    200      200      200     200     200      200    200
moderation_log      a.priv       404    404      404      200     404     200      200    200
invite_codes_page   a.priv       login  404      404      200     404     403      403    200
invite_codes_page   b.priv       login  404      404      404     200     404      404    200
create_codes        a.priv       login  404      404      302     404     403      403    302
create_codes        b.priv       login  404      404      404     302     404      404    302
coordination        a.pub        login  403      403      200     403     403      403    200
coordination        a.priv       login  404      404      200     404     403      403    200
coordination        b.pub        login  403      403      403     200     403      403    200
verified_role_requests org.a     login  403      403      200     403     403      403    200
verified_role_requests org.b     login  403      403      403     200     403      403    200
site_queue          site         login  403      403      403     403     403      403    200
suspension_page     site         login  403      403      403     403     403      403    200
"""

PROJECTS = {"a.pub": "a-public", "a.priv": "a-private", "b.pub": "b-public", "b.priv": "b-private"}
ORGANISATIONS = {"org.a": "alder-housing-trust", "org.b": "birch-care-partnership"}
LOGIN = reverse("account_login")


# --- the world: built once for the module, each test runs in a savepoint of it -----------------


@dataclass
class Thing:
    """What the requests need to know about one project."""

    slug: str
    project_id: int
    named_id: int  # the author's named contribution (the one "withdraw" targets)
    protected_id: int
    evidence_id: int  # has a file attached
    statement_id: int
    invite_id: int
    invite_token: str


def _story(project, author, title, attribution):
    return contribution_create(
        project=project,
        author=author,
        kind="story",
        title=title,
        body="What happened when the policy met practice.",
        attribution=attribution,
    )


def _fill_project(project, *, host, writer) -> Thing:
    named = _story(project, writer, f"Named story in {project.slug}", "named")
    _story(project, writer, f"Pseudonymous story in {project.slug}", "pseudonymous")
    protected = _story(project, writer, f"Protected story in {project.slug}", "protected")
    evidence = contribution_create(
        project=project,
        author=writer,
        kind="evidence",
        title=f"Rota audit in {project.slug}",
        body="Our audit.",
        details={
            "source_type": "dataset",
            "source": "Team audit",
            "provenance": "Our rota records",
            "quality": "moderate",
        },
        attachment=SimpleUploadedFile("audit.png", samples.png_with_text()),
    )
    comment_create(contribution=named, author=host, body="Thank you for this.")
    comment_create(
        contribution=protected, author=writer, body="More detail.", attribution="protected"
    )
    statement = statement_create(project=project, author=host, text="Pay travel time")
    statement_create(project=project, author=writer, text="End 15-minute visits")
    idea_create(project=project, author=host, text="Longer visits")
    idea_create(project=project, author=writer, text="Named key workers", attribution="protected")
    invite = ProjectInvite.objects.create(project=project, created_by=host, max_uses=50)
    return Thing(
        slug=project.slug,
        project_id=project.pk,
        named_id=named.pk,
        protected_id=protected.pk,
        evidence_id=evidence.pk,
        statement_id=statement.pk,
        invite_id=invite.pk,
        invite_token=invite.token,
    )


def _build(media_root) -> dict:
    user = factories.UserFactory
    users = {
        "outsider": user(username="olive", display_name="Olive Outsider", role="other"),
        "member_a": user(username="mateo", display_name="Mateo Member-A", role="practitioner"),
        "admin_a": user(username="ada", display_name="Ada Admin-A", role="manager"),
        "admin_b": user(username="bram", display_name="Bram Admin-B", role="manager"),
        "participant": user(username="pia", display_name="Pia Participant", role="carer"),
        "author": user(
            username="aurora",
            display_name="Aurora Author",
            role="practitioner",
            sector="social_care",
            pseudonym="QuietHelper",
        ),
        "staff": user(username="stan", display_name="Stan Staff", is_staff=True),
    }
    factories.totp_activate(users["staff"])  # staff pages need two-factor authentication
    member_b = user(
        username="bo", display_name="Bo Member-B", role="service_user", pseudonym="BirchWren"
    )
    org_a = factories.OrganisationFactory(name="Alder Housing Trust")
    org_b = factories.OrganisationFactory(name="Birch Care Partnership")
    assert [org_a.slug, org_b.slug] == list(ORGANISATIONS.values())
    factories.MembershipFactory(organisation=org_a, user=users["admin_a"], is_admin=True)
    factories.MembershipFactory(organisation=org_a, user=users["member_a"], is_admin=False)
    factories.MembershipFactory(organisation=org_b, user=users["admin_b"], is_admin=True)
    factories.MembershipFactory(organisation=org_b, user=member_b, is_admin=False)
    for org, admin in ((org_a, users["admin_a"]), (org_b, users["admin_b"])):
        OrganisationInvite.objects.create(
            organisation=org, email=f"new@{org.slug}.example", invited_by=admin
        )

    projects = {}
    for key, slug in PROJECTS.items():
        org, admin = (
            (org_a, users["admin_a"]) if key.startswith("a.") else (org_b, users["admin_b"])
        )
        projects[key] = factories.ProjectFactory(
            slug=slug,
            host_organisation=org,
            created_by=admin,
            visibility="private" if key.endswith("priv") else "public",
        )
    # Invited into A's private project; B's private project has B's plain member.
    for person in (users["participant"], users["author"]):
        Participant.objects.create(project=projects["a.priv"], user=person)
    Participant.objects.create(project=projects["b.priv"], user=member_b)

    things = {}
    for key, project in projects.items():
        host = users["admin_a"] if key.startswith("a.") else users["admin_b"]
        writer = users["author"] if key.startswith("a.") else member_b
        things[key] = _fill_project(project, host=host, writer=writer)
    export = DataExport.objects.create(
        owner=users["author"], status=ExportStatus.READY, content={"profile": {}}
    )
    return {
        "users": {role: u.pk for role, u in users.items()},
        "member_b": member_b.pk,
        "things": things,
        "orgs": {"org.a": org_a.pk, "org.b": org_b.pk},
        "export": str(export.pk),
        "media_root": media_root,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once in an outer transaction that is rolled back when the module ends.

    Each test's `db` fixture opens a savepoint inside it, so a test's writes never reach the next.
    """
    media_root = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                MEDIA_ROOT=media_root,
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            ):
                built = _build(media_root)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(db, settings, world):
    settings.MEDIA_ROOT = world["media_root"]


# --- the actions: how each is requested, and what a POST changes -------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    data: dict | None = None
    json: bool = False


@dataclass(frozen=True)
class Act:
    request: Callable[[dict, str, object], Request]  # (world, object key, user) -> Request
    # For a POST: (world, object key, user) -> a value that changes when the action happens.
    state: Callable[[dict, str, object], object] | None = None


def _thing(world, obj) -> Thing:
    return world["things"][obj]


def _args(t: Thing, extra) -> list:
    # An extra argument names a field of Thing ("statement_id"), or is given as is ("=story").
    return [t.slug, *(e[1:] if e.startswith("=") else getattr(t, e) for e in extra)]


def _project_url(name: str, *extra: str):
    def build(world, obj, user):
        return Request("get", reverse(name, args=_args(_thing(world, obj), extra)))

    return build


def _post(name: str, *extra: str, data=None):
    def build(world, obj, user):
        args = _args(_thing(world, obj), extra)
        payload = data(world, obj) if callable(data) else data
        return Request("post", reverse(name, args=args), payload)

    return build


def _org_url(name: str, *, method="get", data=None, member=None):
    def build(world, obj, user):
        slug = ORGANISATIONS[obj]
        args = [slug] if member is None else [slug, member(world, obj)]
        payload = data(world, obj) if callable(data) else data
        return Request(method, reverse(name, args=args), payload)

    return build


def _project_edit_data(world, obj) -> dict:
    project = Project.objects.get(pk=_thing(world, obj).project_id)
    initial = ProjectForm.initial_for(project)
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in initial.items()}
    data["question"] = "An edited question?"
    return data


def _plain_member(world, obj) -> int:
    return world["users"]["member_a"] if obj == "org.a" else world["member_b"]


def _org(world, obj) -> Organisation:
    return Organisation.objects.get(pk=world["orgs"][obj])


STORY = {
    "title": "The visit that was cut short",
    "body": "Fifteen minutes is not enough.",
    "attribution": "named",
    "setting": "Home care",
}

ACTIONS: dict[str, Act] = {
    "view_project": Act(_project_url("contributions:project")),
    "view_contribution": Act(_project_url("contributions:detail", "protected_id")),
    "list_contributions": Act(_project_url("contributions:list")),
    "view_statements": Act(_project_url("deliberation:statements")),
    "view_results": Act(_project_url("deliberation:results")),
    "api_project": Act(_project_url("api:get_project")),
    "api_contributions": Act(_project_url("api:list_contributions")),
    "api_contribution": Act(_project_url("api:get_contribution", "protected_id")),
    "api_statements": Act(_project_url("api:list_statements")),
    "attachment": Act(_project_url("contributions:attachment", "evidence_id")),
    "polis_export": Act(_project_url("deliberation:export_polis")),
    "contribute_form": Act(_project_url("contributions:create", "=story")),
    "contribute": Act(
        _post("contributions:create", "=story", data=STORY),
        lambda w, o, u: Contribution.objects.filter(project_id=_thing(w, o).project_id).count(),
    ),
    "comment": Act(
        _post(
            "contributions:comment", "named_id", data={"body": "Me too.", "attribution": "named"}
        ),
        lambda w, o, u: Comment.objects.filter(contribution_id=_thing(w, o).named_id).count(),
    ),
    "vote": Act(
        _post("deliberation:vote_cast", "statement_id", data={"value": "1"}),
        lambda w, o, u: Vote.objects.filter(statement_id=_thing(w, o).statement_id).count(),
    ),
    "api_vote": Act(
        lambda w, o, u: Request(
            "post",
            reverse("api:cast_vote", args=[_thing(w, o).slug, _thing(w, o).statement_id]),
            {"value": 1},
            json=True,
        ),
        lambda w, o, u: Vote.objects.filter(statement_id=_thing(w, o).statement_id).count(),
    ),
    "api_votes": Act(
        lambda w, o, u: Request(
            "post",
            reverse("api:cast_votes", args=[_thing(w, o).slug]),
            {"votes": [{"statement": _thing(w, o).statement_id, "value": 1}]},
            json=True,
        ),
        lambda w, o, u: Vote.objects.filter(statement_id=_thing(w, o).statement_id).count(),
    ),
    "add_statement": Act(
        _post("deliberation:statement_add", data={"text": "Fund travel", "attribution": "named"}),
        lambda w, o, u: Statement.objects.filter(project_id=_thing(w, o).project_id).count(),
    ),
    "add_idea": Act(
        _post("deliberation:idea_add", data={"text": "Pay for travel", "attribution": "named"}),
        lambda w, o, u: Idea.objects.filter(project_id=_thing(w, o).project_id).count(),
    ),
    "edit_project_form": Act(_project_url("projects:edit")),
    "edit_project": Act(
        _post("projects:edit", data=_project_edit_data),
        lambda w, o, u: Project.objects.get(pk=_thing(w, o).project_id).question,
    ),
    "moderate_statement": Act(
        _post("moderation:statement_moderate", "statement_id", data={"decision": "reject"}),
        lambda w, o, u: Statement.objects.get(pk=_thing(w, o).statement_id).status,
    ),
    "deliberation_settings": Act(
        _post(
            "deliberation:settings",
            data={"moderation": "pre", "pairwise_prompt": "Which helps more?"},
        ),
        lambda w, o, u: list(
            DeliberationSettings.objects.filter(project_id=_thing(w, o).project_id).values_list(
                "moderation", "pairwise_prompt"
            )
        ),
    ),
    "polis_import_page": Act(_project_url("deliberation:polis_import")),
    "invites_page": Act(_project_url("projects:invites")),
    "create_invite": Act(
        _post("projects:invites", data={"note": "Carers", "max_uses": "5", "days": "7"}),
        lambda w, o, u: ProjectInvite.objects.filter(project_id=_thing(w, o).project_id).count(),
    ),
    "revoke_invite": Act(
        _post("projects:invite_revoke", "invite_id"),
        lambda w, o, u: ProjectInvite.objects.get(pk=_thing(w, o).invite_id).revoked,
    ),
    "join_by_invite_page": Act(
        lambda w, o, u: Request("get", reverse("projects:join", args=[_thing(w, o).invite_token]))
    ),
    "withdraw": Act(
        lambda w, o, u: Request(
            "post",
            reverse(
                "contributions:withdraw",
                # In the public project the author's named story; in the private one, protected.
                args=[
                    _thing(w, o).slug,
                    _thing(w, o).named_id if o.endswith("pub") else _thing(w, o).protected_id,
                ],
            ),
        ),
        lambda w, o, u: list(
            Contribution.objects.filter(project_id=_thing(w, o).project_id)
            .order_by("pk")
            .values_list("status", flat=True)
        ),
    ),
    "view_organisation": Act(_org_url("organisations:detail")),
    "edit_org_form": Act(_org_url("organisations:edit")),
    "edit_org": Act(
        _org_url(
            "organisations:edit",
            method="post",
            data={"name": "Renamed", "kind": "charity", "description": "", "website": ""},
        ),
        lambda w, o, u: _org(w, o).name,
    ),
    "members_page": Act(_org_url("organisations:members")),
    "invite_member": Act(
        _org_url("organisations:members", method="post", data={"email": "newbie@example.org"}),
        lambda w, o, u: OrganisationInvite.objects.filter(organisation_id=w["orgs"][o]).count(),
    ),
    "set_admin": Act(
        _org_url(
            "organisations:set_admin", method="post", data={"is_admin": "1"}, member=_plain_member
        ),
        lambda w, o, u: (
            Membership.objects.get(
                organisation_id=w["orgs"][o], user_id=_plain_member(w, o)
            ).is_admin
        ),
    ),
    "verify_org": Act(
        _org_url("organisations:verify", method="post", data={"verified": "1"}),
        lambda w, o, u: _org(w, o).verified,
    ),
    "verify_org_get": Act(_org_url("organisations:verify")),
    "data_export": Act(
        lambda w, o, u: Request("get", reverse("accounts_data:export_download", args=[w["export"]]))
    ),
    # The author's protected story: only the author may change it, whoever hosts the project.
    "edit_contribution_form": Act(_project_url("contributions:edit", "protected_id")),
    "edit_contribution": Act(
        _post("contributions:edit", "protected_id", data={**STORY, "title": "Corrected"}),
        lambda w, o, u: Contribution.objects.get(pk=_thing(w, o).protected_id).title,
    ),
    "flag": Act(
        _post("moderation:flag", "=contribution", "named_id", data={"reason": "spam"}),
        lambda w, o, u: Flag.objects.filter(project_id=_thing(w, o).project_id).count(),
    ),
    "moderation_queue": Act(_project_url("moderation:queue")),
    "decide": Act(
        _post(
            "moderation:decide",
            "=contribution",
            "named_id",
            data={"outcome": "hide", "reason": "Names a colleague."},
        ),
        lambda w, o, u: Contribution.objects.get(pk=_thing(w, o).named_id).status,
    ),
    "moderation_log": Act(_project_url("moderation:log")),
    "invite_codes_page": Act(_project_url("projects:invite_codes")),
    "create_codes": Act(
        _post(
            "projects:invite_codes",
            data=lambda w, o: {
                "count": "3",
                "expires_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
            },
        ),
        lambda w, o, u: ProjectInviteCode.objects.filter(
            project_id=_thing(w, o).project_id
        ).count(),
    ),
    "coordination": Act(_project_url("deliberation:coordination")),
    "verified_role_requests": Act(_org_url("organisations:verified_role_requests")),
    "site_queue": Act(lambda w, o, u: Request("get", reverse("moderation:site_queue"))),
    "suspension_page": Act(
        lambda w, o, u: Request(
            "get",
            reverse("people:suspension", args=[User.objects.get(pk=w["users"]["author"]).username]),
        )
    ),
}


def _rows():
    for line in MATRIX.strip().splitlines():
        action, obj, *cells = line.split()
        assert len(cells) == len(ROLES), line
        assert action in ACTIONS, action
        for role, expected in zip(ROLES, cells, strict=True):
            yield pytest.param(action, obj, role, expected, id=f"{action}-{obj}-{role}")


CASES = list(_rows())


def _user(world, role):
    return AnonymousUser() if role == "anon" else User.objects.get(pk=world["users"][role])


def _send(client, req: Request):
    if req.method == "get":
        return client.get(req.url)
    if req.json:
        return client.post(req.url, req.data, content_type="application/json")
    return client.post(req.url, req.data or {})


def _outcome(response) -> str:
    if response.status_code == 302 and response.url.startswith(f"{LOGIN}?next="):
        return "login"
    return str(response.status_code)


@pytest.mark.parametrize(("action", "obj", "role", "expected"), CASES)
def test_access_matrix(client, world, action, obj, role, expected):
    act = ACTIONS[action]
    user = _user(world, role)
    if user.is_authenticated:
        client.force_login(user)
    req = act.request(world, obj, user)
    before = act.state(world, obj, user) if act.state else None

    response = _send(client, req)

    assert _outcome(response) == expected, (req.method, req.url, response.get("Location"))
    if req.method == "post":
        assert act.state is not None, f"{action}: a POST row needs a state probe"
        after = act.state(world, obj, user)
        if expected in {"302", "200"}:
            assert after != before, f"{action} by {role} was allowed but changed nothing"
        else:
            assert after == before, f"{action} by {role} was refused but changed the database"
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)  # close the file a download opened


def test_the_table_covers_every_role_and_action():
    actions_in_table = {p.values[0] for p in CASES}
    assert actions_in_table == set(ACTIONS)
    assert set(ROLE_HELP) == set(ROLES)
    keys = [(p.values[0], p.values[1], p.values[2]) for p in CASES]
    assert len(keys) == len(set(keys)), "a row appears twice"


def test_the_world_is_what_the_table_assumes(world):
    """The roles really are what the column names say (so a wrong fixture cannot pass quietly)."""
    a, b = (Organisation.objects.get(pk=world["orgs"][k]) for k in ("org.a", "org.b"))
    admins = {
        org.slug: set(org.memberships.filter(is_admin=True).values_list("user_id", flat=True))
        for org in (a, b)
    }
    users = world["users"]
    assert admins[a.slug] == {users["admin_a"]}
    assert admins[b.slug] == {users["admin_b"]}
    assert a.memberships.filter(user_id=users["member_a"], is_admin=False).exists()
    assert not Membership.objects.filter(user_id=users["outsider"]).exists()
    private_a = Project.objects.get(slug=PROJECTS["a.priv"])
    # Invited: the participant and the author; the host joined by writing there.
    assert set(private_a.participants.values_list("user_id", flat=True)) == {
        users["participant"],
        users["author"],
        users["admin_a"],
    }
    assert User.objects.get(pk=users["staff"]).is_staff
    assert not User.objects.filter(
        pk__in=[v for k, v in users.items() if k != "staff"], is_staff=True
    ).exists()
    for thing in world["things"].values():
        protected = Contribution.objects.get(pk=thing.protected_id)
        assert protected.attribution == "protected" and protected.author_id is None
        assert Contribution.objects.get(pk=thing.evidence_id).attachment
    assert DataExport.objects.get(pk=world["export"]).owner_id == users["author"]
    # Every project is gathering today, so contributing is open to whoever may see it.
    today = timezone.localdate()
    for slug in PROJECTS.values():
        phase = Project.objects.get(slug=slug).phases.get(kind="gather")
        assert phase.starts_on <= today <= phase.ends_on
        assert phase.ends_on - today >= timedelta(days=1)

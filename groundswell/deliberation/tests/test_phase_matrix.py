"""Deliberation (issue 3) permissions: every role against every action, per phase, web and API.

Each row is one request on a real route in a project whose phases put today before voting
opens (`before`), while it takes votes (`deliberate`), after voting has closed (`draft`) and
after its last phase (`after`, a closed project). Each cell is the outcome expected: a status
code, or `login` for a redirect to the log-in page. A refused POST must change nothing; an
allowed one must change something.

Roles: `anon` not signed in; `outsider` signed in, not in the project; `member` joined it;
`moderator` site staff (site moderators are staff); `host` an admin of the hosting
organisation; `other_host` an admin of another organisation.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from groundswell.deliberation.models import (
    DeliberationSettings,
    Idea,
    Statement,
    StatementStatus,
    Vote,
)
from groundswell.deliberation.services import idea_create, statement_create
from groundswell.moderation.models import Decision
from groundswell.projects.services import participant_join
from groundswell.testing import factories

ROLES = ["anon", "outsider", "member", "moderator", "host", "other_host"]

# Today falls in the named phase; "before" and "after" put it outside them all.
PHASE_PLANS = {
    "before": [("gather", 5, 14), ("deliberate", 15, 30), ("draft", 31, 45)],
    "deliberate": [("gather", -20, -1), ("deliberate", 0, 10), ("draft", 11, 20)],
    "draft": [("gather", -30, -21), ("deliberate", -20, -1), ("draft", 0, 10)],
    "after": [("gather", -45, -31), ("deliberate", -30, -16), ("draft", -15, -1)],
}

# action          vis   phase       anon   outsider member moderator host  other_host
MATRIX = """
statements        pub   before      200    200      200    200       200   200
statements        pub   deliberate  200    200      200    200       200   200
statements        pub   after       200    200      200    200       200   200
statements        priv  deliberate  404    404      200    200       200   404
results           pub   draft       200    200      200    200       200   200
results           priv  draft       404    404      200    200       200   404
polis_export      pub   after       200    200      200    200       200   200
polis_export      priv  deliberate  404    404      404    404       404   404
api_statements    pub   deliberate  200    200      200    200       200   200
api_statements    priv  deliberate  404    404      200    200       200   404
vote_page         pub   before      login  403      403    200       200   403
vote_page         pub   deliberate  login  200      200    200       200   200
vote_page         pub   draft       login  403      403    200       200   403
vote_page         pub   after       login  403      403    200       200   403
vote_page         priv  deliberate  login  404      200    200       200   404
vote              pub   before      login  403      403    403       403   403
vote              pub   deliberate  login  302      302    302       302   302
vote              pub   draft       login  403      403    403       403   403
vote              pub   after       login  403      403    403       403   403
vote              priv  deliberate  login  404      302    302       302   404
vote              priv  draft       login  404      403    403       403   404
api_vote          pub   before      401    403      403    403       403   403
api_vote          pub   deliberate  401    200      200    200       200   200
api_vote          pub   draft       401    403      403    403       403   403
api_vote          pub   after       401    403      403    403       403   403
api_vote          priv  deliberate  401    404      200    200       200   404
api_vote          priv  draft       401    404      403    403       403   404
api_votes         pub   before      401    403      403    403       403   403
api_votes         pub   deliberate  401    200      200    200       200   200
api_votes         pub   draft       401    403      403    403       403   403
api_votes         pub   after       401    403      403    403       403   403
api_votes         priv  deliberate  401    404      200    200       200   404
api_votes         priv  draft       401    404      403    403       403   404
add_statement     pub   before      login  403      403    302       302   403
add_statement     pub   deliberate  login  302      302    302       302   302
add_statement     pub   draft       login  403      403    302       302   403
add_statement     pub   after       login  403      403    302       302   403
add_statement     priv  deliberate  login  404      302    302       302   404
seed_statements   pub   before      login  403      403    302       302   403
seed_statements   pub   deliberate  login  403      403    302       302   403
seed_statements   pub   after       login  403      403    302       302   403
seed_statements   priv  deliberate  login  404      403    302       302   404
compare_page      pub   deliberate  login  200      200    200       200   200
compare_page      pub   before      login  403      403    200       200   403
compare_page      pub   draft       login  403      403    200       200   403
compare           pub   before      login  403      403    403       403   403
compare           pub   deliberate  login  302      302    302       302   302
compare           pub   draft       login  403      403    403       403   403
compare           priv  deliberate  login  404      302    302       302   404
add_idea          pub   deliberate  login  302      302    302       302   302
add_idea          pub   before      login  403      403    302       302   403
add_idea          pub   draft       login  403      403    302       302   403
add_idea          pub   after       login  403      403    302       302   403
add_idea          priv  draft       login  404      403    302       302   404
add_idea          priv  deliberate  login  404      302    302       302   404
api_add_idea      pub   deliberate  401    201      201    201       201   201
api_add_idea      pub   before      401    403      403    201       201   403
api_add_idea      pub   draft       401    403      403    201       201   403
api_add_idea      pub   after       401    403      403    201       201   403
api_add_idea      priv  draft       401    404      403    201       201   404
api_add_idea      priv  deliberate  401    404      201    201       201   404
moderate          pub   before      login  403      403    302       302   403
moderate          pub   deliberate  login  403      403    302       302   403
moderate          pub   after       login  403      403    302       302   403
moderate          priv  deliberate  login  404      403    302       302   404
rejected_page     pub   deliberate  login  403      403    200       200   403
rejected_page     priv  draft       login  404      403    200       200   404
decide_statement  pub   deliberate  login  403      403    302       302   403
decide_statement  pub   after       login  403      403    302       302   403
decide_statement  priv  deliberate  login  404      403    302       302   404
decide_idea       pub   draft       login  403      403    302       302   403
moderation_queue  pub   deliberate  login  403      403    200       200   403
moderation_queue  priv  after       login  404      403    200       200   404
settings          pub   before      login  403      403    302       302   403
settings          pub   after       login  403      403    302       302   403
settings          priv  deliberate  login  404      403    302       302   404
coordination      pub   deliberate  login  403      403    200       200   403
"""


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    data: dict | None = None
    json: bool = False


@dataclass(frozen=True)
class Act:
    request: Callable[[dict], Request]
    # For a POST: what the request changes, read before and after it.
    state: Callable[[dict], object] | None = None


def _url(name: str, *extra: str) -> Callable[[dict], str]:
    return lambda w: reverse(name, args=[w["project"].slug, *(w[e] for e in extra)])


def _get(name: str, *extra: str) -> Callable[[dict], Request]:
    return lambda w: Request("get", _url(name, *extra)(w))


def _post(name: str, *extra: str, data: dict | Callable[[dict], dict]) -> Callable[[dict], Request]:
    return lambda w: Request("post", _url(name, *extra)(w), data(w) if callable(data) else data)


def _statements(w) -> list:
    return list(
        Statement.objects.filter(project=w["project"]).order_by("pk").values_list("pk", "status")
    )


ACTIONS: dict[str, Act] = {
    "statements": Act(_get("deliberation:statements")),
    "results": Act(_get("deliberation:results")),
    "polis_export": Act(_get("deliberation:export_polis")),
    "api_statements": Act(_get("api:list_statements")),
    "vote_page": Act(_get("deliberation:vote")),
    "vote": Act(
        _post("deliberation:vote_cast", "statement", data={"value": "1"}),
        lambda w: Vote.objects.filter(project=w["project"]).count(),
    ),
    "api_vote": Act(
        lambda w: Request("post", _url("api:cast_vote", "statement")(w), {"value": 1}, json=True),
        lambda w: Vote.objects.filter(project=w["project"]).count(),
    ),
    "api_votes": Act(
        lambda w: Request(
            "post",
            _url("api:cast_votes")(w),
            {"votes": [{"statement": w["statement"], "value": 1}]},
            json=True,
        ),
        lambda w: Vote.objects.filter(project=w["project"]).count(),
    ),
    "add_statement": Act(
        _post(
            "deliberation:statement_add",
            data={"text": "Fund travel to appointments", "attribution": "named"},
        ),
        _statements,
    ),
    "seed_statements": Act(
        _post(
            "deliberation:statements_seed",
            data={"seed-statements": "Fund buses\nFund trains", "seed-attribution": "named"},
        ),
        _statements,
    ),
    "compare_page": Act(_get("deliberation:compare")),
    "compare": Act(
        _post(
            "deliberation:compare",
            data=lambda w: {"first": w["idea_1"], "second": w["idea_2"], "outcome": "first"},
        ),
        lambda w: Idea.objects.get(pk=w["idea_1"]).appearances,
    ),
    "add_idea": Act(
        _post("deliberation:idea_add", data={"text": "Pay for travel", "attribution": "named"}),
        lambda w: Idea.objects.filter(project=w["project"]).count(),
    ),
    # The API's door for ideas is the page's: hosts seed the pool in any phase (idea_create).
    "api_add_idea": Act(
        lambda w: Request("post", _url("api:add_idea")(w), {"text": "Pay for travel"}, json=True),
        lambda w: Idea.objects.filter(project=w["project"]).count(),
    ),
    "moderate": Act(
        _post("moderation:statement_moderate", "pending", data={"decision": "accept"}),
        _statements,
    ),
    "rejected_page": Act(_get("deliberation:statements_rejected")),
    "decide_statement": Act(
        lambda w: Request(
            "post",
            reverse("moderation:decide", args=[w["project"].slug, "statement", w["statement"]]),
            {"outcome": "hide", "reason": "Names a member of staff."},
        ),
        _statements,
    ),
    "decide_idea": Act(
        lambda w: Request(
            "post",
            reverse("moderation:decide", args=[w["project"].slug, "idea", w["idea_1"]]),
            {"outcome": "hide", "reason": "Names a member of staff."},
        ),
        lambda w: Decision.objects.filter(project=w["project"]).count(),
    ),
    "moderation_queue": Act(
        lambda w: Request("get", reverse("moderation:queue", args=[w["project"].slug]))
    ),
    "settings": Act(
        _post(
            "deliberation:settings",
            data={"moderation": "pre", "pairwise_prompt": "Which helps more?"},
        ),
        lambda w: list(
            DeliberationSettings.objects.filter(project=w["project"]).values_list(
                "moderation", "pairwise_prompt"
            )
        ),
    ),
    "coordination": Act(_get("deliberation:coordination")),
}


def _rows():
    for line in MATRIX.strip().splitlines():
        action, visibility, phase, *cells = line.split()
        assert len(cells) == len(ROLES), line
        assert action in ACTIONS, action
        assert phase in PHASE_PLANS, phase
        for role, expected in zip(ROLES, cells, strict=True):
            yield pytest.param(
                action,
                visibility,
                phase,
                role,
                expected,
                id=f"{action}-{visibility}-{phase}-{role}",
            )


CASES = list(_rows())


def _build() -> dict:
    host = factories.UserFactory(username="hana", display_name="Hana Host", role="manager")
    org = factories.OrganisationFactory(name="Northfield Care Trust")
    factories.MembershipFactory(organisation=org, user=host, is_admin=True)
    other_host = factories.UserFactory(username="otto", display_name="Otto Other")
    other_org = factories.OrganisationFactory(name="Southfield Housing")
    factories.MembershipFactory(organisation=other_org, user=other_host, is_admin=True)
    member = factories.UserFactory(username="priya", role="practitioner")
    moderator = factories.UserFactory(username="stella", is_staff=True)
    factories.totp_activate(moderator)
    users = {
        "anon": AnonymousUser(),
        "outsider": factories.UserFactory(username="olly", role="other"),
        "member": member,
        "moderator": moderator,
        "host": host,
        "other_host": other_host,
    }
    projects = {}
    for visibility in ("pub", "priv"):
        for phase, plan in PHASE_PLANS.items():
            project = factories.ProjectFactory(
                host_organisation=org,
                created_by=host,
                visibility="private" if visibility == "priv" else "public",
                phases=plan,
            )
            participant_join(project=project, user=member)
            # Hosts add statements and ideas in any phase; the member's statement waits.
            statement = statement_create(
                project=project, author=host, text="Fund travel to clinics"
            )
            ideas = [
                idea_create(project=project, author=host, text=text)
                for text in ("Longer home care visits", "A named caseworker")
            ]
            pending = Statement.objects.create(
                project=project,
                text="Keep school places",
                status=StatementStatus.PENDING,
                author=member,
            )
            projects[(visibility, phase)] = {
                "project": project,
                "statement": statement.pk,
                "pending": pending.pk,
                "idea_1": ideas[0].pk,
                "idea_2": ideas[1].pk,
            }
    return {"users": users, "projects": projects}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once in an outer transaction rolled back when the module ends; each test's `db`
    fixture opens a savepoint inside it, so a test's writes never reach the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                built = _build()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _outcome(response) -> str:
    if response.status_code == 302 and response.url.startswith(reverse("account_login") + "?next="):
        return "login"
    return str(response.status_code)


@pytest.mark.parametrize(("action", "visibility", "phase", "role", "expected"), CASES)
def test_deliberation_phase_matrix(db, client, world, action, visibility, phase, role, expected):
    things = world["projects"][(visibility, phase)]
    act = ACTIONS[action]
    user = world["users"][role]
    if user.is_authenticated:
        client.force_login(user)
    req = act.request(things)
    before = act.state(things) if act.state else None

    if req.method == "get":
        response = client.get(req.url)
    elif req.json:
        response = client.post(req.url, req.data, content_type="application/json")
    else:
        response = client.post(req.url, req.data or {})

    assert _outcome(response) == expected, (req.method, req.url, response.get("Location"))
    if req.url.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
    if req.method == "post":
        assert act.state is not None, f"{action}: a POST row needs a state probe"
        after = act.state(things)
        if expected in {"302", "200", "201"}:
            assert after != before, f"{action} by {role} was allowed but changed nothing"
        else:
            assert after == before, f"{action} by {role} was refused but changed the database"


def test_the_phase_plans_put_today_where_they_say(db):
    from groundswell.projects.permissions import current_phase

    for phase, plan in PHASE_PLANS.items():
        project = factories.ProjectFactory(phases=plan)
        assert current_phase(project=project) == (None if phase in {"before", "after"} else phase)


def test_a_refused_vote_says_why_on_the_web_and_in_json(db, client, world):
    things = world["projects"][("pub", "draft")]
    client.force_login(world["users"]["member"])
    web = client.post(_url("deliberation:vote_cast", "statement")(things), {"value": "1"})
    assert web.status_code == 403
    assert "not taking that at its current phase" in web.content.decode()
    api = client.post(
        _url("api:cast_vote", "statement")(things), {"value": 1}, content_type="application/json"
    )
    assert api.status_code == 403
    assert api.json() == {"detail": "This project is not taking that at its current phase."}

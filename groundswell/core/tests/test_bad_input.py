"""Junk in, a re-shown form out: every form refuses bad input, saves nothing and never crashes.

Each form is posted as a member allowed to use it, first with a valid baseline (which must be
accepted, so the junk cases cannot pass by accident), then with the baseline spoiled one field
at a time: empty, too long, wrong type, impossible dates, unknown choices, markup. Markup that
is allowed text is then saved for real and must come back escaped on every page that shows it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from groundswell.contributions.forms import CommentForm, ContributionForm, FilterForm, LinkForm
from groundswell.contributions.kinds import all_kinds
from groundswell.contributions.models import (
    Comment,
    Contribution,
    ContributionLink,
    ProtectedAuthorKey,
)
from groundswell.organisations.forms import InviteForm, OrganisationForm
from groundswell.organisations.models import Membership, Organisation, OrganisationInvite
from groundswell.people.forms import ProfileForm
from groundswell.people.models import User
from groundswell.projects.forms import InviteLinkForm, ProjectForm
from groundswell.projects.models import (
    Participant,
    ParticipationTarget,
    Phase,
    Project,
    ProjectInvite,
)
from groundswell.testing import factories

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ESCAPED = {
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    IMG: "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
}
LIVE = ("<script>alert(1)", "<img src=x")
# A well-formed address longer than the 254 characters an e-mail column holds.
LONG_EMAIL = "x" * 64 + "@" + ".".join(["d" * 62] * 3) + ".org"
HUGE = "9" * 30
EMPTY = object()
MODELS = [
    User,
    EmailAddress,
    Organisation,
    Membership,
    OrganisationInvite,
    Project,
    Phase,
    ParticipationTarget,
    Participant,
    ProjectInvite,
    Contribution,
    ContributionLink,
    Comment,
    ProtectedAuthorKey,
]


def _snapshot() -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


def _day(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def world(project, private_project, host_org, host_admin, practitioner, outsider):
    story = factories.ContributionFactory(
        project=project, author=practitioner, title="Visits are fifteen minutes long"
    )
    target = factories.ContributionFactory(project=project, kind="idea", title="Longer visits")
    elsewhere = factories.ContributionFactory(kind="barrier", title="Somewhere else entirely")
    return {
        "project": project,
        "private": private_project,
        "org": host_org,
        "story": story,
        "target": target,
        "elsewhere": elsewhere,
        "foreign_comment": factories.CommentFactory(contribution=elsewhere),
        "users": {"host_admin": host_admin, "practitioner": practitioner, None: None},
    }


@dataclass(frozen=True)
class Spec:
    """One form: who uses it, where, a valid baseline, and its fields (to spoil one by one)."""

    user: str | None
    url: Callable[[dict], str]
    valid: Callable[[dict], dict]
    fields: dict[str, forms.Field] = field(default_factory=dict)
    method: str = "post"


def _project_fields(*, with_host: bool) -> dict[str, forms.Field]:
    fields = dict(ProjectForm(user=AnonymousUser()).fields)
    if not with_host:
        del fields["host"]
    return fields


def _project_valid(w) -> dict:
    return {
        "question": "What would make hospital discharge work?",
        "description": "From the ward to home.",
        "kind": "policy_statement",
        "host": f"org:{w['org'].pk}",
        "visibility": "public",
        "sector": "health",
        "phase_gather": _day(),
        "phase_deliberate": _day(14),
        "ends_on": _day(30),
        "target_practitioner": "20",
    }


KIND_VALID = {
    "practice": {
        "setting": "Ward 7",
        "outcomes": "Fewer readmissions",
        "evidence_level": "monitored",
    },
    "barrier": {"rule": "Time-and-task commissioning", "frontline_effect": "We rush"},
    "failure_demand": {
        "category": "chasing",
        "count": "12",
        "period": "week",
        "root_cause": "Visits missed",
    },
    "idea": {"expected_benefit": "Time to talk"},
    "evidence": {
        "source_type": "study",
        "source": "Smith 2021",
        "provenance": "Peer-reviewed",
        "quality": "moderate",
    },
    "story": {"setting": "Home care"},
    "question": {"why_it_matters": "Nobody asks"},
}

SPECS: dict[str, Spec] = {
    "profile": Spec(
        "practitioner",
        lambda w: "/me/profile/",
        lambda w: {"display_name": "Priya", "role": "practitioner", "sector": "health"},
        dict(ProfileForm.base_fields),
    ),
    "organisation_create": Spec(
        "practitioner",
        lambda w: "/organisations/new/",
        lambda w: {"name": "Eastside Carers", "kind": "charity", "website": "https://e.org"},
        dict(OrganisationForm.base_fields),
    ),
    "organisation_edit": Spec(
        "host_admin",
        lambda w: f"/organisations/{w['org'].slug}/edit/",
        lambda w: {"name": "Northfield Care", "kind": "provider", "description": "Care"},
        dict(OrganisationForm.base_fields),
    ),
    "organisation_invite": Spec(
        "host_admin",
        lambda w: f"/organisations/{w['org'].slug}/members/",
        lambda w: {"email": "newcomer@example.org", "as_admin": "on"},
        dict(InviteForm.base_fields),
    ),
    "project_create": Spec(
        "host_admin", lambda w: "/projects/new/", _project_valid, _project_fields(with_host=True)
    ),
    "project_edit": Spec(
        "host_admin",
        lambda w: f"/projects/{w['project'].slug}/edit/",
        _project_valid,
        _project_fields(with_host=False),
    ),
    "project_invite": Spec(
        "host_admin",
        lambda w: f"/projects/{w['private'].slug}/invites/",
        lambda w: {"note": "Ward 7 team", "max_uses": "10", "days": "7"},
        dict(InviteLinkForm.base_fields),
    ),
    **{
        f"contribute_{kind.slug}": Spec(
            "practitioner",
            lambda w, slug=kind.slug: f"/projects/{w['project'].slug}/contribute/{slug}/",
            lambda w, slug=kind.slug: {
                "title": "Short visits",
                "body": "What happens",
                "sector": "",
                "attribution": "named",
                **KIND_VALID[slug],
            },
            {**ContributionForm.base_fields, **kind.details_form.base_fields},
        )
        for kind in all_kinds()
    },
    "comment": Spec(
        "practitioner",
        lambda w: f"/projects/{w['project'].slug}/contributions/{w['story'].pk}/comment/",
        lambda w: {"body": "I have seen this too", "attribution": "named"},
        dict(CommentForm.base_fields),
    ),
    "link": Spec(
        "practitioner",
        lambda w: f"/projects/{w['project'].slug}/contributions/{w['story'].pk}/link/",
        lambda w: {"relation": "supports", "target": str(w["target"].pk), "note": "Same"},
        dict(LinkForm.base_fields),
    ),
    "filters": Spec(
        None,
        lambda w: f"/projects/{w['project'].slug}/contributions/",
        lambda w: {"q": "visits", "kind": "story"},
        dict(FilterForm(kinds=all_kinds()).fields),
        method="get",
    ),
    "browse_filters": Spec(
        "practitioner",
        lambda w: "/contributions/",
        lambda w: {"q": "visits", "sector": "social_care"},
        dict(FilterForm(kinds=all_kinds()).fields),
        method="get",
    ),
    "signup": Spec(
        None,
        lambda w: "/accounts/signup/",
        lambda w: {
            "email": "newcomer@example.org",
            "username": "newcomer",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    ),
    "login": Spec(
        None,
        lambda w: "/accounts/login/",
        lambda w: {"login": "priya@example.org", "password": factories.PASSWORD},
    ),
    "password_reset": Spec(
        None, lambda w: "/accounts/password/reset/", lambda w: {"email": "priya@example.org"}
    ),
}


def _junk(f: forms.Field, *, first_text: bool):
    """(label, value) pairs that the field must refuse."""
    if isinstance(f, forms.BooleanField | forms.FileField):
        return
    if isinstance(f, forms.EmailField):
        yield "markup", IMG
        yield "too-long", LONG_EMAIL
    elif isinstance(f, forms.URLField):
        yield "javascript-url", "javascript:alert(1)"
        yield "markup", IMG
    elif isinstance(f, forms.ChoiceField):
        yield "unknown-choice", SCRIPT
    elif isinstance(f, forms.IntegerField):
        yield "letters", "abc"
        if f.min_value is not None:
            yield "below-min", str(f.min_value - 1)
        if f.max_value is not None:
            yield "above-max", str(f.max_value + 1)
    elif isinstance(f, forms.DateField):
        yield "impossible-date", "2025-02-30"
        yield "not-a-date", "soon"
    elif isinstance(f, forms.CharField):
        if f.max_length:
            yield "too-long", "x" * (f.max_length + 1)
        if first_text:
            yield "nul-byte", "a\x00b"  # PostgreSQL cannot store it


def _cases():
    for name, spec in SPECS.items():
        required = [n for n, f in spec.fields.items() if f.required]
        if spec.method == "post" and required:
            yield name, "empty", EMPTY, required
        text_fields = [n for n, f in spec.fields.items() if type(f) is forms.CharField]
        for field_name, f in spec.fields.items():
            first_text = bool(text_fields) and field_name == text_fields[0]
            for label, value in _junk(f, first_text=first_text):
                yield name, f"{field_name}-{label}", {field_name: value}, [field_name]
    # Rules across fields, and values only the service can check.
    yield "signup", "empty", EMPTY, ["email", "username", "password1", "password2"]
    yield "signup", "username-markup", {"username": SCRIPT}, ["username"]
    yield "signup", "username-too-long", {"username": "u" * 151}, ["username"]
    yield "signup", "email-markup", {"email": IMG}, ["email"]
    yield "signup", "email-too-long", {"email": LONG_EMAIL}, ["email"]
    yield "signup", "passwords-differ", {"password2": "something else"}, ["password2"]
    yield "signup", "password-too-short", {"password1": "abc", "password2": "abc"}, ["password1"]
    yield "login", "empty", EMPTY, ["login", "password"]
    yield "login", "wrong-password", {"password": "not it"}, [None]
    yield "login", "login-markup", {"login": IMG}, ["login"]
    yield "login", "login-too-long", {"login": "x" * 321 + "@example.org"}, ["login"]
    yield "password_reset", "empty", EMPTY, ["email"]
    yield "password_reset", "email-markup", {"email": IMG}, ["email"]
    yield "password_reset", "email-too-long", {"email": "x" * 321 + "@example.org"}, ["email"]
    yield "organisation_invite", "already-a-member", {"email": "hana@example.org"}, ["email"]
    for name in ("project_create", "project_edit"):
        yield name, "no-phase", {"phase_gather": "", "phase_deliberate": ""}, [None]
        yield name, "phases-out-of-order", {"phase_define": _day(20)}, ["phase_gather"]
        yield name, "ends-before-last-phase", {"ends_on": _day(10)}, ["ends_on"]
        yield name, "same-start-twice", {"phase_deliberate": _day()}, ["phase_deliberate"]
        yield (
            name,
            "first-possible-day",
            {"phase_gather": "0001-01-01", "phase_deliberate": "0001-01-01"},
            ["phase_deliberate"],
        )
    yield "project_create", "host-unknown-org", {"host": "org:999999"}, ["host"]
    yield "project_create", "host-not-administered", {"host": "org:{other_org}"}, ["host"]
    yield "contribute_evidence", "file-wrong-type", {"file": "evil.exe"}, ["file"]
    yield "contribute_evidence", "url-markup-in-file-name", {"file": f"{SCRIPT}.exe"}, ["file"]
    yield (
        "contribute_failure_demand",
        "barrier-unknown",
        {"linked_barrier": "999999"},
        ["linked_barrier"],
    )
    yield "contribute_failure_demand", "barrier-huge", {"linked_barrier": HUGE}, ["linked_barrier"]
    yield (
        "contribute_failure_demand",
        "barrier-elsewhere",
        {"linked_barrier": "{elsewhere}"},
        ["linked_barrier"],
    )
    yield (
        "contribute_failure_demand",
        "barrier-not-a-barrier",
        {"linked_barrier": "{target}"},
        ["linked_barrier"],
    )
    yield "comment", "parent-from-another-contribution", {"parent": "{foreign_comment}"}, ["parent"]
    yield "comment", "parent-unknown", {"parent": "999999"}, ["parent"]
    yield "comment", "parent-huge", {"parent": HUGE}, ["parent"]
    yield "comment", "blank-body", {"body": "   \n  "}, ["body"]
    yield "link", "target-unknown", {"target": "999999"}, ["target"]
    yield "link", "target-huge", {"target": HUGE}, ["target"]
    yield "link", "target-itself", {"target": "{story}"}, ["target"]
    yield "link", "target-elsewhere", {"target": "{elsewhere}"}, ["target"]
    yield "link", "replicates-a-non-practice", {"relation": "replicates"}, ["relation"]
    yield "project_invite", "days-zero", {"days": "0"}, ["days"]


CASES = [pytest.param(*case, id=f"{case[0]}-{case[1]}") for case in _cases()]


def _payload(w: dict, spec: Spec, data) -> dict:
    if data is EMPTY:
        # What a browser sends for an untouched form: every field, all blank.
        return dict.fromkeys(spec.fields, "")
    ids = {
        "other_org": factories.OrganisationFactory(name="Someone Else's Trust").pk
        if "{other_org}" in str(data.values())
        else None,
        **{k: w[k].pk for k in ("story", "target", "elsewhere", "foreign_comment")},
    }
    payload = {**spec.valid(w), **data}
    for key, value in payload.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            payload[key] = str(ids[value[1:-1]])
    if "file" in data:
        payload["file"] = SimpleUploadedFile(data["file"], b"MZ\x90\x00 not a document")
    return payload


def _assert_no_live_markup(html: str) -> None:
    for tag in LIVE:
        assert tag not in html


@pytest.mark.parametrize("spec_name", [n for n, s in SPECS.items() if s.method == "post"])
def test_the_valid_baseline_is_accepted(client, world, spec_name):
    """The baseline works, so each refusal below is down to the one spoiled field."""
    spec = SPECS[spec_name]
    if spec.user:
        client.force_login(world["users"][spec.user])
    before, sent = _snapshot(), len(mail.outbox)
    response = client.post(spec.url(world), _payload(world, spec, {}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _snapshot() != before or len(mail.outbox) > sent


@pytest.mark.parametrize(("spec_name", "label", "data", "errors"), CASES)
def test_bad_input_is_refused_and_nothing_is_saved(client, world, spec_name, label, data, errors):
    spec = SPECS[spec_name]
    if spec.user:
        client.force_login(world["users"][spec.user])
    payload = _payload(world, spec, data)
    before, sent = _snapshot(), len(mail.outbox)

    if spec.method == "get":
        response = client.get(spec.url(world), payload)
    else:
        response = client.post(spec.url(world), payload)

    assert response.status_code in (200, 400), (label, response.status_code)
    html = response.content.decode()
    assert "There is a problem" in html, label
    for name in errors:
        if name is None:
            continue  # a form-wide error: the summary says it
        assert f'href="#id_{name}"' in html, (label, name)
        if name != "parent":  # a hidden field: only the summary can name it
            assert f'id="id_{name}_error"' in html, (label, name)
    _assert_no_live_markup(html)
    assert _snapshot() == before, label
    assert len(mail.outbox) == sent, label


# Allowed text: saved as it was typed, shown escaped everywhere.


@pytest.mark.parametrize("payload", [SCRIPT, IMG])
def test_markup_saved_as_text_is_shown_escaped_everywhere(client, world, payload, host_admin):
    project, org, practitioner = world["project"], world["org"], world["users"]["practitioner"]
    client.force_login(host_admin)
    assert (
        client.post(
            f"/organisations/{org.slug}/edit/",
            {
                "name": f"Trust {payload}",
                "kind": "charity",
                "description": payload,
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/projects/{world['private'].slug}/invites/",
            {
                "note": payload,
                "max_uses": "5",
                "days": "5",
            },
        ).status_code
        == 302
    )
    client.force_login(practitioner)
    assert (
        client.post(
            "/me/profile/",
            {
                "display_name": payload,
                "bio": payload,
                "role": "practitioner",
            },
        ).status_code
        == 302
    )
    response = client.post(
        "/projects/new/",
        {
            **_project_valid(world),
            "host": "self",
            "question": f"Why {payload}?",
            "description": payload,
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/projects/{project.slug}/contribute/barrier/",
        {
            "title": payload,
            "body": f"Rushed {payload}",
            "rule": payload,
            "frontline_effect": payload,
            "attribution": "named",
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(title=payload)
    assert contribution.details["rule"] == payload  # stored as typed, escaped only on output
    detail = contribution.get_absolute_url()
    assert (
        client.post(
            f"{detail}comment/",
            {
                "body": payload,
                "attribution": "named",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{detail}link/",
            {
                "relation": "supports",
                "target": world["target"].pk,
                "note": payload,
            },
        ).status_code
        == 302
    )
    assert Comment.objects.get(body=payload).author == practitioner

    escaped = ESCAPED[payload]
    pages = {
        "/": 1,
        "/projects/": 1,
        project.get_absolute_url(): 2,  # the title and the byline
        f"/projects/{project.slug}/contributions/": 2,
        # PostgreSQL's parser drops what is inside <script> tags, so search a plain word.
        f"/projects/{project.slug}/contributions/?q=rushed": 3,
        "/contributions/": 2,
        detail: 6,  # page title, heading, body, rule, comment, link note (and bylines)
        practitioner.get_absolute_url(): 2,
        "/organisations/": 1,
        org.get_absolute_url(): 2,
        Project.objects.get(question=f"Why {payload}?").get_absolute_url(): 2,
    }
    client.logout()  # anonymous, so the page header does not show the payload name
    for url, at_least in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        _assert_no_live_markup(html)
        assert html.count(escaped) >= at_least, (url, html.count(escaped))
    client.force_login(host_admin)
    for url in (
        f"/organisations/{org.slug}/members/",
        f"/projects/{world['private'].slug}/invites/",
    ):
        html = client.get(url).content.decode()
        _assert_no_live_markup(html)
        assert escaped in html, url
    # What was typed in the search box comes back escaped too.
    html = client.get("/contributions/", {"q": payload}).content.decode()
    _assert_no_live_markup(html)


# Junk requests to endpoints.

ENDPOINTS = [
    # (who, method, url, status, text the page must show)
    (None, "get", "/projects/?page=abc", 200, "{question}"),
    (None, "get", "/projects/?page=99999", 200, "{question}"),
    (None, "get", "/projects/?page=-1", 200, "{question}"),
    (None, "get", "/projects/?page=0", 200, "{question}"),
    (None, "get", "/projects/?page=" + HUGE, 200, "{question}"),
    (None, "get", "/organisations/?page=abc", 200, "Northfield Care Trust"),
    (None, "get", "/contributions/?page=abc", 200, "Visits are fifteen minutes long"),
    (None, "get", "/contributions/?page=99999", 200, "Visits are fifteen minutes long"),
    (
        None,
        "get",
        "/projects/{project}/contributions/?page=abc&kind=story",
        200,
        "Visits are fifteen minutes long",
    ),
    (
        None,
        "get",
        "/projects/{project}/contributions/?page=99999",
        200,
        "Visits are fifteen minutes long",
    ),
    (None, "get", "/projects/no-such-project/", 404, None),
    (None, "get", "/projects/{project}/contributions/999999/", 404, None),
    (None, "get", "/projects/{project}/contributions/" + HUGE + "/", 404, None),
    (None, "get", "/projects/{project}/contributions/{elsewhere}/", 404, None),
    (None, "get", "/projects/{private}/contributions/", 404, None),
    (None, "get", "/organisations/no-such-organisation/", 404, None),
    (None, "get", "/people/nobody-by-that-name/", 404, None),
    ("practitioner", "get", "/projects/{project}/contribute/nonsense/", 404, None),
    ("practitioner", "post", "/projects/{project}/contribute/nonsense/", 404, None),
    ("practitioner", "get", "/projects/{project}/contribute/%3Cscript%3E/", 404, None),
    ("practitioner", "post", "/projects/{project}/contributions/999999/comment/", 404, None),
    ("practitioner", "post", "/projects/{project}/contributions/999999/link/", 404, None),
    ("practitioner", "post", "/projects/{project}/contributions/999999/withdraw/", 404, None),
    ("practitioner", "post", "/projects/{project}/contributions/{elsewhere}/comment/", 404, None),
    ("practitioner", "get", "/projects/{project}/contributions/{story}/comment/", 405, None),
    ("practitioner", "get", "/projects/{project}/contributions/{story}/link/", 405, None),
    ("practitioner", "put", "/projects/{project}/contributions/{story}/withdraw/", 405, None),
    ("practitioner", "get", "/organisations/invites/not-a-token/", 404, None),
    ("practitioner", "get", "/projects/join/not-a-token/", 410, None),
    ("practitioner", "post", "/projects/join/not-a-token/", 302, None),
    ("practitioner", "post", "/organisations/invites/not-a-token/", 302, None),
    ("host_admin", "get", "/organisations/{org}/members/{practitioner}/admin/", 405, None),
    ("host_admin", "post", "/organisations/{org}/members/999999/admin/", 302, None),
    ("host_admin", "get", "/projects/{private}/invites/1/revoke/", 405, None),
    ("host_admin", "post", "/projects/{private}/invites/999999/revoke/", 404, None),
    ("host_admin", "get", "/projects/no-such-project/edit/", 404, None),
]


@pytest.mark.parametrize(("who", "method", "url", "status", "shows"), ENDPOINTS)
def test_junk_requests_get_a_clean_answer(client, world, who, method, url, status, shows):
    if who:
        client.force_login(world["users"][who])
    url = url.format(
        project=world["project"].slug,
        private=world["private"].slug,
        org=world["org"].slug,
        story=world["story"].pk,
        elsewhere=world["elsewhere"].pk,
        practitioner=world["users"]["practitioner"].pk,
    )
    before = _snapshot()
    response = getattr(client, method)(url)
    assert response.status_code == status, (url, response.status_code)
    assert _snapshot() == before
    if shows:
        # A page number that is not a page gives a real page: the first, or the last.
        assert shows.format(question=world["project"].question) in response.content.decode()
    if status == 302:
        # Refused with a message, not carried out.
        follow = client.get(response.url).content.decode()
        assert 'class="message message-error"' in follow

"""Every route in /api/v1/openapi.json, sent input of every wrong kind by every kind of caller.

Whatever is sent, the answer is JSON with a status the document names for that route, in the
shape it gives for that status; a refusal is {"detail": ...} and writes nothing. Never a 500,
an HTML page or a traceback. A private project is answered, to whoever may not see it, exactly
as a project that does not exist.
"""

import json
import re

import pytest
from django.test import Client

from groundswell.api.tests.test_schema import problems
from groundswell.deliberation.models import Comparison, Idea, Statement, Vote
from groundswell.deliberation.services import idea_create, statement_create
from groundswell.people.services import user_suspend
from groundswell.testing import factories

# Wrong for every write route: each lacks a field the route needs or holds one it cannot take.
BAD_BODIES = [
    "",
    "{",
    '{"text": "unfinished',
    "nul",
    "null",
    "[]",
    "[1, 2]",
    '"text"',
    "1",
    "true",
    "NaN",
    "Infinity",
    '{"value": NaN, "first": NaN, "text": NaN, "votes": NaN}',
    '{"value": -Infinity, "first": Infinity, "second": 1, "outcome": "tie", "text": Infinity}',
    "{}",
    '{"text": null, "value": null, "votes": null, "first": null, "second": null, "outcome": null}',
    '{"text": 1, "value": [], "votes": {}, "first": "1", "second": "2", "outcome": 1}',
    '{"text": true, "value": true, "votes": [true], "first": true, "second": false}',
    '{"text": 1.5, "value": 1.5, "votes": [{"statement": 1.5, "value": 1}], "first": 1.5}',
    '{"text": [], "value": {}, "votes": [[]], "first": [], "second": {}, "outcome": []}',
    '{"value": 1e400, "first": 1e400, "second": 1, "votes": [{"statement": 1e400, "value": 1}]}',
    json.dumps(
        {
            "value": 2**64,
            "first": 2**64,
            "second": 2**63,
            "outcome": "tie",
            "votes": [{"statement": 2**64, "value": 1}],
        }
    ),
    json.dumps(
        {
            "value": -(2**64),
            "first": -1,
            "second": -2,
            "outcome": "tie",
            "votes": [{"statement": -1, "value": 1}],
        }
    ),
    json.dumps({"value": 10**400, "first": 10**400, "second": 1, "outcome": "tie"}),
    json.dumps({"first": 0, "second": 0, "outcome": "tie", "votes": [{"statement": 0}]}),
    json.dumps({"text": "x" * 200_000, "attribution": "x" * 10_000, "outcome": "x" * 10_000}),
    json.dumps({"text": "a\x00b", "attribution": "named\x00", "outcome": "tie\x00"}),
    '{"text": "Fund \\ud800 buses", "value": 1, "attribution": "\\udfff", "outcome": "\\ud83d"}',
    json.dumps({"text": "Fund buses", "attribution": "anonymous", "value": "agree"}),
    json.dumps({"text": "Fund buses", "attribution": None, "value": None}),
    json.dumps({"text": "", "attribution": "", "value": "", "votes": "", "outcome": ""}),
    json.dumps({"text": " \t\n", "value": 7, "votes": [{"statement": 1, "value": 7}]}),
    json.dumps({"text": "\u202e\u200b", "votes": [], "value": -2}),
    json.dumps({"votes": [{"statement": 1, "value": 1}] * 101, "value": 2}),
    json.dumps({"votes": [1, "a", None], "value": 1.5}),
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"value": 1, "value": "x", "text": 1, "text": null}',
    "\ufeff{}",
]

QUERIES = [
    "page=0",
    "page=-1",
    "page=abc",
    "page=1.5",
    "page=1e3",
    "page=",
    "page=NaN",
    "page=true",
    "page=%00",
    "page_size=0",
    "page_size=-1",
    "page_size=101",
    f"page_size={10**30}",
    "page_size=true",
    f"page={10**30}",
    f"page={2**63}",
    "page=1&page=2",
    "page=99999&page_size=100",
    "q=%00",
    "q=" + "x" * 10_000,
    "q=%25_%5C&kind=%25&sector=_&author_role=%5C",
    "q=%ED%A0%80",
    "q=caf%E9",
    "unknown=%3Cscript%3E",
]

SLUGS = ["no-such-project", "x" * 3000, "%C3%A9", "..", "%2E%2E", "%20", "%00", "%ED%A0%80"]
PKS = [0, -1, 2**63, 10**30, "abc", "1.5", "1e3", "%20", "%00"]


@pytest.fixture
def routes(db) -> list[tuple[str, str, dict]]:
    schema = Client().get("/api/v1/openapi.json").json()
    return [
        (method, path, {**op, "components": schema["components"]["schemas"]})
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
    ]


@pytest.fixture
def places(project, private_project, host_admin) -> dict:
    """Something of each kind in a public project, and in a private one."""
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    for text in ["Longer visits", "Fewer forms"]:
        idea_create(project=project, author=host_admin, text=text)
    return {
        "slug": project.slug,
        "pk": statement.pk,
        "private_slug": private_project.slug,
        "private_statement": statement_create(
            project=private_project, author=host_admin, text="Kept in the room"
        ).pk,
        "private_contribution": factories.ContributionFactory(project=private_project).pk,
    }


def _url(path: str, *, slug, pk) -> str:
    return path.replace("{slug}", str(slug)).replace("{pk}", str(pk))


def _private_key(path: str) -> str:
    return "private_statement" if "/statements/" in path else "private_contribution"


def _written() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Statement, Idea, Vote, Comparison))


def _problems(response, method: str, path: str, op: dict) -> list[str]:
    """What is wrong with an answer of the route `op` documents."""
    status = response.status_code
    where = f"{method.upper()} {response.request['PATH_INFO'][:120]} -> {status}"
    if status >= 500:
        return [f"{where}: {response.content[:300]!r}"]
    found = []
    if str(status) not in op["responses"]:
        found.append(f"{where}: status not in the document")
    if status == 204:
        return found + ([f"{where}: a body"] if response.content else [])
    if not response["Content-Type"].startswith("application/json"):
        return [*found, f"{where}: {response['Content-Type']} {response.content[:200]!r}"]
    body = json.loads(response.content)
    if status >= 400:
        if not (isinstance(body, dict) and body.get("detail")):
            found.append(f"{where}: no detail in {body!r}")
        if "Traceback" in response.content.decode():
            found.append(f"{where}: a traceback")
    documented = op["responses"].get(str(status), {}).get("content")
    if documented:
        schema = documented["application/json"]["schema"]
        found += [f"{where}: {p}" for p in problems(body, schema, op["components"])][:3]
    return found


def _member(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bad_bodies_are_refused_in_json_and_write_nothing(routes, places, practitioner):
    member = _member(practitioner)
    found = []
    before = _written()
    writes = [(m, p, op) for m, p, op in routes if "requestBody" in op]
    assert {p.rsplit("/", 1)[-1] for _, p, _ in writes} == {
        "vote",
        "votes",
        "statements",
        "ideas",
        "comparisons",
    }
    for method, path, op in writes:
        url = _url(path, **{k: places[k] for k in ("slug", "pk")})
        for body in BAD_BODIES:
            response = member.generic(
                "POST", url, body.encode("utf-8", "surrogatepass"), "application/json"
            )
            found += _problems(response, method, path, op)
            if response.status_code not in (400, 413, 422):
                found.append(f"{path} took {body[:80]!r}: {response.status_code}")
    assert found == []
    assert _written() == before


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/json; charset=latin-1",
        "application/json; charset=utf-16",
        "application/xml",
        "",
    ],
)
def test_any_content_type_is_answered_in_json(routes, places, practitioner, content_type):
    member = _member(practitioner)
    found = []
    for method, path, op in routes:
        if "requestBody" not in op:
            continue
        url = _url(path, slug=places["slug"], pk=places["pk"])
        for body in ['{"value": 1, "text": "Fund the night bus"}', "value=1&text=x", "{"]:
            response = member.generic("POST", url, body, content_type=content_type)
            found += _problems(response, method, path, op)
    assert found == []


def test_bad_query_parameters_are_refused_in_json(routes, places, practitioner):
    found = []
    for client in (Client(), _member(practitioner)):
        for method, path, op in routes:
            if method != "get":
                continue
            url = _url(path, slug=places["slug"], pk=places["pk"])
            for query in QUERIES:
                response = client.get(f"{url}?{query}")
                found += _problems(response, method, path, op)
                paged = any(p["name"] == "page" for p in op.get("parameters", []))
                refused = query.startswith(("page=0", "page=-1", "page=abc", "page_size=0"))
                if paged and refused and response.status_code != 422:
                    found.append(f"{path}?{query}: {response.status_code}, not 422")
    assert found == []


def test_unknown_and_malformed_path_parameters_are_refused_in_json(routes, places, outsider):
    found = []
    callers = [Client(), _member(outsider)]
    body = '{"value": 1, "text": "Fund it", "first": 1, "second": 2, "outcome": "tie"}'
    for method, path, op in routes:
        if "{slug}" not in path:
            continue
        cases = [(slug, places["pk"]) for slug in SLUGS]
        if "{pk}" in path:
            cases += [(places["slug"], pk) for pk in PKS]
            # Another project's statement or contribution, asked for through this project: as
            # one that does not exist, not a word more.
            elsewhere, missing = (
                _member(outsider).generic(
                    method.upper(), _url(path, slug=places["slug"], pk=pk), body, "application/json"
                )
                for pk in (places[_private_key(path)], 999_999)
            )
            if (elsewhere.status_code, elsewhere.content) != (404, missing.content):
                found.append(f"{method} {path}: {elsewhere.content!r} {missing.content!r}")
        for slug, pk in cases:
            for client in callers:
                response = client.generic(
                    method.upper(), _url(path, slug=slug, pk=pk), body, "application/json"
                )
                found += _problems(response, method, path, op)
                if response.status_code < 400:
                    found.append(f"{method} {slug[:20]} {pk}: {response.status_code}")
    assert found == []


def test_every_route_answers_methods_it_does_not_take_in_json(routes, places, practitioner):
    member = _member(practitioner)
    member_csrf = Client(enforce_csrf_checks=True)
    member_csrf.force_login(practitioner)
    taken: dict[str, set[str]] = {}
    for method, path, _ in routes:
        taken.setdefault(path, set()).add(method.upper())
    taken["/api/v1/openapi.json"] = {"GET"}
    found = []
    for path, methods in taken.items():
        url = _url(path, slug=places["slug"], pk=places["pk"])
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"} - methods:
            for client in (member, member_csrf):
                response = client.generic(method, url, "{}", "application/json")
                if response.status_code != 405 or not response["Content-Type"].startswith(
                    "application/json"
                ):
                    found.append(f"{method} {path}: {response.status_code} {response.content[:80]}")
                elif set(response["Allow"].split(", ")) - {"HEAD"} != methods:
                    found.append(f"{method} {path}: Allow {response['Allow']}")
    assert found == []


def test_a_private_project_is_answered_as_one_that_does_not_exist(
    routes, places, practitioner, outsider, staff
):
    """To the anonymous, a signed-in outsider and a member whose account was suspended: the
    same status and the same words, for the project and for anything in it."""
    suspended = factories.UserFactory()
    callers = {
        "anonymous": Client(),
        "outsider": _member(outsider),
        "suspended": _member(suspended),
    }
    user_suspend(user=suspended, by=staff, reason="Abuse of other members")
    body = json.dumps(
        {
            "value": 1,
            "text": "Fund it",
            "votes": [{"statement": places["private_statement"], "value": 1}],
            "first": 1,
            "second": 2,
            "outcome": "tie",
        }
    )
    found = []
    for method, path, op in routes:
        if "{slug}" not in path:
            continue
        pk = places[_private_key(path)]
        for who, client in callers.items():
            private, missing = (
                client.generic(
                    method.upper(), _url(path, slug=slug, pk=pk), body, "application/json"
                )
                for slug in (places["private_slug"], "no-such-project")
            )
            found += _problems(private, method, path, op)
            if (private.status_code, private.content) != (missing.status_code, missing.content):
                found.append(f"{who} {method} {path}: {private.content!r} {missing.content!r}")
            if private.status_code < 400:
                found.append(f"{who} {method} {path}: {private.status_code}")
    assert found == []


def test_writes_ask_for_a_session_and_its_csrf_token(routes, places, practitioner):
    """Anonymous (401, sign in), and a session without the CSRF token (403, send it)."""
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(practitioner)
    found = []
    before = _written()
    for method, path, op in routes:
        if not op.get("security"):
            continue
        url = _url(path, slug=places["slug"], pk=places["pk"])
        body = '{"value": 1, "text": "Fund the night bus"}'
        for client, status in ((Client(), 401), (forged, 403 if method == "post" else 200)):
            response = client.generic(method.upper(), url, body, "application/json")
            found += _problems(response, method, path, op)
            if response.status_code != status:
                found.append(f"{method} {path}: {response.status_code}, not {status}")
            if status == 403 and "CSRF" not in response.json()["detail"]:
                found.append(f"{method} {path}: {response.json()}")
    assert found == []
    assert _written() == before


def test_the_checks_above_find_what_is_wrong():
    """The checker of answers, on answers it must refuse."""

    class Answer(dict):
        def __init__(self, status, content, content_type="application/json"):
            super().__init__({"Content-Type": content_type})
            self.status_code, self.content = status, content
            self.request = {"PATH_INFO": "/api/v1/x"}

    error = {"type": "object", "properties": {"detail": {"type": "string"}}}
    op = {
        "responses": {"404": {"content": {"application/json": {"schema": error}}}},
        "components": {},
    }
    assert _problems(Answer(404, b'{"detail": "No such project"}'), "get", "/x", op) == []
    assert _problems(Answer(500, b"{}"), "get", "/x", op)
    assert _problems(Answer(418, b'{"detail": "x"}'), "get", "/x", op)
    assert _problems(Answer(404, b"<html>", "text/html"), "get", "/x", op)
    assert _problems(Answer(404, b'{"error": "x"}'), "get", "/x", op)
    assert re.search(
        "traceback", " ".join(_problems(Answer(404, b'{"detail": "Traceback"}'), "get", "/x", op))
    )

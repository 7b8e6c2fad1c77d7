"""Real answers of the deliberation endpoints (statements, votes, results, ideas, pairs and
comparisons), checked against what
/api/v1/openapi.json promises: every status they answer is documented, and every body, errors
included, has the documented shape, with no field the schema does not name."""

import json
import re

import pytest
from django.test import Client

from groundswell.deliberation import analysis
from groundswell.deliberation.selectors import ideas_open
from groundswell.deliberation.services import comparison_record, idea_create, statement_create
from groundswell.deliberation.services import vote_cast as cast
from groundswell.testing import factories

DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def problems(value, schema: dict, components: dict, at: str = "$") -> list[str]:
    """Where `value` breaks `schema`: the subset of JSON Schema that django-ninja writes. An
    object may carry only the properties its schema names."""
    if "$ref" in schema:
        return problems(value, components[schema["$ref"].rsplit("/", 1)[-1]], components, at)
    if "anyOf" in schema:
        found = [problems(value, option, components, at) for option in schema["anyOf"]]
        return [] if any(not f for f in found) else [f"{at}: matches no option: {found}"]
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} is not one of {schema['enum']}"]
    if kind is None:
        return []
    if not checks[kind](value):
        return [f"{at}: {value!r} is not {kind}"]
    found = []
    if kind == "string" and schema.get("format") in ("date-time", "date"):
        pattern = DATE_TIME if schema["format"] == "date-time" else DATE
        if not pattern.match(value):
            found.append(f"{at}: {value!r} is not a {schema['format']}")
    if kind in ("integer", "number") and value < schema.get("minimum", value):
        found.append(f"{at}: {value} is below {schema['minimum']}")
    if kind == "array":
        for i, item in enumerate(value):
            found += problems(item, schema.get("items", {}), components, f"{at}[{i}]")
    if kind == "object":
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{at}: {name} is missing")
        extra = schema.get("additionalProperties", False)
        for name, item in value.items():
            if name in properties:
                found += problems(item, properties[name], components, f"{at}.{name}")
            elif extra is False:
                found.append(f"{at}: {name} is not in the schema")
            elif isinstance(extra, dict):
                found += problems(item, extra, components, f"{at}.{name}")
    return found


def test_the_checker_finds_what_is_wrong():
    components = {"Thing": {"type": "object", "properties": {"n": {"type": "integer"}}}}
    ref = {"$ref": "#/components/schemas/Thing"}
    assert problems({"n": 1}, ref, components) == []
    assert problems({"n": "1"}, ref, components) == ["$.n: '1' is not integer"]
    assert problems({"n": 1, "x": 2}, ref, components) == ["$: x is not in the schema"]
    assert problems([{"n": True}], {"type": "array", "items": ref}, components)
    assert problems(2, {"type": "integer", "enum": [-1, 0, 1]}, components)


@pytest.fixture
def world(project, private_project, host_admin, practitioner, service_user):
    statements = [
        statement_create(project=project, author=host_admin, text=f"Point {i}") for i in range(4)
    ]
    statement_create(
        project=project, author=host_admin, text="Say it safely", attribution="protected"
    )
    ideas = [idea_create(project=project, author=host_admin, text=f"Idea {i}") for i in range(3)]
    voters = [factories.UserFactory(role=r) for r in ["practitioner", "service_user"] * 5]
    for i, voter in enumerate(voters):
        for j, statement in enumerate(statements):
            cast(statement=statement, user=voter, value=1 if (i % 2 == 0) == (j < 2) else -1)
        comparison_record(
            project=project,
            user=voter,
            first_id=ideas[0].pk,
            second_id=ideas[1 + i % 2].pk,
            outcome="first",
        )
    analysis.analysis_recompute(project_id=project.pk)
    other = statement_create(project=private_project, author=host_admin, text="Elsewhere")
    few = factories.ProjectFactory(
        host_organisation=project.host_organisation, created_by=host_admin
    )
    idea_create(project=few, author=host_admin, text="One idea is no pair")
    return {
        "project": project,
        "statement": statements[0],
        "other": other,
        "ideas": ideas,
        "project_few": few,
    }


def _requests(world) -> list[tuple[str, str, str, dict]]:
    """(who, method, path template, options) for the answers to check."""
    base = f"/api/v1/projects/{world['project'].slug}"
    vote = f"{base}/statements/{world['statement'].pk}/vote"
    json_body = {"content_type": "application/json"}
    return [
        ("anonymous", "get", f"{base}/statements", {}),
        ("member", "get", f"{base}/statements", {}),
        ("member", "get", f"{base}/statements", {"data": {"page": 2, "page_size": 2}}),
        ("member", "get", f"{base}/statements", {"data": {"page": 99}}),
        ("member", "get", f"{base}/statements", {"data": {"page": 0}}),
        ("member", "get", f"{base}/statements", {"data": {"page": "x"}}),
        ("member", "get", f"{base}/statements", {"data": {"page_size": 100_000}}),
        ("member", "get", "/api/v1/projects/no-such-project/statements", {}),
        ("anonymous", "get", f"{base}/results", {}),
        ("member", "get", "/api/v1/projects/no-such-project/results", {}),
        ("member", "post", vote, {"data": json.dumps({"value": -1}), **json_body}),
        ("member", "post", vote, {"data": json.dumps({"value": 5}), **json_body}),
        ("member", "post", vote, {"data": json.dumps({"value": "lots"}), **json_body}),
        ("member", "post", vote, {"data": json.dumps({}), **json_body}),
        ("member", "post", vote, {"data": "", **json_body}),
        ("member", "post", vote, {"data": "{value: 1", **json_body}),
        ("member", "post", vote, {"data": {"value": 1}}),  # a form, not JSON
        (
            "member",
            "post",
            vote,
            {"data": json.dumps({"value": 1, "x": "y" * 3_000_000}), **json_body},
        ),
        ("member", "post", f"{base}/statements/999999/vote", {"data": '{"value": 1}', **json_body}),
        ("member", "post", f"{base}/statements/x/vote", {"data": '{"value": 1}', **json_body}),
        (
            "member",
            "post",
            f"{base}/statements/{world['other'].pk}/vote",
            {"data": '{"value": 1}', **json_body},
        ),
        ("anonymous", "post", vote, {"data": '{"value": 1}', **json_body}),
        ("csrf", "post", vote, {"data": '{"value": 1}', **json_body}),
        *_pairwise_requests(world, base, json_body),
    ]


def _pairwise_requests(world, base: str, json_body: dict) -> list[tuple[str, str, str, dict]]:
    first, second = (idea.pk for idea in world["ideas"][:2])

    def body(payload) -> dict:
        return {"data": json.dumps(payload), **json_body}

    comparison = {"first": first, "second": second, "outcome": "tie"}
    return [
        ("member", "post", f"{base}/statements", body({"text": "Fund the night bus"})),
        (
            "member",
            "post",
            f"{base}/statements",
            body({"text": "Said safely", "attribution": "protected"}),
        ),
        ("member", "post", f"{base}/statements", body({"text": "\u200b"})),
        ("member", "post", f"{base}/statements", body({})),
        ("member", "post", "/api/v1/projects/no-such-project/statements", body({"text": "x"})),
        ("anonymous", "post", f"{base}/statements", body({"text": "Anyone?"})),
        ("csrf", "post", f"{base}/statements", body({"text": "Forged"})),
        ("anonymous", "get", f"{base}/ideas", {}),
        ("member", "get", f"{base}/ideas", {"data": {"page": 2, "page_size": 2}}),
        ("member", "get", f"{base}/ideas", {"data": {"page_size": 0}}),
        ("member", "get", "/api/v1/projects/no-such-project/ideas", {}),
        ("member", "post", f"{base}/ideas", body({"text": "Pay travel time"})),
        ("member", "post", f"{base}/ideas", body({"text": "Idea 0"})),
        ("member", "post", f"{base}/ideas", body({"text": 5})),
        ("anonymous", "get", f"{base}/pair", {}),
        ("member", "get", f"{base}/pair", {}),
        # Fewer than two ideas in the pool: a documented 409 that says so.
        ("member", "get", f"/api/v1/projects/{world['project_few'].slug}/pair", {}),
        ("member", "post", f"{base}/comparisons", body(comparison)),
        ("member", "post", f"{base}/comparisons", body({**comparison, "second": first})),
        ("member", "post", f"{base}/comparisons", body({**comparison, "outcome": "both"})),
        ("member", "post", f"{base}/comparisons", body({**comparison, "first": 10**30})),
        ("compared_all", "get", f"{base}/pair", {}),
        ("closed", "post", f"{base}/statements/{world['statement'].pk}/vote", body({"value": 1})),
        ("closed", "post", f"{base}/ideas", body({"text": "Too late"})),
        ("closed", "get", f"{base}/pair", {}),
        ("closed", "post", f"{base}/comparisons", body(comparison)),
        ("limited", "post", f"{base}/statements/{world['statement'].pk}/vote", body({"value": 1})),
        ("limited", "post", f"{base}/statements", body({"text": "Again and again"})),
        ("limited", "post", f"{base}/ideas", body({"text": "Again and again"})),
        ("limited", "post", f"{base}/comparisons", body(comparison)),
    ]


def test_every_answer_matches_the_published_schema(world, practitioner, settings, monkeypatch):
    from groundswell.core import ratelimit

    # The limited cases count on one window: no window may end between their two requests.
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    operations = {
        re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"): ops
        for path, ops in schema["paths"].items()
    }
    seen: set[tuple[str, str, int]] = set()
    for who, method, path, options in _requests(world):
        client = Client(enforce_csrf_checks=who == "csrf")
        if who != "anonymous":
            client.force_login(practitioner)
        if who == "compared_all":
            ideas = list(ideas_open(project=world["project"]))  # the member's own idea too
            for i, first in enumerate(ideas):
                for second in ideas[i + 1 :]:
                    comparison_record(
                        project=world["project"],
                        user=practitioner,
                        first_id=first.pk,
                        second_id=second.pk,
                        outcome="tie",
                    )
        if who == "closed":
            # The project's voting is over: a documented 403.
            world["project"].phases.all().delete()
        if who == "limited":
            settings.GROUNDSWELL_RATE_LIMITS = {"vote": (1, 60), "post": (1, 60)}
            client.post(path, **options)
        response = getattr(client, method)(path, **options)
        found = [ops for pattern, ops in operations.items() if pattern.match(path)]
        assert found, path
        documented = found[0][method]["responses"]
        status = str(response.status_code)
        assert status in documented, (who, method, path, status, response.content[:200])
        seen.add((method, re.sub(r"/\d+/", "/{pk}/", path.split("?")[0]), response.status_code))
        if response.status_code == 204:
            # Documented with no content, and none sent.
            assert "content" not in documented[status] and response.content == b"", path
            continue
        assert response["Content-Type"].startswith("application/json"), (who, path)
        body_schema = documented[status]["content"]["application/json"]["schema"]
        assert problems(response.json(), body_schema, components) == [], (who, path, status)
    statuses = {status for _, _, status in seen}
    assert statuses >= {200, 201, 204, 400, 401, 403, 404, 409, 413, 422, 429}
    # Each new endpoint gave each of its own statuses: the answers above covered them all.
    expected = {
        ("post", "statements"): {201, 400, 401, 403, 404, 422, 429},
        ("get", "ideas"): {200, 404, 422},
        ("post", "ideas"): {201, 400, 403, 422, 429},
        ("get", "pair"): {200, 204, 401, 403, 409},
        ("post", "comparisons"): {200, 400, 403, 422, 429},
    }
    for (method, last), wanted in expected.items():
        got = {s for m, p, s in seen if m == method and p.endswith("/" + last)}
        assert got >= wanted, (method, last, got)


def test_the_documented_choices_are_the_ones_the_endpoints_take_and_give(
    client, project, host_admin, practitioner
):
    """A vote's value, a new statement's or idea's status, a judgement's outcome and the ids it
    takes are documented as the values they can take (the document said "any integer", "any
    string")."""
    from groundswell.deliberation.models import Outcome, VoteValue
    from groundswell.deliberation.services import deliberation_settings_update

    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("VoteIn", "VoteItemIn", "VoteOut"):
        assert schema[name]["properties"]["value"]["enum"] == sorted(VoteValue.values), name
    for name in ("StatementCreatedOut", "IdeaCreatedOut"):
        assert schema[name]["properties"]["status"]["enum"] == ["accepted", "pending"], name
    outcome = schema["ComparisonOut"]["properties"]["outcome"]["$ref"].rsplit("/", 1)[-1]
    assert schema[outcome]["enum"] == Outcome.values
    for name, field in (("ComparisonIn", "first"), ("ComparisonIn", "second")):
        bounds = schema[name]["properties"][field]
        assert (bounds["minimum"], bounds["maximum"]) == (1, 2**63 - 1), field

    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    client.force_login(practitioner)
    url = f"/api/v1/projects/{project.slug}"
    for value in schema["VoteIn"]["properties"]["value"]["enum"]:
        voted = client.post(
            f"{url}/statements/{statement.pk}/vote", {"value": value}, "application/json"
        )
        assert voted.status_code == 200 and voted.json()["value"] == value
    refused = client.post(f"{url}/statements/{statement.pk}/vote", {"value": 2}, "application/json")
    assert refused.status_code == 400
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    statuses = {
        client.post(f"{url}/{path}", {"text": "Longer home visits"}, "application/json").json()[
            "status"
        ]
        for path in ("statements", "ideas")
    }
    assert statuses == {"pending"}

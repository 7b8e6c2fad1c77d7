"""Several votes in one request: `POST /api/v1/projects/{slug}/votes`, for a client that queued
votes while offline. All or none, the same rules as one vote at a time."""

import json

import pytest

from groundswell.core import ratelimit
from groundswell.deliberation.models import Statement, StatementStatus, Vote
from groundswell.deliberation.services import statement_create
from groundswell.projects.models import Participant
from groundswell.testing import factories


@pytest.fixture
def statements(project, host_admin):
    return [
        statement_create(project=project, author=host_admin, text=f"Statement {i}")
        for i in range(4)
    ]


def _send(client, project, votes, **extra):
    return client.post(
        f"/api/v1/projects/{project.slug}/votes",
        data=json.dumps({"votes": votes} if isinstance(votes, list) else votes),
        content_type="application/json",
        **extra,
    )


def _rows(project) -> dict[int, int]:
    return dict(Vote.objects.filter(project=project).values_list("statement_id", "value"))


def test_a_queue_of_votes_is_saved_in_one_request_and_changed_by_the_next(
    client, project, statements, practitioner
):
    a, b, c, _ = statements
    client.force_login(practitioner)

    response = _send(
        client,
        project,
        [
            {"statement": c.pk, "value": 1},
            {"statement": a.pk, "value": -1},
            {"statement": c.pk, "value": 0},  # changed before the queue was sent: the later counts
        ],
    )

    assert response.status_code == 200
    answered = response.json()["votes"]
    assert [(v["statement"], v["value"]) for v in answered] == [(a.pk, -1), (c.pk, 0)]
    assert all(v["updated_at"] for v in answered)
    assert _rows(project) == {a.pk: -1, c.pk: 0}
    assert Participant.objects.filter(project=project, user=practitioner).count() == 1

    again = _send(
        client, project, [{"statement": a.pk, "value": 1}, {"statement": b.pk, "value": 1}]
    )
    assert again.status_code == 200
    assert _rows(project) == {a.pk: 1, b.pk: 1, c.pk: 0}
    assert Participant.objects.filter(project=project, user=practitioner).count() == 1
    # The member reads back what they sent, as after one vote at a time.
    listed = client.get(f"/api/v1/projects/{project.slug}/statements").json()["items"]
    assert {s["id"]: s["my_vote"] for s in listed} == {
        a.pk: 1,
        b.pk: 1,
        c.pk: 0,
        statements[3].pk: None,
    }


def test_a_statement_not_open_saves_nothing_and_is_named(
    client, project, statements, host_admin, practitioner
):
    open_one, hidden, pending, _ = statements
    Statement.objects.filter(pk=hidden.pk).update(status=StatementStatus.HIDDEN)
    Statement.objects.filter(pk=pending.pk).update(status=StatementStatus.PENDING)
    elsewhere = statement_create(
        project=factories.ProjectFactory(), author=host_admin, text="Another project's"
    )
    client.force_login(practitioner)

    response = _send(
        client,
        project,
        [
            {"statement": open_one.pk, "value": 1},
            {"statement": pending.pk, "value": 1},
            {"statement": elsewhere.pk, "value": 1},
            {"statement": hidden.pk, "value": -1},
            {"statement": 999_999, "value": 0},
        ],
    )

    assert response.status_code == 400
    body = response.json()
    assert body["statements_not_open"] == sorted([pending.pk, elsewhere.pk, hidden.pk, 999_999])
    assert "Nothing was saved" in body["detail"]["votes"][0]
    assert not Vote.objects.exists()
    assert not Participant.objects.filter(user=practitioner).exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"votes": []}, 422, "votes"),
        ({"votes": [{"statement": 1, "value": 1}] * 101}, 422, "votes"),
        ({"votes": [{"statement": "first", "value": 1}]}, 422, "votes.0.statement"),
        ({"votes": [{"statement": 0, "value": 1}]}, 422, "votes.0.statement"),
        ({"votes": [{"statement": 2**70, "value": 1}]}, 422, "votes.0.statement"),
        ({"votes": [{"statement": "OPEN", "value": True}]}, 422, "votes.0.value"),
        ({"votes": [{"statement": "OPEN"}]}, 422, "votes.0.value"),
        ({"votes": [{"statement": "OPEN", "value": 5}]}, 400, "value"),
        ({"votes": {"statement": "OPEN", "value": 1}}, 422, "votes"),
        ({}, 422, "votes"),
    ],
)
def test_bad_batches_are_refused_in_json_and_save_nothing(
    client, project, statements, practitioner, body, status, field
):
    text = json.dumps(body).replace('"OPEN"', str(statements[0].pk))
    client.force_login(practitioner)

    response = client.post(
        f"/api/v1/projects/{project.slug}/votes", data=text, content_type="application/json"
    )

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert field in response.json()["detail"]
    assert not Vote.objects.exists()


def test_who_may_send_votes_at_once(client, project, private_project, statements, outsider):
    votes = [{"statement": statements[0].pk, "value": 1}]
    refused = _send(client, project, votes)
    assert refused.status_code == 401 and "Sign in" in refused.json()["detail"]

    client.force_login(outsider)
    hidden = _send(client, private_project, votes)
    assert hidden.status_code == 404 and hidden.json() == {"detail": "No such project"}

    closed = factories.ProjectFactory(phases=[("gather", -30, -1)])
    closed_statement = statement_create(project=closed, author=closed.host_user, text="Too late")
    late = _send(client, closed, [{"statement": closed_statement.pk, "value": 1}])
    assert late.status_code == 403
    assert not Vote.objects.exists()


def test_each_vote_of_a_batch_counts_against_the_vote_limit(
    client, settings, monkeypatch, project, statements, practitioner
):
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)  # no window ends mid-test
    settings.GROUNDSWELL_RATE_LIMITS = {"vote": (5, 60)}
    client.force_login(practitioner)
    first = [{"statement": s.pk, "value": 1} for s in statements[:3]]
    assert _send(client, project, first).status_code == 200

    over = _send(client, project, [{"statement": s.pk, "value": -1} for s in statements])

    assert over.status_code == 429
    assert "Please wait" in over.json()["detail"] and over["Retry-After"]
    assert set(_rows(project).values()) == {1}


def test_the_schema_documents_votes_at_once(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/projects/{slug}/votes"]["post"]
    assert {"200", "400", "401", "403", "404", "422", "429"} <= set(operation["responses"])
    assert "offline" in operation["description"]
    refused = operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert (
        "statements_not_open"
        in schema["components"]["schemas"][refused.split("/")[-1]]["properties"]
    )

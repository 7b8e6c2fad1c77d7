"""Adding statements and ideas, getting a pair of ideas and recording a judgement through the
API: the same services and refusals as the pages."""

import json

import pytest
from django.test import Client

from groundswell.deliberation.models import Comparison, Idea, Statement, Vote
from groundswell.deliberation.selectors import STATEMENT_NOT_OPEN
from groundswell.deliberation.services import (
    deliberation_settings_update,
    idea_create,
    statement_create,
)
from groundswell.projects.models import Participant


def post(client, url: str, payload) -> object:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


def base(project) -> str:
    return f"/api/v1/projects/{project.slug}"


@pytest.fixture
def ideas(project, host_admin) -> list[Idea]:
    return [idea_create(project=project, author=host_admin, text=f"Idea {i}") for i in range(3)]


# ---- who may do what ----------------------------------------------------------------------


def _requests(project, ideas: list[Idea]) -> dict[str, tuple[str, str, object]]:
    url = base(project)
    return {
        "add statement": ("post", f"{url}/statements", {"text": "Fund the night bus"}),
        "add idea": ("post", f"{url}/ideas", {"text": "Pay carers' travel time"}),
        "list ideas": ("get", f"{url}/ideas", None),
        "get pair": ("get", f"{url}/pair", None),
        "compare": (
            "post",
            f"{url}/comparisons",
            {"first": ideas[0].pk, "second": ideas[1].pk, "outcome": "tie"}
            if ideas
            else {"first": 1, "second": 2, "outcome": "tie"},
        ),
    }


def _send(client, method: str, url: str, payload):
    return post(client, url, payload) if method == "post" else client.get(url)


OK = {"add statement": 201, "add idea": 201, "list ideas": 200, "get pair": 200, "compare": 200}
WRITES = ["add statement", "add idea", "get pair", "compare"]


@pytest.mark.parametrize(
    ("who", "visibility", "phase_open", "expected"),
    [
        # Writes need a signed-in member; the list is as public as the project.
        ("anonymous", "public", True, {**dict.fromkeys(WRITES, 401), "list ideas": 200}),
        # Every signed-in member may take part in a public project...
        ("outsider", "public", True, OK),
        ("member", "public", True, OK),
        ("host", "public", True, OK),
        # ...a private one is no business of those outside it, nor its existence.
        ("anonymous", "private", True, {**dict.fromkeys(WRITES, 401), "list ideas": 404}),
        ("outsider", "private", True, dict.fromkeys(OK, 404)),
        ("member", "private", True, OK),
        ("host", "private", True, OK),
        # Once the project has stopped taking contributions: the list only; hosts may still seed
        # statements and ideas before voting and comparing open, as on the pages.
        ("member", "public", False, {**dict.fromkeys(WRITES, 403), "list ideas": 200}),
        (
            "host",
            "public",
            False,
            {
                **dict.fromkeys(WRITES, 403),
                "list ideas": 200,
                "add statement": 201,
                "add idea": 201,
            },
        ),
    ],
)
def test_who_may_do_what(
    request, host_admin, practitioner, outsider, who, visibility, phase_open, expected
):
    project = request.getfixturevalue("project" if visibility == "public" else "private_project")
    pool = [idea_create(project=project, author=host_admin, text=f"Idea {i}") for i in range(2)]
    user = {"anonymous": None, "outsider": outsider, "member": practitioner, "host": host_admin}
    if who == "member":
        Participant.objects.create(project=project, user=practitioner)
    if not phase_open:
        project.phases.all().delete()
    client = Client()
    if user[who]:
        client.force_login(user[who])
    answers = {}
    for name, (method, url, payload) in _requests(project, pool).items():
        response = _send(client, method, url, payload)
        assert response["Content-Type"].startswith("application/json"), name
        answers[name] = response.status_code
        if response.status_code >= 400:
            assert isinstance(response.json()["detail"], str), name
    assert answers == expected
    written = expected["add statement"] == 201
    assert Statement.objects.filter(text="Fund the night bus").exists() == written
    assert Idea.objects.filter(text="Pay carers' travel time").exists() == (
        expected["add idea"] == 201
    )


def test_where_only_hosts_add_statements_and_ideas_members_are_told_so(
    client, project, host_admin, practitioner
):
    deliberation_settings_update(
        project=project,
        by=host_admin,
        participants_may_add_statements=False,
        participants_may_add_ideas=False,
    )
    client.force_login(practitioner)
    for what in ("statements", "ideas"):
        refused = post(client, f"{base(project)}/{what}", {"text": "Mine"})
        assert refused.status_code == 403
        assert refused.json() == {"detail": f"In this project only the hosts add {what}."}
    client.force_login(host_admin)
    assert post(client, f"{base(project)}/statements", {"text": "Seeded"}).status_code == 201
    assert post(client, f"{base(project)}/ideas", {"text": "Seeded"}).status_code == 201


def test_writes_need_the_csrf_token_of_the_session(project, ideas, practitioner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)
    for name, (method, url, payload) in _requests(project, ideas).items():
        response = _send(client, method, url, payload)
        if method == "post":
            assert response.status_code == 403 and "CSRF" in response.json()["detail"], name
        else:
            assert response.status_code == 200, name
    assert not Statement.objects.exists() and not Comparison.objects.exists()
    assert Idea.objects.count() == len(ideas)


# ---- statements --------------------------------------------------------------------------


def test_a_member_adds_a_statement_others_can_vote_on(client, project, practitioner):
    client.force_login(practitioner)
    response = post(client, f"{base(project)}/statements", {"text": "  Fund the\r\n night bus  "})
    assert response.status_code == 201
    saved = Statement.objects.get()
    assert response.json() == {
        "id": saved.pk,
        "text": "Fund the night bus",
        "byline": "Priya Practitioner",
        "status": "accepted",
    }
    listed = client.get(f"{base(project)}/statements").json()["items"]
    assert [(s["id"], s["byline"]) for s in listed] == [(saved.pk, "Priya Practitioner")]
    # Writing anything makes the author a participant, as on the page.
    assert Participant.objects.filter(project=project, user=practitioner).exists()


def test_a_protected_statement_says_no_more_of_its_author_than_the_page(
    client, project, practitioner
):
    client.force_login(practitioner)
    response = post(
        client,
        f"{base(project)}/statements",
        {"text": "My manager closes cases early", "attribution": "protected"},
    )
    assert response.status_code == 201
    created = response.json()
    assert created["byline"] == "Protected contributor"
    assert set(created) == {"id", "text", "byline", "status"}  # no time, no author
    listed = client.get(f"{base(project)}/statements").content.decode()
    for body in (response.content.decode(), listed):
        for secret in [practitioner.username, practitioner.display_name, practitioner.email]:
            assert secret not in body
    assert Statement.objects.get().author is None


@pytest.mark.parametrize("path", ["statements", "ideas"])
def test_a_misspelt_field_is_refused_not_published_under_the_authors_name(
    client, project, practitioner, path
):
    """Ignored, "attribuion": "protected" left the default: the text went out under the
    member's name, the one thing they had asked not to happen."""
    client.force_login(practitioner)
    response = post(
        client,
        f"{base(project)}/{path}",
        {"text": "My manager closes cases early", "attribuion": "protected"},
    )
    assert response.status_code == 422
    assert response.json() == {"detail": {"attribuion": ["Extra inputs are not permitted"]}}
    assert not Statement.objects.exists() and not Idea.objects.exists()
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["StatementIn"]["additionalProperties"] is False
    assert schema["IdeaIn"]["additionalProperties"] is False


def test_a_pseudonymous_statement_shows_the_pseudonym(client, project, practitioner):
    client.force_login(practitioner)
    url = f"{base(project)}/statements"
    refused = post(client, url, {"text": "Said quietly", "attribution": "pseudonymous"})
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": {
            "attribution": ["Set a pseudonym on your profile before posting pseudonymously."]
        }
    }
    practitioner.pseudonym = "Night Nurse"
    practitioner.save(update_fields=["pseudonym"])
    added = post(client, url, {"text": "Said quietly", "attribution": "pseudonymous"})
    assert added.status_code == 201 and added.json()["byline"] == "Night Nurse"


def test_under_pre_moderation_a_members_statement_waits_for_a_host(
    client, project, host_admin, practitioner, service_user
):
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    client.force_login(practitioner)
    waiting = post(client, f"{base(project)}/statements", {"text": "Fund the night bus"})
    assert waiting.status_code == 201 and waiting.json()["status"] == "pending"
    client.force_login(host_admin)
    seeded = post(client, f"{base(project)}/statements", {"text": "Pay travel time"})
    assert seeded.json()["status"] == "accepted"
    for viewer in (practitioner, service_user, host_admin):
        client.force_login(viewer)
        listed = client.get(f"{base(project)}/statements").json()["items"]
        assert [s["text"] for s in listed] == ["Pay travel time"]
    # Not open for votes until a host approves it, and answered as for no statement at all.
    client.force_login(service_user)
    vote = post(client, f"{base(project)}/statements/{waiting.json()['id']}/vote", {"value": 1})
    assert vote.status_code == 404 and vote.json() == {"detail": STATEMENT_NOT_OPEN}


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({}, 422, {"text"}),
        ({"text": 5}, 422, {"text"}),
        ({"text": "Fine", "attribution": "secret"}, 422, {"attribution"}),
        ({"text": "   "}, 400, {"text": ["This field is required."]}),
        # Invisible characters only: nothing anyone could read, refused as the page refuses it.
        ({"text": "\u200b\u200d\u2060"}, 400, {"text": ["Write something people can read."]}),
        ({"text": "x" * 281}, 400, {"text"}),
    ],
)
def test_a_statement_the_api_refuses_names_the_field(
    client, project, practitioner, payload, status, detail
):
    client.force_login(practitioner)
    response = post(client, f"{base(project)}/statements", payload)
    assert response.status_code == status
    found = response.json()["detail"]
    assert (found if isinstance(detail, dict) else set(found)) == detail
    assert not Statement.objects.exists()


def test_a_statement_counts_its_length_as_saved(client, project, practitioner):
    client.force_login(practitioner)
    # 280 characters once each line break is one space, as the page counts it.
    text = "\r\n".join(["x" * 139, "y" * 140])
    assert post(client, f"{base(project)}/statements", {"text": text}).status_code == 201


def test_the_same_statement_twice_is_refused_in_words(client, project, practitioner):
    client.force_login(practitioner)
    url = f"{base(project)}/statements"
    assert post(client, url, {"text": "Fund the night bus"}).status_code == 201
    again = post(client, url, {"text": "fund the  night bus"})
    assert again.status_code == 400
    assert again.json() == {"detail": {"text": ["You have already added that statement."]}}


# ---- ideas -------------------------------------------------------------------------------


def test_ideas_are_listed_in_pages_without_their_authors(client, project, host_admin, practitioner):
    for i in range(3):
        idea_create(project=project, author=practitioner, text=f"Idea {i}", attribution="protected")
    url = f"{base(project)}/ideas"
    first = client.get(url, {"page_size": 2}).json()
    assert (first["count"], first["pages"], first["previous"]) == (3, 2, None)
    second = client.get(first["next"]).json()
    assert [i["text"] for i in first["items"] + second["items"]] == ["Idea 0", "Idea 1", "Idea 2"]
    assert all(set(i) == {"id", "text"} for i in first["items"])
    body = client.get(url).content.decode()
    for secret in [practitioner.username, practitioner.display_name, practitioner.email]:
        assert secret not in body
    assert client.get(url, {"page": 0}).status_code == 422


def test_the_idea_list_is_one_query_for_the_page(client, project, host_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groundswell.testing import factories

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{base(project)}/ideas").status_code == 200
        return len(captured.captured_queries)

    idea_create(project=project, author=host_admin, text="The first")
    few = queries()
    for i in range(60):
        idea_create(project=project, author=factories.UserFactory(), text=f"Idea {i}")
    assert queries() == few


def test_a_member_adds_an_idea_to_the_pool(client, project, practitioner):
    client.force_login(practitioner)
    response = post(
        client, f"{base(project)}/ideas", {"text": "Pay travel time", "attribution": "protected"}
    )
    assert response.status_code == 201
    saved = Idea.objects.get()
    assert response.json() == {"id": saved.pk, "text": "Pay travel time", "status": "accepted"}
    assert saved.author is None
    listed = client.get(f"{base(project)}/ideas").json()["items"]
    assert listed == [{"id": saved.pk, "text": "Pay travel time"}]


def test_under_pre_moderation_a_members_idea_waits_and_stays_out_of_pairs(
    client, project, host_admin, practitioner, service_user, ideas
):
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    client.force_login(practitioner)
    waiting = post(client, f"{base(project)}/ideas", {"text": "Mine, waiting"})
    assert waiting.status_code == 201 and waiting.json()["status"] == "pending"
    client.force_login(service_user)
    listed = client.get(f"{base(project)}/ideas").json()["items"]
    assert [i["text"] for i in listed] == ["Idea 0", "Idea 1", "Idea 2"]
    for _ in range(10):
        pair = client.get(f"{base(project)}/pair").json()
        assert waiting.json()["id"] not in (pair["first"]["id"], pair["second"]["id"])
    refused = post(
        client,
        f"{base(project)}/comparisons",
        {"first": waiting.json()["id"], "second": ideas[0].pk, "outcome": "first"},
    )
    assert refused.status_code == 400 and not Comparison.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({}, 422, {"text"}),
        ({"text": ["a list"]}, 422, {"text"}),
        ({"text": "\u200b"}, 400, {"text": ["Write something people can read."]}),
        ({"text": "x" * 201}, 400, {"text"}),
        ({"text": "Idea 0"}, 400, {"text": ["That idea is already in the pool."]}),
    ],
)
def test_an_idea_the_api_refuses_names_the_field(
    client, project, practitioner, ideas, payload, status, detail
):
    client.force_login(practitioner)
    response = post(client, f"{base(project)}/ideas", payload)
    assert response.status_code == status
    found = response.json()["detail"]
    assert (found if isinstance(detail, dict) else set(found)) == detail
    assert Idea.objects.count() == len(ideas)


# ---- pairs and comparisons ---------------------------------------------------------------


def test_a_member_compares_every_pair_and_then_gets_no_content(
    client, project, practitioner, ideas
):
    client.force_login(practitioner)
    seen = set()
    for _ in range(3):  # three ideas: three pairs
        response = client.get(f"{base(project)}/pair")
        assert response.status_code == 200
        pair = response.json()
        assert pair["prompt"] == "Which of these two matters more?"
        first, second = pair["first"]["id"], pair["second"]["id"]
        seen.add(frozenset((first, second)))
        recorded = post(
            client,
            f"{base(project)}/comparisons",
            {"first": first, "second": second, "outcome": "second"},
        )
        assert recorded.status_code == 200
        assert recorded.json() == {"first": first, "second": second, "outcome": "second"}
    assert len(seen) == 3 and Comparison.objects.count() == 3
    done = client.get(f"{base(project)}/pair")
    assert done.status_code == 204 and done.content == b""
    # A new idea brings new pairs.
    idea_create(project=project, author=practitioner, text="Idea 3")
    assert client.get(f"{base(project)}/pair").status_code == 200


def test_no_pair_until_the_pool_has_two_ideas_says_so_apart_from_every_pair_compared(
    client, project, host_admin, practitioner
):
    """204 is for a member who compared every pair; too few ideas is a 409 that says why."""
    client.force_login(practitioner)
    too_few = (409, {"detail": "There are not yet two ideas in the pool to compare."})
    empty = client.get(f"{base(project)}/pair")
    assert (empty.status_code, empty.json()) == too_few
    idea_create(project=project, author=host_admin, text="Alone")
    alone = client.get(f"{base(project)}/pair")
    assert (alone.status_code, alone.json()) == too_few
    # Two ideas only once a host approves the second: one waiting does not make a pair.
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    waiting = idea_create(project=project, author=practitioner, text="Mine, waiting")
    assert client.get(f"{base(project)}/pair").status_code == 409
    idea_create(project=project, author=host_admin, text="Second")
    pair = client.get(f"{base(project)}/pair").json()
    first, second = pair["first"]["id"], pair["second"]["id"]
    assert {first, second} == set(Idea.objects.exclude(pk=waiting.pk).values_list("pk", flat=True))
    comparison = {"first": first, "second": second, "outcome": "tie"}
    assert post(client, f"{base(project)}/comparisons", comparison).status_code == 200
    done = client.get(f"{base(project)}/pair")
    assert done.status_code == 204 and done.content == b""


def test_a_host_seeds_ideas_through_the_api_in_any_phase_as_on_the_page(
    client, project, host_admin, practitioner
):
    """Before comparing opens the host fills the pool, as the compare page lets them; members
    wait for a phase that takes contributions. idea_create decides for both doors."""
    project.phases.all().delete()  # no phase today: the project takes no contributions
    client.force_login(host_admin)
    seeded = post(client, f"{base(project)}/ideas", {"text": "Pay carers' travel time"})
    assert seeded.status_code == 201
    assert seeded.json() == {
        "id": Idea.objects.get().pk,
        "text": "Pay carers' travel time",
        "status": "accepted",
    }
    page = client.post(
        f"/projects/{project.slug}/ideas/new/", {"text": "Longer visits", "attribution": "named"}
    )
    assert page.status_code == 302 and Idea.objects.count() == 2
    # The same refusals as before for the host: a repeat is named on the field.
    again = post(client, f"{base(project)}/ideas", {"text": "pay carers' travel  time"})
    assert again.status_code == 400
    assert again.json() == {"detail": {"text": ["That idea is already in the pool."]}}
    client.force_login(practitioner)
    refused = post(client, f"{base(project)}/ideas", {"text": "Mine too"})
    assert refused.status_code == 403 and isinstance(refused.json()["detail"], str)
    page = client.post(f"/projects/{project.slug}/ideas/new/", {"text": "Mine too"})
    assert page.status_code == 403
    assert Idea.objects.count() == 2


def test_a_vote_on_a_statement_not_open_is_answered_as_for_one_that_does_not_exist(
    client, project, private_project, host_admin, practitioner
):
    """Ids are sequential: any other answer for a statement waiting for a host, rejected or
    taken down would tell that it exists, though nobody was shown its text."""
    open_one = statement_create(project=project, author=host_admin, text="Open")
    ids = {
        status: Statement.objects.create(project=project, text=f"Kept {status}", status=status).pk
        for status in ("pending", "rejected", "hidden", "removed")
    }
    ids["another project's"] = statement_create(
        project=private_project, author=host_admin, text="Elsewhere"
    ).pk
    ids["missing"] = max(ids.values()) + 1000
    client.force_login(practitioner)
    answers = {
        name: post(client, f"{base(project)}/statements/{pk}/vote", {"value": 1})
        for name, pk in ids.items()
    }
    found = {name: (r.status_code, r.json()) for name, r in answers.items()}
    assert set(map(str, found.values())) == {str((404, {"detail": STATEMENT_NOT_OPEN}))}, found
    assert not Vote.objects.exists()
    # An open statement taken down after the member saw it: the same 404, which says it may have
    # been taken down.
    voted = post(client, f"{base(project)}/statements/{open_one.pk}/vote", {"value": 1})
    assert voted.status_code == 200
    Statement.objects.filter(pk=open_one.pk).update(status="hidden")
    gone = post(client, f"{base(project)}/statements/{open_one.pk}/vote", {"value": -1})
    assert gone.status_code == 404 and "taken down" in gone.json()["detail"]
    assert Vote.objects.get().value == 1


def test_a_judgement_changed_or_sent_twice_counts_once(client, project, practitioner, ideas):
    client.force_login(practitioner)
    url = f"{base(project)}/comparisons"
    a, b = ideas[0].pk, ideas[1].pk
    for payload in (
        {"first": a, "second": b, "outcome": "first"},
        {"first": a, "second": b, "outcome": "first"},
        {"first": b, "second": a, "outcome": "tie"},  # the same pair the other way round
    ):
        assert post(client, url, payload).status_code == 200
    saved = Comparison.objects.get()
    assert (saved.first_id, saved.second_id, saved.outcome) == (b, a, "tie")


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({}, 422, {"first", "second", "outcome"}),
        ({"first": "A", "second": "B", "outcome": "first"}, 422, {"first", "second"}),
        ({"outcome": "both"}, 422, {"first", "second", "outcome"}),
        # Ids are JSON numbers: not true (idea 1) nor "2".
        ({"first": True, "second": "2", "outcome": "tie"}, 422, {"first", "second"}),
        ({"first": 1.5, "second": 2, "outcome": "tie"}, 422, {"first"}),
        # Too large for the database: refused, not a 500.
        ({"first": 10**30, "second": 2, "outcome": "tie"}, 400, {"first"}),
        ({"first": 0, "second": -1, "outcome": "tie"}, 400, {"first", "second"}),
        ({"first": "same", "second": "same", "outcome": "tie"}, 400, "Choose between two"),
        ({"first": 999999, "second": "a", "outcome": "tie"}, 400, "no longer in the pool"),
    ],
)
def test_a_judgement_the_api_refuses_says_why(
    client, project, practitioner, ideas, payload, status, detail
):
    ids = {"same": ideas[0].pk, "a": ideas[0].pk}
    payload = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    client.force_login(practitioner)
    response = post(client, f"{base(project)}/comparisons", payload)
    assert response.status_code == status
    found = response.json()["detail"]
    if isinstance(detail, str):
        assert isinstance(found, str) and detail in found
    else:
        assert set(found) == detail
    assert not Comparison.objects.exists()


def test_another_projects_ideas_are_not_in_this_pool(
    client, project, private_project, host_admin, practitioner, ideas
):
    elsewhere = idea_create(project=private_project, author=host_admin, text="Elsewhere")
    client.force_login(practitioner)
    response = post(
        client,
        f"{base(project)}/comparisons",
        {"first": ideas[0].pk, "second": elsewhere.pk, "outcome": "first"},
    )
    assert response.status_code == 400 and not Comparison.objects.exists()
    assert "Elsewhere" not in client.get(f"{base(project)}/ideas").content.decode()


# ---- rate limits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "path", "payloads"),
    [
        ("post", "statements", [{"text": "First"}, {"text": "Second"}]),
        ("post", "ideas", [{"text": "First"}, {"text": "Second"}]),
        ("vote", "comparisons", ["01", "12"]),
    ],
)
def test_adding_and_comparing_keep_to_the_rate_limits(
    client, project, practitioner, ideas, settings, monkeypatch, scope, path, payloads
):
    from groundswell.core import ratelimit

    # Frozen at the start of a window, so that no window ends between the two requests.
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)
    settings.GROUNDSWELL_RATE_LIMITS = {scope: (1, 60)}
    bodies = [
        {"first": ideas[int(p[0])].pk, "second": ideas[int(p[1])].pk, "outcome": "tie"}
        if isinstance(p, str)
        else p
        for p in payloads
    ]
    client.force_login(practitioner)
    before = (Statement.objects.count(), Idea.objects.count(), Comparison.objects.count())
    assert post(client, f"{base(project)}/{path}", bodies[0]).status_code in (200, 201)
    refused = post(client, f"{base(project)}/{path}", bodies[1])
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1 and "Nothing was saved" in refused.json()["detail"]
    after = (Statement.objects.count(), Idea.objects.count(), Comparison.objects.count())
    assert sum(after) == sum(before) + 1
    # Reading a pair is not counted.
    assert client.get(f"{base(project)}/pair").status_code in (200, 204)

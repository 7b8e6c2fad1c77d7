import json

import pytest

from groundswell.contributions.services import contribution_create
from groundswell.deliberation.models import Vote
from groundswell.deliberation.selectors import STATEMENT_NOT_OPEN
from groundswell.deliberation.services import statement_create
from groundswell.testing import factories

STORY = {"title": "Waiting at the door", "body": "The carer never came.", "details": {}}


@pytest.fixture
def protected_story(project, practitioner):
    return contribution_create(
        project=project, author=practitioner, kind="story", attribution="protected", **STORY
    )


def test_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/projects/{slug}/statements/{pk}/vote" in schema["paths"]


def test_projects_and_contributions_read_like_the_pages(client, project, protected_story):
    listed = client.get("/api/v1/projects").json()
    assert [p["slug"] for p in listed["items"]] == [project.slug]
    assert listed["items"][0]["current_phase"] == "gather"
    assert listed["items"][0]["host"] == "Northfield Care Trust"
    assert listed["items"][0]["url"] == project.get_absolute_url()
    assert client.get(f"/api/v1/projects/{project.slug}").json() == listed["items"][0]

    contributions = client.get(f"/api/v1/projects/{project.slug}/contributions?q=carer").json()
    assert [c["title"] for c in contributions["items"]] == ["Waiting at the door"]
    assert contributions["items"][0]["byline"] == "Protected contributor"
    assert contributions["items"][0]["url"] == protected_story.get_absolute_url()
    assert contributions["items"][0]["created_on"] == protected_story.created_at.date().isoformat()
    one = client.get(f"/api/v1/projects/{project.slug}/contributions/{protected_story.pk}")
    assert one.json() == contributions["items"][0]


def test_protected_author_never_appears_in_the_api(client, project, protected_story, practitioner):
    for url in [
        f"/api/v1/projects/{project.slug}/contributions",
        f"/api/v1/projects/{project.slug}/contributions/{protected_story.pk}",
    ]:
        body = client.get(url).content.decode()
        assert "Waiting at the door" in body
        for secret in [practitioner.username, practitioner.email, practitioner.display_name]:
            assert secret not in body
        assert f'"author": {practitioner.pk}' not in body


def test_private_projects_are_404_json(client, private_project):
    response = client.get(f"/api/v1/projects/{private_project.slug}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such project"}


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"value": 1}, 200),
        ({"value": 5}, 400),
        ({"value": "lots"}, 422),
        ({}, 422),
        # Not agree and pass: a client meaning yes / no would record something else.
        ({"value": True}, 422),
        ({"value": False}, 422),
    ],
)
def test_vote_through_the_api(client, project, host_admin, practitioner, payload, status):
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote",
        data=json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert Vote.objects.count() == (1 if status == 200 else 0)


def test_voting_needs_a_login_and_csrf(project, host_admin, practitioner):
    from django.test import Client

    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    url = f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote"
    anonymous = Client(enforce_csrf_checks=True)
    refused = anonymous.post(url, {"value": 1}, content_type="application/json")
    assert refused.status_code in {401, 403} and "detail" in refused.json()
    member = Client(enforce_csrf_checks=True)
    member.force_login(practitioner)
    refused = member.post(url, {"value": 1}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not Vote.objects.exists()

    member.get(f"/projects/{project.slug}/vote/")  # sets the CSRF cookie, as a browser would
    token = member.cookies["csrftoken"].value
    accepted = member.post(
        url, {"value": 1}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 200
    assert Vote.objects.count() == 1


def test_a_csrf_refusal_says_what_was_missing(project, host_admin, practitioner):
    """Over HTTPS Django also asks for a Referer or Origin of the site: a client that sent its
    token without one was told to send the token it had sent."""
    from django.test import Client

    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    url = f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote"
    member = Client(enforce_csrf_checks=True)
    member.force_login(practitioner)
    refused = member.post(url, {"value": 1}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF check failed (CSRF cookie not set): send")

    member.get(f"/projects/{project.slug}/vote/")  # sets the CSRF cookie, as a browser would
    token = {"HTTP_X_CSRFTOKEN": member.cookies["csrftoken"].value}
    refused = member.post(url, {"value": 1}, "application/json", secure=True, **token)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "CSRF check failed (Referer checking failed - no Referer): send the csrftoken cookie's "
        "value in an X-CSRFToken header and, over HTTPS, a Referer or Origin header of this site."
    )
    assert not Vote.objects.exists()
    referred = {"HTTP_REFERER": "https://testserver/", **token}
    accepted = member.post(url, {"value": 1}, "application/json", secure=True, **referred)
    assert accepted.status_code == 200


def test_a_participants_vote_reads_their_participation_once(
    client, project, host_admin, practitioner
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, second = (
        statement_create(project=project, author=host_admin, text=text)
        for text in ["Pay travel time", "Fund team meetings"]
    )
    client.force_login(practitioner)

    def vote(statement):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote",
                data=json.dumps({"value": 1}),
                content_type="application/json",
            )
        assert response.status_code == 200
        return [q["sql"] for q in queries.captured_queries if "projects_participant" in q["sql"]]

    vote(first)  # joins the project
    # The door reads participation with the project; the vote service reuses the role it found.
    assert len(vote(second)) == 1
    assert Vote.objects.filter(project=project).count() == 2


def test_statements_come_in_pages_with_my_votes(client, project, host_admin, practitioner):
    statements = [
        statement_create(project=project, author=host_admin, text=f"Statement {i}")
        for i in range(55)
    ]
    client.force_login(practitioner)
    client.post(
        f"/api/v1/projects/{project.slug}/statements/{statements[52].pk}/vote",
        data=json.dumps({"value": -1}),
        content_type="application/json",
    )
    first = client.get(f"/api/v1/projects/{project.slug}/statements").json()
    second = client.get(f"/api/v1/projects/{project.slug}/statements?page=2").json()
    assert first["count"] == 55 and len(first["items"]) == 50 and len(second["items"]) == 5
    assert [s["id"] for s in first["items"] + second["items"]] == [s.pk for s in statements]
    assert [s["my_vote"] for s in second["items"]] == [None, None, -1, None, None]
    beyond = client.get(f"/api/v1/projects/{project.slug}/statements?page=99")
    assert beyond.status_code == 200 and beyond.json()["items"] == []


def test_results_are_published_as_json_like_the_results_page(
    client, project, private_project, host_admin, practitioner, outsider
):
    from groundswell.deliberation import analysis
    from groundswell.deliberation.models import Statement
    from groundswell.deliberation.services import vote_cast
    from groundswell.moderation.items import ITEM_TYPES
    from groundswell.testing import factories

    url = f"/api/v1/projects/{project.slug}/results"
    assert (
        client.get(url).status_code == 404 and "No results yet" in client.get(url).json()["detail"]
    )
    statements = [
        statement_create(project=project, author=host_admin, text=f"Point {i}") for i in range(4)
    ]
    voters = [factories.UserFactory(role=r) for r in ["practitioner", "service_user"] * 5]
    for i, voter in enumerate(voters):
        for j, statement in enumerate(statements):
            vote_cast(statement=statement, user=voter, value=1 if (i % 2 == 0) == (j < 2) else -1)
    analysis.analysis_recompute(project_id=project.pk)
    # Taken down after the results were computed: gone from the JSON at once.
    ITEM_TYPES["statement"].status_set(Statement.objects.get(pk=statements[3].pk), "removed")

    body = client.get(url).json()
    assert (body["participants"], body["statements"], body["votes"]) == (10, 4, 40)
    assert sum(g["size"] for g in body["groups"]) == 10
    texts = {row["text"] for g in body["groups"] for row in g["representative"]}
    texts |= {row["text"] for row in body["bridging_latent"]}
    assert texts and "Point 3" not in texts and texts <= {"Point 0", "Point 1", "Point 2"}
    assert all(len(point) == 3 for point in body["points"])
    for secret in [practitioner.username, voters[0].username, voters[0].email]:
        assert secret not in json.dumps(body)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/projects/{slug}/results" in schema["paths"]
    # A private project's results stay private.
    client.force_login(outsider)
    assert client.get(f"/api/v1/projects/{private_project.slug}/results").status_code == 404


def test_pages_link_to_the_next_and_previous_and_keep_to_their_limits(client, project, host_admin):
    statements = [
        statement_create(project=project, author=host_admin, text=f"Statement {i}")
        for i in range(5)
    ]
    url = f"/api/v1/projects/{project.slug}/statements"
    first = client.get(url, {"page_size": 2}).json()
    assert (first["count"], first["pages"], first["previous"]) == (5, 3, None)
    seen, page = [], first
    while True:
        seen += [s["id"] for s in page["items"]]
        if page["next"] is None:
            break
        assert (
            page["next"].startswith("http://testserver/api/v1/") and "page_size=2" in page["next"]
        )
        page = client.get(page["next"]).json()
    assert seen == [s.pk for s in statements]  # every statement once, oldest first
    assert client.get(page["previous"]).json()["items"][0]["id"] == statements[2].pk

    # Beyond the end: no items, and the way back is the last page (a number too big for SQL too).
    for beyond in (4, 10**20):
        body = client.get(url, {"page": beyond, "page_size": 2}).json()
        assert body["items"] == [] and body["next"] is None
        assert body["previous"].endswith("page=3") or "page=3&" in body["previous"]
    refused = client.get(url, {"page_size": 101})
    assert refused.status_code == 422 and "page_size" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("model", "url"),
    [("contribution", "/api/v1/projects/{slug}/contributions"), ("project", "/api/v1/projects")],
)
def test_a_page_of_a_list_reads_only_that_page(client, project, host_org, model, url):
    """Each item was built before the list was cut into pages: every page of a long list
    read the whole list (a page of one of 5,000 contributions took over a second)."""
    from django.db.models.signals import post_init

    from groundswell.contributions.models import Contribution
    from groundswell.projects.models import Project

    for _ in range(6):
        factories.ContributionFactory(project=project)
        factories.ProjectFactory(host_organisation=host_org)
    built = []

    def note(sender, instance, **kwargs):
        built.append(instance)

    sender = {"contribution": Contribution, "project": Project}[model]
    post_init.connect(note, sender=sender)
    try:
        page = client.get(url.format(slug=project.slug), {"page": 2, "page_size": 2}).json()
    finally:
        post_init.disconnect(note, sender=sender)
    assert page["count"] >= 6 and len(page["items"]) == 2
    assert len(built) == 2  # the page's, and no others


def test_the_statement_list_reads_authors_with_the_statements(client, project, host_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groundswell.testing import factories

    url = f"/api/v1/projects/{project.slug}/statements"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    statement_create(project=project, author=host_admin, text="The first")
    few = queries()
    for i in range(60):  # more than a page, each by another member
        statement_create(project=project, author=factories.UserFactory(), text=f"Point {i}")
    assert queries() == few


def test_a_member_reads_back_and_changes_their_vote(client, project, host_admin, practitioner):
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    client.force_login(practitioner)
    url = f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote"

    def vote(value: int) -> dict:
        response = client.post(url, json.dumps({"value": value}), content_type="application/json")
        assert response.status_code == 200
        return response.json()

    def mine():
        items = client.get(f"/api/v1/projects/{project.slug}/statements").json()["items"]
        return [s["my_vote"] for s in items]

    assert mine() == [None]
    first = vote(1)
    assert vote(1)["value"] == 1 and mine() == [1]  # the same vote again: still one
    changed = vote(-1)
    assert (changed["statement"], changed["value"]) == (first["statement"], -1)
    assert mine() == [-1]
    saved = Vote.objects.get()
    assert saved.value == -1 and saved.created_at <= saved.updated_at


def test_results_leave_out_a_statement_rejected_since_they_were_computed(
    client, project, host_admin
):
    from groundswell.deliberation import analysis
    from groundswell.deliberation.models import Statement, StatementStatus
    from groundswell.deliberation.services import vote_cast
    from groundswell.testing import factories

    statements = [
        statement_create(project=project, author=host_admin, text=f"Point {i}") for i in range(3)
    ]
    for i, voter in enumerate(factories.UserFactory() for _ in range(6)):
        for statement in statements:
            vote_cast(statement=statement, user=voter, value=1 if i % 3 else -1)
    analysis.analysis_recompute(project_id=project.pk)
    url = f"/api/v1/projects/{project.slug}/results"

    def texts() -> set[str]:
        body = client.get(url).json()
        rows = [r for g in body["groups"] for r in g["representative"]]
        rows += body["consensus"] + body["bridging_latent"]
        return {r["text"] for r in rows}

    assert "Point 0" in texts()
    # A host rejects it; the recompute this queues has not run yet (or failed).
    Statement.objects.filter(pk=statements[0].pk).update(status=StatementStatus.REJECTED)
    assert "Point 0" not in texts()
    assert "Point 0" not in client.get(f"/projects/{project.slug}/results/").content.decode()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        ("{value: 1", "application/json", 400, "The body is not valid JSON"),
        ("value=1", "application/x-www-form-urlencoded", 400, "Content-Type: application/json"),
        ("", "application/json", 422, "The body is missing"),
        ('{"value": 1, "x": "' + "y" * 3_000_000 + '"}', "application/json", 413, "too large"),
    ],
)
def test_a_vote_the_api_cannot_read_says_why(
    client, project, host_admin, practitioner, body, content_type, status, says
):
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote",
        body,
        content_type=content_type,
    )
    assert response.status_code == status
    assert says in json.dumps(response.json()["detail"])
    assert not Vote.objects.exists()


def test_refused_input_names_its_field_as_a_service_refusal_does(
    client, project, host_admin, practitioner
):
    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    client.force_login(practitioner)
    url = f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote"

    def detail(payload: dict):
        return client.post(url, json.dumps(payload), content_type="application/json").json()[
            "detail"
        ]

    assert detail({"value": 5}) == {"value": ["A vote is agree, disagree or pass."]}  # service
    assert list(detail({"value": "lots"})) == ["value"]  # schema
    assert list(detail({})) == ["value"]
    assert list(
        client.get(f"/api/v1/projects/{project.slug}/statements?page=x").json()["detail"]
    ) == ["page"]


def test_signing_in_is_asked_for_in_words(project, host_admin):
    from django.test import Client

    statement = statement_create(project=project, author=host_admin, text="Pay travel time")
    # With no session there is nothing for CSRF to protect: the answer is to sign in.
    response = Client(enforce_csrf_checks=True).post(
        f"/api/v1/projects/{project.slug}/statements/{statement.pk}/vote",
        {"value": 1},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first: this needs a signed-in member."}


def test_statements_show_no_protected_author_nor_waiting_or_rejected_ones(
    client, project, private_project, host_admin, practitioner, service_user
):
    from groundswell.deliberation.services import deliberation_settings_update
    from groundswell.moderation.services import statement_moderate

    statement_create(
        project=project, author=practitioner, text="Said safely", attribution="protected"
    )
    rejected = statement_create(project=project, author=practitioner, text="Turned down")
    statement_moderate(statement=rejected, by=host_admin, accept=False)
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    statement_create(project=project, author=service_user, text="Waiting for a host")
    elsewhere = statement_create(project=private_project, author=host_admin, text="Elsewhere")
    for viewer in (None, service_user, practitioner):
        if viewer:
            client.force_login(viewer)
        body = client.get(f"/api/v1/projects/{project.slug}/statements").content.decode()
        assert json.loads(body)["items"][0]["byline"] == "Protected contributor"
        assert [s["text"] for s in json.loads(body)["items"]] == ["Said safely"]
        for secret in [practitioner.username, practitioner.display_name, practitioner.email]:
            assert secret not in body
    # Another project's statement is no statement of this one.
    response = client.post(
        f"/api/v1/projects/{project.slug}/statements/{elsewhere.pk}/vote",
        json.dumps({"value": 1}),
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json() == {"detail": STATEMENT_NOT_OPEN}
    assert not Vote.objects.exists()


def test_results_not_yet_computed_say_why_as_the_page_does(client, project):
    from django.utils import timezone

    from groundswell.deliberation.models import AnalysisSnapshot

    url = f"/api/v1/projects/{project.slug}/results"
    assert "after the first votes" in client.get(url).json()["detail"]
    snapshot = AnalysisSnapshot.objects.create(project=project, pending=True)
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "No results yet: the first analysis is being computed. Ask again soon."
    )
    snapshot.failed_at = timezone.now()
    snapshot.save(update_fields=["failed_at"])
    assert "the analysis of the votes failed" in client.get(url).json()["detail"]


def test_results_say_whether_later_votes_are_still_to_be_counted(client, project):
    """A client showing results could not tell them from results missing the latest votes."""
    from django.utils import timezone

    from groundswell.deliberation.models import AnalysisSnapshot

    url = f"/api/v1/projects/{project.slug}/results"
    snapshot = AnalysisSnapshot.objects.create(
        project=project,
        computed_at=timezone.now(),
        result={"participants": 0, "statements": 0, "votes": 0},
    )
    current = client.get(url).json()
    assert (current["pending"], current["failed_at"]) == (False, None)

    snapshot.pending = True
    snapshot.failed_at = timezone.now()
    snapshot.save(update_fields=["pending", "failed_at"])
    stale = client.get(url).json()
    assert stale["pending"] is True and stale["failed_at"]
    assert (
        "pending"
        in client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ResultsOut"][
            "properties"
        ]
    )

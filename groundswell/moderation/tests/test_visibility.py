"""Hidden, removed and waiting items are gone from every list, search, API, export and analysis."""

import csv
import io

import pytest

from groundswell.contributions import selectors as contribution_selectors
from groundswell.contributions.services import comment_create, contribution_create
from groundswell.deliberation import selectors as deliberation_selectors
from groundswell.deliberation.analysis import vote_matrix
from groundswell.deliberation.polis import polis_export
from groundswell.deliberation.services import statement_create
from groundswell.moderation import services
from groundswell.moderation.selectors import contributions_pending
from groundswell.moderation.tests.conftest import STORY, decide
from groundswell.projects.models import Participant


@pytest.fixture
def moderated(project, writer, host_admin):
    kept = contribution_create(project=project, author=writer, title="Kept lantern", **STORY)
    hidden = contribution_create(project=project, author=writer, title="Hidden lantern", **STORY)
    removed = contribution_create(project=project, author=writer, title="Removed lantern", **STORY)
    hidden_comment = comment_create(contribution=kept, author=writer, body="Hidden remark here")
    shown_comment = comment_create(contribution=kept, author=writer, body="Shown remark here")
    s_kept = statement_create(project=project, author=writer, text="Kept statement")
    s_hidden = statement_create(project=project, author=writer, text="Hidden statement")
    s_removed = statement_create(project=project, author=writer, text="Removed statement")
    decide(project, "contribution", hidden, "hide", host_admin)
    decide(project, "contribution", removed, "remove", host_admin)
    decide(project, "comment", hidden_comment, "hide", host_admin)
    decide(project, "statement", s_hidden, "hide", host_admin)
    decide(project, "statement", s_removed, "remove", host_admin)
    return locals()


def test_lists_search_and_counts_leave_them_out(project, moderated, client):
    titles = [c.title for c in contribution_selectors.contributions_list(project=project)]
    assert titles == ["Kept lantern"]
    assert [
        c.title for c in contribution_selectors.contributions_list(project=project, q="lantern")
    ] == ["Kept lantern"]
    assert contribution_selectors.kind_counts(project=project) == {"story": 1}
    for url in [
        project.get_absolute_url(),
        f"/projects/{project.slug}/contributions/",
        f"/projects/{project.slug}/contributions/?q=lantern",
        "/contributions/",
    ]:
        page = client.get(url).content.decode()
        assert "Kept lantern" in page
        assert "Hidden lantern" not in page and "Removed lantern" not in page


def test_the_detail_pages_and_comments(project, moderated, client, host_admin):
    hidden, removed, kept = moderated["hidden"], moderated["removed"], moderated["kept"]
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(removed.get_absolute_url()).status_code == 404
    page = client.get(kept.get_absolute_url()).content.decode()
    assert "Shown remark here" in page and "Hidden remark here" not in page
    kept.refresh_from_db()
    assert kept.comment_count == 1
    # Hosts still see a hidden contribution, marked as hidden; a removed one is gone for all.
    client.force_login(host_admin)
    host_view = client.get(hidden.get_absolute_url())
    assert host_view.status_code == 200
    assert "Hidden by a moderator" in host_view.content.decode()
    assert client.get(removed.get_absolute_url()).status_code == 404


def test_the_api_leaves_them_out(project, moderated, client):
    listed = client.get(f"/api/v1/projects/{project.slug}/contributions").json()
    assert [c["title"] for c in listed["items"]] == ["Kept lantern"]
    assert listed["items"][0]["comment_count"] == 1
    for item in (moderated["hidden"], moderated["removed"]):
        response = client.get(f"/api/v1/projects/{project.slug}/contributions/{item.pk}")
        assert response.status_code == 404
    statements = client.get(f"/api/v1/projects/{project.slug}/statements").json()
    assert [s["text"] for s in statements["items"]] == ["Kept statement"]


def test_statements_leave_voting_results_export_and_analysis(
    project, moderated, client, practitioner
):
    out = {moderated["s_hidden"].pk, moderated["s_removed"].pk}
    voting = deliberation_selectors.statements_for_voting(project=project, user=practitioner)
    assert [s.text for s in voting] == ["Kept statement"]
    page = client.get(f"/projects/{project.slug}/statements/").content.decode()
    assert "Kept statement" in page and "Hidden statement" not in page
    assert "Removed statement" not in page
    assert out.isdisjoint(deliberation_selectors.statement_texts(project=project))
    comments = polis_export(project=project)["comments.csv"].decode()
    bodies = [row["comment-body"] for row in csv.DictReader(io.StringIO(comments))]
    assert bodies == ["Kept statement"]
    _, _, moderated_out = vote_matrix(project_id=project.pk)
    assert out <= set(moderated_out)
    assert moderated["s_kept"].pk not in moderated_out


def test_pre_moderation_holds_participants_contributions(
    project, practitioner, host_admin, outsider, client
):
    services.contribution_moderation_set(project=project, by=host_admin, mode="pre")
    Participant.objects.create(project=project, user=practitioner)
    waiting = contribution_create(project=project, author=practitioner, title="Awaiting", **STORY)
    by_host = contribution_create(
        project=project, author=host_admin, title="From the host", **STORY
    )
    assert waiting.status == "pending" and by_host.status == "published"
    assert [c.title for c in contribution_selectors.contributions_list(project=project)] == [
        "From the host"
    ]
    listed = client.get(f"/api/v1/projects/{project.slug}/contributions").json()
    assert [c["title"] for c in listed["items"]] == ["From the host"]
    assert client.get(waiting.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(waiting.get_absolute_url()).status_code == 404
    client.force_login(practitioner)
    own = client.get(waiting.get_absolute_url())
    assert own.status_code == 200 and "Waiting for a host" in own.content.decode()
    # It waits in the host's queue, and approving publishes it.
    assert [c.pk for c in services_pending(project)] == [waiting.pk]
    decide(project, "contribution", waiting, "approve", host_admin, reason="Fine.")
    waiting.refresh_from_db()
    assert waiting.status == "published"
    assert services_pending(project) == []


def services_pending(project):
    return list(contributions_pending(project=project))


def test_the_participant_is_told_it_waits(project, practitioner, host_admin, client):
    services.contribution_moderation_set(project=project, by=host_admin, mode="pre")
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/contribute/story/",
        {"title": "Held story", "body": "It happened.", "attribution": "named"},
        follow=True,
    )
    assert "waiting for a host" in response.content.decode()

"""Pre-moderation from the host's side: what others never see, and what the author is told."""

import csv
import io

import pytest
from django.utils import timezone

from groundswell.deliberation.models import AnalysisSnapshot, StatementStatus
from groundswell.deliberation.polis import polis_export
from groundswell.deliberation.services import deliberation_settings_update, statement_create
from groundswell.moderation.services import statement_moderate


@pytest.fixture
def pre_moderated(project, host_admin):
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    return project


def _result_naming(*statements) -> dict:
    rows = [{"statement": s.pk, "score": 0.9, "agree": 0.9, "disagree": 0.1} for s in statements]
    return {
        "participants": 5,
        "statements": len(rows),
        "votes": 10,
        "groups": [],
        "points": [],
        "consensus": rows,
        "bridging_latent": [],
        "bridging_perspective": None,
        "pairwise": [],
    }


def test_results_never_show_a_statement_a_host_has_since_rejected(
    project, host_admin, practitioner, client
):
    """Computed while it was open for votes, then rejected: the page must not wait for the next
    recompute (which may be queued, or fail) to stop showing it."""
    kept = statement_create(project=project, author=host_admin, text="Pay travel time")
    rejected = statement_create(
        project=project, author=practitioner, text="Name the manager on Ward 7"
    )
    AnalysisSnapshot.objects.create(
        project=project, result=_result_naming(kept, rejected), computed_at=timezone.now()
    )
    statement_moderate(statement=rejected, by=host_admin, accept=False)
    # The recompute the rejection queued has not run yet.
    AnalysisSnapshot.objects.filter(project=project).update(
        result=_result_naming(kept, rejected), computed_at=timezone.now()
    )
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "Pay travel time" in page
    assert "Name the manager on Ward 7" not in page
    api = client.get(f"/api/v1/projects/{project.slug}/results").json()
    assert [row["text"] for row in api["consensus"]] == ["Pay travel time"]


def test_the_polis_export_leaves_out_what_a_host_rejected_or_has_not_read(
    pre_moderated, host_admin, practitioner
):
    statement_create(project=pre_moderated, author=host_admin, text="Pay travel time")
    rejected = statement_create(
        project=pre_moderated,
        author=practitioner,
        text="My manager on Ward 7 falsifies the rota",
        attribution="protected",
    )
    statement_create(project=pre_moderated, author=practitioner, text="Still waiting")
    statement_moderate(statement=rejected, by=host_admin, accept=False)
    assert rejected.status == StatementStatus.REJECTED
    comments = polis_export(project=pre_moderated)["comments.csv"].decode()
    bodies = [row["comment-body"] for row in csv.DictReader(io.StringIO(comments))]
    assert bodies == ["Pay travel time"]


@pytest.mark.parametrize("attribution", ["named", "protected"])
def test_the_author_sees_what_a_host_did_with_their_statement(
    pre_moderated, host_admin, practitioner, service_user, client, attribution
):
    """Besides the moderation notice (groundswell/moderation/tests/test_statement_moderate.py),
    the vote page tells the author what became of their statements, and nobody else."""
    waiting = statement_create(
        project=pre_moderated,
        author=practitioner,
        text="Keep school places",
        attribution=attribution,
    )
    rejected = statement_create(
        project=pre_moderated, author=practitioner, text="Close the hostel", attribution=attribution
    )
    accepted = statement_create(
        project=pre_moderated, author=practitioner, text="Fund buses", attribution=attribution
    )
    statement_create(project=pre_moderated, author=service_user, text="Someone else's words")
    statement_moderate(statement=rejected, by=host_admin, accept=False)
    statement_moderate(statement=accepted, by=host_admin, accept=True)
    assert waiting.status == StatementStatus.PENDING

    client.force_login(practitioner)
    page = client.get(f"/projects/{pre_moderated.slug}/vote/").content.decode()
    assert "Your statements not open for votes" in page
    assert "Keep school places</span>: waiting for a host" in page
    assert "Close the hostel</span>: <strong>not accepted</strong>" in page
    assert "Someone else&#x27;s words" not in page

    for other in (service_user, host_admin):
        client.force_login(other)
        page = client.get(f"/projects/{pre_moderated.slug}/vote/").content.decode()
        assert "Keep school places" not in page and "Close the hostel" not in page
    client.force_login(service_user)
    page = client.get(f"/projects/{pre_moderated.slug}/vote/").content.decode()
    assert "Someone else&#x27;s words</span>: waiting for a host" in page


@pytest.mark.parametrize("attribution", ["named", "protected"])
def test_the_statement_list_tells_the_author_theirs_is_waiting_not_lost(
    pre_moderated, host_admin, practitioner, service_user, client, attribution
):
    """From "All statements and your votes" just after adding one: "No statements yet" alone
    reads as if theirs was lost, and sends them to add it again."""
    statement_create(
        project=pre_moderated,
        author=practitioner,
        text="Keep school places",
        attribution=attribution,
    )
    url = f"/projects/{pre_moderated.slug}/statements/"
    client.force_login(practitioner)
    page = client.get(url).content.decode()
    assert "1 of your statements is waiting for a host to read it" in page
    assert "No statements yet" not in page and "Add the first one" not in page
    assert f'href="/projects/{pre_moderated.slug}/vote/#mine-not-open"' in page

    client.force_login(service_user)  # nobody else is told of it
    page = client.get(url).content.decode()
    assert "waiting for a host" not in page and "No statements yet" in page


def test_a_participant_is_told_before_adding_an_idea_that_a_host_reads_it_first(
    project, host_admin, practitioner, client
):
    client.force_login(practitioner)
    hint = "A host reads new ideas before they join the pool."
    assert hint not in client.get(f"/projects/{project.slug}/compare/").content.decode()
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    assert hint in client.get(f"/projects/{project.slug}/compare/").content.decode()
    # Hosts' own ideas need no approval: they are not told otherwise.
    client.force_login(host_admin)
    assert hint not in client.get(f"/projects/{project.slug}/compare/").content.decode()


def test_switching_to_post_moderation_leaves_what_waits_for_a_host_and_says_so(
    pre_moderated, host_admin, practitioner, client
):
    waiting = statement_create(project=pre_moderated, author=practitioner, text="Keep places")
    client.force_login(host_admin)
    settings_url = f"/projects/{pre_moderated.slug}/deliberation/settings/"
    assert (
        "holds participants&#x27; pairwise ideas as well"
        in client.get(settings_url).content.decode()
    )
    response = client.post(
        settings_url,
        {
            "moderation": "post",
            "participants_may_add_statements": "on",
            "participants_may_add_ideas": "on",
            "pairwise_prompt": "Which matters more?",
        },
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == StatementStatus.PENDING
    assert (
        "Keep places" in client.get(f"/projects/{pre_moderated.slug}/moderation/").content.decode()
    )
    # New statements from participants now appear at once.
    fresh = statement_create(project=pre_moderated, author=practitioner, text="Fund buses")
    assert fresh.status == StatementStatus.ACCEPTED


def test_a_host_seeds_ideas_before_comparing_opens(host_org, host_admin, practitioner, client):
    from groundswell.deliberation.models import Idea, IdeaStatus
    from groundswell.testing import factories

    before = factories.ProjectFactory(
        host_organisation=host_org,
        created_by=host_admin,
        phases=[("gather", 5, 14), ("deliberate", 15, 30)],
    )
    client.force_login(host_admin)
    page = client.get(f"/projects/{before.slug}/compare/")
    assert page.status_code == 200
    assert "Comparing is closed in this project's current phase" in page.content.decode()
    for text in ("Longer visits", "A named caseworker"):
        added = client.post(
            f"/projects/{before.slug}/ideas/new/", {"text": text, "attribution": "named"}
        )
        assert added.status_code == 302
    assert "People can compare it once" in client.get(added.url).content.decode()
    assert list(Idea.objects.filter(project=before).values_list("status", flat=True)) == [
        IdeaStatus.ACCEPTED,
        IdeaStatus.ACCEPTED,
    ]
    # No pair is offered to a host who could not record a choice; members still cannot come in.
    assert 'name="outcome"' not in client.get(f"/projects/{before.slug}/compare/").content.decode()
    client.force_login(practitioner)
    assert client.get(f"/projects/{before.slug}/compare/").status_code == 403

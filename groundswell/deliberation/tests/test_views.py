import pytest

from groundswell.deliberation import services
from groundswell.deliberation.models import AnalysisSnapshot, Vote


@pytest.fixture
def seeded(project, host_admin):
    return [
        services.statement_create(project=project, author=host_admin, text=f"Point {i}")
        for i in range(3)
    ]


def test_voting_one_statement_at_a_time_without_javascript(client, project, seeded, practitioner):
    client.force_login(practitioner)
    page = client.get(f"/projects/{project.slug}/vote/").content.decode()
    assert "3 statements left" in page and "Point 0" in page

    response = client.post(f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "1"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "2 statements left" in page and "Point 1" in page
    assert Vote.objects.get(voter=f"u{practitioner.pk}").value == 1


def test_htmx_vote_returns_the_next_card_only(client, project, seeded, practitioner):
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": "-1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="vote-card"')
    assert "Point 1" in body and "<html" not in body


def test_changing_a_vote_from_the_statement_list(client, project, seeded, practitioner):
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/vote/{seeded[2].pk}/"
    client.post(url, {"value": "1", "next": "statements"})
    response = client.post(url, {"value": "0", "next": "statements"})
    assert response.url == f"/projects/{project.slug}/statements/"
    assert list(Vote.objects.values_list("value", flat=True)) == [0]
    page = client.get(response.url).content.decode()
    assert page.count('aria-pressed="true"') == 1


@pytest.mark.parametrize("value", ["", "2", "agree", "<script>"])
def test_bad_votes_are_refused_without_saving(client, project, seeded, practitioner, value):
    client.force_login(practitioner)
    response = client.post(f"/projects/{project.slug}/vote/{seeded[0].pk}/", {"value": value})
    assert response.status_code == 302
    assert not Vote.objects.exists()


def test_statement_form_errors_are_shown_and_nothing_saved(client, project, practitioner):
    client.force_login(practitioner)
    response = client.post(
        f"/projects/{project.slug}/statements/new/", {"text": "x" * 281, "attribution": "named"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not project.statements.exists()


def test_results_page_before_and_after_analysis(client, project, seeded):
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    assert "No results yet" in page
    AnalysisSnapshot.objects.create(
        project=project,
        computed_at="2026-11-27T10:00:00Z",
        result={
            "participants": 4,
            "statements": 3,
            "votes": 12,
            "seconds": 0.01,
            "groups": [
                {
                    "id": 0,
                    "size": 4,
                    "centre": [0.0, 0.0],
                    "representative": [
                        {
                            "statement": seeded[1].pk,
                            "direction": "agree",
                            "score": 2.0,
                            "agree": 0.75,
                            "disagree": 0.25,
                        }
                    ],
                }
            ],
            "points": [[0.1, 0.2, 0], [-0.1, 0.0, 0]],
            "consensus": [{"statement": seeded[0].pk, "score": 0.8}],
            "bridging_latent": [{"statement": seeded[2].pk, "score": 0.4}],
            "bridging_perspective": None,
            "pairwise": [],
        },
    )
    page = client.get(f"/projects/{project.slug}/results/").content.decode()
    for text in ["Point 0", "Point 1", "Point 2", "75% agree", "<svg", "Opinion groups"]:
        assert text in page


def test_private_project_deliberation_is_hidden_from_outsiders(client, private_project, outsider):
    client.force_login(outsider)
    for path in ["vote/", "statements/", "results/", "compare/"]:
        assert client.get(f"/projects/{private_project.slug}/{path}").status_code == 404

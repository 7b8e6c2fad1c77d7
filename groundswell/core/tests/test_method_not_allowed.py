"""An address that only takes a form, opened in a browser, answers with a page, not nothing."""

import pytest


@pytest.mark.parametrize("suffix", ["statements/new/", "ideas/new/", "vote/1/"])
def test_opening_a_form_address_shows_a_page_that_says_where_to_go(
    client, project, practitioner, suffix
):
    client.force_login(practitioner)
    response = client.get(f"/projects/{project.slug}/{suffix}")

    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>This address takes a form</h1>" in page
    assert f'href="/projects/{project.slug}/"' in page


def test_the_api_still_answers_its_405_in_json(client, project):
    response = client.get(f"/api/v1/projects/{project.slug}/votes")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]

"""The main pages answer, and the core loop works end to end through HTTP."""

import pytest


@pytest.fixture
def public_pages(project):
    return [
        "/",
        "/projects/",
        "/contributions/",
        "/organisations/",
        project.get_absolute_url(),
        f"/projects/{project.slug}/contributions/",
        "/accounts/login/",
        "/accounts/signup/",
        "/code-of-conduct/",
        "/healthz",
    ]


def test_public_pages_answer_anonymous_visitors(client, public_pages):
    for url in public_pages:
        assert client.get(url).status_code == 200, url


def test_member_contributes_protected_barrier_and_finds_it_by_search(client, project, practitioner):
    client.force_login(practitioner)
    for url in [
        f"/projects/{project.slug}/contribute/",
        f"/projects/{project.slug}/contribute/barrier/",
        "/projects/new/",
        "/organisations/new/",
        "/me/profile/",
    ]:
        assert client.get(url).status_code == 200, url

    response = client.post(
        f"/projects/{project.slug}/contribute/barrier/",
        {
            "title": "Fifteen-minute visits",
            "body": "Visits are too short to help someone wash and eat.",
            "rule": "Time and task commissioning",
            "frontline_effect": "We rush, and people go without.",
            "attribution": "protected",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "You wrote this" in page
    assert "Protected contributor" in page

    found = client.get(f"/projects/{project.slug}/contributions/?q=fifteen+visit").content.decode()
    assert "Fifteen-minute visits" in found
    missing = client.get(f"/projects/{project.slug}/contributions/?q=pancake").content.decode()
    assert "Fifteen-minute visits" not in missing


def test_evidence_file_is_served_only_through_the_project_door(
    client, private_project, practitioner, outsider
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from groundswell.contributions.services import contribution_create
    from groundswell.projects.services import participant_join

    participant_join(project=private_project, user=practitioner)
    contribution = contribution_create(
        project=private_project,
        author=practitioner,
        kind="evidence",
        title="Audit of missed visits",
        body="Illustrative audit.",
        details={
            "source_type": "dataset",
            "source": "Team audit 2026",
            "provenance": "Our own rota records",
            "quality": "moderate",
        },
        attachment=SimpleUploadedFile("audit.csv", b"week,missed\n1,4\n", "text/csv"),
    )
    url = f"/projects/{private_project.slug}/contributions/{contribution.pk}/file/"

    client.force_login(outsider)
    assert client.get(url).status_code == 404

    client.force_login(practitioner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"week,missed\n1,4\n"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_web_worker_loads_the_pages_code_as_it_starts(tmp_path):
    """Importing the URLconf brings in the views and the analysis libraries, seconds of work: a
    worker does it as it starts, not while the first visitor after a restart waits."""
    import os
    import subprocess
    import sys

    probe = "import sys, groundswell.wsgi; print('groundswell.deliberation.views' in sys.modules)"
    env = {**os.environ, "GROUNDSWELL_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"

"""Hosts seed a project with many statements at once, one per line."""

import html

import pytest

from groundswell.deliberation import services
from groundswell.deliberation.models import Statement, StatementStatus


def _seed(client, project, text, **extra):
    return client.post(
        f"/projects/{project.slug}/statements/seed/",
        {"seed-statements": text, "seed-attribution": "named", **extra},
    )


def test_a_host_adds_a_pasted_list_in_one_go_without_javascript(client, project, host_admin):
    services.deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    client.force_login(host_admin)
    page = client.get(f"/projects/{project.slug}/vote/").content.decode()
    assert 'id="seed-statements"' in page and 'name="seed-statements"' in page

    response = _seed(client, project, "First point\r\n\r\n  Second   point \r\nThird point\r\n")
    assert response.status_code == 302
    added = Statement.objects.filter(project=project).order_by("id")
    assert [s.text for s in added] == ["First point", "Second point", "Third point"]
    # Accepted at once and marked as seeds, as a host's single statements are.
    assert all(s.status == StatementStatus.ACCEPTED and s.is_seed for s in added)
    assert "3 statements added." in client.get(response.url).content.decode()


def test_every_bad_line_is_named_and_nothing_is_saved(client, project, host_admin):
    services.statement_create(project=project, author=host_admin, text="Already here")
    client.force_login(host_admin)
    pasted = "\n".join(["Good one", "x" * 281, "already HERE", "Good one", "Another good one"])
    response = _seed(client, project, pasted)
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    for problem in [
        "Line 2: keep a statement to 280 characters or fewer (this one has 281).",
        "Line 3: that statement is already in this project.",
        "Line 4: the same statement as line 1.",
    ]:
        # Next to the field and in the summary, which links to the field.
        assert body.count(problem) == 2, problem
    assert 'href="#id_seed-statements"' in body
    assert "Line 1:" not in body and "Line 5:" not in body
    # The typed list comes back to be corrected, and nothing was added.
    assert "Another good one" in body and "x" * 281 in body
    assert list(Statement.objects.values_list("text", flat=True)) == ["Already here"]


@pytest.mark.parametrize("pasted", ["", "   \n \n"])
def test_an_empty_list_is_refused_next_to_the_field(client, project, host_admin, pasted):
    client.force_login(host_admin)
    response = _seed(client, project, pasted)
    assert response.status_code == 400
    assert "Write at least one statement, one per line." in response.content.decode()
    assert not Statement.objects.exists()


def test_too_long_a_list_is_refused(client, project, host_admin):
    client.force_login(host_admin)
    count = services.SEED_MAX_STATEMENTS + 1
    response = _seed(client, project, "\n".join(f"Point {i}" for i in range(count)))
    assert response.status_code == 400
    assert f"this list has {count}" in response.content.decode()
    assert not Statement.objects.exists()


def test_only_hosts_may_paste_a_list(client, project, practitioner):
    services.deliberation_settings_update(
        project=project, by=project.created_by, participants_may_add_statements=True
    )
    client.force_login(practitioner)
    page = client.get(f"/projects/{project.slug}/vote/").content.decode()
    assert 'id="add-statement"' in page and 'id="seed-statements"' not in page
    assert _seed(client, project, "Mine\nAnd mine").status_code == 403
    assert not Statement.objects.exists()


def test_a_pasted_list_counts_as_one_post_and_members_are_still_limited(
    client, settings, project, host_admin, practitioner
):
    settings.GROUNDSWELL_RATE_LIMITS = {"post": (2, 600)}
    client.force_login(host_admin)
    for batch in range(2):
        lines = "\n".join(f"Batch {batch} point {i}" for i in range(40))
        assert _seed(client, project, lines).status_code == 302
    assert Statement.objects.count() == 80
    # The third list in the window is over the limit, as a third single post would be.
    assert _seed(client, project, "One more").status_code == 429

    services.deliberation_settings_update(
        project=project, by=host_admin, participants_may_add_statements=True
    )
    client.force_login(practitioner)
    url = f"/projects/{project.slug}/statements/new/"
    for i in range(2):
        assert client.post(url, {"text": f"Mine {i}", "attribution": "named"}).status_code == 302
    assert client.post(url, {"text": "Mine 3", "attribution": "named"}).status_code == 429


def test_a_line_repeating_a_statement_not_open_says_what_became_of_it(
    client, project, host_admin, practitioner
):
    """A host pasting a statement a participant suggested (waiting), or one a host rejected, is
    not told it is "already in this project": they would look for it in the list in vain."""
    services.deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    services.statement_create(project=project, author=practitioner, text="Waiting here")
    rejected = services.statement_create(project=project, author=practitioner, text="Turned down")
    Statement.objects.filter(pk=rejected.pk).update(status=StatementStatus.REJECTED)
    client.force_login(host_admin)
    response = _seed(client, project, "waiting HERE\nturned down\nA new one")
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert (
        "Line 1: that statement has already been suggested and is waiting for a host to look "
        "at it." in body
    )
    assert "Line 2: that statement has already been suggested, and a host did not accept it." in (
        body
    )
    assert "already in this project" not in body
    assert not Statement.objects.filter(text="A new one").exists()


def test_lines_the_same_but_for_an_invisible_character_are_named_as_repeats(
    client, project, host_admin
):
    """Text pasted from a web page or a PDF carries zero-width spaces and control characters,
    which statements are saved without: two such lines are the same statement, said as such,
    not "you have already added that statement" about a list of which nothing was added."""
    client.force_login(host_admin)
    response = _seed(client, project, "Zero\u200bwidth here\nZerowidth here\nBell\x07 rings")
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert body.count("Line 2: the same statement as line 1.") == 2
    assert "already added" not in body
    assert not Statement.objects.exists()

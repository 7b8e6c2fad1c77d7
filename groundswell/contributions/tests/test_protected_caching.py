"""The pages that tell a member "you wrote this" are never kept by the browser.

On a shared computer (a ward office, a library), whoever presses Back after the author has
logged out would otherwise see the author's copy of their protected contribution again, with its
"You wrote this" note and its edit and withdraw buttons, or their moderation notices.
"""

import pytest

from groundswell.contributions.services import contribution_create


@pytest.fixture
def protected(project, practitioner):
    return contribution_create(
        project=project,
        author=practitioner,
        kind="story",
        title="Our rota leaves no time to talk",
        body="Fifteen minutes for a wash and a meal.",
        attribution="protected",
    )


def _kept(response) -> bool:
    """Whether a browser may keep the page to show again."""
    return "no-store" not in response.get("Cache-Control", "")


def test_the_authors_page_of_a_protected_contribution_is_not_kept(client, protected, practitioner):
    client.force_login(practitioner)
    page = client.get(protected.get_absolute_url())
    assert "You wrote this" in page.content.decode()
    assert not _kept(page)
    assert "private" in page["Cache-Control"]
    assert not _kept(client.get(f"{protected.get_absolute_url()}edit/"))


def test_everyone_elses_copy_stays_cacheable(client, protected, service_user):
    # Anonymous visitors' pages go on being shared through the page cache.
    assert not client.get(protected.get_absolute_url()).has_header("Cache-Control")
    client.force_login(service_user)
    page = client.get(protected.get_absolute_url())
    assert "You wrote this" not in page.content.decode()
    assert not page.has_header("Cache-Control")


def test_the_moderation_notices_are_not_kept(client, practitioner):
    client.force_login(practitioner)
    assert not _kept(client.get("/moderation/notices/"))

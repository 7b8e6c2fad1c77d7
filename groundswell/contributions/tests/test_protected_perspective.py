"""A protected item shows its author's role and sector only when enough people share them.

In a project with one commissioner, "Protected contributor · Commissioner" names them. So the
role is kept on a protected item only when at least PROTECTED_PERSPECTIVE_CROWD of the project's
participants (the author included) declare it, and the sector only when that many declare both.
What is not kept is not stored at all, so no page, filter, API answer or export can show it.
"""

import pytest

from groundswell.contributions import services
from groundswell.contributions.models import Contribution
from groundswell.deliberation.services import statement_create
from groundswell.people.perspectives import PROTECTED_PERSPECTIVE_CROWD
from groundswell.projects.services import participant_join
from groundswell.testing import factories

OTHERS = PROTECTED_PERSPECTIVE_CROWD - 1  # fellow participants it takes besides the author


@pytest.fixture
def commissioner(db):
    return factories.UserFactory(role="commissioner", sector="health")


def _join(project, n: int, **perspective) -> None:
    for _ in range(n):
        participant_join(project=project, user=factories.UserFactory(**perspective))


def _barrier(project, author, attribution="protected") -> Contribution:
    return services.contribution_create(
        project=project,
        author=author,
        kind="story",
        title="Our panel signs off care plans it never reads",
        body="The panel meets monthly and approves forty plans in an hour.",
        details={},
        attribution=attribution,
    )


def _stored(item) -> tuple[str, str]:
    item.refresh_from_db()
    return item.author_role, item.author_sector


def test_the_only_commissioner_shows_no_perspective(project, commissioner):
    _join(project, 10, role="service_user", sector="health")  # a crowd, but not of their role

    assert _stored(_barrier(project, commissioner)) == ("", "")


def test_a_shared_role_shows_but_a_rare_sector_does_not(project, commissioner):
    _join(project, OTHERS, role="commissioner", sector="housing")

    assert _stored(_barrier(project, commissioner)) == ("commissioner", "")


def test_role_and_sector_show_once_enough_people_share_both(project, commissioner):
    _join(project, OTHERS, role="commissioner", sector="health")

    assert _stored(_barrier(project, commissioner)) == ("commissioner", "health")


def test_one_short_of_the_crowd_shows_nothing(project, commissioner):
    _join(project, OTHERS - 1, role="commissioner", sector="health")

    assert _stored(_barrier(project, commissioner)) == ("", "")


def test_only_this_projects_participants_count(project, private_project, commissioner):
    _join(private_project, OTHERS, role="commissioner", sector="health")
    for _ in range(OTHERS):  # members of the site with the role, who have not joined
        factories.UserFactory(role="commissioner", sector="health")

    assert _stored(_barrier(project, commissioner)) == ("", "")


def test_the_author_is_counted_once_whether_or_not_they_had_joined(project, commissioner):
    participant_join(project=project, user=commissioner)
    _join(project, OTHERS - 1, role="commissioner", sector="health")

    assert _stored(_barrier(project, commissioner)) == ("", "")


@pytest.mark.parametrize("attribution", ["named", "pseudonymous"])
def test_named_and_pseudonymous_items_keep_the_perspective(project, commissioner, attribution):
    commissioner.pseudonym = "Quiet Ledger"
    commissioner.save(update_fields=["pseudonym"])

    item = _barrier(project, commissioner, attribution=attribution)

    assert _stored(item) == ("commissioner", "health")


def test_protected_comments_follow_the_same_rule(project, commissioner, practitioner):
    contribution = _barrier(project, practitioner, attribution="named")

    alone = services.comment_create(
        contribution=contribution, author=commissioner, body="Alone", attribution="protected"
    )
    _join(project, OTHERS, role="commissioner", sector="health")
    in_a_crowd = services.comment_create(
        contribution=contribution, author=commissioner, body="Crowd", attribution="protected"
    )

    assert _stored(alone) == ("", "")
    assert _stored(in_a_crowd) == ("commissioner", "health")


def test_protected_statements_follow_the_same_rule(project, host_admin):
    # host_admin is the project's only manager: they seed a protected statement.
    statement = statement_create(
        project=project,
        author=host_admin,
        text="Panels should read the plans",
        attribution="protected",
    )

    assert _stored(statement) == ("", "")


def test_no_page_filter_or_api_answer_shows_a_rare_perspective(client, project, commissioner):
    _join(project, 10, role="service_user", sector="health")
    item = _barrier(project, commissioner)
    url = f"/projects/{project.slug}/contributions/{item.pk}/"

    page = client.get(url).content.decode()
    by_role = client.get("/contributions/?author_role=commissioner").content.decode()
    api = client.get(f"/api/v1/projects/{project.slug}/contributions").json()

    assert item.title in page
    assert "Protected contributor" in page
    assert "Commissioner" not in page
    assert item.title not in by_role
    assert [(c["author_role"], c["author_sector"]) for c in api["items"]] == [("", "")]


def test_writers_are_told_the_rule_where_they_choose_protection(client, project, practitioner):
    client.force_login(practitioner)
    rule = f"at least {PROTECTED_PERSPECTIVE_CROWD} people in"

    for url in ("/me/profile/", f"/projects/{project.slug}/contribute/story/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert rule in response.content.decode(), url


def test_what_a_protected_item_is_about_does_not_default_to_a_hidden_sector(project, commissioner):
    project.sector = ""
    project.save(update_fields=["sector"])
    _join(project, OTHERS, role="commissioner", sector="housing")  # the role shows, the sector not

    protected = _barrier(project, commissioner)
    named = _barrier(project, commissioner, attribution="named")

    protected.refresh_from_db()
    named.refresh_from_db()
    assert (protected.author_sector, protected.sector) == ("", "")
    assert (named.author_sector, named.sector) == ("health", "health")

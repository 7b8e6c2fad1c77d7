"""A host's protected item goes the way anyone's would, or is not written protected at all.

Hosts may do what participants may not: skip pre-moderation, and add statements and ideas when
participants cannot. A protected item that took such a path would say, by being there, that a
host wrote it: to the other hosts and the site's moderators, who see what waits and what did not,
or to everyone, who can see that participants could not have added it. In a project with one
host, that names them.
"""

import pytest
from django.core.exceptions import ValidationError

from groundswell.contributions.models import Status
from groundswell.contributions.services import contribution_create
from groundswell.deliberation.models import IdeaStatus, StatementStatus
from groundswell.deliberation.services import (
    deliberation_settings_update,
    idea_create,
    statement_create,
    statements_seed,
)
from groundswell.moderation.selectors import (
    contributions_pending,
    ideas_pending,
    statements_pending,
)
from groundswell.testing import factories


def _story(project, author, attribution: str):
    return contribution_create(
        project=project,
        author=author,
        kind="story",
        title=f"A {attribution} story",
        body="The panel approves forty plans in an hour.",
        attribution=attribution,
    )


@pytest.fixture
def pre_moderated(project, host_admin):
    project.contribution_moderation = "pre"
    project.save(update_fields=["contribution_moderation"])
    deliberation_settings_update(project=project, by=host_admin, moderation="pre")
    return project


def test_a_hosts_protected_items_wait_under_pre_moderation_like_anyones(
    pre_moderated, host_admin, practitioner, client
):
    participants = [
        _story(pre_moderated, practitioner, "protected"),
        statement_create(
            project=pre_moderated,
            author=practitioner,
            text="Read the plans",
            attribution="protected",
        ),
        idea_create(
            project=pre_moderated,
            author=practitioner,
            text="Smaller panels",
            attribution="protected",
        ),
    ]
    hosts = [
        _story(pre_moderated, host_admin, "protected"),
        statement_create(
            project=pre_moderated, author=host_admin, text="Pay for panels", attribution="protected"
        ),
        idea_create(
            project=pre_moderated, author=host_admin, text="Paid panels", attribution="protected"
        ),
    ]
    waiting = [Status.PENDING, StatementStatus.PENDING, IdeaStatus.PENDING]
    assert [item.status for item in participants] == waiting
    assert [item.status for item in hosts] == waiting
    # What the other hosts and the site's moderators see waiting: both, not only the participant's.
    assert set(contributions_pending(project=pre_moderated)) == {participants[0], hosts[0]}
    assert set(statements_pending(project=pre_moderated)) == {participants[1], hosts[1]}
    assert set(ideas_pending(project=pre_moderated)) == {participants[2], hosts[2]}
    # Nobody else sees the host's protected story before a host approves it.
    page = client.get(f"/projects/{pre_moderated.slug}/contributions/").content.decode()
    assert "A protected story" not in page


def test_a_hosts_named_items_still_skip_pre_moderation(pre_moderated, host_admin):
    assert _story(pre_moderated, host_admin, "named").status == Status.PUBLISHED
    statement = statement_create(project=pre_moderated, author=host_admin, text="Pay for panels")
    assert statement.status == StatementStatus.ACCEPTED
    idea = idea_create(project=pre_moderated, author=host_admin, text="Paid panels")
    assert idea.status == IdeaStatus.ACCEPTED


@pytest.mark.parametrize(
    ("closed", "create"),
    [
        ({"participants_may_add_statements": False}, statement_create),
        ({"participants_may_add_ideas": False}, idea_create),
    ],
)
def test_no_protected_statement_or_idea_where_only_hosts_may_add_them(
    project, host_admin, closed, create
):
    deliberation_settings_update(project=project, by=host_admin, **closed)
    with pytest.raises(ValidationError) as refused:
        create(project=project, author=host_admin, text="Pay for panels", attribution="protected")
    assert "a host wrote it" in refused.value.message_dict["attribution"][0]
    # Under their name or pseudonym, as before.
    assert create(project=project, author=host_admin, text="Pay for panels").status == "accepted"


def test_no_protected_statement_outside_the_phases_participants_may_add_them(host_org, host_admin):
    drafting = factories.ProjectFactory(
        host_organisation=host_org, created_by=host_admin, phases=[("draft", -5, 14)]
    )
    with pytest.raises(ValidationError, match="a host wrote it"):
        statement_create(
            project=drafting, author=host_admin, text="Pay for panels", attribution="protected"
        )
    assert statement_create(project=drafting, author=host_admin, text="Pay for panels")


def test_the_host_is_told_next_to_the_attribution_on_the_page_and_in_the_api(
    project, host_admin, client
):
    deliberation_settings_update(
        project=project, by=host_admin, participants_may_add_statements=False
    )
    client.force_login(host_admin)
    page = client.post(
        f"/projects/{project.slug}/statements/new/",
        {"text": "Pay for panels", "attribution": "protected"},
    )
    assert page.status_code == 400
    assert "would tell everyone that a host wrote it" in page.content.decode()
    api = client.post(
        f"/api/v1/projects/{project.slug}/statements",
        {"text": "Pay for panels", "attribution": "protected"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "a host wrote it" in api.json()["detail"]["attribution"][0]
    assert not project.statements.exists()


def test_statements_added_several_at_once_are_never_protected(project, host_admin, client):
    with pytest.raises(ValidationError) as refused:
        statements_seed(
            project=project, author=host_admin, lines=["One", "Two"], attribution="protected"
        )
    assert "a host wrote them" in refused.value.message_dict["attribution"][0]
    client.force_login(host_admin)
    page = client.get(f"/projects/{project.slug}/vote/").content.decode()
    seed_form = page[page.index('id="seed-statements"') :]
    assert 'name="seed-attribution" value="pseudonymous"' in seed_form
    assert 'name="seed-attribution" value="protected"' not in seed_form
    response = client.post(
        f"/projects/{project.slug}/statements/seed/",
        {"seed-statements": "One\nTwo", "seed-attribution": "protected"},
    )
    assert response.status_code == 400
    assert not project.statements.exists()

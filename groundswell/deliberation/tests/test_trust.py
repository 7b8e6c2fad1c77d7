"""Trust signals on results: voters per trust tier, and the hosts' coordinated-voting report."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.deliberation.coordination import coordination_report
from groundswell.deliberation.models import Vote
from groundswell.deliberation.selectors import TrustTiers, voter_trust_tiers
from groundswell.deliberation.services import statement_create, vote_cast
from groundswell.organisations.models import VerifiedRole
from groundswell.projects.models import Participant
from groundswell.projects.services import (
    project_invite_codes_create,
    project_invite_create,
    project_join_by_code,
    project_join_by_invite,
)
from groundswell.testing import factories


def role(member, **fields):
    values = {
        "label": "registered nurse",
        "employer_kind": "provider",
        "status": "confirmed",
        "confirmed_by_staff": True,
        "decided_on": timezone.localdate(),
        **fields,
    }
    return VerifiedRole.objects.create(member=member, **values)


@pytest.fixture
def voting_world(private_project, host_admin, practitioner, service_user, outsider):
    """Four members vote in a private forum, each with a different mix of trust signals."""
    statement = statement_create(project=private_project, author=host_admin, text="Pay travel")
    code = project_invite_codes_create(
        project=private_project, by=host_admin, count=2, expires_on=timezone.localdate()
    )
    link = project_invite_create(project=private_project, by=host_admin)
    # Priya: verified e-mail, joined with a code, holds a verified role.
    project_join_by_code(code=code[0].code, user=practitioner)
    role(practitioner)
    # Sam: e-mail not verified, joined with a link, a role still waiting for confirmation.
    service_user.emailaddress_set.update(verified=False)
    project_join_by_invite(token=link.token, user=service_user)
    role(service_user, status="requested", confirmed_by_staff=False, decided_on=None)
    # Olly: verified e-mail, added without an invitation, a role since withdrawn.
    Participant.objects.create(project=private_project, user=outsider)
    role(outsider, revoked=True)
    for voter in (practitioner, service_user, outsider, host_admin):
        vote_cast(statement=statement, user=voter, value=1)
    # Someone with every signal who has not voted, and an imported Pol.is voter: not counted.
    idle = factories.UserFactory(username="idle")
    project_join_by_code(code=code[1].code, user=idle)
    role(idle)
    Vote.objects.create(statement=statement, project=private_project, voter="p7", value=-1)
    return private_project


def test_voters_are_counted_per_trust_tier(voting_world):
    assert voter_trust_tiers(project=voting_world) == TrustTiers(
        voters=4, email_verified=3, invited=2, verified_role=1
    )


def test_no_voters_no_counts(project):
    assert voter_trust_tiers(project=project) == TrustTiers(0, 0, 0, 0)


def test_the_results_page_shows_counts_and_no_names(client, voting_world, practitioner):
    client.force_login(practitioner)
    page = client.get(reverse("deliberation:results", args=[voting_world.slug])).content.decode()
    assert "How far voters are verified" in page
    assert "Of the 4 members who voted" in page
    assert 'Verified their e-mail address</th><td class="num">3</td>' in page
    assert 'Joined by invitation (a link or a code)</th><td class="num">2</td>' in page
    assert 'Hold a verified role</th><td class="num">1</td>' in page
    assert "registered nurse" not in page
    assert "Sam Service-User" not in page and "Olly Outsider" not in page


# Coordinated voting ---------------------------------------------------------------------------

N_STATEMENTS = 8


@pytest.fixture
def planted(project, host_admin):
    """Six new accounts vote one script within an hour, among people voting their own way;
    an old opinion group votes just as alike."""
    statements = [
        statement_create(project=project, author=host_admin, text=f"Statement {i}")
        for i in range(N_STATEMENTS)
    ]
    now = timezone.now()
    script = [1, -1, 1, 1, -1, 1, -1, -1]

    def voter(name, *, age_days, votes, at):
        user = factories.UserFactory(username=name, date_joined=at - timedelta(days=age_days))
        factories.votes_at(user=user, statements=statements, values=votes, at=at)
        return user

    ring = [
        voter(f"ring{i}", age_days=1, votes=script, at=now - timedelta(minutes=5 * i))
        for i in range(6)
    ]
    for i in range(6):  # a genuine opinion group: long-standing members voting alike
        voter(f"old{i}", age_days=400, votes=script, at=now - timedelta(hours=i))
    for i in range(10):  # new members voting their own way
        own = [(-1) ** (i + k + (k * i) % 3) for k in range(N_STATEMENTS)]
        voter(f"own{i}", age_days=2, votes=own, at=now - timedelta(minutes=7 * i))
    return ring


def test_the_report_finds_the_planted_ring(project, planted):
    (ring,) = coordination_report(project=project)
    assert {m.username for m in ring.members} == {u.username for u in planted}
    assert all(m.account_age_days == 1 for m in ring.members)
    assert ring.similarity == 1.0
    assert ring.shared_statements == N_STATEMENTS


def test_a_host_sees_the_ring_on_the_report_page(client, project, host_admin, planted):
    client.force_login(host_admin)
    response = client.get(reverse("deliberation:coordination", args=[project.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 suspected group" in page
    for user in planted:
        assert f"@{user.username}" in page
    assert "@old0" not in page and "@own0" not in page


def test_participants_cannot_open_the_report(client, project, practitioner, planted):
    Participant.objects.create(project=project, user=practitioner)
    client.force_login(practitioner)
    url = reverse("deliberation:coordination", args=[project.slug])
    assert client.get(url).status_code == 403


def test_outsiders_do_not_learn_a_private_project_exists(client, private_project, outsider):
    client.force_login(outsider)
    url = reverse("deliberation:coordination", args=[private_project.slug])
    assert client.get(url).status_code == 404


def test_an_empty_report_says_so(client, project, host_admin):
    client.force_login(host_admin)
    page = client.get(reverse("deliberation:coordination", args=[project.slug])).content.decode()
    assert "No suspected coordinated voting found." in page


def test_a_changed_vote_keeps_when_it_was_first_cast(project, host_admin, practitioner):
    statement = statement_create(project=project, author=host_admin, text="Keep the time")
    vote_cast(statement=statement, user=practitioner, value=1)
    first = Vote.objects.get(statement=statement)
    Vote.objects.filter(pk=first.pk).update(created_at=first.created_at - timedelta(days=3))
    vote_cast(statement=statement, user=practitioner, value=-1)
    changed = Vote.objects.get(statement=statement)
    assert changed.value == -1
    assert changed.created_at == first.created_at - timedelta(days=3)
    assert changed.updated_at > changed.created_at

"""Project services and selectors: creating, changing, inviting, joining, participation."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.projects import selectors, services
from groundswell.projects.models import Participant, Phase, Project, ProjectInvite
from groundswell.projects.services import PhasePlan
from groundswell.testing import factories


def plan(today, *spans):
    """PhasePlans from (kind, first day offset, last day offset) relative to today."""
    return [
        PhasePlan(kind=kind, starts_on=today + timedelta(days=a), ends_on=today + timedelta(days=b))
        for kind, a, b in spans
    ]


def _phases(project):
    return [(p.kind, p.starts_on, p.ends_on) for p in Phase.objects.filter(project=project)]


def _create(creator, today, **kwargs):
    kwargs.setdefault("question", "What would make home care visits work?")
    kwargs.setdefault("kind", "policy_statement")
    kwargs.setdefault("phases", plan(today, ("define", 0, 6), ("gather", 7, 34)))
    return services.project_create(creator=creator, **kwargs)


# project_create


def test_a_person_can_host_a_project_themselves(practitioner, today):
    project = _create(practitioner, today, sector="social_care", description="Fifteen minutes.")

    project.refresh_from_db()
    assert project.host_user == practitioner
    assert project.host_organisation is None
    assert project.created_by == practitioner
    assert project.slug == "what-would-make-home-care-visits-work"
    assert project.visibility == "public"
    assert _phases(project) == [
        ("define", today, today + timedelta(days=6)),
        ("gather", today + timedelta(days=7), today + timedelta(days=34)),
    ]


def test_an_admin_can_host_a_project_for_their_organisation(host_org, host_admin, today):
    project = _create(host_admin, today, host_organisation=host_org, visibility="private")

    project.refresh_from_db()
    assert project.host_organisation == host_org
    assert project.host_user is None
    assert project.created_by == host_admin
    assert project.is_private


@pytest.mark.parametrize("membership", [None, "member"])
def test_hosting_for_an_organisation_you_do_not_administer_is_refused(
    host_org, practitioner, today, membership
):
    if membership:
        factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=False)

    with pytest.raises(PermissionDenied):
        _create(practitioner, today, host_organisation=host_org)

    assert not Project.objects.exists()


def test_projects_with_the_same_question_get_different_slugs(practitioner, service_user, today):
    first = _create(practitioner, today)
    second = _create(service_user, today)

    assert first.slug != second.slug
    assert second.slug.startswith(first.slug + "-")


def test_targets_are_stored_and_zero_targets_left_out(practitioner, today):
    project = _create(
        practitioner, today, targets={"practitioner": 40, "service_user": 25, "carer": 0}
    )

    assert {t.role: t.target for t in project.targets.all()} == {
        "practitioner": 40,
        "service_user": 25,
    }


def test_an_unknown_project_kind_is_refused(practitioner, today):
    with pytest.raises(ValidationError) as excinfo:
        _create(practitioner, today, kind="blueprint")

    assert "kind" in excinfo.value.message_dict
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("spans", "problem"),
    [
        pytest.param([], "at least one phase", id="no-phases"),
        pytest.param([("gather", 0, 5), ("gather", 10, 15)], "only once", id="repeated"),
        pytest.param([("define", 5, 4)], "ends before it starts", id="end-before-start"),
        pytest.param([("define", 0, 10), ("gather", 10, 20)], "overlapping", id="shared-day"),
        pytest.param([("define", 0, 10), ("gather", 5, 20)], "overlapping", id="overlap"),
        pytest.param([("gather", 0, 9), ("define", 10, 20)], "overlapping", id="out-of-order"),
        pytest.param(
            [("define", 0, 5), ("gather", 6, 30), ("deliberate", 20, 40)],
            "overlapping",
            id="later-overlap",
        ),
    ],
)
def test_phases_are_validated(practitioner, today, spans, problem):
    with pytest.raises(ValidationError) as excinfo:
        _create(practitioner, today, phases=plan(today, *spans))

    assert problem in " ".join(excinfo.value.messages)
    assert not Project.objects.exists()
    assert not Phase.objects.exists()


def test_phases_may_follow_one_another_with_gaps(practitioner, today):
    project = _create(
        practitioner,
        today,
        phases=plan(today, ("deliberate", 20, 30), ("define", 0, 0), ("gather", 1, 10)),
    )

    assert [kind for kind, *_ in _phases(project)] == ["define", "gather", "deliberate"]


# project_update


def test_a_host_admin_can_update_a_project(project, host_admin, today):
    services.project_update(
        project=project,
        by=host_admin,
        question="What would make reablement work?",
        description="Updated.",
        phases=plan(today, ("gather", -3, 3), ("deliberate", 4, 10)),
        targets={"carer": 12},
    )

    project.refresh_from_db()
    assert project.question == "What would make reablement work?"
    assert project.description == "Updated."
    assert _phases(project) == [
        ("gather", today - timedelta(days=3), today + timedelta(days=3)),
        ("deliberate", today + timedelta(days=4), today + timedelta(days=10)),
    ]
    assert {t.role: t.target for t in project.targets.all()} == {"carer": 12}


def test_the_person_hosting_a_project_can_update_it(practitioner):
    project = factories.ProjectFactory(host_user=practitioner, created_by=practitioner)

    services.project_update(project=project, by=practitioner, description="Mine to change")

    project.refresh_from_db()
    assert project.description == "Mine to change"


def test_a_project_outlives_the_account_that_created_it(project, host_admin):
    creator = factories.UserFactory()
    Project.objects.filter(pk=project.pk).update(created_by=creator)
    creator.delete()
    project.refresh_from_db()
    assert project.created_by is None

    services.project_update(project=project, by=host_admin, description="Still ours")

    project.refresh_from_db()
    assert project.description == "Still ours"


@pytest.mark.parametrize("who", ["practitioner", "outsider"])
def test_project_update_is_refused_to_anyone_but_the_hosts(request, project, who):
    user = request.getfixturevalue(who)
    # A plain (non-admin) member of the hosting organisation is not a host.
    practitioner = request.getfixturevalue("practitioner")
    factories.MembershipFactory(organisation=project.host_organisation, user=practitioner)
    original = project.question

    with pytest.raises(PermissionDenied):
        services.project_update(project=project, by=user, question="Taken over")

    project.refresh_from_db()
    assert project.question == original


def test_project_update_with_bad_phases_changes_nothing(project, host_admin, today):
    before = _phases(project)
    original = project.question

    with pytest.raises(ValidationError):
        services.project_update(
            project=project,
            by=host_admin,
            question="A new question",
            phases=plan(today, ("define", 0, 10), ("gather", 5, 20)),
        )

    project.refresh_from_db()
    assert project.question == original
    assert _phases(project) == before


def test_project_update_refuses_an_unknown_visibility(project, host_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.project_update(project=project, by=host_admin, visibility="secret")

    assert "visibility" in excinfo.value.message_dict
    project.refresh_from_db()
    assert project.visibility == "public"


# participants and invitation links


def test_participant_join_is_idempotent(project, practitioner, today):
    first = services.participant_join(project=project, user=practitioner)
    second = services.participant_join(project=project, user=practitioner)

    assert first.pk == second.pk
    assert first.joined_on == today
    assert Participant.objects.filter(project=project, user=practitioner).count() == 1


def test_a_host_admin_makes_an_invite_link(private_project, host_admin):
    invite = services.project_invite_create(
        project=private_project, by=host_admin, note="Carers' group", max_uses=5, days=7
    )

    assert invite.project == private_project
    assert invite.max_uses == 5
    assert invite.uses == 0
    assert invite.created_by == host_admin
    remaining = invite.expires_at - timezone.now()
    assert timedelta(days=6, hours=23) < remaining <= timedelta(days=7)
    assert invite.is_usable


@pytest.mark.parametrize("who", ["practitioner", "outsider"])
def test_only_hosts_make_invite_links(request, private_project, who):
    user = request.getfixturevalue(who)
    services.participant_join(project=private_project, user=request.getfixturevalue("practitioner"))

    with pytest.raises(PermissionDenied):
        services.project_invite_create(project=private_project, by=user)

    assert not ProjectInvite.objects.exists()


def test_joining_by_invite_makes_a_participant_and_counts_a_use(
    private_project, host_admin, practitioner
):
    invite = services.project_invite_create(project=private_project, by=host_admin)

    joined = services.project_join_by_invite(token=invite.token, user=practitioner)

    assert joined == private_project
    assert Participant.objects.filter(project=private_project, user=practitioner).exists()
    invite.refresh_from_db()
    assert invite.uses == 1


def test_joining_twice_does_not_use_up_the_link_twice(private_project, host_admin, practitioner):
    invite = services.project_invite_create(project=private_project, by=host_admin, max_uses=2)

    services.project_join_by_invite(token=invite.token, user=practitioner)
    services.project_join_by_invite(token=invite.token, user=practitioner)

    invite.refresh_from_db()
    assert invite.uses == 1
    assert Participant.objects.filter(project=private_project, user=practitioner).count() == 1


def test_an_invite_link_stops_working_after_its_last_use(
    private_project, host_admin, practitioner, service_user, outsider
):
    invite = services.project_invite_create(project=private_project, by=host_admin, max_uses=2)
    services.project_join_by_invite(token=invite.token, user=practitioner)
    services.project_join_by_invite(token=invite.token, user=service_user)

    with pytest.raises(ValidationError):
        services.project_join_by_invite(token=invite.token, user=outsider)

    assert not Participant.objects.filter(project=private_project, user=outsider).exists()
    invite.refresh_from_db()
    assert invite.uses == 2


def test_an_expired_invite_link_is_refused(private_project, host_admin, practitioner):
    invite = services.project_invite_create(project=private_project, by=host_admin)
    ProjectInvite.objects.filter(pk=invite.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ValidationError):
        services.project_join_by_invite(token=invite.token, user=practitioner)

    assert not Participant.objects.filter(project=private_project, user=practitioner).exists()


def test_a_revoked_invite_link_is_refused(private_project, host_admin, practitioner):
    invite = services.project_invite_create(project=private_project, by=host_admin)

    services.project_invite_revoke(invite=invite, by=host_admin)

    invite.refresh_from_db()
    assert invite.revoked
    with pytest.raises(ValidationError):
        services.project_join_by_invite(token=invite.token, user=practitioner)
    assert not Participant.objects.filter(project=private_project, user=practitioner).exists()


def test_only_hosts_revoke_invite_links(private_project, host_admin, outsider):
    invite = services.project_invite_create(project=private_project, by=host_admin)

    with pytest.raises(PermissionDenied):
        services.project_invite_revoke(invite=invite, by=outsider)

    invite.refresh_from_db()
    assert not invite.revoked


def test_an_unknown_invite_token_is_refused(practitioner):
    with pytest.raises(ValidationError):
        services.project_join_by_invite(token="no-such-token", user=practitioner)


# selectors


def _participant(project, role):
    user = factories.UserFactory(role=role)
    services.participant_join(project=project, user=user)
    return user


def test_project_participation_counts_roles_against_targets(project, host_admin):
    services.project_update(
        project=project, by=host_admin, targets={"practitioner": 8, "carer": 10}
    )
    for role in ["practitioner"] * 6 + ["service_user"] + [""] * 5:
        _participant(project, role)
    _participant(factories.ProjectFactory(), "carer")  # another project's carer does not count

    rows = {row.role: row for row in selectors.project_participation(project=project)}

    # A role without a target is listed once 5 have joined: the lone service user is not.
    assert set(rows) == {"practitioner", "carer", ""}
    assert (rows["practitioner"].count, rows["practitioner"].target) == (6, 8)
    assert rows["practitioner"].percent_of_target == 75 and not rows["practitioner"].few
    # Under 5, a count is only ever "fewer than 5", and no share of the target is worked out.
    assert (rows["carer"].count, rows["carer"].target) == (0, 10)
    assert rows["carer"].few and rows["carer"].percent_of_target is None
    assert (rows[""].label, rows[""].count) == ("Not declared", 5)


def test_participation_beyond_the_target_shows_as_full(project, host_admin):
    services.project_update(project=project, by=host_admin, targets={"carer": 2})
    for _ in range(6):
        _participant(project, "carer")

    [row] = selectors.project_participation(project=project)

    assert (row.role, row.count, row.target, row.percent_of_target) == ("carer", 6, 2, 100)


def test_projects_visible_to(project, private_project, host_admin, practitioner, outsider, staff):
    services.participant_join(project=private_project, user=practitioner)
    # Being both a participant and a host admin must not list the project twice.
    services.participant_join(project=private_project, user=host_admin)
    someone_elses = factories.ProjectFactory(visibility="private")

    def visible(user):
        return sorted(p.pk for p in selectors.projects_visible_to(user=user))

    public_only = [project.pk]
    assert visible(AnonymousUser()) == public_only
    assert visible(outsider) == public_only
    assert visible(practitioner) == sorted([project.pk, private_project.pk])
    assert visible(host_admin) == sorted([project.pk, private_project.pk])
    assert visible(staff) == sorted([project.pk, private_project.pk, someone_elses.pk])
    assert list(selectors.projects_live_public()) == [project]

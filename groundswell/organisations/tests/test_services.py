"""Organisation services and selectors: founding, invitations, admin rights, verification."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.organisations import selectors, services
from groundswell.organisations.models import Membership, Organisation, OrganisationInvite
from groundswell.testing import factories


def _invite(organisation, by, email="newcomer@example.org", **kwargs):
    return services.organisation_invite(organisation=organisation, by=by, email=email, **kwargs)


# organisation_create


def test_organisation_create_makes_the_creator_its_only_admin(practitioner):
    org = services.organisation_create(
        creator=practitioner, name="Riverside Shared Lives", kind="provider"
    )

    assert org.slug == "riverside-shared-lives"
    memberships = list(org.memberships.all())
    assert [(m.user, m.is_admin) for m in memberships] == [(practitioner, True)]
    assert selectors.organisation_is_admin(organisation=org, user=practitioner)


def test_organisation_create_gives_each_organisation_its_own_slug(practitioner, service_user):
    first = services.organisation_create(creator=practitioner, name="KeyRing", kind="charity")
    second = services.organisation_create(creator=service_user, name="KeyRing", kind="charity")

    assert first.slug == "keyring"
    assert second.slug != first.slug
    assert second.slug.startswith("keyring-")
    assert Organisation.objects.filter(slug__startswith="keyring").count() == 2


def test_organisation_create_never_takes_a_reserved_url_word(practitioner):
    org = services.organisation_create(creator=practitioner, name="New", kind="other")

    assert org.slug != "new"
    assert org.slug.startswith("new-")


def test_organisation_create_refuses_an_unknown_kind_and_leaves_nothing_behind(practitioner):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(creator=practitioner, name="Odd Body", kind="cult")

    assert "kind" in excinfo.value.message_dict
    assert not Organisation.objects.filter(name="Odd Body").exists()
    assert not Membership.objects.filter(user=practitioner).exists()


# organisation_update


def test_organisation_update_by_an_admin_saves_the_fields(host_org, host_admin):
    services.organisation_update(
        organisation=host_org, by=host_admin, description="Care at home across Northfield."
    )

    host_org.refresh_from_db()
    assert host_org.description == "Care at home across Northfield."


def test_organisation_update_refuses_a_plain_member(host_org, practitioner):
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=False)

    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation=host_org, by=practitioner, description="Mine")

    host_org.refresh_from_db()
    assert host_org.description == ""


# invitations


def test_invite_mail_is_sent_only_after_the_transaction_commits(
    host_org, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invite = _invite(host_org, host_admin, email="nina@example.org", as_admin=True)
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.org"]
    assert host_org.name in message.subject
    assert f"/organisations/invites/{invite.token}/" in message.body
    assert invite.as_admin is True
    assert invite.invited_by == host_admin


def test_invite_mail_is_not_sent_if_the_transaction_rolls_back(
    host_org, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(host_org, host_admin)

    # The callbacks were registered but never run: nothing went out.
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_an_invite_sent_twice_is_one_invite_and_one_mail(
    host_org, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _invite(host_org, host_admin, email="nina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        again = _invite(host_org, host_admin, email="Nina@Example.org", as_admin=True)

    assert again.pk == first.pk
    assert OrganisationInvite.objects.filter(organisation=host_org).count() == 1
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]
    # The second asked for more: the waiting invitation now makes an admin.
    first.refresh_from_db()
    assert first.as_admin is True


def test_an_expired_invite_does_not_stop_a_fresh_one(
    host_org, host_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = _invite(host_org, host_admin, email="nina@example.org")
    OrganisationInvite.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        fresh = _invite(host_org, host_admin, email="nina@example.org")

    assert fresh.pk != old.pk
    assert len(mail.outbox) == 2


def test_invite_is_refused_for_someone_who_is_not_an_admin(
    host_org, practitioner, outsider, django_capture_on_commit_callbacks
):
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=False)

    with django_capture_on_commit_callbacks(execute=True):
        for by in (practitioner, outsider):
            with pytest.raises(PermissionDenied):
                _invite(host_org, by)

    assert not OrganisationInvite.objects.exists()
    assert mail.outbox == []


def test_invite_is_refused_for_an_existing_member(host_org, host_admin, practitioner):
    factories.MembershipFactory(organisation=host_org, user=practitioner)

    with pytest.raises(ValidationError) as excinfo:
        _invite(host_org, host_admin, email=practitioner.email.upper())

    assert "email" in excinfo.value.message_dict


def test_accepting_an_invite_makes_a_member_and_uses_up_the_invite(
    host_org, host_admin, practitioner
):
    invite = _invite(host_org, host_admin)

    org = services.organisation_accept_invite(token=invite.token, user=practitioner)

    assert org == host_org
    membership = Membership.objects.get(organisation=host_org, user=practitioner)
    assert membership.is_admin is False
    invite.refresh_from_db()
    assert invite.accepted_at is not None
    assert not invite.is_usable


def test_an_admin_invite_makes_an_admin(host_org, host_admin, practitioner):
    invite = _invite(host_org, host_admin, as_admin=True)

    services.organisation_accept_invite(token=invite.token, user=practitioner)

    assert Membership.objects.get(organisation=host_org, user=practitioner).is_admin


def test_an_admin_invite_promotes_someone_who_is_already_a_member(
    host_org, host_admin, practitioner
):
    invite = _invite(host_org, host_admin, email="another-address@example.org", as_admin=True)
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=False)

    services.organisation_accept_invite(token=invite.token, user=practitioner)

    assert Membership.objects.filter(organisation=host_org, user=practitioner).count() == 1
    assert Membership.objects.get(organisation=host_org, user=practitioner).is_admin


def test_a_used_invite_is_refused(host_org, host_admin, practitioner, service_user):
    invite = _invite(host_org, host_admin)
    services.organisation_accept_invite(token=invite.token, user=practitioner)

    with pytest.raises(ValidationError):
        services.organisation_accept_invite(token=invite.token, user=service_user)

    assert not Membership.objects.filter(organisation=host_org, user=service_user).exists()


def test_an_expired_invite_is_refused(host_org, host_admin, practitioner):
    invite = _invite(host_org, host_admin)
    invite.expires_at = timezone.now() - timedelta(minutes=1)
    invite.save(update_fields=["expires_at"])

    with pytest.raises(ValidationError):
        services.organisation_accept_invite(token=invite.token, user=practitioner)

    assert not Membership.objects.filter(organisation=host_org, user=practitioner).exists()
    invite.refresh_from_db()
    assert invite.accepted_at is None


def test_an_unknown_invite_token_is_refused(host_org, practitioner):
    with pytest.raises(ValidationError):
        services.organisation_accept_invite(token="not-a-real-token", user=practitioner)


# membership_set_admin


def test_an_admin_can_make_a_member_an_admin(host_org, host_admin, practitioner):
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=False)

    services.membership_set_admin(
        organisation=host_org, by=host_admin, member_id=practitioner.pk, is_admin=True
    )

    assert Membership.objects.get(organisation=host_org, user=practitioner).is_admin


def test_the_last_admin_cannot_be_removed(host_org, host_admin):
    with pytest.raises(ValidationError):
        services.membership_set_admin(
            organisation=host_org, by=host_admin, member_id=host_admin.pk, is_admin=False
        )

    assert Membership.objects.get(organisation=host_org, user=host_admin).is_admin


def test_an_admin_can_be_removed_while_another_remains(host_org, host_admin, practitioner):
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=True)

    services.membership_set_admin(
        organisation=host_org, by=practitioner, member_id=host_admin.pk, is_admin=False
    )

    assert not Membership.objects.get(organisation=host_org, user=host_admin).is_admin
    assert list(host_org.memberships.filter(is_admin=True).values_list("user", flat=True)) == [
        practitioner.pk
    ]


def test_a_non_admin_cannot_change_admin_rights(host_org, host_admin, practitioner):
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=False)

    with pytest.raises(PermissionDenied):
        services.membership_set_admin(
            organisation=host_org, by=practitioner, member_id=practitioner.pk, is_admin=True
        )
    with pytest.raises(PermissionDenied):
        services.membership_set_admin(
            organisation=host_org, by=practitioner, member_id=host_admin.pk, is_admin=False
        )

    assert not Membership.objects.get(organisation=host_org, user=practitioner).is_admin
    assert Membership.objects.get(organisation=host_org, user=host_admin).is_admin


def test_admin_rights_for_someone_who_is_not_a_member_are_refused(host_org, host_admin, outsider):
    with pytest.raises(Membership.DoesNotExist):
        services.membership_set_admin(
            organisation=host_org, by=host_admin, member_id=outsider.pk, is_admin=True
        )

    assert not Membership.objects.filter(user=outsider).exists()


# organisation_set_verified


def test_staff_can_verify_and_unverify_an_organisation(host_org, staff):
    services.organisation_set_verified(organisation=host_org, by=staff, verified=True)
    host_org.refresh_from_db()
    assert host_org.verified is True

    services.organisation_set_verified(organisation=host_org, by=staff, verified=False)
    host_org.refresh_from_db()
    assert host_org.verified is False


@pytest.mark.parametrize("who", ["host_admin", "practitioner"])
def test_only_staff_can_verify_an_organisation(request, host_org, who):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.organisation_set_verified(organisation=host_org, by=user, verified=True)

    host_org.refresh_from_db()
    assert host_org.verified is False


# selectors


def test_organisations_administered_by_lists_only_admin_memberships(
    host_org, host_admin, practitioner
):
    other = factories.OrganisationFactory(name="Star Wards")
    factories.MembershipFactory(organisation=other, user=host_admin, is_admin=False)
    factories.MembershipFactory(organisation=other, user=practitioner, is_admin=True)

    assert list(selectors.organisations_administered_by(user=host_admin)) == [host_org]
    assert list(selectors.organisations_administered_by(user=practitioner)) == [other]
    assert list(selectors.organisations_administered_by(user=AnonymousUser())) == []


def test_organisation_is_admin(host_org, host_admin, practitioner, outsider, staff):
    factories.MembershipFactory(organisation=host_org, user=practitioner, is_admin=False)

    assert selectors.organisation_is_admin(organisation=host_org, user=host_admin)
    assert selectors.organisation_is_admin(organisation=host_org, user=staff)
    assert not selectors.organisation_is_admin(organisation=host_org, user=practitioner)
    assert not selectors.organisation_is_admin(organisation=host_org, user=outsider)
    assert not selectors.organisation_is_admin(organisation=host_org, user=AnonymousUser())


def test_organisation_members_lists_admins_first(host_org, host_admin):
    zed = factories.UserFactory(username="zed")
    abe = factories.UserFactory(username="abe")
    factories.MembershipFactory(organisation=host_org, user=zed)
    factories.MembershipFactory(organisation=host_org, user=abe)

    members = [m.user for m in selectors.organisation_members(organisation=host_org)]

    assert members == [host_admin, abe, zed]

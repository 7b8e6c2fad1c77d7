from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from groundswell.core.pagecache import page_cache_bump
from groundswell.core.slugs import unique_slug
from groundswell.organisations.models import Membership, Organisation, OrganisationInvite
from groundswell.organisations.tasks import send_organisation_invite
from groundswell.people.selectors import email_owner_blocked


def organisation_create(
    *, creator, name: str, kind: str, description: str = "", website: str = ""
) -> Organisation:
    with transaction.atomic():
        org = Organisation(
            name=name,
            slug=unique_slug(Organisation, name),
            kind=kind,
            description=description,
            website=website,
        )
        org.full_clean()
        org.save()
        Membership.objects.create(organisation=org, user=creator, is_admin=True)
    return org


def organisation_update(*, organisation: Organisation, by, **fields) -> Organisation:
    _require_admin(organisation=organisation, user=by)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save(update_fields=list(fields))
    page_cache_bump(scope="site")  # hosts' names on project pages and cards
    return organisation


def organisation_invite(
    *, organisation: Organisation, by, email: str, as_admin: bool = False
) -> OrganisationInvite:
    _require_admin(organisation=organisation, user=by)
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": "That person is already a member."})
    if email_owner_blocked(email=email, member=by):
        raise ValidationError({"email": "You cannot invite this person."})
    invite = OrganisationInvite.objects.create(
        organisation=organisation, email=email, as_admin=as_admin, invited_by=by
    )
    transaction.on_commit(lambda: send_organisation_invite.enqueue(invite_id=invite.pk))
    return invite


def organisation_accept_invite(*, token: str, user) -> Organisation:
    with transaction.atomic():
        invite = (
            OrganisationInvite.objects.select_for_update()
            .select_related("organisation")
            .filter(token=token)
            .first()
        )
        if invite is None or not invite.is_usable:
            raise ValidationError("This invitation has expired or has already been used.")
        membership, created = Membership.objects.get_or_create(
            organisation=invite.organisation, user=user, defaults={"is_admin": invite.as_admin}
        )
        if not created and invite.as_admin and not membership.is_admin:
            membership.is_admin = True
            membership.save(update_fields=["is_admin"])
        invite.accepted_at = timezone.now()
        invite.save(update_fields=["accepted_at"])
    return invite.organisation


def membership_set_admin(*, organisation: Organisation, by, member_id: int, is_admin: bool):
    _require_admin(organisation=organisation, user=by)
    with transaction.atomic():
        membership = organisation.memberships.select_for_update().get(user_id=member_id)
        removing_last_admin = (
            not is_admin
            and membership.is_admin
            and organisation.memberships.filter(is_admin=True).count() <= 1
        )
        if removing_last_admin:
            raise ValidationError("An organisation needs at least one admin.")
        membership.is_admin = is_admin
        membership.save(update_fields=["is_admin"])
    return membership


def organisation_set_verified(*, organisation: Organisation, by, verified: bool) -> Organisation:
    if not by.is_staff:
        raise PermissionDenied("Only site staff can verify organisations.")
    organisation.verified = verified
    organisation.save(update_fields=["verified"])
    page_cache_bump(scope="site")  # the Verified badge on project pages
    return organisation


def _require_admin(*, organisation: Organisation, user) -> None:
    if user.is_staff:
        return
    if not organisation.memberships.filter(user=user, is_admin=True).exists():
        raise PermissionDenied("Only the organisation's admins can do that.")

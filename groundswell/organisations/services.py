from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from groundswell.core.mail import mail_after_commit
from groundswell.core.pagecache import page_cache_bump
from groundswell.core.slugs import unique_slug
from groundswell.organisations.models import (
    Membership,
    Organisation,
    OrganisationInvite,
    VerifiedRole,
    VerifiedRoleStatus,
)
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
    with transaction.atomic():
        # One invitation waiting per address: a double click, a resent form or two admins
        # inviting the same person must not e-mail them twice. The organisation's row lock
        # makes concurrent requests take turns.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        waiting = (
            organisation.invites.filter(
                email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now()
            )
            .order_by("-created_at")
            .first()
        )
        if waiting is not None:
            if as_admin and not waiting.as_admin:
                waiting.as_admin = True
                waiting.save(update_fields=["as_admin"])
            return waiting
        invite = OrganisationInvite.objects.create(
            organisation=organisation, email=email, as_admin=as_admin, invited_by=by
        )
    mail_after_commit(send_organisation_invite, invite_id=invite.pk)
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


def verified_role_request(
    *, member, label: str, employer_kind: str, organisation: Organisation | None
) -> VerifiedRole:
    """Ask an organisation the member belongs to (or, with none, site staff) to confirm a role."""
    if organisation is not None and not organisation.memberships.filter(user=member).exists():
        raise ValidationError(
            {"organisation": "You can only ask an organisation you are a member of."}
        )
    role = VerifiedRole(
        member=member,
        label=label.strip(),
        employer_kind=employer_kind,
        organisation=organisation,
    )
    role.full_clean()
    pending = VerifiedRole.objects.filter(
        member=member,
        organisation=organisation,
        label__iexact=role.label,
        status=VerifiedRoleStatus.REQUESTED,
    )
    if pending.exists():
        raise ValidationError({"label": "You have already asked for this role to be confirmed."})
    role.save()
    return role


def verified_role_decide(*, role: VerifiedRole, by, confirm: bool) -> VerifiedRole:
    """An admin of the verified organisation asked, or site staff, confirm or decline."""
    if role.member_id == by.pk and not by.is_staff:
        raise PermissionDenied("You cannot confirm your own role.")
    org_admin = _admin_of(organisation=role.organisation, user=by)
    if org_admin and role.organisation.verified:
        as_staff = False
    elif by.is_staff:
        as_staff = True
    elif org_admin:
        raise PermissionDenied("Only a verified organisation can confirm roles.")
    else:
        raise PermissionDenied("Only the organisation's admins or site staff can decide.")
    with transaction.atomic():
        # Locked and re-read: two admins deciding at once leave one decision.
        current = VerifiedRole.objects.select_for_update().get(pk=role.pk)
        if current.status != VerifiedRoleStatus.REQUESTED:
            raise ValidationError("This request has already been decided.")
        current.status = VerifiedRoleStatus.CONFIRMED if confirm else VerifiedRoleStatus.DECLINED
        current.confirmed_by_staff = confirm and as_staff
        current.decided_on = timezone.localdate()
        current.save(update_fields=["status", "confirmed_by_staff", "decided_on"])
        page_cache_bump(scope="site")  # badges in bylines on cached pages
    return current


def verified_role_revoke(*, role: VerifiedRole, by) -> VerifiedRole:
    """The member, an admin of the organisation that confirmed it, or staff withdraw a badge."""
    allowed = (
        by.is_staff
        or role.member_id == by.pk
        or (role.organisation is not None and _admin_of(organisation=role.organisation, user=by))
    )
    if not allowed:
        raise PermissionDenied("You cannot withdraw this role.")
    role.revoked = True
    role.save(update_fields=["revoked"])
    page_cache_bump(scope="site")
    return role


def _admin_of(*, organisation: Organisation | None, user) -> bool:
    return (
        organisation is not None
        and organisation.memberships.filter(user=user, is_admin=True).exists()
    )


def _require_admin(*, organisation: Organisation, user) -> None:
    if user.is_staff:
        return
    if not organisation.memberships.filter(user=user, is_admin=True).exists():
        raise PermissionDenied("Only the organisation's admins can do that.")

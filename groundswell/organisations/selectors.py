from django.db.models import Prefetch, Q, QuerySet

from groundswell.organisations.models import (
    Membership,
    Organisation,
    OrganisationInvite,
    VerifiedRole,
    VerifiedRoleStatus,
)

# Where a prefetched member keeps their active badges (see `verified_roles_prefetch`).
ACTIVE_ROLES_ATTR = "active_verified_roles"


def organisations_administered_by(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__is_admin=True)


def organisation_is_admin(*, organisation: Organisation, user) -> bool:
    return user.is_authenticated and (
        user.is_staff or organisation.memberships.filter(user=user, is_admin=True).exists()
    )


def organisation_members(
    *, organisation: Organisation, active_only: bool = False
) -> QuerySet[Membership]:
    """`active_only` for the public: a suspended member's profile is gone while it lasts."""
    members = organisation.memberships.select_related("user")
    if active_only:
        members = members.filter(user__is_active=True)
    return members.order_by("-is_admin", "user__username")


def organisation_invites_pending(*, organisation: Organisation) -> QuerySet[OrganisationInvite]:
    return organisation.invites.filter(accepted_at__isnull=True).order_by("-created_at", "-id")


def verified_roles_active() -> QuerySet[VerifiedRole]:
    return VerifiedRole.objects.filter(status=VerifiedRoleStatus.CONFIRMED, revoked=False).order_by(
        "label", "id"
    )


def verified_roles_prefetch(lookup: str = "author") -> Prefetch:
    """Prefetch the active badges of the members at `lookup`: one query for a whole list."""
    return Prefetch(
        f"{lookup}__verified_roles", queryset=verified_roles_active(), to_attr=ACTIVE_ROLES_ATTR
    )


def verified_roles_of(*, member) -> list[VerifiedRole]:
    """A member's active badges, prefetched where the list page did so."""
    prefetched = getattr(member, ACTIVE_ROLES_ATTR, None)
    if prefetched is not None:
        return prefetched
    return list(verified_roles_active().filter(member=member))


def verified_roles_requested_by(*, member) -> QuerySet[VerifiedRole]:
    return VerifiedRole.objects.filter(member=member).select_related("organisation")


def verified_role_requests_for_organisation(
    *, organisation: Organisation
) -> QuerySet[VerifiedRole]:
    return (
        VerifiedRole.objects.filter(organisation=organisation)
        .filter(Q(status=VerifiedRoleStatus.REQUESTED) | Q(revoked=False))
        .exclude(status=VerifiedRoleStatus.DECLINED)
        .select_related("member")
        .order_by("-status", "-requested_at", "-id")
    )


def verified_role_requests_for_staff() -> QuerySet[VerifiedRole]:
    """Requests made to site staff rather than to an organisation."""
    return (
        VerifiedRole.objects.filter(organisation__isnull=True)
        .exclude(status=VerifiedRoleStatus.DECLINED)
        .filter(Q(status=VerifiedRoleStatus.REQUESTED) | Q(revoked=False))
        .select_related("member")
        .order_by("-status", "-requested_at", "-id")
    )

from django.db.models import QuerySet

from groundswell.organisations.models import Membership, Organisation


def organisations_administered_by(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__is_admin=True)


def organisation_is_admin(*, organisation: Organisation, user) -> bool:
    return user.is_authenticated and (
        user.is_staff or organisation.memberships.filter(user=user, is_admin=True).exists()
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("-is_admin", "user__username")

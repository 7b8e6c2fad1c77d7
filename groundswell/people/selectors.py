from django.db.models import QuerySet

from groundswell.people.models import Block, User


def blocked_ids(*, viewer) -> set[int]:
    """Ids of the members `viewer` has blocked; empty for visitors."""
    if viewer is None or not viewer.is_authenticated:
        return set()
    return set(Block.objects.filter(blocker=viewer).values_list("blocked_id", flat=True))


def has_blocked(*, blocker_id: int | None, blocked_id: int | None) -> bool:
    if blocker_id is None or blocked_id is None:
        return False
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def blocks_made(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def email_owner_blocked(*, email: str, member: User) -> bool:
    """Whether the member with this e-mail address has blocked `member` (an invitation check)."""
    return Block.objects.filter(blocker__email__iexact=email.strip(), blocked=member).exists()

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from groundswell.core.pagecache import page_cache_bump
from groundswell.people.models import Block, RetiredPseudonym, Suspension, User
from groundswell.people.perspectives import LivedExperience

PROFILE_FIELDS = ("display_name", "bio", "role", "sector", "region", "pseudonym")


def profile_update(*, user: User, **fields) -> User:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    # As stored: a ModelForm has already set the new value on `user` by now.
    stored = User.objects.filter(pk=user.pk).values_list("pseudonym", flat=True).first() or ""
    given_up = stored if fields.get("pseudonym", stored) != stored else ""
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username", "email"])
    with transaction.atomic():
        user.save(update_fields=list(fields))
        if given_up:
            # Items written under it keep showing it (this app cannot see whether there are
            # any): nobody else may take it and pass for the member.
            RetiredPseudonym.objects.get_or_create(pseudonym=given_up, defaults={"user": user})
    # Names appear in bylines and as hosts everywhere; roles in the participation tables.
    page_cache_bump(scope="site")
    return user


def lived_experience_set(*, user: User, value: str, consent: bool) -> User:
    """Keep the member's answer about health or disability, only with their explicit consent.

    Special-category data: nothing public changes, so no page cache is touched, and nothing here
    logs the value.
    """
    if not consent:
        raise ValidationError(
            {"consent": "Tick the box to agree, or leave this page without saving."}
        )
    if value not in LivedExperience.values:
        raise ValidationError({"lived_experience": "Choose one of the answers."})
    user.lived_experience = value
    # Each save is a fresh, explicit agreement to what is saved now.
    user.lived_experience_consent_at = timezone.now()
    user.save(update_fields=["lived_experience", "lived_experience_consent_at"])
    return user


def lived_experience_withdraw(*, user: User) -> User:
    """Withdrawing consent deletes the answer and the record of consent."""
    user.lived_experience = ""
    user.lived_experience_consent_at = None
    user.save(update_fields=["lived_experience", "lived_experience_consent_at"])
    return user


def _require_staff(by: User) -> None:
    if not (by.is_authenticated and by.is_staff):
        raise PermissionDenied("Only site staff can suspend accounts.")


def user_suspend(*, user: User, by: User, reason: str) -> Suspension:
    """Stop a member logging in, and end their sessions; their contributions stay."""
    _require_staff(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the suspension."})
    if user.pk == by.pk:
        raise ValidationError("You cannot suspend your own account.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.suspensions.filter(lifted_at__isnull=True).exists():
            raise ValidationError("This account is already suspended.")
        suspension = Suspension.objects.create(
            user=locked, reason=reason, suspended_by=by, suspended_at=timezone.now()
        )
        # An inactive user is refused at log-in, and Django's backends stop resolving their
        # existing sessions: every open session is logged out on its next request.
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    user.is_active = False
    # Their profile page goes away (it lists only active members); cached copies with it.
    page_cache_bump(scope="site")
    return suspension


def user_unsuspend(*, user: User, by: User) -> Suspension:
    _require_staff(by)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        suspension = locked.suspensions.select_for_update().filter(lifted_at__isnull=True).first()
        if suspension is None:
            raise ValidationError("This account is not suspended.")
        suspension.lifted_by = by
        suspension.lifted_at = timezone.now()
        suspension.save(update_fields=["lifted_by", "lifted_at"])
        locked.is_active = True
        locked.save(update_fields=["is_active"])
    user.is_active = True
    page_cache_bump(scope="site")
    return suspension


def member_block(*, blocker: User, blocked: User) -> Block:
    if blocker.pk == blocked.pk:
        raise ValidationError("You cannot block yourself.")
    try:
        with transaction.atomic():
            block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    except IntegrityError:  # a double click raced us to it
        block = Block.objects.get(blocker=blocker, blocked=blocked)
    return block


def member_unblock(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()

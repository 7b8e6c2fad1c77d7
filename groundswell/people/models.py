import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from groundswell.people.perspectives import LivedExperience, Region, Role, Sector

# Invisible characters that reorder or hide text (bidirectional controls, zero-width spaces;
# not the joiner emoji need): in a name they would scramble the byline after it, or let a
# pseudonym look the same as another's.
CONCEALING = re.compile("[\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
CONCEALING_MESSAGE = "Remove the invisible characters that change how the text reads."

# Bylines the site writes itself: a member who took one as a name would pass for it.
RESERVED_BYLINES = frozenset({"former member", "protected contributor", "pseudonymous contributor"})


def pseudonym_problem(pseudonym: str, *, user_id: int | None) -> str:
    """Why `pseudonym` cannot be this member's, or "" if it can.

    A pseudonym differing only in case, or one still shown on items by a member who changed it
    or left (RetiredPseudonym), would let its new holder pass for the person who wrote them.
    """
    if not pseudonym:
        return ""
    if CONCEALING.search(pseudonym):
        return CONCEALING_MESSAGE
    if pseudonym.casefold() in RESERVED_BYLINES:
        return "That is how Groundswell labels some contributions. Choose another pseudonym."
    holders = User.objects.filter(pseudonym__iexact=pseudonym)
    retired = RetiredPseudonym.objects.filter(pseudonym__iexact=pseudonym)
    if user_id is not None:
        holders = holders.exclude(pk=user_id)
        retired = retired.exclude(user_id=user_id)
    if holders.exists() or retired.exists():
        return "Someone already uses that pseudonym. Choose another."
    return ""


class User(AbstractUser):
    """A member. The username is the public handle the member chose at sign-up."""

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField("short bio", max_length=600, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    pseudonym = models.CharField(
        max_length=40,
        blank=True,
        help_text="Shown instead of your name on pseudonymous contributions.",
    )
    # Special-category data: private to the member, kept only while they consent (see
    # services.lived_experience_set). Not in PROFILE_FIELDS, the admin, the API or any export
    # but the member's own.
    lived_experience = models.CharField(
        max_length=12, choices=LivedExperience.choices, blank=True, editable=False
    )
    lived_experience_consent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pseudonym"],
                condition=~models.Q(pseudonym=""),
                name="people_user_pseudonym_unique",
            ),
            models.CheckConstraint(
                condition=Q(lived_experience="") | Q(lived_experience_consent_at__isnull=False),
                name="people_user_lived_experience_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if CONCEALING.search(self.display_name):
            errors["display_name"] = CONCEALING_MESSAGE
        elif self.display_name.strip().casefold() in RESERVED_BYLINES:
            errors["display_name"] = (
                "That is how Groundswell labels some contributions. Choose another name."
            )
        problem = pseudonym_problem(self.pseudonym, user_id=self.pk)
        if problem:
            errors["pseudonym"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("people:profile", kwargs={"username": self.username})

    @property
    def is_suspended(self) -> bool:
        return not self.is_active and self.suspensions.filter(lifted_at__isnull=True).exists()


class RetiredPseudonym(models.Model):
    """A pseudonym its member gave up, or left with: items written under it still show it, so
    nobody else may take it. `user` is who may take it back; none once they have left."""

    pseudonym = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.pseudonym


class Suspension(models.Model):
    """Staff stopped a member from logging in: who, when, why, and who lifted it and when.

    While a suspension is open the member's `is_active` is off, so log-in is refused and every
    existing session stops resolving to the member (Django's backends ignore inactive users).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.TextField(max_length=1000)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    suspended_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-suspended_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True),
                name="people_suspension_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"Suspension of {self.user_id} at {self.suspended_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None


class Block(models.Model):
    """`blocker` no longer sees `blocked`'s named and pseudonymous items; `blocked` cannot reply
    to `blocker`'s comments or invite them. Protected items are never affected."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="people_block_unique"),
            models.CheckConstraint(
                condition=~Q(blocker=F("blocked")), name="people_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"

    def clean(self) -> None:
        if self.blocker_id is not None and self.blocker_id == self.blocked_id:
            raise ValidationError("You cannot block yourself.")

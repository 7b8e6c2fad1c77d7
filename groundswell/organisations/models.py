import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from groundswell.people.models import CONCEALING, CONCEALING_MESSAGE


class OrganisationKind(models.TextChoices):
    CHARITY = "charity", "Charity or voluntary organisation"
    PROVIDER = "provider", "Service provider"
    COUNCIL = "council", "Council or public body"
    TRADE_BODY = "trade_body", "Trade body or union"
    UNIVERSITY = "university", "University or research institute"
    OTHER = "other", "Other"


class Organisation(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(max_length=2000, blank=True)
    website = models.URLField(blank=True)
    verified = models.BooleanField(
        default=False, help_text="Site staff have confirmed the organisation is who it says."
    )
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # The name is shown as the host of its projects, as a member's is in a byline.
        if CONCEALING.search(self.name):
            raise ValidationError({"name": CONCEALING_MESSAGE})


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="organisations_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


def _invite_token() -> str:
    return secrets.token_urlsafe(24)


def _invite_expiry():
    return timezone.now() + timedelta(days=14)


class OrganisationInvite(models.Model):
    """An invitation e-mailed to someone; the token in the link is the proof."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField()
    as_admin = models.BooleanField(default=False)
    token = models.CharField(max_length=64, unique=True, default=_invite_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invite_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invite to {self.organisation} for {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class VerifiedRoleStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


class VerifiedRole(models.Model):
    """A role a member holds, confirmed by a verified organisation or by site staff.

    The badge shows the role and the *kind* of employer only, never the organisation: naming it
    would tell readers where a pseudonymous member works. `organisation` is the organisation
    asked to confirm (empty: site staff were asked); it is never shown next to the badge.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_roles"
    )
    label = models.CharField(
        "role",
        max_length=80,
        help_text="For example: registered social worker, or lived experience of temporary "
        "accommodation.",
    )
    employer_kind = models.CharField(
        "type of employer or organisation", max_length=20, choices=OrganisationKind.choices
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="verified_roles",
    )
    status = models.CharField(
        max_length=10, choices=VerifiedRoleStatus.choices, default=VerifiedRoleStatus.REQUESTED
    )
    confirmed_by_staff = models.BooleanField(default=False)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_on = models.DateField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["member", "status", "revoked"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="requested") | models.Q(decided_on__isnull=False),
                name="organisations_verifiedrole_decided_on",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_by_staff=False) | models.Q(status="confirmed"),
                name="organisations_verifiedrole_staff_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == VerifiedRoleStatus.CONFIRMED and not self.revoked

    @property
    def employer_kind_label(self) -> str:
        return self.get_employer_kind_display().lower()

    @property
    def confirmer(self) -> str:
        """Who confirmed it, as readers may see it: never which organisation."""
        if self.confirmed_by_staff:
            return "confirmed by Groundswell staff"
        return "confirmed by a verified organisation"

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from groundswell.organisations.models import Organisation
from groundswell.people.perspectives import Role


class ProjectKind(models.TextChoices):
    POLICY_STATEMENT = "policy_statement", "Policy statement"
    CONSULTATION_RESPONSE = "consultation_response", "Consultation response"
    RESEARCH_REPORT = "research_report", "Research report"
    MANIFESTO = "manifesto", "Manifesto"
    CASE_STUDY_CALL = "case_study_call", "Call for case studies"
    QUICK_SURVEY = "quick_survey", "Quick survey"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone can read; members can take part"
    PRIVATE = "private", "Private forum: invited people only"


class PhaseKind(models.TextChoices):
    # Order matters: it is the order of the core loop.
    DEFINE = "define", "Define the problem"
    GATHER = "gather", "Gather contributions"
    DELIBERATE = "deliberate", "Deliberate"
    DRAFT = "draft", "Draft"
    CROWD_CHECK = "crowd_check", "Crowd-check"
    PUBLISH = "publish", "Publish"
    FOLLOW_UP = "follow_up", "Follow up"


PHASE_ORDER = [kind.value for kind in PhaseKind]


class ContributionModeration(models.TextChoices):
    POST = "post", "Post-moderation: participants' contributions appear at once"
    PRE = "pre", "Pre-moderation: hosts approve participants' contributions first"


class Project(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    question = models.CharField(max_length=200)
    description = models.TextField(max_length=5000, blank=True)
    kind = models.CharField(max_length=30, choices=ProjectKind.choices)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    sector = models.CharField(max_length=20, blank=True)
    # Exactly one of host_user / host_organisation is set (see the constraint).
    host_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_projects",
    )
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_projects",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)
    contribution_moderation = models.CharField(
        max_length=4, choices=ContributionModeration.choices, default=ContributionModeration.POST
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(host_user__isnull=False, host_organisation__isnull=True)
                    | models.Q(host_user__isnull=True, host_organisation__isnull=False)
                ),
                name="projects_project_one_host",
            )
        ]
        indexes = [models.Index(fields=["visibility", "-created_at"])]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("contributions:project", kwargs={"slug": self.slug})

    @property
    def host_name(self) -> str:
        if self.host_organisation_id:
            return self.host_organisation.name
        return self.host_user.public_name

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE


class Phase(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=20, choices=PhaseKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="projects_phase_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="projects_phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.starts_on} to {self.ends_on})"

    def is_current(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


class ParticipationTarget(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    role = models.CharField(max_length=20, choices=Role.choices)
    target = models.PositiveIntegerField()

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["project", "role"], name="projects_target_unique")
        ]


class JoinedVia(models.TextChoices):
    TAKING_PART = "", "Took part in a public project"
    INVITE_LINK = "invite_link", "An invitation link"
    INVITE_CODE = "invite_code", "A single-use invitation code"


INVITED = (JoinedVia.INVITE_LINK, JoinedVia.INVITE_CODE)


class Participant(models.Model):
    """Someone who has joined a project: by invitation (private) or by taking part (public).

    Only the day is kept, so joining cannot be matched to the minute of a protected contribution.
    How they joined counts towards the trust tiers on the results page.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    joined_on = models.DateField(default=timezone.localdate)
    joined_via = models.CharField(
        max_length=12, choices=JoinedVia.choices, blank=True, default=JoinedVia.TAKING_PART
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="projects_participant_unique")
        ]


def _invite_token() -> str:
    return secrets.token_urlsafe(24)


def _invite_expiry():
    return timezone.now() + timedelta(days=30)


class ProjectInvite(models.Model):
    """An invitation link to a private forum, usable up to max_uses times before it expires."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, unique=True, default=_invite_token)
    note = models.CharField(max_length=120, blank=True)
    max_uses = models.PositiveIntegerField(default=50)
    uses = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invite_expiry)
    revoked = models.BooleanField(default=False)

    @property
    def is_usable(self) -> bool:
        return not self.revoked and self.uses < self.max_uses and self.expires_at > timezone.now()


# No I, L, O, 0 or 1: nothing to misread when a code is typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def invite_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def invite_code_normalise(text: str) -> str:
    """Codes are compared without case, spaces or dashes, as people type them."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


class ProjectInviteCode(models.Model):
    """A code that lets exactly one member join a private forum, until it expires.

    Only the day it was used is kept, as for joining (see Participant).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invite_codes")
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=invite_code_new)
    note = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def status(self) -> str:
        if self.used_on is not None:
            return "Used"
        if self.revoked:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Unused"

    @property
    def is_usable(self) -> bool:
        return self.status == "Unused"

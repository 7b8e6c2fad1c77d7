"""Flags, moderation decisions and appeals.

The moderation state of an item lives on the item itself (`Contribution.status`,
`Comment.status`, `Statement.status`), so every list filters it cheaply; this app keeps the
record of who flagged, what was decided and why, and the appeal.

Protected items: a decision on one stores no author (a check constraint holds it), and an
appeal never stores who made it. The author finds their own by recomputing the protected key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from groundswell.projects.models import Project


class ItemKind(models.TextChoices):
    CONTRIBUTION = "contribution", "Contribution"
    COMMENT = "comment", "Comment"
    STATEMENT = "statement", "Statement"
    IDEA = "idea", "Idea"


class FlagReason(models.TextChoices):
    ABUSIVE = "abusive", "Abusive, hateful or threatening"
    PERSONAL = "personal", "Personal information, or it identifies someone"
    SPAM = "spam", "Spam or advertising"
    OFF_TOPIC = "off_topic", "Off topic"
    OTHER = "other", "Something else"


class Outcome(models.TextChoices):
    APPROVE = "approve", "Approve: publish it"
    # Statements only: out of voting, listed for the hosts, who can still accept it later.
    REJECT = "reject", "Reject: leave it out of voting"
    KEEP = "keep", "Keep: it stays, the flags are dismissed"
    HIDE = "hide", "Hide it from the public"
    EDIT_REQUEST = "edit_request", "Ask the author to change it (it stays visible)"
    REMOVE = "remove", "Remove it from every page"


# Decisions an author can appeal, is e-mailed about, and the public log lists.
ADVERSE = {Outcome.REJECT, Outcome.HIDE, Outcome.EDIT_REQUEST, Outcome.REMOVE}

# What was decided, as the author and the public read it afterwards: the choices above are
# the host's instructions ("Reject: leave it out of voting"), which read oddly as a result.
OUTCOME_DONE = {
    Outcome.APPROVE: "Approved",
    Outcome.REJECT: "Rejected: not open for votes",
    Outcome.KEEP: "Kept: the reports were dismissed",
    Outcome.HIDE: "Hidden from the public",
    Outcome.EDIT_REQUEST: "Change requested",
    Outcome.REMOVE: "Removed from every page",
}


class Decision(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="moderation_decisions"
    )
    item_kind = models.CharField(max_length=12, choices=ItemKind.choices)
    item_id = models.PositiveBigIntegerField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.TextField(max_length=1000)
    # What the public log may quote: empty for removed items and personal-information flags.
    excerpt = models.CharField(max_length=120, blank=True)
    # The item's status before the decision, put back if an appeal reverses it.
    status_before = models.CharField(max_length=10)
    item_protected = models.BooleanField(default=False)
    # The author of a named or pseudonymous item, to tell them; never set for a protected one.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-decided_at"]),
            models.Index(fields=["item_kind", "item_id"]),
            models.Index(fields=["author", "-decided_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(item_protected=True, author__isnull=False),
                name="moderation_decision_protected_has_no_author",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values),
                name="moderation_decision_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.item_kind} {self.item_id}"

    @property
    def outcome_done(self) -> str:
        return OUTCOME_DONE.get(self.outcome, self.get_outcome_display())

    @property
    def is_appealable(self) -> bool:
        return self.outcome in ADVERSE


class Flag(models.Model):
    """One member's report of an item; open until a decision on the item closes it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    item_kind = models.CharField(max_length=12, choices=ItemKind.choices)
    item_id = models.PositiveBigIntegerField()
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["project", "item_kind", "item_id"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(decision__isnull=True),
                name="moderation_flag_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item_kind", "item_id", "flagger"],
                condition=models.Q(decision__isnull=True),
                name="moderation_flag_one_open_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.item_kind} {self.item_id}"


class AppealStatus(models.TextChoices):
    OPEN = "open", "Waiting for a host"
    UPHELD = "upheld", "Decision upheld"
    REVERSED = "reversed", "Decision reversed"


class Appeal(models.Model):
    """One appeal per decision. Who appealed is not stored: only the author may, so it is them,
    and for a protected item writing it down would link them to it."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField(max_length=1000)
    made_on = models.DateField(default=timezone.localdate)  # the day only, like protected items
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    outcome_reason = models.TextField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_on", "id"]
        indexes = [models.Index(fields=["status", "made_on"])]

    def __str__(self) -> str:
        return f"Appeal against {self.decision}"

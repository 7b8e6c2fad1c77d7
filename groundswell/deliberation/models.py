import hashlib

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from groundswell.contributions.models import Attributed
from groundswell.projects.models import Project


class Moderation(models.TextChoices):
    POST = "post", "Post-moderation: participants' statements appear at once"
    PRE = "pre", "Pre-moderation: hosts approve participants' statements first"


class DeliberationSettings(models.Model):
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="deliberation_settings"
    )
    moderation = models.CharField(max_length=4, choices=Moderation.choices, default=Moderation.POST)
    participants_may_add_statements = models.BooleanField(default=True)
    participants_may_add_ideas = models.BooleanField(default=True)
    pairwise_prompt = models.CharField(max_length=200, default="Which of these two matters more?")
    # WCAG 3.1.2 (language of parts): statements in another language than the site's (vTaiwan's
    # are in Chinese) carry a lang attribute, so that screen readers pronounce them right.
    statement_language = models.CharField(
        "Language of the statements",
        max_length=35,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
                "Give a language code such as zh-TW, cy or pl, or leave it empty for English.",
            )
        ],
        help_text="If the statements are not in English, their language code (such as zh-TW for "
        "Chinese as written in Taiwan, cy for Welsh), so that screen readers read them aloud "
        "in the right language.",
    )
    # Where an imported Pol.is conversation came from, in words: shown with its statements and
    # results and written into its exports, because open data is shared on condition of credit.
    imported_from = models.TextField(blank=True)
    # How many took part in it (voted), kept at import: counting the distinct voters among its
    # votes on every view of the results took 30-110 ms at vTaiwan's size on PostgreSQL.
    imported_participants = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Deliberation settings for {self.project}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a host"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    # Moderation decisions (groundswell.moderation): out of voting, results and exports.
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed by a moderator"


STATEMENT_MAX_LENGTH = 280
IMPORTED_STATEMENT_MAX_LENGTH = 2000


def text_key(text: str) -> str:
    """What makes two statements (or ideas) the same: their words, whatever the spacing and
    case, in any script. A digest, so that the column stays short and indexable; the databases'
    own case-insensitive match is ASCII-only on SQLite."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()[:32]


class _Keyed(Attributed):
    """Keeps `text_key` in step with `text` on every save (bulk_create sets it itself)."""

    text_key = models.CharField(max_length=32, editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.text_key = text_key(self.text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "text_key"}
        super().save(*args, **kwargs)


class Statement(_Keyed):
    """A short statement people mark agree / disagree / pass (Pol.is style)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="statements")
    # Members write up to STATEMENT_MAX_LENGTH (the form and statement_create hold them to it);
    # the column is wider so that an imported Pol.is comment is kept whole, as it was published.
    text = models.CharField(max_length=IMPORTED_STATEMENT_MAX_LENGTH)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.ACCEPTED
    )
    is_seed = models.BooleanField(default=False)
    # Comment id in an imported Pol.is conversation; exports reuse it.
    polis_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["project", "text_key"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "polis_id"], name="deliberation_statement_polis_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text


class VoteValue(models.IntegerChoices):
    AGREE = 1, "Agree"
    DISAGREE = -1, "Disagree"
    PASS = 0, "Pass / unsure"


# `Vote.voter` begins with one of these: then the member's id, or the Pol.is participant id.
MEMBER_VOTER = "u"
IMPORTED_VOTER = "p"


class Vote(models.Model):
    """One row per voter and statement: a changed vote updates it.

    `voter` is an opaque key ("u<member id>" for members, "p<Pol.is id>" for imported
    participants) so that imported conversations and members share one table.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    voter = models.CharField(max_length=32)
    value = models.SmallIntegerField(choices=VoteValue.choices)
    perspective = models.CharField(max_length=20, blank=True)
    # When the vote was first cast (a changed vote keeps it): the coordinated-voting report
    # looks for accounts that all voted within a short window.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "voter"], name="deliberation_vote_once"),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="deliberation_vote_value"
            ),
        ]
        indexes = [models.Index(fields=["project", "voter"])]

    def __str__(self) -> str:
        # Not the voter key: "u<member id>" would tell whoever reads it (the admin's delete
        # page, a log line) which member voted which way.
        return f"Vote {self.value:+d} on statement {self.statement_id}"


class IdeaStatus(models.TextChoices):
    # A participant's idea while the project pre-moderates (DeliberationSettings.moderation).
    PENDING = "pending", "Waiting for a host"
    ACCEPTED = "accepted", "In the pool"
    # Moderation decisions (groundswell.moderation): out of the pairs and the ranking.
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed by a moderator"


class Idea(_Keyed):
    """An idea in the pairwise pool (wiki-survey): anyone may add one."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ideas")
    text = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.ACCEPTED, db_index=True
    )
    appearances = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "text_key"])]

    def __str__(self) -> str:
        return self.text


class Outcome(models.TextChoices):
    FIRST = "first", "First"
    SECOND = "second", "Second"
    TIE = "tie", "Can't decide"


class Comparison(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comparisons")
    voter = models.CharField(max_length=32)
    first = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=6, choices=Outcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["project", "voter"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(first=models.F("second")), name="deliberation_pair_distinct"
            )
        ]


# A declared perspective is shown in perspective bridging only with at least this many voters:
# the agreement of a project's only commissioner (named by role in their bylines) would tell
# everyone how that person voted.
MIN_PERSPECTIVE_VOTERS = 3


class AnalysisSnapshot(models.Model):
    """The latest analysis of a project's votes, computed in the background."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="analysis")
    result = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    votes_seen = models.PositiveIntegerField(default=0)
    # Set when votes arrive and a recompute is queued; cleared when the task starts.
    pending = models.BooleanField(default=False)
    # When the latest recompute failed; cleared by the next one that succeeds.
    failed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Analysis of {self.project}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


IMPORT_UNDER_WAY = (ImportStatus.QUEUED, ImportStatus.RUNNING)
# The longest licence and credit kept with an imported conversation.
LICENCE_MAX = 300


class PolisImport(models.Model):
    """A host's upload of a Pol.is export, imported into the project by a background task.

    The files wait in `folder` (under the var directory) until the task has read them, and are
    deleted then, whatever the outcome. `message` says what came in, or why nothing did.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="polis_imports")
    started_by = models.ForeignKey(
        "people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    language = models.CharField(max_length=35, blank=True)
    licence = models.CharField(max_length=LICENCE_MAX, blank=True)
    folder = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return f"Pol.is import into {self.project} ({self.status})"

    @property
    def is_under_way(self) -> bool:
        return self.status in IMPORT_UNDER_WAY

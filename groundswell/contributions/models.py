from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from groundswell.contributions.kinds import get_kind
from groundswell.people.perspectives import Role, Sector
from groundswell.projects.models import Project


class Attribution(models.TextChoices):
    NAMED = "named", "Named: show my name"
    PSEUDONYMOUS = "pseudonymous", "Pseudonymous: show my pseudonym"
    PROTECTED = "protected", "Protected: show no author to anyone"


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"
    # Moderation (groundswell.moderation keeps the decisions): only PUBLISHED is ever listed.
    PENDING = "pending", "Waiting for a host"
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed by a moderator"


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed by a moderator"


class Attributed(models.Model):
    """Authorship as the public may see it.

    A protected item has no author here at all: only a keyed hash in ProtectedAuthorKey, which
    nothing can turn back into a member without the site secret and a guess at who it was.
    Protected items keep only the day they were written.
    """

    attribution = models.CharField(
        max_length=12, choices=Attribution.choices, default=Attribution.NAMED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pseudonym = models.CharField(max_length=40, blank=True)
    author_role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    author_sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def byline(self) -> str:
        if self.attribution == Attribution.PROTECTED:
            return "Protected contributor"
        if self.attribution == Attribution.PSEUDONYMOUS:
            return self.pseudonym or "Pseudonymous contributor"
        return self.author.public_name if self.author_id else "Former member"

    @property
    def is_protected(self) -> bool:
        return self.attribution == Attribution.PROTECTED


class Contribution(Attributed):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=160)
    body = models.TextField(max_length=10000)
    details = models.JSONField(default=dict, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    attachment = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    comment_count = models.PositiveIntegerField(default=0)
    # The day of the author's last change; a day, never a time, as for every protected date.
    edited_on = models.DateField(null=True, blank=True)
    # Title, body and the kind's text fields, kept for full-text search (FTS5 or tsvector).
    search_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Ends in -id so one backward walk gives the list's exact order, with no sort.
            models.Index(fields=["project", "status", "-created_at", "-id"]),
            models.Index(fields=["project", "kind", "status"]),
            models.Index(fields=["project", "author_role"]),
            models.Index(fields=["project", "sector"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contributions:detail", kwargs={"slug": self.project.slug, "pk": self.pk})

    @property
    def kind_label(self) -> str:
        kind = get_kind(self.kind)
        return kind.label if kind else self.kind


class ProtectedAuthorKey(models.Model):
    """HMAC(site secret, object and member): lets a member recognise their own protected items.

    Deliberately no foreign key to the contribution or the member.
    """

    key = models.CharField(max_length=64, unique=True)


class LinkRelation(models.TextChoices):
    SUPPORTS = "supports", "supports"
    CONTRADICTS = "contradicts", "contradicts"
    ADDRESSES = "addresses", "addresses"
    REPLICATES = "replicates", "replicates (adopted here too)"


class ContributionLink(models.Model):
    source = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=12, choices=LinkRelation.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "relation"], name="contributions_link_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="contributions_link_not_self"
            ),
        ]


class Comment(Attributed):
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(max_length=4000)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["contribution", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]

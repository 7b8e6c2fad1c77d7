"""The kinds of item that can be flagged and moderated, one registered class each.

Each knows how to find its items in a project, what text they show, where they live, which
status means "public", and what else must follow a change of status (counts, caches, analysis).
"""

from collections.abc import Iterable
from typing import ClassVar

from django.db.models import Model
from django.urls import reverse
from django.utils.text import Truncator

from groundswell.contributions.authorship import is_protected_author
from groundswell.contributions.models import Comment, CommentStatus, Contribution, Status
from groundswell.contributions.services import contribution_comment_count_refresh
from groundswell.core.pagecache import page_cache_bump, project_scope
from groundswell.deliberation.models import Idea, IdeaStatus, Statement, StatementStatus
from groundswell.deliberation.services import analysis_request
from groundswell.organisations.selectors import verified_roles_prefetch
from groundswell.projects.models import Project

HIDDEN = "hidden"
REMOVED = "removed"


class ItemType:
    kind: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[type[Model]]
    public_status: ClassVar[str]
    pending_status: ClassVar[str | None] = None
    # Where a "reject" decision puts an item: out of the public lists, still listed for the
    # hosts, who can accept it after all. None for kinds that are hidden or removed instead.
    rejected_status: ClassVar[str | None] = None
    # Statuses nobody moderates: withdrawn by the author.
    closed_statuses: ClassVar[set[str]] = set()
    # Whether its author can edit or withdraw it, so that asking them to change it means something.
    editable: ClassVar[bool] = True

    def in_project(self, project_id: int):
        raise NotImplementedError

    def get(self, *, project: Project, pk: int):
        item = self.in_project(project.pk).filter(pk=pk).first()
        if item is not None and item.status in self.closed_statuses:
            return None
        return item

    def get_many(self, ids: Iterable[int]) -> dict[int, Model]:
        items = (
            self.model.objects.filter(pk__in=list(ids))
            .select_related("author")
            .prefetch_related(verified_roles_prefetch())
        )
        return {i.pk: i for i in items}

    def text(self, item) -> str:
        raise NotImplementedError

    def url(self, item) -> str:
        raise NotImplementedError

    def excerpt(self, item, length: int = 80) -> str:
        return Truncator(" ".join(self.text(item).split())).chars(length)

    def is_public(self, item) -> bool:
        return item.status == self.public_status

    def is_pending(self, item) -> bool:
        return self.pending_status is not None and item.status == self.pending_status

    def is_rejected(self, item) -> bool:
        return self.rejected_status is not None and item.status == self.rejected_status

    def is_author(self, item, user) -> bool:
        if not user.is_authenticated:
            return False
        if item.is_protected:
            return is_protected_author(object_kind=self.kind, object_id=item.pk, user=user)
        return item.author_id == user.pk

    def status_set(self, item, status: str) -> None:
        item.status = status
        item.save(update_fields=["status"])
        self.changed(item)

    def changed(self, item) -> None:
        """Whatever else shows the item: the project's cached pages first."""
        page_cache_bump(scope=project_scope(self.project_of(item).slug))
        page_cache_bump(scope="browse")

    def project_of(self, item) -> Project:
        return item.project


class ContributionType(ItemType):
    kind = "contribution"
    label = "Contribution"
    model = Contribution
    public_status = Status.PUBLISHED
    pending_status = Status.PENDING
    closed_statuses = {Status.WITHDRAWN}

    def in_project(self, project_id):
        return Contribution.objects.filter(project_id=project_id).select_related("project")

    def text(self, item) -> str:
        return f"{item.title}: {item.body}"

    def excerpt(self, item, length: int = 80) -> str:
        return Truncator(item.title).chars(length)

    def url(self, item) -> str:
        return item.get_absolute_url()


class CommentType(ItemType):
    kind = "comment"
    label = "Comment"
    model = Comment
    public_status = CommentStatus.PUBLISHED

    def in_project(self, project_id):
        return Comment.objects.filter(contribution__project_id=project_id).select_related(
            "contribution__project"
        )

    def get(self, *, project, pk):
        comment = super().get(project=project, pk=pk)
        # A comment on a withdrawn or removed contribution is gone with it.
        if comment is not None and comment.contribution.status == Status.WITHDRAWN:
            return None
        return comment

    def get_many(self, ids):
        return {
            c.pk: c
            for c in Comment.objects.filter(pk__in=list(ids))
            .select_related("author", "contribution__project")
            .prefetch_related(verified_roles_prefetch())
        }

    def text(self, item) -> str:
        return item.body

    def is_public(self, item) -> bool:
        return super().is_public(item) and item.contribution.status == Status.PUBLISHED

    def url(self, item) -> str:
        return f"{item.contribution.get_absolute_url()}#comment-{item.pk}"

    def project_of(self, item) -> Project:
        return item.contribution.project

    def changed(self, item) -> None:
        contribution_comment_count_refresh(contribution_id=item.contribution_id)
        super().changed(item)


class _DeliberationItemType(ItemType):
    """Statements and pairwise ideas: a short text in the project, part of the results. Their
    authors cannot edit or withdraw them (others have voted on the words)."""

    editable = False

    def in_project(self, project_id):
        return self.model.objects.filter(project_id=project_id).select_related("project")

    def text(self, item) -> str:
        return item.text

    def changed(self, item) -> None:
        analysis_request(project_id=item.project_id)  # the results must drop or regain it
        super().changed(item)


class StatementType(_DeliberationItemType):
    kind = "statement"
    label = "Statement"
    model = Statement
    public_status = StatementStatus.ACCEPTED
    pending_status = StatementStatus.PENDING
    rejected_status = StatementStatus.REJECTED

    def url(self, item) -> str:
        return reverse("deliberation:statements", kwargs={"slug": item.project.slug})


class IdeaType(_DeliberationItemType):
    kind = "idea"
    label = "Idea"
    model = Idea
    public_status = IdeaStatus.ACCEPTED
    pending_status = IdeaStatus.PENDING

    def url(self, item) -> str:
        return reverse("deliberation:compare", kwargs={"slug": item.project.slug})


ITEM_TYPES: dict[str, ItemType] = {
    t.kind: t for t in (ContributionType(), CommentType(), StatementType(), IdeaType())
}


def item_type(kind: str) -> ItemType | None:
    return ITEM_TYPES.get(kind)

"""Reads for the moderation queue, the author's notices and the public log."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet

from groundswell.contributions.authorship import (
    is_protected_author,
    protected_key,
    protected_keys_stored,
)
from groundswell.contributions.models import Contribution, Status
from groundswell.deliberation.models import Idea, IdeaStatus, Statement, StatementStatus
from groundswell.moderation.items import HIDDEN, ITEM_TYPES, REMOVED, ItemType
from groundswell.moderation.models import (
    ADVERSE,
    Appeal,
    AppealStatus,
    Decision,
    Flag,
    FlagReason,
    Outcome,
)
from groundswell.organisations.selectors import verified_roles_prefetch
from groundswell.projects.models import Project


def flagged_items(*, project: Project | None = None) -> QuerySet:
    """One row per item with open flags, oldest flag first: (project_id, item_kind, item_id,
    n, first). Across every project when `project` is None (the site moderators' queue)."""
    flags = Flag.objects.filter(decision__isnull=True)
    if project is not None:
        flags = flags.filter(project=project)
    return (
        flags.values("project_id", "item_kind", "item_id")
        .annotate(n=Count("id"), first=Min("created_at"))
        .order_by("first", "item_kind", "item_id")
    )


@dataclass
class QueueEntry:
    item_type: ItemType
    item: object
    project: Project
    n: int
    first: datetime
    reasons: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def excerpt(self) -> str:
        return self.item_type.excerpt(self.item, 200)

    @property
    def status_label(self) -> str:
        return self.item.get_status_display()


def queue_entries(*, rows) -> list[QueueEntry]:
    """The items and flag reasons for one page of `flagged_items`: a query per kind, not per row."""
    rows = list(rows)
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row["item_kind"]].add(row["item_id"])
    items = {kind: ITEM_TYPES[kind].get_many(ids) for kind, ids in wanted.items()}
    reasons: dict[tuple[str, int], Counter] = defaultdict(Counter)
    notes: dict[tuple[str, int], list[str]] = defaultdict(list)
    which = Q(pk__in=[])
    for kind, ids in wanted.items():
        which |= Q(item_kind=kind, item_id__in=ids)
    labels = dict(FlagReason.choices)
    for kind, pk, reason, note in (
        Flag.objects.filter(which, decision__isnull=True)
        .order_by("created_at", "id")
        .values_list("item_kind", "item_id", "reason", "note")
    ):
        reasons[(kind, pk)][labels.get(reason, reason)] += 1
        if note:
            notes[(kind, pk)].append(note)
    projects = Project.objects.in_bulk({row["project_id"] for row in rows})
    entries = []
    for row in rows:
        key = (row["item_kind"], row["item_id"])
        item = items.get(row["item_kind"], {}).get(row["item_id"])
        if item is None:
            continue  # deleted with its author's account: the flags go with a decision or never
        entries.append(
            QueueEntry(
                item_type=ITEM_TYPES[row["item_kind"]],
                item=item,
                project=projects[row["project_id"]],
                n=row["n"],
                first=row["first"],
                reasons=sorted(reasons[key].items(), key=lambda r: -r[1]),
                notes=notes[key],
            )
        )
    return entries


def contributions_pending(*, project: Project | None = None) -> QuerySet[Contribution]:
    """Contributions waiting for a host (pre-moderation), oldest first."""
    return _waiting(Contribution.objects.filter(status=Status.PENDING), project=project)


def statements_pending(*, project: Project | None = None) -> QuerySet[Statement]:
    """Participants' statements waiting for a host (pre-moderation of statements), oldest first."""
    return _waiting(Statement.objects.filter(status=StatementStatus.PENDING), project=project)


def ideas_pending(*, project: Project | None = None) -> QuerySet[Idea]:
    """Participants' pairwise ideas waiting for a host (pre-moderation), oldest first."""
    return _waiting(Idea.objects.filter(status=IdeaStatus.PENDING), project=project)


def _waiting(qs: QuerySet, *, project: Project | None) -> QuerySet:
    qs = qs.select_related("project", "author").prefetch_related(verified_roles_prefetch())
    if project is not None:
        qs = qs.filter(project=project)
    return qs.order_by("created_at", "id")


def appeals_open(*, project: Project | None = None) -> QuerySet[Appeal]:
    qs = Appeal.objects.filter(status=AppealStatus.OPEN).select_related("decision__project")
    if project is not None:
        qs = qs.filter(decision__project=project)
    return qs.order_by("made_on", "id")


def open_flags_for(*, item_type: ItemType, item) -> QuerySet[Flag]:
    """The reasons and notes of an item's open flags; who flagged is not for the page."""
    return Flag.objects.filter(
        item_kind=item_type.kind, item_id=item.pk, decision__isnull=True
    ).order_by("created_at", "id")


def decisions_for_item(*, item_type: ItemType, item) -> QuerySet[Decision]:
    return Decision.objects.filter(item_kind=item_type.kind, item_id=item.pk).select_related(
        "appeal"
    )


def decisions_about_me(*, user) -> QuerySet[Decision]:
    """Decisions on the member's items, newest first: named and pseudonymous by the stored
    author; protected ones only by recomputing the member's key for each protected decision.

    Only in projects the member has joined (writing anything joins them): a key for every
    protected decision on the site, on every view of the notices, would grow with the site.
    """
    protected = Decision.objects.filter(
        item_protected=True, project__participants__user=user
    ).values_list("pk", "item_kind", "item_id")
    candidates = {
        protected_key(object_kind=kind, object_id=item_id, user_id=user.pk): pk
        for pk, kind, item_id in protected.iterator()
    }
    mine = {candidates[key] for key in protected_keys_stored(candidates)}
    return (
        Decision.objects.filter(Q(author=user) | Q(pk__in=mine))
        .select_related("project", "appeal")
        .order_by("-decided_at", "-id")
    )


def status_after(*, item_type: ItemType, item, outcome: str) -> str:
    """The status a decision with this outcome gives the item."""
    if outcome == Outcome.APPROVE:
        return item_type.public_status
    if outcome == Outcome.REJECT:
        return item_type.rejected_status
    if outcome == Outcome.HIDE:
        return HIDDEN
    if outcome == Outcome.REMOVE:
        return REMOVED
    return item.status  # keep and edit request leave it as it is


def decision_undone(*, decision: Decision, item) -> bool:
    """Whether a decision that took an item out (reject, hide, remove) no longer holds: the item
    is gone, or a later decision or appeal has put it back. Appealing it would ask for nothing."""
    if decision.outcome not in (Outcome.REJECT, Outcome.HIDE, Outcome.REMOVE):
        return False
    if item is None:
        return True
    item_type = ITEM_TYPES[decision.item_kind]
    return item.status != status_after(item_type=item_type, item=item, outcome=decision.outcome)


def decisions_with_items(decisions: list[Decision]) -> list[Decision]:
    """Decisions, each with `item_text` where no excerpt was kept (a removal, personal
    information, an item the public never saw): the start of the item, so that its author, or a
    host deciding an appeal, can tell which item it is about; and `undone` (see decision_undone).
    Only for the author's own notices and the hosts' pages, never the public log; one query per
    kind of item."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for decision in decisions:
        if decision.item_kind in ITEM_TYPES:
            wanted[decision.item_kind].add(decision.item_id)
    items = {kind: ITEM_TYPES[kind].get_many(ids) for kind, ids in wanted.items()}
    for decision in decisions:
        item = items.get(decision.item_kind, {}).get(decision.item_id)
        decision.item_text = (
            ITEM_TYPES[decision.item_kind].excerpt(item) if item and not decision.excerpt else ""
        )
        decision.undone = decision_undone(decision=decision, item=item)
    return decisions


def decision_is_mine(*, decision: Decision, user, item_type: ItemType) -> bool:
    if not user.is_authenticated:
        return False
    if decision.item_protected:
        return is_protected_author(
            object_kind=item_type.kind, object_id=decision.item_id, user=user
        )
    return decision.author_id == user.pk


def decision_get_mine(*, user, pk: int) -> Decision | None:
    """One of the member's own decisions, or None (the caller answers 404 either way)."""
    decision = Decision.objects.select_related("project", "appeal").filter(pk=pk).first()
    if decision is None or not user.is_authenticated:
        return None
    item_type = ITEM_TYPES.get(decision.item_kind)
    if item_type is None or not decision_is_mine(decision=decision, user=user, item_type=item_type):
        return None
    return decision


def moderation_log(*, project: Project) -> QuerySet[Decision]:
    """What the public may know: rejected, hidden, removed and edit-request decisions, newest
    first.

    The page shows no author at all, protected or not; only the day, the kind of item, the
    excerpt recorded at the time (none for removed items and for items the public never saw),
    the decision and the reason.
    """
    return (
        Decision.objects.filter(project=project, outcome__in=ADVERSE)
        .select_related("appeal")
        .only(
            "decided_at",
            "item_kind",
            "outcome",
            "reason",
            "excerpt",
            "appeal__status",
            "appeal__outcome_reason",
        )
        .order_by("-decided_at", "-id")
    )

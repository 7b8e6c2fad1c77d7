"""Every write in moderation: flag, decide, appeal, decide the appeal, choose pre-moderation,
and a host's one-click accept or reject of a statement."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from groundswell.core.mail import mail_after_commit
from groundswell.deliberation.models import Statement, StatementStatus
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
from groundswell.moderation.selectors import decision_is_mine, decision_undone, status_after
from groundswell.projects.models import ContributionModeration, Project
from groundswell.projects.permissions import Action, can

REASON_MAX = 1000
# A decision sent from a page made before the item was decided (by another host, or by the
# first of a double click).
DECIDED_MEANWHILE = (
    "Someone decided about this item a moment ago (see Earlier decisions). Choose again from "
    "the decisions now listed, if there is still something to decide."
)
NOTE_MAX = 500
APPEAL_MAX = 1000

# What the author of a statement is told when a host accepts or rejects it with one click.
STATEMENT_ACCEPT_REASON = "A host accepted it: it is open for votes."
STATEMENT_REJECT_REASON = "It did not fit the question, so it is not open for votes."


def _text(value: str, *, field: str, required: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required})
    if len(value) > limit:
        raise ValidationError({field: f"Keep it to {limit} characters (it has {len(value)})."})
    return value


def flag_create(
    *, project: Project, item_type: ItemType, item, by, reason: str, note: str = ""
) -> tuple[Flag, bool]:
    """Report an item. Returns (flag, created): a member's second open flag on an item is not
    made again, the first is returned."""
    if not by.is_authenticated or not can(user=by, action=Action.VIEW, project=project):
        raise PermissionDenied("Please log in to report something.")
    if not item_type.is_public(item):
        raise ValidationError("That is no longer shown, so there is nothing to report.")
    if reason not in FlagReason.values:
        raise ValidationError({"reason": "Choose why you are reporting this."})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"Keep it to {NOTE_MAX} characters (it has {len(note)})."})
    if item_type.is_author(item, by):
        raise ValidationError(
            "You wrote this, so you cannot report it."
            + (" You can withdraw it." if item_type.editable else "")
        )
    open_flags = Flag.objects.filter(
        item_kind=item_type.kind, item_id=item.pk, flagger=by, decision__isnull=True
    )
    existing = open_flags.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                project=project,
                item_kind=item_type.kind,
                item_id=item.pk,
                flagger=by,
                reason=reason,
                note=note,
            )
    except IntegrityError:  # a double submit: the other request made it
        return open_flags.get(), False
    return flag, True


def outcomes_for(*, item_type: ItemType, item) -> list[str]:
    """What a host may decide: approve or not for an item waiting for them; approve after all for
    one rejected; otherwise the rest."""
    if item_type.is_rejected(item):
        return [Outcome.APPROVE]
    if item_type.is_pending(item):
        outcomes = [Outcome.APPROVE, Outcome.REJECT, Outcome.EDIT_REQUEST, Outcome.REMOVE]
    else:
        outcomes = [
            Outcome.KEEP,
            Outcome.REJECT,
            Outcome.HIDE,
            Outcome.EDIT_REQUEST,
            Outcome.REMOVE,
        ]
    if item_type.rejected_status is None or not (
        item_type.is_pending(item) or item_type.is_public(item)
    ):
        # Not for one taken down: a host could accept it from the rejected list after all,
        # undoing a hide or removal that only an appeal may undo.
        outcomes.remove(Outcome.REJECT)
    if not item_type.editable:
        # Its author could do nothing about a request to change it.
        outcomes.remove(Outcome.EDIT_REQUEST)
    if item.status in (HIDDEN, REMOVED):
        # Not again (a second decision and notice that change nothing), and not a step back
        # from a removal to hidden, which only an appeal may undo.
        outcomes.remove(Outcome.HIDE)
        if item.status == REMOVED:
            outcomes.remove(Outcome.REMOVE)
    return outcomes


def decision_make(
    *, project: Project, item_type: ItemType, item, outcome: str, reason: str, by
) -> Decision:
    if not can(user=by, action=Action.MODERATE, project=project):
        raise PermissionDenied("Only the project's hosts and site moderators can moderate.")
    reason = _text(
        reason, field="reason", required="Give a reason for the decision.", limit=REASON_MAX
    )
    seen = item.status
    with transaction.atomic():
        _item_lock(item_type=item_type, item=item)
        repeat = _same_decision_just_made(
            item_type=item_type, item=item, outcome=outcome, reason=reason, by=by
        )
        if repeat is not None:
            return repeat
        if outcome not in outcomes_for(item_type=item_type, item=item):
            raise ValidationError(
                {
                    "outcome": "Choose one of the decisions listed."
                    if item.status == seen
                    else "Someone else decided about this item a moment ago. Choose again from "
                    "the decisions now listed."
                }
            )
        flags = Flag.objects.filter(
            item_kind=item_type.kind, item_id=item.pk, decision__isnull=True
        )
        personal = flags.filter(reason=FlagReason.PERSONAL).exists()
        # The public log quotes only what the public has already seen.
        unseen = outcome in ADVERSE and not item_type.is_public(item)
        decision = Decision.objects.create(
            project=project,
            item_kind=item_type.kind,
            item_id=item.pk,
            outcome=outcome,
            reason=reason,
            excerpt=""
            if outcome == Outcome.REMOVE or personal or unseen
            else item_type.excerpt(item),
            status_before=item.status,
            item_protected=item.is_protected,
            author=None if item.is_protected else item.author,
            decided_by=by,
        )
        flags.update(decision=decision)
        new_status = status_after(item_type=item_type, item=item, outcome=outcome)
        if new_status != item.status:
            item_type.status_set(item, new_status)
            if new_status == item_type.public_status:
                _settle_appeals(item_type=item_type, item=item, reason=reason, by=by)
        if decision.author_id and outcome in ADVERSE:
            _tell_author(decision_id=decision.pk)
    return decision


# A decision sent again this soon, word for word, by the same person, is one decision sent twice.
REPEAT_WINDOW = timedelta(seconds=30)


def _same_decision_just_made(
    *, item_type: ItemType, item, outcome: str, reason: str, by
) -> Decision | None:
    """The decision the same moderator has just recorded on the item, with the same outcome
    and reason: a double click on "Keep" or "Ask for an edit", which change no status, would
    otherwise record two decisions and send the author two notices. Called under the item's
    row lock, so the second of two clicks sees the first's decision."""
    latest = (
        Decision.objects.filter(item_kind=item_type.kind, item_id=item.pk)
        .order_by("-decided_at", "-id")
        .first()
    )
    if (
        latest is not None
        and latest.outcome == outcome
        and latest.decided_by_id == by.pk
        and latest.reason == reason
        and timezone.now() - latest.decided_at < REPEAT_WINDOW
    ):
        return latest
    return None


def _settle_appeals(*, item_type: ItemType, item, reason: str, by) -> None:
    """A rejected statement accepted after all: open appeals against the rejection have got what
    they asked for. They are closed as reversed, and their authors told, rather than left for a
    host to decide later. (Nothing else puts an item back by a decision: a hidden or removed
    one comes back only on appeal.)"""
    open_appeals = Appeal.objects.filter(
        status=AppealStatus.OPEN,
        decision__item_kind=item_type.kind,
        decision__item_id=item.pk,
        decision__outcome=Outcome.REJECT,
    )
    named = list(open_appeals.filter(decision__author__isnull=False).values_list("decision_id"))
    open_appeals.update(
        status=AppealStatus.REVERSED,
        outcome_reason=f"A later decision put it back: {reason}",
        decided_by=by,
        decided_at=timezone.now(),
    )
    for (decision_id,) in named:
        _tell_author(decision_id=decision_id)


# Where a one-click finds the statement now, when it is no longer what the host's page showed.
_STATEMENT_NOW = {
    StatementStatus.ACCEPTED: "open for votes",
    StatementStatus.REJECTED: "rejected",
    StatementStatus.PENDING: "waiting for a host",
}


def statement_moderate(
    *, statement: Statement, by, accept: bool, reason: str = "", seen: str | None = None
) -> Decision:
    """A host's one-click accept or reject on the statements page, recorded as a decision like
    any other: the author gets the notice and, for a rejection, the appeal (protected authors
    too, through their key, and without anyone learning who they are). No reason is needed.

    `seen` is the status the host's list showed (waiting, or rejected): a click on a page made
    before another host decided (or a second click) changes nothing. Otherwise a reject meant
    for a waiting statement would take down one a colleague has just opened for votes."""
    project = statement.project
    if not can(user=by, action=Action.MODERATE, project=project):
        raise PermissionDenied("Only the project's hosts can moderate statements.")
    statements = ITEM_TYPES["statement"]
    with transaction.atomic():
        _item_lock(item_type=statements, item=statement)
        if statement.status in (HIDDEN, REMOVED):
            # Taken down by a moderator: changed there, on appeal, not undone by a quick accept.
            raise ValidationError(
                "A moderator has taken that statement down; it cannot be changed here."
            )
        outcome = Outcome.APPROVE if accept else Outcome.REJECT
        if outcome not in outcomes_for(item_type=statements, item=statement):
            raise ValidationError(
                "That statement is already open for votes."
                if accept
                else "That statement is already rejected."
            )
        if seen is not None and statement.status != seen:
            raise ValidationError(
                "Someone decided about that statement a moment ago: it is "
                f"{_STATEMENT_NOW.get(statement.status, 'no longer waiting')}."
            )
        default = STATEMENT_ACCEPT_REASON if accept else STATEMENT_REJECT_REASON
        return decision_make(
            project=project,
            item_type=statements,
            item=statement,
            outcome=outcome,
            reason=reason.strip() or default,
            by=by,
        )


def _item_lock(*, item_type: ItemType, item) -> None:
    """Read the item's status again under a row lock, inside the caller's transaction. Whoever
    decides about an item (a double click, a stale page, a second host, an appeal decided while
    a host accepts) then decides from what is there now, one after the other: one decision, one
    notice."""
    status = (
        item_type.model.objects.select_for_update()
        .filter(pk=item.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        raise ValidationError(f"That {item_type.label.lower()} is no longer here.")
    item.status = status


def _tell_author(*, decision_id: int) -> None:
    """E-mail a named or pseudonymous author once the decision is committed. Never called for a
    protected item: the e-mail itself would tie the member to it."""
    from groundswell.moderation.tasks import send_moderation_notice

    mail_after_commit(send_moderation_notice, decision_id=decision_id)


def appeal_make(*, decision: Decision, item_type: ItemType, by, text: str) -> Appeal:
    """The author's one appeal. Nothing about who made it is stored (see Appeal)."""
    if not decision_is_mine(decision=decision, user=by, item_type=item_type):
        raise PermissionDenied("Only the author can appeal a decision.")
    if not decision.is_appealable:
        raise ValidationError("There is nothing to appeal in that decision.")
    item = item_type.model.objects.filter(pk=decision.item_id).first()
    if decision_undone(decision=decision, item=item):
        raise ValidationError(
            "That decision no longer stands (what it took out was put back or withdrawn), so "
            "there is nothing to appeal."
        )
    text = _text(
        text, field="text", required="Say why the decision should change.", limit=APPEAL_MAX
    )
    if Appeal.objects.filter(decision=decision).exists():
        raise ValidationError("You have already appealed this decision.")
    try:
        with transaction.atomic():
            return Appeal.objects.create(decision=decision, text=text)
    except IntegrityError:
        raise ValidationError("You have already appealed this decision.") from None


class AppealOutcome:
    UPHOLD = "uphold"
    REVERSE = "reverse"
    CHOICES = [
        (UPHOLD, "Uphold: the decision stands"),
        (REVERSE, "Reverse: undo the decision"),
    ]


def appeal_decide(
    *, appeal: Appeal, item_type: ItemType, item, outcome: str, reason: str, by
) -> Appeal:
    decision = appeal.decision
    if not can(user=by, action=Action.MODERATE, project=decision.project):
        raise PermissionDenied("Only the project's hosts and site moderators can decide appeals.")
    if outcome not in (AppealOutcome.UPHOLD, AppealOutcome.REVERSE):
        raise ValidationError({"outcome": "Choose to uphold or reverse the decision."})
    reason = _text(
        reason, field="reason", required="Give a reason for the outcome.", limit=REASON_MAX
    )
    with transaction.atomic():
        if item is not None:
            _item_lock(item_type=item_type, item=item)
        claimed = Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.OPEN).update(
            status=AppealStatus.REVERSED
            if outcome == AppealOutcome.REVERSE
            else AppealStatus.UPHELD,
            outcome_reason=reason,
            decided_by=by,
            decided_at=timezone.now(),
        )
        if not claimed:
            raise ValidationError("That appeal has already been decided.")
        appeal.refresh_from_db()
        if outcome == AppealOutcome.REVERSE and item is not None:
            # Put back what the decision changed, unless something has changed it since.
            changed_to = status_after(item_type=item_type, item=item, outcome=decision.outcome)
            undoable = (Outcome.REJECT, Outcome.HIDE, Outcome.REMOVE)
            if decision.outcome in undoable and item.status == changed_to:
                # A rejection found wrong opens the statement for votes, even one rejected
                # while it waited: sending it back to wait for the same hosts would ask them to
                # decide it twice. Hidden or removed items go back to where they were.
                restored = (
                    item_type.public_status
                    if decision.outcome == Outcome.REJECT
                    else decision.status_before
                )
                item_type.status_set(item, restored)
        if decision.author_id:
            _tell_author(decision_id=decision.pk)
    return appeal


def contribution_moderation_set(*, project: Project, by, mode: str) -> Project:
    if not can(user=by, action=Action.EDIT, project=project):
        raise PermissionDenied(
            "Only the project's hosts can change how contributions are moderated."
        )
    if mode not in ContributionModeration.values:
        raise ValidationError({"mode": "Choose pre-moderation or post-moderation."})
    project.contribution_moderation = mode
    project.save(update_fields=["contribution_moderation"])
    return project


def decisions_forget_words(*, item_kind: str, item_ids: list[int]) -> None:
    """The author erased these items: their words leave the moderation records too (the log's
    excerpt and the author's appeal), while the decisions themselves stay on the public log."""
    decisions = Decision.objects.filter(item_kind=item_kind, item_id__in=item_ids)
    Appeal.objects.filter(decision__in=decisions).update(text="")
    decisions.update(excerpt="")

import contextlib
import unicodedata
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from groundswell.contributions.authorship import is_protected_author
from groundswell.contributions.models import Attribution
from groundswell.contributions.services import attribute, attributed_save
from groundswell.deliberation.models import (
    MEMBER_VOTER,
    STATEMENT_MAX_LENGTH,
    AnalysisSnapshot,
    Comparison,
    DeliberationSettings,
    Idea,
    IdeaStatus,
    Moderation,
    Outcome,
    Statement,
    StatementStatus,
    Vote,
    VoteValue,
    text_key,
)
from groundswell.projects.models import Project
from groundswell.projects.permissions import Action, ProjectRole, can, project_role
from groundswell.projects.services import participant_join, project_row_lock

# Votes arriving within this window share one recompute.
ANALYSIS_DEBOUNCE = timedelta(seconds=5)


def voter_key(user) -> str:
    return f"{MEMBER_VOTER}{user.pk}"


def deliberation_settings(*, project: Project) -> DeliberationSettings:
    settings, _ = DeliberationSettings.objects.get_or_create(project=project)
    return settings


def deliberation_settings_update(*, project: Project, by, **fields) -> DeliberationSettings:
    if not can(user=by, action=Action.EDIT, project=project):
        raise PermissionDenied("Only the project's hosts can change how deliberation works.")
    settings = deliberation_settings(project=project)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save(update_fields=list(fields))
    return settings


def _require_may_add(
    *, project: Project, author, open_to_participants: bool, what: str, attribution: str
) -> bool:
    """Hosts may always add statements or ideas; participants when the phase and host allow.

    A host may not add a protected one while participants cannot add any: its being there at all
    would say that a host (in many projects the only one) wrote it.

    Returns whether the author is a host.
    """
    if can(user=author, action=Action.EDIT, project=project):
        if attribution == Attribution.PROTECTED and not (
            open_to_participants and can(user=author, action=Action.CONTRIBUTE, project=project)
        ):
            raise ValidationError(
                {
                    "attribution": f"Only hosts can add {what} at the moment, so a protected one "
                    "would tell everyone that a host wrote it. Add it under your name or your "
                    "pseudonym."
                }
            )
        return True
    if not can(user=author, action=Action.CONTRIBUTE, project=project):
        raise PermissionDenied(f"You cannot add {what} to this project at the moment.")
    if not open_to_participants:
        raise PermissionDenied(f"In this project only the hosts add {what}.")
    return False


# Characters nobody means to write in a statement or idea that still change how it reads or hide
# a repeat: control characters (a bell, a NUL), direction overrides and isolates (they can turn
# a statement's words round on screen), a zero-width space and a stray byte-order mark. Marks
# that scripts and emoji need (zero-width joiners, left-to-right and right-to-left marks) stay.
_UNWRITTEN = {
    cp: (" " if chr(cp).isspace() else None)
    for cp in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
} | {0x200B: None, 0xFEFF: None}


def tidy(text: str) -> str:
    """A statement or idea as it is saved: one space for each run of spaces and line breaks,
    without the characters above."""
    return " ".join(text.translate(_UNWRITTEN).split())


def readable(text: str) -> bool:
    """Whether the text has something to read: not only spaces, zero-width or direction-control
    characters (which a form's own `required` check takes for text)."""
    return any(unicodedata.category(c)[0] in "LNPS" for c in text)


# Said next to the field by the forms, and by statement_create and idea_create themselves for
# any other caller (a script, the API, an import), so that nobody saves a blank-looking item.
UNREADABLE = "Write something people can read."


# Why a statement is refused as a repeat, true whatever became of the other one, and saying
# nothing of who wrote it.
_STATEMENT_TAKEN = {
    StatementStatus.ACCEPTED: "That statement is already in this project.",
    StatementStatus.PENDING: "That statement has already been suggested and is waiting for a "
    "host to look at it.",
    StatementStatus.REJECTED: "That statement has already been suggested, and a host did not "
    "accept it.",
    None: "That statement has already been suggested, and a moderator has taken it down.",
}


def statement_create(
    *, project: Project, author, text: str, attribution: str = Attribution.NAMED
) -> Statement:
    settings = deliberation_settings(project=project)
    is_host = _require_may_add(
        project=project,
        author=author,
        open_to_participants=settings.participants_may_add_statements,
        what="statements",
        attribution=attribution,
    )
    # A host's protected statement waits for a host too: let in at once while everyone else's
    # waits, it would tell the other hosts and the site's moderators that a host wrote it.
    held = settings.moderation == Moderation.PRE and (
        not is_host or attribution == Attribution.PROTECTED
    )
    text = tidy(text)
    if not readable(text):
        raise ValidationError({"text": UNREADABLE})
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            {"text": f"Keep a statement to {STATEMENT_MAX_LENGTH} characters or fewer."}
        )
    with transaction.atomic():
        _wait_for_other_additions(project=project)
        existing = Statement.objects.filter(project=project, text_key=text_key(text)).first()
        if existing is not None:
            # Most often the same form sent twice (the second answer is the one on the screen):
            # its author is told the statement is theirs, not left thinking it was not added.
            # Pol.is refuses a repeated comment too.
            if _wrote(existing, author=author, object_kind="statement"):
                raise ValidationError({"text": "You have already added that statement."})
            # Anyone else is told what is true of the other, as for a repeated idea: "already in
            # this project" sent them looking for a statement they cannot see or vote on.
            raise ValidationError(
                {"text": _STATEMENT_TAKEN.get(existing.status, _STATEMENT_TAKEN[None])}
            )
        statement = Statement(
            project=project,
            text=text,
            # Stored for hosts' named seeds only: on a protected statement it would say that one
            # of the hosts wrote it (the only host, in many projects).
            is_seed=is_host and attribution != Attribution.PROTECTED,
            status=StatementStatus.PENDING if held else StatementStatus.ACCEPTED,
        )
        attribute(statement, author=author, attribution=attribution, project=project)
        statement.full_clean()
        attributed_save(statement, author=author, project=project, object_kind="statement")
    return statement


def _wait_for_other_additions(*, project: Project) -> None:
    """Within a transaction: wait for any other statement or idea being added to the project.

    The check for a repeat and the save are then one step: two submits of the same text at once
    (a double click sent on two connections, two members) no longer both find no repeat and both
    save. Votes and other rows that merely refer to the project are not held up (no_key).
    """
    project_row_lock(project=project, no_key=True)


# A host pastes a list of statements in one go; a bigger list is better split.
SEED_MAX_STATEMENTS = 100
# Only hosts add statements several at once: a run of protected statements added together would
# say that a host wrote them.
SEED_NOT_PROTECTED = (
    "Statements added several at once cannot be protected: only hosts add them this way, so "
    "everyone could tell a host wrote them."
)


def statements_seed(
    *, project: Project, author, lines: list[str], attribution: str = Attribution.NAMED
) -> list[Statement]:
    """Add several hosts' statements at once, one per line of `lines`: all of them or none.

    Every line is checked before anything is saved, and each problem names its line (counted
    as the host sees them, blank lines included), so the host can correct the list in one go.
    """
    if not can(user=author, action=Action.EDIT, project=project):
        raise PermissionDenied("Only the project's hosts can add several statements at once.")
    if attribution == Attribution.PROTECTED:
        raise ValidationError({"attribution": SEED_NOT_PROTECTED})
    # Tidied as statement_create saves them, so that two lines the same but for a zero-width
    # space are found here as repeats, not refused half-way as if one had been added.
    texts = [(number, tidy(line)) for number, line in enumerate(lines, start=1)]
    texts = [(number, text) for number, text in texts if text]
    if not texts:
        raise ValidationError({"statements": "Write at least one statement, one per line."})
    if len(texts) > SEED_MAX_STATEMENTS:
        raise ValidationError(
            {
                "statements": f"Add up to {SEED_MAX_STATEMENTS} statements at a time; "
                f"this list has {len(texts)}."
            }
        )
    # Only the keys of the pasted lines are looked up, by the index on (project, text_key).
    in_project = dict(
        Statement.objects.filter(
            project=project, text_key__in={text_key(text) for _, text in texts}
        ).values_list("text_key", "status")
    )
    first_seen: dict[str, int] = {}
    problems = []
    for number, text in texts:
        key = text_key(text)
        if len(text) > STATEMENT_MAX_LENGTH:
            problems.append(
                f"Line {number}: keep a statement to {STATEMENT_MAX_LENGTH} characters or fewer "
                f"(this one has {len(text)})."
            )
        elif not readable(text):
            problems.append(f"Line {number}: write something people can read.")
        elif key in first_seen:
            problems.append(f"Line {number}: the same statement as line {first_seen[key]}.")
        elif key in in_project:
            # What became of the other, as for a single statement: "already in this project"
            # sent hosts looking in the list for one that waits, or was rejected or taken down.
            taken = _STATEMENT_TAKEN.get(in_project[key], _STATEMENT_TAKEN[None])
            problems.append(f"Line {number}: {taken[0].lower()}{taken[1:]}")
        first_seen.setdefault(key, number)
    if problems:
        raise ValidationError({"statements": problems})
    created = []
    with transaction.atomic():
        for number, text in texts:
            try:
                created.append(
                    statement_create(
                        project=project, author=author, text=text, attribution=attribution
                    )
                )
            except ValidationError as error:  # added by someone else meanwhile
                found = error.message_dict if hasattr(error, "error_dict") else {}
                if set(found) - {"text"}:  # not about the line: the attribution, say
                    raise
                raise ValidationError(
                    {
                        "statements": [
                            f"Line {number}: {m[0].lower()}{m[1:]}"
                            for m in found.get("text", error.messages)
                        ]
                    }
                ) from None
    return created


def _wrote(item, *, author, object_kind: str) -> bool:
    if item.is_protected:
        return is_protected_author(object_kind=object_kind, object_id=item.pk, user=author)
    return item.author_id == author.pk


def vote_cast(*, statement: Statement, user, value: int) -> Vote:
    """Record or change a vote. A double submit, even a concurrent one, leaves one row."""
    role = _voter_role(project=statement.project, user=user)
    if statement.status != StatementStatus.ACCEPTED:
        raise ValidationError("That statement is not open for voting.")
    (vote,) = _votes_save(
        project=statement.project, user=user, role=role, values={statement: value}
    )
    return vote


# The most votes one request may carry: a client's queue after a spell offline, not an import.
VOTES_AT_ONCE = 100


class StatementsNotOpen(ValidationError):
    """Votes sent together on statements that are not open for votes; `statement_ids` names them."""

    def __init__(self, statement_ids: list[int]) -> None:
        self.statement_ids = statement_ids
        super().__init__(
            {
                "votes": "No statement with these ids is open for voting (it may have been "
                "taken down): " + ", ".join(map(str, statement_ids)) + ". Nothing was saved."
            }
        )


def votes_cast(*, project: Project, user, values: dict[int, int]) -> list[Vote]:
    """Record or change several of one member's votes at once (statement id -> value), as a
    client sends the votes it queued while offline. All or none: when any statement is not open
    for votes in this project, nothing is saved and the error names every such statement, so
    the client can drop those and send the rest again. Each vote is kept as `vote_cast` keeps
    one, so sending the same batch twice, even at once, leaves one row per statement."""
    role = _voter_role(project=project, user=user)
    if not values:
        raise ValidationError({"votes": "Send at least one vote."})
    if len(values) > VOTES_AT_ONCE:
        raise ValidationError({"votes": f"Send at most {VOTES_AT_ONCE} votes at once."})
    statements = {
        s.pk: s
        for s in Statement.objects.filter(
            project=project, pk__in=values, status=StatementStatus.ACCEPTED
        ).only("pk")
    }
    closed = sorted(set(values) - set(statements))
    if closed:
        raise StatementsNotOpen(closed)
    return _votes_save(
        project=project,
        user=user,
        role=role,
        values={statements[pk]: value for pk, value in values.items()},
    )


def _voter_role(*, project: Project, user) -> ProjectRole:
    role = project_role(user=user, project=project)
    if not can(user=user, action=Action.CONTRIBUTE, project=project, role=role):
        raise PermissionDenied("You cannot vote in this project at the moment.")
    return role


def _votes_save(
    *, project: Project, user, role: ProjectRole, values: dict[Statement, int]
) -> list[Vote]:
    if any(value not in VoteValue.values for value in values.values()):
        raise ValidationError({"value": "A vote is agree, disagree or pass."})
    now = timezone.now()
    voter = voter_key(user)
    votes = [
        Vote(
            statement=statement,
            project=project,
            voter=voter,
            value=value,
            perspective=user.role,
            created_at=now,  # kept when a vote is changed: the upsert updates only the fields below
            updated_at=now,
        )
        # In statement order, so two batches of one member never lock the same rows in opposite
        # orders (on PostgreSQL that would be a deadlock).
        for statement, value in sorted(values.items(), key=lambda item: item[0].pk)
    ]
    if role == ProjectRole.MEMBER:
        # Already a participant (that is what MEMBER means): the upsert alone is one statement,
        # atomic by itself, so the common case needs no transaction around it.
        _votes_upsert(votes)
    else:
        with transaction.atomic():
            _votes_upsert(votes)
            participant_join(project=project, user=user)
    analysis_request(project_id=project.pk)
    return votes


def _votes_upsert(votes: list[Vote]) -> None:
    # INSERT … ON CONFLICT DO UPDATE on both SQLite and PostgreSQL: no race between
    # "does a vote exist" and "write it".
    Vote.objects.bulk_create(
        votes,
        update_conflicts=True,
        unique_fields=["statement", "voter"],
        update_fields=["value", "perspective", "updated_at"],
    )


# Why an idea is refused as a repeat, true whatever became of the other one, and saying
# nothing of who suggested it.
_IDEA_TAKEN = {
    IdeaStatus.ACCEPTED: "That idea is already in the pool.",
    IdeaStatus.PENDING: "That idea has already been suggested and is waiting for a host to "
    "look at it.",
    None: "That idea has already been suggested, and a moderator has taken it out of the pool.",
}


def idea_create(
    *, project: Project, author, text: str, attribution: str = Attribution.NAMED
) -> Idea:
    settings = deliberation_settings(project=project)
    is_host = _require_may_add(
        project=project,
        author=author,
        open_to_participants=settings.participants_may_add_ideas,
        what="ideas",
        attribution=attribution,
    )
    text = tidy(text)
    if not readable(text):
        raise ValidationError({"text": UNREADABLE})
    # Pre-moderation covers participants' ideas as it covers their statements, and hosts'
    # protected ones for the same reason as theirs.
    pre_moderated = settings.moderation == Moderation.PRE and (
        not is_host or attribution == Attribution.PROTECTED
    )
    with transaction.atomic():
        _wait_for_other_additions(project=project)
        existing = (
            Idea.objects.filter(project=project, text_key=text_key(text)).values_list(
                "status", flat=True
            )
        ).first()
        if existing is not None:
            raise ValidationError({"text": _IDEA_TAKEN.get(existing, _IDEA_TAKEN[None])})
        idea = Idea(
            project=project,
            text=text,
            status=IdeaStatus.PENDING if pre_moderated else IdeaStatus.ACCEPTED,
        )
        attribute(idea, author=author, attribution=attribution, project=project)
        idea.full_clean()
        attributed_save(idea, author=author, project=project, object_kind="idea")
    return idea


def comparison_record(
    *, project: Project, user, first_id: int, second_id: int, outcome: str
) -> Comparison:
    """Record a member's judgement of a pair, or change it: one row per member and pair,
    whichever idea was shown first, so a double submit (or the same pair again) counts once."""
    if not can(user=user, action=Action.CONTRIBUTE, project=project):
        raise PermissionDenied("You cannot take part in this project at the moment.")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose one of the two, or can't decide."})
    voter = voter_key(user)
    with transaction.atomic():
        # Locking the two ideas makes a concurrent double submit of the pair wait for the first.
        ideas = {
            i.pk: i
            for i in Idea.objects.select_for_update().filter(
                project=project, status=IdeaStatus.ACCEPTED, pk__in=[first_id, second_id]
            )
        }
        if first_id == second_id:
            raise ValidationError("Choose between two different ideas.")
        if len(ideas) != 2:
            # Most often a moderator took one out while the member was looking at the pair.
            raise ValidationError(
                "One of those ideas is no longer in the pool, so your choice was not recorded."
            )
        pair = Q(first_id=first_id, second_id=second_id) | Q(first_id=second_id, second_id=first_id)
        comparison = Comparison.objects.filter(pair, project=project, voter=voter).first()
        if comparison is not None:
            comparison.first, comparison.second = ideas[first_id], ideas[second_id]
            comparison.outcome = outcome
            comparison.save(update_fields=["first", "second", "outcome"])
        else:
            comparison = Comparison.objects.create(
                project=project,
                voter=voter,
                first=ideas[first_id],
                second=ideas[second_id],
                outcome=outcome,
            )
            Idea.objects.filter(pk__in=[first_id, second_id]).update(
                appearances=F("appearances") + 1
            )
            participant_join(project=project, user=user)
    analysis_request(project_id=project.pk)
    return comparison


def analysis_request(*, project_id: int) -> None:
    """Queue one recompute for a burst of votes, after the votes are committed."""

    def enqueue() -> None:
        from groundswell.deliberation.tasks import recompute_analysis

        # In a burst of votes the flag is almost always set already: one read, and no write
        # (an UPDATE that matches nothing still costs a round trip and, on SQLite, the write lock).
        pending = (
            AnalysisSnapshot.objects.filter(project_id=project_id)
            .values_list("pending", flat=True)
            .first()
        )
        if pending:
            return  # a recompute is already queued and will see these votes
        if pending is None:
            # A concurrent request may have created it; the savepoint keeps a transaction usable.
            with contextlib.suppress(IntegrityError), transaction.atomic():
                AnalysisSnapshot.objects.create(project_id=project_id)
        task = recompute_analysis
        if task.get_backend().supports_defer:
            task = task.using(run_after=timezone.now() + ANALYSIS_DEBOUNCE)
        # The claim and the queued task commit together (the task queue is a table in the same
        # database): a crash between them must not leave the flag set with no task to clear it,
        # or no later vote would ever queue a recompute again.
        with transaction.atomic():
            claimed = AnalysisSnapshot.objects.filter(project_id=project_id, pending=False).update(
                pending=True
            )
            if not claimed:
                return  # another request claimed it between our read and our update
            task.enqueue(project_id=project_id)

    transaction.on_commit(enqueue)

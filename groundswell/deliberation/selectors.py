import random
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from allauth.account.models import EmailAddress
from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat

from groundswell.contributions.authorship import protected_key, protected_keys_stored
from groundswell.contributions.models import Attribution
from groundswell.deliberation.models import (
    MEMBER_VOTER,
    MIN_PERSPECTIVE_VOTERS,
    AnalysisSnapshot,
    Comparison,
    DeliberationSettings,
    Idea,
    IdeaStatus,
    PolisImport,
    Statement,
    StatementStatus,
    Vote,
)
from groundswell.deliberation.services import voter_key
from groundswell.organisations.selectors import verified_roles_active
from groundswell.projects.models import INVITED, Participant, Project


def statements_for_voting(*, project: Project, user) -> QuerySet[Statement]:
    """Accepted statements this member has not voted on yet, oldest first."""
    voted = Vote.objects.filter(project=project, voter=voter_key(user)).values("statement_id")
    return Statement.objects.filter(project=project, status=StatementStatus.ACCEPTED).exclude(
        pk__in=voted
    )


def statements_open_exist(*, project: Project) -> bool:
    """Whether the project has any statement open for votes at all."""
    return Statement.objects.filter(project=project, status=StatementStatus.ACCEPTED).exists()


def statement_get(*, project: Project, pk: int) -> Statement | None:
    statement = Statement.objects.filter(project=project, pk=pk).first()
    if statement is not None:
        statement.project = project
    return statement


# What a vote on an id that is not open is told, whether the statement does not exist, waits
# for a host, was rejected or taken down: ids are sequential, so any other answer would tell
# that a statement nobody was shown exists. Worded for a member who had it on their screen.
STATEMENT_NOT_OPEN = "No statement with that id is open for voting: it may have been taken down."


def statement_open_get(*, project: Project, pk: int) -> Statement | None:
    """The statement to vote on: only one open for votes in this project, else None."""
    statement = Statement.objects.filter(
        project=project, pk=pk, status=StatementStatus.ACCEPTED
    ).first()
    if statement is not None:
        statement.project = project
    return statement


def statements_open_with_counts(*, project: Project) -> QuerySet[Statement]:
    """Statements open for votes, oldest first, each with its number of votes (`n_votes`).

    Counted per statement by a subquery rather than a join and GROUP BY: a page then counts the
    votes of its own rows only, and counting the statements (for the pages) reads no vote at
    all, where the join read every vote of the project for both (vTaiwan: 49,443).
    """
    n_votes = (
        Vote.objects.filter(statement=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return (
        Statement.objects.filter(project=project, status=StatementStatus.ACCEPTED)
        .annotate(n_votes=Subquery(n_votes, output_field=IntegerField()))
        .order_by("id")  # pages need a fixed order
    )


def statements_mark_my_votes(
    *, statements: list[Statement], project: Project, user
) -> list[Statement]:
    """Set `my_vote` on each statement: this member's vote on it, or None."""
    mine = (
        dict(
            Vote.objects.filter(
                project=project, voter=voter_key(user), statement_id__in=[s.pk for s in statements]
            ).values_list("statement_id", "value")
        )
        if user.is_authenticated and statements
        else {}
    )
    for statement in statements:
        statement.my_vote = mine.get(statement.pk)
    return statements


def statements_with_my_votes(*, project: Project, user) -> QuerySet[Statement]:
    """Statements open for votes, oldest first, each with `my_vote`: this member's vote on it,
    or None; the author read with it for the byline. A page of it is one query."""
    statements = (
        Statement.objects.filter(project=project, status=StatementStatus.ACCEPTED)
        .select_related("author")
        .order_by("id")  # pages need a fixed order
    )
    if not user.is_authenticated:
        return statements.annotate(my_vote=Value(None, output_field=IntegerField()))
    mine = Vote.objects.filter(statement=OuterRef("pk"), voter=voter_key(user)).values("value")
    return statements.annotate(my_vote=Subquery(mine[:1]))


def statements_pending(*, project: Project) -> QuerySet[Statement]:
    return Statement.objects.filter(project=project, status=StatementStatus.PENDING)


def statements_mine_not_open(*, project: Project, user) -> list[Statement]:
    """The member's own statements that are not open for votes, oldest first: those waiting for
    a host and those a host rejected, so that the author can see what became of them.

    Protected ones are recognised by recomputing the member's key for each (nothing stored says
    who wrote them), as the moderation notices do.
    """
    if not user.is_authenticated:
        return []
    unpublished = Statement.objects.filter(
        project=project,
        status__in=[StatementStatus.PENDING, StatementStatus.REJECTED],
        polis_id__isnull=True,
    ).order_by("id")
    mine = list(unpublished.filter(author=user))
    candidates = {
        protected_key(object_kind="statement", object_id=s.pk, user_id=user.pk): s
        for s in unpublished.filter(attribution=Attribution.PROTECTED)
    }
    mine.extend(candidates[key] for key in protected_keys_stored(candidates))
    return sorted(mine, key=lambda s: s.pk)


def statements_rejected(*, project: Project) -> QuerySet[Statement]:
    """Statements a host rejected (and Pol.is's moderated-out comments, imported), oldest first."""
    return Statement.objects.filter(project=project, status=StatementStatus.REJECTED).order_by("id")


def statement_texts(*, project: Project) -> dict[int, str]:
    """Texts the results page may show: those open for votes, not those a host rejected or has
    yet to read, nor those a moderator hid or removed (the analysis leaves them all out)."""
    return dict(
        Statement.objects.filter(project=project, status=StatementStatus.ACCEPTED).values_list(
            "id", "text"
        )
    )


class NoPair(StrEnum):
    """Why there is no pair for a member: the pages and the API each say which."""

    TOO_FEW_IDEAS = "too_few_ideas"  # the pool has fewer than two ideas: nothing to compare yet
    COMPARED_ALL = "compared_all"  # this member has compared every pair there is


def idea_pair(
    *, project: Project, user=None, rng: random.Random | None = None
) -> tuple[Idea, Idea] | NoPair:
    """Two ideas to compare; the least-seen idea is always in the pair, so new ideas get seen.

    Given a member, only a pair they have not compared yet (each person judges a pair once,
    as they vote on a statement once). Otherwise why there is none: the pool has fewer than two
    ideas, or the member has compared every pair (new pairs come as new ideas join the pool).
    """
    ideas = list(
        Idea.objects.filter(project=project, status=IdeaStatus.ACCEPTED).order_by(
            "appearances", "id"
        )
    )
    if len(ideas) < 2:
        return NoPair.TOO_FEW_IDEAS
    open_ids = {idea.pk for idea in ideas}
    judged = {pair for pair in comparisons_judged(project=project, user=user) if pair <= open_ids}
    # An idea is still open to this member while they have not compared it with every other.
    compared = Counter(pk for pair in judged for pk in pair)
    open_ideas = [idea for idea in ideas if compared[idea.pk] < len(ideas) - 1]
    if not open_ideas:
        return NoPair.COMPARED_ALL
    rng = rng or random.SystemRandom()
    fewest = open_ideas[0].appearances
    newest = [i for i in open_ideas if i.appearances == fewest]
    first = rng.choice(newest)
    second = rng.choice(
        [i for i in ideas if i.pk != first.pk and frozenset((first.pk, i.pk)) not in judged]
    )
    return (first, second) if rng.random() < 0.5 else (second, first)


def comparisons_judged(*, project: Project, user) -> set[frozenset[int]]:
    """The pairs of ideas (as sets of two ids) this member has compared."""
    if user is None or not user.is_authenticated:
        return set()
    rows = Comparison.objects.filter(project=project, voter=voter_key(user)).values_list(
        "first_id", "second_id"
    )
    return {frozenset(pair) for pair in rows}


def ideas_waiting_count(*, project: Project) -> int:
    return Idea.objects.filter(project=project, status=IdeaStatus.PENDING).count()


def idea_texts(*, project: Project) -> dict[int, str]:
    """Texts the results page may show: not those a moderator hid or removed."""
    return dict(
        Idea.objects.filter(project=project, status=IdeaStatus.ACCEPTED).values_list("id", "text")
    )


def statement_labels(*, project: Project) -> dict[str, str]:
    """How pages present the statements: `imported_from`, the credit for an imported Pol.is
    conversation, and `statement_lang`, their language code; "" when there is none."""
    found = (
        DeliberationSettings.objects.filter(project=project)
        .values_list("imported_from", "statement_language")
        .first()
    )
    imported, language = found or ("", "")
    return {"imported_from": imported or "", "statement_lang": language or ""}


def participants_may_add_statements(*, project: Project) -> bool:
    """Whether members taking part may add statements (the default until a host says not)."""
    found = (
        DeliberationSettings.objects.filter(project=project)
        .values_list("participants_may_add_statements", flat=True)
        .first()
    )
    return True if found is None else found


def imported_participants_count(*, project: Project) -> int:
    """Participants of an imported Pol.is conversation: they took part, but are no members and
    declared no perspective, so the participation-by-perspective table cannot count them."""
    found = (
        DeliberationSettings.objects.filter(project=project)
        .values_list("imported_participants", flat=True)
        .first()
    )
    return found or 0


def analysis_snapshot(*, project: Project) -> AnalysisSnapshot | None:
    return AnalysisSnapshot.objects.filter(project=project).first()


def analysis_results(*, project: Project, snapshot: AnalysisSnapshot | None) -> dict | None:
    """The last computed results with the text of each statement and idea, or None.

    A statement or idea a moderator took down since is left out at once, not at the next
    recompute.
    """
    if snapshot is None or snapshot.computed_at is None:
        return None
    texts, ideas = statement_texts(project=project), idea_texts(project=project)

    def named(rows: list[dict], key: str = "statement", source: dict = texts) -> list[dict]:
        return [{**row, "text": source[row[key]]} for row in rows if row[key] in source]

    result = snapshot.result
    perspective = result.get("bridging_perspective")
    if perspective and (
        min(perspective["members"]) < MIN_PERSPECTIVE_VOTERS
        or perspective.get("min_voters", 0) < MIN_PERSPECTIVE_VOTERS
    ):
        # Stored before perspectives of one or two voters were left out, or before a
        # perspective's one or two votes on a statement stopped counting: their agreement would
        # be those people's votes. Shown again once the next recompute has left them out.
        perspective = None
    return {
        **result,
        "computed_at": snapshot.computed_at,
        "pending": snapshot.pending,
        "failed_at": snapshot.failed_at,
        # By position, not as computed: the analysis lists participants in the order of their
        # voter keys ("u<member id>"), which would tell whoever knows who voted which mark, and
        # so which group, is whose.
        "points": sorted(result.get("points", [])),
        "groups": [
            {**g, "representative": named(g["representative"])} for g in result.get("groups", [])
        ],
        "consensus": named(result.get("consensus", [])),
        "bridging_latent": named(result.get("bridging_latent", [])),
        "bridging_perspective": {**perspective, "top": named(perspective["top"])}
        if perspective
        else None,
        "pairwise": named(result.get("pairwise", []), key="idea", source=ideas),
    }


def vote_totals(*, project: Project) -> dict[str, int]:
    return Vote.objects.filter(project=project).aggregate(
        votes=Count("id"),
        voters=Count("voter", distinct=True),
        agree=Count("id", filter=Q(value=1)),
    )


@dataclass(frozen=True)
class TrustTiers:
    """How many of a project's voting members are in each trust tier. Counts only, no names."""

    voters: int
    email_verified: int
    invited: int
    verified_role: int


def _member_key(field: str):
    # Votes name members by an opaque key "u<id>" (see voter_key); build the same from an id.
    return Concat(
        Value(MEMBER_VOTER), Cast(field, output_field=CharField()), output_field=CharField()
    )


def voter_trust_tiers(*, project: Project) -> TrustTiers:
    """Voting members who verified an e-mail address, who joined by invitation (link or code),
    and who hold an active verified role. Imported Pol.is voters are no members: not counted."""
    voters = (
        Vote.objects.filter(project=project, voter__startswith=MEMBER_VOTER)
        .values("voter")
        .distinct()
    )

    def among_voters(qs, field: str) -> int:
        return (
            qs.annotate(voter_key=_member_key(field))
            .filter(voter_key__in=voters)
            .values(field)
            .distinct()
            .count()
        )

    return TrustTiers(
        voters=voters.count(),
        email_verified=among_voters(EmailAddress.objects.filter(verified=True), "user_id"),
        invited=among_voters(
            Participant.objects.filter(project=project, joined_via__in=INVITED), "user_id"
        ),
        verified_role=among_voters(verified_roles_active(), "member_id"),
    )


def ideas_open(*, project: Project) -> QuerySet[Idea]:
    """The ideas in the pool (not those waiting for a host, hidden or removed), oldest first."""
    return Idea.objects.filter(project=project, status=IdeaStatus.ACCEPTED).order_by("id")


def polis_import_latest(*, project: Project) -> PolisImport | None:
    """The project's latest upload of a Pol.is export, for its hosts' import page."""
    return PolisImport.objects.filter(project=project).order_by("-created_at", "-pk").first()

import random

from django.db.models import Count, Q, QuerySet

from groundswell.deliberation.models import (
    AnalysisSnapshot,
    Idea,
    Statement,
    StatementStatus,
    Vote,
)
from groundswell.deliberation.services import voter_key
from groundswell.projects.models import Project


def statements_for_voting(*, project: Project, user) -> QuerySet[Statement]:
    """Accepted statements this member has not voted on yet, oldest first."""
    voted = Vote.objects.filter(project=project, voter=voter_key(user)).values("statement_id")
    return Statement.objects.filter(project=project, status=StatementStatus.ACCEPTED).exclude(
        pk__in=voted
    )


def statement_get(*, project: Project, pk: int) -> Statement | None:
    statement = Statement.objects.filter(project=project, pk=pk).first()
    if statement is not None:
        statement.project = project
    return statement


def statements_with_my_votes(*, project: Project, user) -> list[Statement]:
    statements = list(
        Statement.objects.filter(project=project, status=StatementStatus.ACCEPTED).annotate(
            n_votes=Count("votes")
        )
    )
    mine = (
        dict(
            Vote.objects.filter(project=project, voter=voter_key(user)).values_list(
                "statement_id", "value"
            )
        )
        if user.is_authenticated
        else {}
    )
    for statement in statements:
        statement.my_vote = mine.get(statement.pk)
    return statements


def statements_pending(*, project: Project) -> QuerySet[Statement]:
    return Statement.objects.filter(project=project, status=StatementStatus.PENDING)


def statement_texts(*, project: Project) -> dict[int, str]:
    """Texts the results page may show: not those a moderator hid or removed."""
    return dict(
        Statement.objects.filter(project=project)
        .exclude(status__in=[StatementStatus.HIDDEN, StatementStatus.REMOVED])
        .values_list("id", "text")
    )


def idea_pair(*, project: Project, rng: random.Random | None = None) -> tuple[Idea, Idea] | None:
    """Two ideas to compare; the least-seen idea is always in the pair, so new ideas get seen."""
    ideas = list(Idea.objects.filter(project=project, is_active=True).order_by("appearances", "id"))
    if len(ideas) < 2:
        return None
    rng = rng or random.SystemRandom()
    fewest = ideas[0].appearances
    newest = [i for i in ideas if i.appearances == fewest]
    first = rng.choice(newest)
    second = rng.choice([i for i in ideas if i.pk != first.pk])
    return (first, second) if rng.random() < 0.5 else (second, first)


def idea_texts(*, project: Project) -> dict[int, str]:
    return dict(Idea.objects.filter(project=project).values_list("id", "text"))


def analysis_snapshot(*, project: Project) -> AnalysisSnapshot | None:
    return AnalysisSnapshot.objects.filter(project=project).first()


def vote_totals(*, project: Project) -> dict[str, int]:
    return Vote.objects.filter(project=project).aggregate(
        votes=Count("id"),
        voters=Count("voter", distinct=True),
        agree=Count("id", filter=Q(value=1)),
    )

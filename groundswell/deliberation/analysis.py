"""Between the database and groundswell.analysis: build the inputs, store the result as JSON."""

import logging
import time
from collections import Counter, OrderedDict

import numpy as np
from django.utils import timezone

from groundswell.analysis import (
    AnalysisOptions,
    AnalysisResult,
    Comparison,
    VoteMatrix,
    analyse,
    bradley_terry,
)
from groundswell.deliberation.models import (
    MIN_PERSPECTIVE_VOTERS,
    AnalysisSnapshot,
    Idea,
    IdeaStatus,
    Outcome,
    Statement,
    StatementStatus,
    Vote,
)
from groundswell.deliberation.models import Comparison as ComparisonRow

logger = logging.getLogger(__name__)

MAP_POINTS = 1500  # participants drawn on the opinion map; the rest are summarised per group


def vote_matrix(*, project_id: int) -> tuple[VoteMatrix, list[str | None], list[int]]:
    rows = Vote.objects.filter(project_id=project_id).values_list(
        "voter", "statement_id", "value", "perspective"
    )
    voters, statements, values, perspectives = [], [], [], {}
    for voter, statement_id, value, perspective in rows.iterator(chunk_size=20_000):
        voters.append(voter)
        statements.append(statement_id)
        values.append(value)
        perspectives[voter] = perspective or None
    statement_ids = list(
        Statement.objects.filter(project_id=project_id).order_by("id").values_list("id", flat=True)
    )
    moderated_out = list(
        Statement.objects.filter(project_id=project_id)
        .exclude(status=StatementStatus.ACCEPTED)
        .values_list("id", flat=True)
    )
    matrix = VoteMatrix.from_triples(
        participants=np.asarray(voters, dtype=object),
        statements=np.asarray(statements, dtype=np.int64),
        values=np.asarray(values, dtype=np.int8),
        statement_ids=np.asarray(statement_ids, dtype=np.int64),
    )
    labels = [perspectives.get(p) for p in matrix.participant_ids]
    return matrix, labels, moderated_out


# The last result per project in this worker process, so the next recompute warm-starts from it
# (PCA, k-means and factors converge in fewer steps, and group ids stay stable). Kept in memory
# only: a restarted worker simply starts cold.
_PREVIOUS: OrderedDict[int, AnalysisResult] = OrderedDict()
_PREVIOUS_KEPT = 32
# A perspective's votes on a statement count in perspective bridging only from as many voters
# as a perspective needs to be shown at all: fewer, and its agreement would be their votes.
OPTIONS = AnalysisOptions(perspective_min_voters=MIN_PERSPECTIVE_VOTERS)


def compute_snapshot(*, project_id: int, seed: int = 0) -> dict:
    started = time.perf_counter()
    matrix, perspectives, moderated_out = vote_matrix(project_id=project_id)
    # The counts shown are of statements open for votes (not pending, rejected or taken down),
    # and of the votes and voters on them; `votes_all` is what the recompute has caught up with.
    on_open = matrix.votes[:, ~np.isin(matrix.statement_ids, moderated_out)]
    snapshot: dict = {
        "participants": int((on_open.getnnz(axis=1) > 0).sum()),
        "statements": int(on_open.shape[1]),
        "votes": int(on_open.nnz),
        "votes_all": int(matrix.n_votes),
        "groups": [],
        "points": [],
        "consensus": [],
        "bridging_latent": [],
        "bridging_perspective": None,
    }
    # Counted on open statements: with every statement taken down there is nothing to analyse
    # (and a result without statements cannot warm-start the next recompute).
    if snapshot["votes"] and snapshot["participants"] >= 4 and snapshot["statements"] >= 2:
        perspectives = _large_enough(perspectives, voted=on_open.getnnz(axis=1) > 0)
        previous = _PREVIOUS.get(project_id)
        result = analyse(
            matrix,
            moderated_out=moderated_out,
            perspectives=perspectives,
            previous=previous,
            seed=seed,
            options=OPTIONS,
        )
        _PREVIOUS[project_id] = result
        _PREVIOUS.move_to_end(project_id)
        while len(_PREVIOUS) > _PREVIOUS_KEPT:
            _PREVIOUS.popitem(last=False)
        snapshot.update(serialise(result))
        snapshot["warm_start"] = previous is not None
    snapshot["pairwise"] = pairwise(project_id=project_id)
    snapshot["seconds"] = round(time.perf_counter() - started, 3)
    return snapshot


def _large_enough(perspectives: list[str | None], *, voted: np.ndarray) -> list[str | None]:
    """The perspectives with too few voters (on open statements) taken off their members."""
    sizes = Counter(p for p, v in zip(perspectives, voted, strict=True) if p and v)
    return [p if p and sizes[p] >= MIN_PERSPECTIVE_VOTERS else None for p in perspectives]


def serialise(result: AnalysisResult) -> dict:
    statement_ids = [int(s) for s in result.statement_ids]
    stats = result.group_stats
    active_ids = [s for s, a in zip(statement_ids, result.active, strict=True) if a]
    col = {s: i for i, s in enumerate(active_ids)}
    groups = []
    for g_index, group in enumerate(result.groups):
        groups.append(
            {
                "id": int(group.id),
                "size": int(group.size),
                "centre": [float(c) for c in group.centre],
                "representative": [
                    {
                        "statement": int(r.statement),
                        "direction": r.direction,
                        "score": round(float(r.score), 4),
                        "agree": _share(stats.n_agree, g_index, col[int(r.statement)], stats),
                        "disagree": _share(stats.n_disagree, g_index, col[int(r.statement)], stats),
                    }
                    for r in group.representative
                ],
            }
        )
    coordinates = result.projection.coordinates
    labels = result.clustering.labels
    clustered = np.flatnonzero(result.clustering.clustered)
    step = max(1, len(clustered) // MAP_POINTS)
    points = [
        [round(float(coordinates[i, 0]), 4), round(float(coordinates[i, 1]), 4), int(labels[i])]
        for i in clustered[::step]
    ]
    consensus = [
        {
            "statement": int(s),
            "score": round(float(result.consensus.agree_scores[statement_ids.index(int(s))]), 4),
        }
        for s in result.consensus.agree
    ]
    bridging_latent = [
        {"statement": int(b.statement), "score": round(float(b.score), 4)}
        for b in result.bridging[:10]
    ]
    perspective = None
    pb = result.perspective_bridging
    if pb is not None and len(pb.perspectives) >= 2:
        order = np.argsort(-np.nan_to_num(pb.score, nan=-1.0))
        perspective = {
            "perspectives": list(pb.perspectives),
            "members": [int(n) for n in pb.n_members],
            # The threshold the rates were counted with: results stored before there was one
            # are not shown (groundswell.deliberation.selectors.analysis_results).
            "min_voters": MIN_PERSPECTIVE_VOTERS,
            "top": [
                {
                    "statement": statement_ids[i],  # pb spans every statement
                    "score": round(float(pb.score[i]), 4),
                    "weakest": pb.perspectives[int(pb.weakest[i])],
                    "rates": [round(float(r), 3) for r in pb.agree_rate[:, i]],
                    # The score is smoothed towards a half, to rank cautiously on few votes
                    # (all 3 of 3 agreeing scores 0.8); people are shown the share that agreed.
                    **_weakest_share(pb, i),
                }
                for i in order[pb.n_seen.sum(axis=0)[order] > 0][:10]  # voted on, at least
                if np.isfinite(pb.score[i])
            ],
        }
    return {
        "groups": groups,
        "points": points,
        "consensus": consensus,
        "bridging_latent": bridging_latent,
        "bridging_perspective": perspective,
    }


def _weakest_share(pb, statement: int) -> dict:
    """How many of the least supportive perspective voted on the statement, and the share of
    them who agreed (None when fewer than MIN_PERSPECTIVE_VOTERS of them voted on it: the
    share of one or two people is their votes)."""
    weakest = int(pb.weakest[statement])
    seen = int(pb.n_seen[weakest, statement])
    agree = None
    if seen >= MIN_PERSPECTIVE_VOTERS:
        agree = round(float(pb.n_agree[weakest, statement]) / seen, 3)
    return {"seen": seen, "agree": agree}


def _share(counts: np.ndarray, group: int, column: int, stats) -> float:
    seen = int(stats.n_seen[group, column])
    return round(float(counts[group, column]) / seen, 3) if seen else 0.0


def pairwise(*, project_id: int) -> list[dict]:
    ideas = list(
        Idea.objects.filter(project_id=project_id, status=IdeaStatus.ACCEPTED).values_list(
            "id", flat=True
        )
    )
    rows = ComparisonRow.objects.filter(project_id=project_id).values_list(
        "first_id", "second_id", "outcome"
    )
    in_pool = set(ideas)  # a list would be searched once per comparison
    # "Can't decide" (stored as Outcome.TIE) says nothing about which matters more: a skip to
    # the model, not a tie that would count as half a win each and pull both towards the middle.
    comparisons = [
        Comparison(first=f, second=s, outcome="skip" if o == Outcome.TIE else o)
        for f, s, o in rows
        if f in in_pool and s in in_pool
    ]
    if len(ideas) < 2 or not comparisons:
        return []
    ranking = bradley_terry(comparisons=comparisons, items=ideas)
    out = [
        {
            "idea": int(item),
            "score": round(float(ranking.score[i]), 1),
            "score_lower": round(float(ranking.score_lower[i]), 1),
            "score_upper": round(float(ranking.score_upper[i]), 1),
            "lower": round(float(ranking.lower[i]), 3),
            "upper": round(float(ranking.upper[i]), 3),
            "strength": round(float(ranking.strength[i]), 3),
            "comparisons": int(ranking.wins[i] + ranking.losses[i] + ranking.ties[i]),
        }
        for i, item in enumerate(ranking.items)
    ]
    return sorted(out, key=lambda r: -r["score"])


def analysis_recompute(*, project_id: int) -> AnalysisSnapshot:
    """Recompute a project's results and store them; what the background task runs."""
    # Clear the flag first: votes that arrive while we compute queue a fresh run.
    AnalysisSnapshot.objects.filter(project_id=project_id).update(pending=False)
    try:
        snapshot = compute_snapshot(project_id=project_id)
    except Exception:
        # The last results stay up; the page says they are out of date, and the next vote
        # queues another try. The task is still marked failed, with the traceback in the log.
        logger.exception("The analysis of project %s failed", project_id)
        AnalysisSnapshot.objects.update_or_create(
            project_id=project_id, defaults={"failed_at": timezone.now()}
        )
        raise
    stored, _ = AnalysisSnapshot.objects.update_or_create(
        project_id=project_id,
        defaults={
            "result": snapshot,
            "computed_at": timezone.now(),
            "seconds": snapshot["seconds"],
            "votes_seen": snapshot["votes_all"],
            "failed_at": None,
        },
    )
    return stored

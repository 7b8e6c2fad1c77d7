"""Representative statements per opinion group (Pol.is "repness").

For each group and statement, Pol.is compares the group's agree (or disagree) rate with the
rest of the participants using proportion tests with +1 pseudocounts, and keeps statements
where both the rate itself and the difference are significant at 90% (z > 1.2816). All the
statistics here are computed for every (group, statement) pair at once as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Z_90 = 1.2815515655446004
# Votes in a direction a group needs before a statement can represent it in that direction.
MIN_SUPPORT = 1

Direction = Literal["agree", "disagree"]


@dataclass(frozen=True, eq=False)
class GroupStatementStats:
    """Arrays of shape (groups, statements); "rest" means clustered people outside the group."""

    n_agree: np.ndarray
    n_disagree: np.ndarray
    n_seen: np.ndarray
    p_agree: np.ndarray  # (agree + 1) / (seen + 2)
    p_disagree: np.ndarray
    z_agree: np.ndarray  # one-proportion test of the group's rate against 1/2
    z_disagree: np.ndarray
    r_agree: np.ndarray  # group's agree probability / rest's agree probability
    r_disagree: np.ndarray
    z_r_agree: np.ndarray  # two-proportion test, group against rest
    z_r_disagree: np.ndarray


@dataclass(frozen=True)
class RepresentativeStatement:
    statement: object  # statement id
    index: int  # column in the vote matrix
    direction: Direction
    score: float  # Pol.is repness metric: ratio x its z x probability x its z
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


def prop_test(*, successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Pol.is's one-proportion z statistic with a +1 pseudocount."""
    n = trials + 1.0
    return 2.0 * np.sqrt(n) * ((successes + 1.0) / n - 0.5)


def two_prop_test(
    *, successes_in: np.ndarray, successes_out: np.ndarray, n_in: np.ndarray, n_out: np.ndarray
) -> np.ndarray:
    """Pol.is's two-proportion z statistic with +1 pseudocounts (0 when undefined)."""
    s1, s2 = successes_in + 1.0, successes_out + 1.0
    n1, n2 = n_in + 1.0, n_out + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (s1 + s2) / (n1 + n2)
        denominator = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (s1 / n1 - s2 / n2) / denominator
    return np.where(np.isfinite(z), z, 0.0)


def group_statement_stats(
    *, n_agree: np.ndarray, n_disagree: np.ndarray, n_seen: np.ndarray
) -> GroupStatementStats:
    na, nd, ns = (np.asarray(x, dtype=np.float64) for x in (n_agree, n_disagree, n_seen))
    rest_a = na.sum(axis=0, keepdims=True) - na
    rest_d = nd.sum(axis=0, keepdims=True) - nd
    rest_s = ns.sum(axis=0, keepdims=True) - ns
    pa = (na + 1) / (ns + 2)
    pd = (nd + 1) / (ns + 2)
    return GroupStatementStats(
        n_agree=na,
        n_disagree=nd,
        n_seen=ns,
        p_agree=pa,
        p_disagree=pd,
        z_agree=prop_test(successes=na, trials=ns),
        z_disagree=prop_test(successes=nd, trials=ns),
        r_agree=pa / ((rest_a + 1) / (rest_s + 2)),
        r_disagree=pd / ((rest_d + 1) / (rest_s + 2)),
        z_r_agree=two_prop_test(successes_in=na, successes_out=rest_a, n_in=ns, n_out=rest_s),
        z_r_disagree=two_prop_test(successes_in=nd, successes_out=rest_d, n_in=ns, n_out=rest_s),
    )


def select_representative(
    *,
    stats: GroupStatementStats,
    statement_ids: np.ndarray,
    eligible: np.ndarray | None = None,
    pick_max: int = 5,
    z_threshold: float = Z_90,
    min_support: int = MIN_SUPPORT,
) -> list[tuple[RepresentativeStatement, ...]]:
    """Pol.is's choice of up to ``pick_max`` representative statements for each group.

    A statement qualifies when the group's rate and its difference from the rest are both
    significant, for agree or for disagree; they are ranked by the repness metric. The group's
    best "agree" statement goes first, and when nothing qualifies the best candidate by test
    is shown so that every group has something. ``eligible`` excludes e.g. moderated-out ones.

    Unlike Pol.is, a statement is shown in a direction only when at least ``min_support`` of
    the group voted that way and both its tests are positive, so its score is too: the group
    leans that way, and more than the rest do. Significant picks nearly always meet this, and on the
    real conversations in data/polis no pick changes; it stops the fallbacks on tiny or
    all-pass conversations from saying a group "disagrees" when nobody in it disagreed (or
    "agrees" when one of four did). Such a group then has no representative statement.
    """
    n_groups, m = stats.n_seen.shape
    if eligible is None:
        eligible = np.ones(m, dtype=bool)
    agree_wins = stats.z_r_agree > stats.z_r_disagree
    direction_agree = agree_wins
    repness = np.where(agree_wins, stats.r_agree, stats.r_disagree)
    repness_test = np.where(agree_wins, stats.z_r_agree, stats.z_r_disagree)
    p_success = np.where(agree_wins, stats.p_agree, stats.p_disagree)
    p_test = np.where(agree_wins, stats.z_agree, stats.z_disagree)
    metric = repness * repness_test * p_success * p_test
    agree_metric = stats.r_agree * stats.z_r_agree * stats.p_agree * stats.z_agree
    # Both tests positive, so the score is too: the group leans that way, and more than the rest.
    supported_agree = (stats.n_agree >= min_support) & (stats.z_agree > 0) & (stats.z_r_agree > 0)
    supported_disagree = (
        (stats.n_disagree >= min_support) & (stats.z_disagree > 0) & (stats.z_r_disagree > 0)
    )
    supported = np.where(agree_wins, supported_agree, supported_disagree) & eligible[None, :]
    passes = (
        (stats.z_r_agree > z_threshold) & (stats.z_agree > z_threshold)
        | (stats.z_r_disagree > z_threshold) & (stats.z_disagree > z_threshold)
    ) & supported
    prob_metric = stats.p_agree * stats.z_agree

    def make(g: int, j: int, *, as_agree: bool | None = None, best: bool = False):
        agree = bool(direction_agree[g, j]) if as_agree is None else as_agree
        if agree:
            fields = (stats.n_agree, stats.p_agree, stats.z_agree, stats.r_agree, stats.z_r_agree)
        else:
            fields = (
                stats.n_disagree, stats.p_disagree, stats.z_disagree,
                stats.r_disagree, stats.z_r_disagree,
            )  # fmt: skip
        n_success, p, pz, r, rz = (float(f[g, j]) for f in fields)
        return RepresentativeStatement(
            statement=_plain(statement_ids[j]),
            index=int(j),
            direction="agree" if agree else "disagree",
            score=float(r * rz * p * pz),
            n_success=int(n_success),
            n_trials=int(stats.n_seen[g, j]),
            p_success=p,
            p_test=pz,
            repness=r,
            repness_test=rz,
            best_agree=best,
        )

    chosen: list[tuple[RepresentativeStatement, ...]] = []
    for g in range(n_groups):
        # Pol.is's "best agree": something the group actually agrees with, preferring
        # statements that are also more agreed with here than elsewhere.
        voted = eligible & ((stats.n_agree[g] + stats.n_disagree[g]) > 0)
        acceptable = (
            voted
            & supported_agree[g]
            & (
                (stats.z_agree[g] > z_threshold)
                | ((stats.r_agree[g] > 1) & (stats.p_agree[g] > 0.5))
            )
        )
        best_agree = None
        if acceptable.any():
            strong = acceptable & (stats.r_agree[g] > 1)
            pool, score = (
                (strong, agree_metric[g]) if strong.any() else (acceptable, prob_metric[g])
            )
            best_agree = int(rank_by_score(score, statement_ids, np.flatnonzero(pool))[0])
        sufficient = np.flatnonzero(passes[g])
        if len(sufficient) == 0:
            if best_agree is not None:
                chosen.append((make(g, best_agree, as_agree=True, best=True),))
                continue
            candidates = np.flatnonzero(supported[g])
            if len(candidates) == 0:
                chosen.append(())
                continue
            by_test = np.maximum(stats.z_r_agree[g], stats.z_r_disagree[g])
            chosen.append((make(g, int(rank_by_score(by_test, statement_ids, candidates)[0])),))
            continue
        sufficient = sufficient[sufficient != best_agree] if best_agree is not None else sufficient
        # Only the first pick_max can be shown; building the rest is wasted work.
        ranked = rank_by_score(metric[g], statement_ids, sufficient)[:pick_max]
        picks = [make(g, int(j)) for j in ranked]
        if best_agree is not None:
            picks.insert(0, make(g, best_agree, as_agree=True, best=True))
        picks = picks[:pick_max]
        # Pol.is lists agrees before disagrees, each keeping its order.
        picks = [p for p in picks if p.direction == "agree"] + [
            p for p in picks if p.direction == "disagree"
        ]
        chosen.append(tuple(picks))
    return chosen


def rank_by_score(scores: np.ndarray, ids: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """``candidates`` ordered by descending score, ties broken by statement id.

    Breaking ties by id rather than by column position keeps results independent of the
    order statements happen to be stored in.
    """
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return candidates[np.lexsort((id_rank[candidates], -scores[candidates]))]


def _plain(value: object) -> object:
    """numpy scalars to Python scalars, so results serialise and compare simply."""
    return value.item() if isinstance(value, np.generic) else value

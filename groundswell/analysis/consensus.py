"""Group-informed consensus: statements every opinion group agrees (or disagrees) with.

Pol.is's group-aware consensus multiplies, over groups, each group's smoothed probability of
agreeing, (agree + 1) / (seen + 2). A high product needs every group on board, so a statement
loved by a large group and rejected by a small one scores low.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.analysis.repness import _plain, rank_by_score

# Voters on a statement a group needs before its majority counts as agreement.
MIN_GROUP_VOTERS = 2


@dataclass(frozen=True, eq=False)
class Consensus:
    agree_scores: np.ndarray  # (m,) product over groups of P(agree)
    disagree_scores: np.ndarray  # (m,) product over groups of P(disagree)
    agree: tuple[object, ...]  # statement ids, best first
    disagree: tuple[object, ...]


def group_informed_consensus(
    *, n_agree: np.ndarray, n_disagree: np.ndarray, n_seen: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-statement products over groups (rows) of smoothed agree and disagree rates."""
    na, nd, ns = (
        np.atleast_2d(np.asarray(x, dtype=np.float64)) for x in (n_agree, n_disagree, n_seen)
    )
    # Sum of logs rather than a product: with many groups the product could underflow.
    agree = np.exp(np.log((na + 1) / (ns + 2)).sum(axis=0))
    disagree = np.exp(np.log((nd + 1) / (ns + 2)).sum(axis=0))
    return agree, disagree


def select_consensus(
    *,
    n_agree: np.ndarray,
    n_disagree: np.ndarray,
    n_seen: np.ndarray,
    statement_ids: np.ndarray,
    eligible: np.ndarray | None = None,
    pick_max: int = 5,
    min_voters: int = MIN_GROUP_VOTERS,
) -> Consensus:
    """The ``pick_max`` statements with the highest group-informed consensus.

    A statement is listed for agreement only if a majority of every group that saw it agrees
    (smoothed rate above 1/2, which is the same as more than half of its voters), and at least
    one group has ``min_voters`` or more voters on it; likewise for disagreement. A group that
    has not seen a statement does not block it, a lone dissenter in a group does, but lone
    voters alone (a single person, or one person per group) are not consensus.
    """
    na, nd, ns = (
        np.atleast_2d(np.asarray(x, dtype=np.float64)) for x in (n_agree, n_disagree, n_seen)
    )
    agree_scores, disagree_scores = group_informed_consensus(n_agree=na, n_disagree=nd, n_seen=ns)
    m = agree_scores.shape[0]
    if eligible is None:
        eligible = np.ones(m, dtype=bool)
    # A group that has not seen a statement cannot object to it, so it does not block it.
    unseen = ns == 0
    seen_somewhere = (ns >= max(min_voters, 1)).any(axis=0)
    every_agrees = eligible & seen_somewhere & (((na + 1) / (ns + 2) > 0.5) | unseen).all(axis=0)
    every_disagrees = eligible & seen_somewhere & (((nd + 1) / (ns + 2) > 0.5) | unseen).all(axis=0)

    def top(mask: np.ndarray, scores: np.ndarray) -> tuple[object, ...]:
        ranked = rank_by_score(scores, statement_ids, np.flatnonzero(mask))[:pick_max]
        return tuple(_plain(statement_ids[j]) for j in ranked)

    return Consensus(
        agree_scores=agree_scores,
        disagree_scores=disagree_scores,
        agree=top(every_agrees, agree_scores),
        disagree=top(every_disagrees, disagree_scores),
    )

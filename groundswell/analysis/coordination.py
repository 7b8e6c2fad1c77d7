"""Likely coordinated voting: clusters of new accounts that voted alike within a short time.

A ring is a group of at least ``min_size`` accounts that are all new (younger than
``max_age_days`` when they first voted), that cast their votes inside one window of at most
``window_seconds``, and whose votes are near-identical: every pair linked in the group agrees on
at least ``min_agreement`` of the statements both voted on, with at least ``min_shared`` such
statements. The groups are the connected components of that similarity graph, cut to the largest
run of members whose votes fit in one window.

Old accounts voting alike are a genuine opinion group, and new accounts voting alike over weeks
are a campaign that recruited people; neither is flagged. This is a prompt for a host to look,
never proof: the report says "suspected".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

DAY = 86_400.0


@dataclass(frozen=True)
class SuspectedRing:
    members: tuple[int, ...]  # row indices into the input, in order of first vote
    window_start: float  # seconds, as given in the input
    window_end: float
    similarity: float  # mean agreement over the linked pairs, 0..1
    shared_statements: int  # the fewest statements a linked pair both voted on

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def window_seconds(self) -> float:
        return self.window_end - self.window_start


def _agreement(votes: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise (statements both voted on, statements voted the same way) for every row pair."""
    seen = votes.copy()
    seen.data = np.ones_like(seen.data, dtype=np.float64)
    same = sp.csr_matrix((votes.shape[0], votes.shape[0]), dtype=np.float64)
    for value in (-1, 0, 1):
        indicator = votes.copy()
        indicator.data = (indicator.data == value).astype(np.float64)
        same = same + indicator @ indicator.T
    shared = (seen @ seen.T).toarray()
    return shared, same.toarray()


def find_coordinated_rings(
    *,
    votes: sp.csr_matrix,
    account_age_days: np.ndarray,
    first_vote_at: np.ndarray,
    last_vote_at: np.ndarray,
    max_age_days: float = 7.0,
    window_seconds: float = DAY,
    min_agreement: float = 0.9,
    min_shared: int = 5,
    min_size: int = 5,
) -> list[SuspectedRing]:
    """Suspected rings among the rows of ``votes`` (voters x statements; +1, -1, 0 stored).

    ``account_age_days`` is each voter's account age at their first vote; ``first_vote_at`` and
    ``last_vote_at`` are the times of their first and last vote in seconds (any epoch).
    Largest rings first.
    """
    votes = sp.csr_matrix(votes)
    n = votes.shape[0]
    ages = np.asarray(account_age_days, dtype=np.float64)
    first = np.asarray(first_vote_at, dtype=np.float64)
    last = np.asarray(last_vote_at, dtype=np.float64)
    if not (len(ages) == len(first) == len(last) == n):
        raise ValueError("account ages, vote times and vote rows must have the same length")
    if np.any(last < first):
        raise ValueError("a voter's last vote cannot come before their first")
    new = np.flatnonzero(ages < max_age_days)
    if len(new) < min_size:
        return []
    shared, same = _agreement(votes[new])
    with np.errstate(divide="ignore", invalid="ignore"):
        agreement = np.where(shared > 0, same / np.maximum(shared, 1), 0.0)
    # Linked: alike on enough shared statements, and the two voted within one window.
    span = np.maximum.outer(last[new], last[new]) - np.minimum.outer(first[new], first[new])
    linked = (shared >= min_shared) & (agreement >= min_agreement) & (span <= window_seconds)
    np.fill_diagonal(linked, False)
    _, labels = connected_components(sp.csr_matrix(linked), directed=False)

    rings = []
    for label in np.unique(labels):
        local = np.flatnonzero(labels == label)
        if len(local) < min_size:
            continue
        chosen = _largest_run_in_one_window(local, first[new], last[new], window_seconds)
        if len(chosen) < min_size:
            continue
        pairs = linked[np.ix_(chosen, chosen)]
        if not pairs.any():
            continue
        rings.append(
            SuspectedRing(
                members=tuple(int(new[i]) for i in chosen),
                window_start=float(first[new][chosen].min()),
                window_end=float(last[new][chosen].max()),
                similarity=float(agreement[np.ix_(chosen, chosen)][pairs].mean()),
                shared_statements=int(shared[np.ix_(chosen, chosen)][pairs].min()),
            )
        )
    return sorted(rings, key=lambda r: (-r.size, r.window_start))


def _largest_run_in_one_window(
    local: np.ndarray, first: np.ndarray, last: np.ndarray, window: float
) -> np.ndarray:
    """The most members of a component whose votes all fit in one window (two pointers)."""
    order = local[np.argsort(first[local], kind="stable")]
    best_start, best_len = 0, 0
    start = 0
    for end in range(len(order)):
        # Shrink from the left until every vote from order[start] to order[end] fits.
        while start < end and last[order[start : end + 1]].max() - first[order[start]] > window:
            start += 1
        if end - start + 1 > best_len:
            best_start, best_len = start, end - start + 1
    return order[best_start : best_start + best_len]

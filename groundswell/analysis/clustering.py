"""Which participants are clustered, and into which opinion groups (the Pol.is method).

Pol.is clusters only participants who voted enough, first into ~100 "base clusters" with
k-means, then groups the base-cluster centres (weighted by their sizes) into k = 2..5 opinion
groups, choosing k by the silhouette of the base clusters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from groundswell.analysis.kmeans import (
    squared_distance_table,
    weighted_kmeans,
    weighted_kmeans_each_k,
)

MIN_VOTES = 7
GREEDY_N = 15
_PRESEED_SAMPLE = 50_000
# Base clusters: above this many distinct points, seed from a sample of this size.
_BASE_SAMPLE = 5_000


@dataclass(frozen=True, eq=False)
class KSmoother:
    """Pol.is only switches k after the same new k has won several updates in a row."""

    last_k: int
    last_k_count: int
    smoothed_k: int


@dataclass(frozen=True, eq=False)
class Clustering:
    clustered: np.ndarray  # bool per participant: taken into the clustering
    base_labels: np.ndarray  # base cluster per participant, -1 if not clustered
    base_centres: np.ndarray  # (n_base, 2)
    base_weights: np.ndarray  # participants per base cluster
    labels: np.ndarray  # group per participant, -1 if not clustered
    group_centres: np.ndarray  # (k, 2), weighted by members
    silhouettes: dict[int, float]
    k: int
    smoother: KSmoother | None

    @property
    def n_groups(self) -> int:
        return self.k


def select_participants(
    *,
    votes_per_participant: np.ndarray,
    n_statements: int,
    previously_in: np.ndarray | None = None,
    min_votes: int = MIN_VOTES,
    greedy_n: int = GREEDY_N,
) -> np.ndarray:
    """Pol.is's "in-conv" set: who has voted on min(7, all) statements, topped up to 15.

    ``previously_in`` keeps everyone who was in before: Pol.is never drops a participant.
    """
    counts = np.asarray(votes_per_participant)
    threshold = min(min_votes, n_statements)
    chosen = (counts >= threshold) & (counts > 0)
    if previously_in is not None:
        chosen |= previously_in
    missing = greedy_n - int(chosen.sum())
    if missing > 0:
        # Top up with the most active of the rest; a stable sort keeps ties in row order.
        candidates = np.flatnonzero(~chosen & (counts > 0))
        order = np.argsort(-counts[candidates], kind="stable")
        chosen[candidates[order[:missing]]] = True
    return chosen


def cluster_participants(
    *,
    coordinates: np.ndarray,
    clustered: np.ndarray,
    base_k: int = 100,
    max_k: int = 5,
    seed: int = 0,
    previous: Clustering | None = None,
    k_buffer: int = 4,
) -> Clustering:
    """Base clusters, k chosen by silhouette as in Pol.is, then participant-level groups.

    Pol.is assigns whole base clusters to groups. Here, once k is chosen, the groups are the
    lowest-inertia k-means partition of the participants themselves, started from the
    base-cluster grouping, from the previous result's centres and from seeded k-means++
    restarts. Where base clusters straddle a boundary this follows the data rather than the
    quantisation, and it matched Pol.is's own groups better on the real conversations (see
    docs/benchmarks.md, "Opinion analysis").

    ``previous`` warm-starts k-means from the previous centres, keeps group ids stable
    across updates and applies Pol.is's k-smoothing.
    """
    n = coordinates.shape[0]
    rows = np.flatnonzero(clustered)
    base_labels = np.full(n, -1, dtype=np.int32)
    labels = np.full(n, -1, dtype=np.int32)
    if len(rows) == 0:
        return Clustering(
            clustered, base_labels, np.zeros((0, 2)), np.zeros(0), labels, np.zeros((0, 2)),
            {}, 0, None,
        )  # fmt: skip
    points = np.ascontiguousarray(coordinates[rows], dtype=np.float64)
    # Identical points are common (people who voted identically); k-means over the distinct
    # points weighted by multiplicity is the same problem, smaller and order-independent.
    packed = points[:, 0] + 1j * points[:, 1]
    distinct, inverse, multiplicity = np.unique(packed, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    distinct_points = np.column_stack([distinct.real, distinct.imag])
    multiplicity = multiplicity.astype(np.float64)

    init = previous.base_centres if previous is not None else None
    centres, weights, distinct_base = _base_clusters(
        points=distinct_points, multiplicity=multiplicity, base_k=base_k, seed=seed, init=init
    )
    base_labels[rows] = distinct_base[inverse]

    previous_centres = previous.group_centres if previous is not None else None
    base_groupings, silhouettes = _group_base_clusters(
        centres=centres, weights=weights, max_k=max_k, seed=seed, previous_centres=previous_centres
    )
    this_k = max(silhouettes, key=lambda k: (silhouettes[k], -k)) if silhouettes else 1
    k = this_k
    if previous is not None and previous.smoother is not None:
        # Pol.is's k-smoothing: hold the old k until the new one has won k_buffer times.
        last = previous.smoother
        count = last.last_k_count + 1 if this_k == last.last_k else 1
        k = this_k if count >= k_buffer else last.smoothed_k
        if k not in base_groupings:
            k = this_k
        smoother = KSmoother(this_k, count, k)
    else:
        smoother = KSmoother(this_k, 1, this_k)

    if k == 1:
        distinct_groups = np.zeros(len(distinct_points), dtype=np.int32)
    else:
        group_of_base = base_groupings[k]
        starts = []
        if previous_centres is not None and len(previous_centres) == k:
            starts.append(previous_centres)
        starts.append(_weighted_centres(centres, weights, group_of_base, k))
        distinct_groups = _best_partition(
            points=distinct_points, weights=multiplicity, k=k, seed=seed, starts=starts
        )
    distinct_groups = _stable_group_ids(
        points=distinct_points, weights=multiplicity, groups=distinct_groups, k=k,
        previous=previous,
    )  # fmt: skip
    labels[rows] = distinct_groups[inverse]
    return Clustering(
        clustered=clustered,
        base_labels=base_labels,
        base_centres=centres,
        base_weights=weights,
        labels=labels,
        group_centres=_weighted_centres(distinct_points, multiplicity, distinct_groups, k),
        silhouettes=silhouettes,
        k=k,
        smoother=smoother,
    )


def _weighted_centres(
    points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int
) -> np.ndarray:
    totals = np.bincount(labels, weights=weights, minlength=k)
    sums = np.column_stack(
        [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in range(2)]
    )
    return sums / np.maximum(totals, 1e-300)[:, None]


def _best_partition(
    *, points: np.ndarray, weights: np.ndarray, k: int, seed: int, starts: list[np.ndarray]
) -> np.ndarray:
    """Lowest weighted inertia over k-means runs from the given starts and seeded restarts."""
    if len(points) > _PRESEED_SAMPLE:
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(len(points), _PRESEED_SAMPLE, replace=False))
        restart = weighted_kmeans(points=points[sample], weights=weights[sample], k=k, seed=seed)
        max_iter = 30
    else:
        restart = weighted_kmeans(points=points, weights=weights, k=k, seed=seed)
        max_iter = 300
    best_labels, best_inertia = None, np.inf
    for start in [*starts, restart.centres]:
        fit = weighted_kmeans(
            points=points, weights=weights, k=k, seed=seed, init=start, max_iter=max_iter
        )
        # Earlier starts (previous result, then Pol.is's base grouping) win near-ties, so
        # updates stay stable and the Pol.is answer is kept when it is as good.
        if fit.inertia < best_inertia * (1 - 1e-9):
            best_labels, best_inertia = fit.labels, fit.inertia
    assert best_labels is not None
    _, dense = np.unique(best_labels, return_inverse=True)
    return dense.reshape(-1).astype(np.int32)


def _base_clusters(
    *,
    points: np.ndarray,
    multiplicity: np.ndarray,
    base_k: int,
    seed: int,
    init: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if len(points) <= base_k:
        # As in Pol.is, with no more distinct points than base clusters each is its own cluster.
        return points, multiplicity, np.arange(len(points), dtype=np.int32)
    start = None
    if init is not None and len(init) == base_k:
        start = init
    elif len(points) > _BASE_SAMPLE:
        # k-means++ and the first Lloyd rounds over many points cost seconds; a sample finds
        # nearly the same centres, and the full data then converges in a few rounds.
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(len(points), _BASE_SAMPLE, replace=False))
        start = weighted_kmeans(
            points=points[sample], weights=multiplicity[sample], k=base_k, seed=seed,
            n_init=1, max_iter=100,
        ).centres  # fmt: skip
    fit = weighted_kmeans(
        points=points, weights=multiplicity, k=base_k, seed=seed, init=start, n_init=1,
        # From a good start, 20 full rounds settle the centres to well under Pol.is's 0.01.
        max_iter=100 if start is None else 20,
    )  # fmt: skip
    weights = np.bincount(fit.labels, weights=multiplicity, minlength=base_k)
    used = weights > 0
    remap = np.cumsum(used) - 1
    return fit.centres[used], weights[used], remap[fit.labels].astype(np.int32)


def _group_base_clusters(
    *,
    centres: np.ndarray,
    weights: np.ndarray,
    max_k: int,
    seed: int,
    previous_centres: np.ndarray | None,
) -> tuple[dict[int, np.ndarray], dict[int, float]]:
    """Weighted k-means of the base clusters for each k, and each one's silhouette."""
    n_base = len(centres)
    # Pol.is caps k by the number of base clusters: min(max_k, 2 + n_base // 12). Two base
    # clusters (say two camps who each voted alike) are two groups, as in Pol.is; only a
    # single one leaves nothing to split.
    top_k = min(max_k, 2 + n_base // 12, n_base)
    groupings: dict[int, np.ndarray] = {}
    silhouettes: dict[int, float] = {}
    if top_k < 2:
        return groupings, silhouettes
    distances = np.sqrt(squared_distance_table(centres))
    ks = list(range(2, top_k + 1))
    # A k that matches the previous result starts from its centres; the rest from k-means++.
    # At most ~100 base clusters: restarts are cheap, and a poor local optimum would distort
    # the silhouette that chooses k.
    warm_k = len(previous_centres) if previous_centres is not None else 0
    fits = weighted_kmeans_each_k(
        points=centres, weights=weights, ks=[k for k in ks if k != warm_k], seed=seed,
        n_init=10, tol=1e-8,
    )  # fmt: skip
    if warm_k in ks:
        fits[warm_k] = weighted_kmeans(
            points=centres, weights=weights, k=warm_k, seed=seed, init=previous_centres,
            n_init=10, tol=1e-8,
        )  # fmt: skip
    for k in ks:
        # Renumber densely: k-means can leave a cluster empty.
        _, dense = np.unique(fits[k].labels, return_inverse=True)
        groupings[k] = dense.reshape(-1).astype(np.int32)
        silhouettes[k] = _silhouette(distances=distances, labels=groupings[k])
    return groupings, silhouettes


def _silhouette(*, distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over base clusters, unweighted, as Pol.is computes it.

    A base cluster alone in its group scores 0, as in Pol.is and scikit-learn.
    """
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    onehot = (labels[:, None] == groups[None, :]).astype(np.float64)
    sums = distances @ onehot  # distance from each base cluster to all of each group
    sizes = onehot.sum(axis=0)
    own = onehot.astype(bool)
    own_size = sizes[labels] - 1
    a = np.divide(sums[own], own_size, out=np.zeros(len(labels)), where=own_size > 0)
    other = np.where(own, np.inf, sums / sizes[None, :])
    b = other.min(axis=1)
    s = np.divide(b - a, np.maximum(a, b), out=np.zeros(len(labels)), where=np.maximum(a, b) > 0)
    s[own_size == 0] = 0.0
    return float(s.mean())


def _stable_group_ids(
    *,
    points: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    k: int,
    previous: Clustering | None,
) -> np.ndarray:
    """Number groups so ids mean the same thing across runs.

    With a previous result, match groups to the nearest previous centres; otherwise, or for
    new groups, order by size (largest first) and then by position.
    """
    sizes = np.bincount(groups, weights=weights, minlength=k)
    centres = _weighted_centres(points, weights, groups, k)
    order = np.lexsort((centres[:, 1], centres[:, 0], -sizes))
    new_id = np.empty(k, dtype=np.int32)
    new_id[order] = np.arange(k)
    if previous is not None and previous.k > 0:
        cost = ((centres[:, None, :] - previous.group_centres[None, :, :]) ** 2).sum(axis=2)
        matched, targets = linear_sum_assignment(cost)
        taken = set(targets.tolist())
        new_id = np.full(k, -1, dtype=np.int32)
        new_id[matched] = targets
        spare = iter(g for g in range(k + previous.k) if g not in taken)
        for g in order:
            if new_id[g] < 0:
                new_id[g] = next(spare)
        # Keep ids dense (0..k-1) when groups disappear, preserving relative order.
        _, new_id = np.unique(new_id, return_inverse=True)
        new_id = new_id.astype(np.int32)
    return new_id[groups]

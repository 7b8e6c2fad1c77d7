"""Which participants are clustered, and into which opinion groups (the Pol.is method).

Pol.is clusters only participants who voted enough, first into ~100 "base clusters" with
k-means, then groups the base-cluster centres (weighted by their sizes) into k = 2..5 opinion
groups, choosing k by the silhouette of the base clusters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans

MIN_VOTES = 7
GREEDY_N = 15


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
    group_of_base: np.ndarray  # group per base cluster
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
    """Base clusters, then opinion groups chosen by silhouette.

    ``previous`` warm-starts k-means from the previous centres and keeps group ids stable
    across updates.
    """
    n = coordinates.shape[0]
    rows = np.flatnonzero(clustered)
    base_labels = np.full(n, -1, dtype=np.int32)
    labels = np.full(n, -1, dtype=np.int32)
    if len(rows) == 0:
        return Clustering(
            clustered, base_labels, np.zeros((0, 2)), np.zeros(0), np.zeros(0, dtype=np.int32),
            labels, np.zeros((0, 2)), {}, 0, None,
        )  # fmt: skip
    points = np.ascontiguousarray(coordinates[rows], dtype=np.float64)
    init = previous.base_centres if previous is not None else None
    centres, weights, point_labels = _base_clusters(
        points=points, base_k=base_k, seed=seed, init=init
    )
    base_labels[rows] = point_labels

    group_of_base, silhouettes, this_k = _group_base_clusters(
        centres=centres,
        weights=weights,
        max_k=max_k,
        seed=seed,
        previous_centres=previous.group_centres if previous is not None else None,
    )
    smoother = None
    k = this_k
    if previous is not None and previous.smoother is not None:
        # Pol.is's k-smoothing: hold the old k until the new one has won k_buffer times.
        last = previous.smoother
        count = last.last_k_count + 1 if this_k == last.last_k else 1
        k = this_k if count >= k_buffer else last.smoothed_k
        if k not in silhouettes:
            k = this_k
        smoother = KSmoother(this_k, count, k)
        if k != this_k:
            group_of_base = _weighted_kmeans_labels(
                centres=centres, weights=weights, k=k, seed=seed,
                init=previous.group_centres if len(previous.group_centres) == k else None,
            )  # fmt: skip
    else:
        smoother = KSmoother(this_k, 1, this_k)

    group_of_base = _stable_group_ids(
        centres=centres, weights=weights, group_of_base=group_of_base, k=k, previous=previous
    )
    labels[rows] = group_of_base[point_labels]
    group_centres = np.zeros((k, 2))
    for g in range(k):
        members = group_of_base == g
        group_centres[g] = np.average(centres[members], axis=0, weights=weights[members])
    return Clustering(
        clustered=clustered,
        base_labels=base_labels,
        base_centres=centres,
        base_weights=weights,
        group_of_base=group_of_base,
        labels=labels,
        group_centres=group_centres,
        silhouettes=silhouettes,
        k=k,
        smoother=smoother,
    )


def _base_clusters(
    *, points: np.ndarray, base_k: int, seed: int, init: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Identical points are common (people who voted identically); k-means over the distinct
    # points weighted by multiplicity is the same problem, smaller and order-independent.
    packed = points[:, 0] + 1j * points[:, 1]
    distinct, inverse, multiplicity = np.unique(
        packed, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    unique_points = np.column_stack([distinct.real, distinct.imag])
    if len(unique_points) <= base_k:
        # As in Pol.is, with no more distinct points than base clusters each is its own cluster.
        return unique_points, multiplicity.astype(np.float64), inverse.astype(np.int32)
    start: np.ndarray | str = "k-means++"
    if init is not None and len(init) == base_k:
        start = init
    model = KMeans(
        n_clusters=base_k,
        init=start,
        n_init=1,
        max_iter=100,
        tol=1e-6,
        random_state=seed,
        algorithm="lloyd",
    )
    unique_labels = model.fit_predict(unique_points, sample_weight=multiplicity)
    weights = np.bincount(unique_labels, weights=multiplicity, minlength=base_k)
    used = weights > 0
    remap = np.cumsum(used) - 1
    centres = model.cluster_centers_[used]
    return centres, weights[used], remap[unique_labels][inverse].astype(np.int32)


def _group_base_clusters(
    *,
    centres: np.ndarray,
    weights: np.ndarray,
    max_k: int,
    seed: int,
    previous_centres: np.ndarray | None,
) -> tuple[np.ndarray, dict[int, float], int]:
    n_base = len(centres)
    # Pol.is caps k by the number of base clusters: min(max_k, 2 + n_base // 12).
    top_k = min(max_k, 2 + n_base // 12, n_base - 1)
    if top_k < 2:
        return np.zeros(n_base, dtype=np.int32), {}, 1
    distances = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    best: tuple[float, int, np.ndarray] | None = None
    silhouettes: dict[int, float] = {}
    for k in range(2, top_k + 1):
        init = previous_centres if previous_centres is not None else None
        if init is not None and len(init) != k:
            init = None
        group_of_base = _weighted_kmeans_labels(
            centres=centres, weights=weights, k=k, seed=seed, init=init
        )
        score = _silhouette(distances=distances, labels=group_of_base)
        silhouettes[k] = score
        if best is None or score > best[0] + 1e-12:
            best = (score, k, group_of_base)
    assert best is not None
    return best[2], silhouettes, best[1]


def _weighted_kmeans_labels(
    *, centres: np.ndarray, weights: np.ndarray, k: int, seed: int, init: np.ndarray | None
) -> np.ndarray:
    model = KMeans(
        n_clusters=k,
        init=init if init is not None else "k-means++",
        n_init=1 if init is not None else 10,
        max_iter=300,
        tol=1e-8,
        random_state=seed,
    )
    labels = model.fit_predict(centres, sample_weight=weights)
    # Renumber densely: k-means can leave a cluster empty.
    _, dense = np.unique(labels, return_inverse=True)
    return dense.reshape(-1).astype(np.int32)


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
    centres: np.ndarray,
    weights: np.ndarray,
    group_of_base: np.ndarray,
    k: int,
    previous: Clustering | None,
) -> np.ndarray:
    """Number groups so ids mean the same thing across runs.

    With a previous result, match groups to the nearest previous centres; otherwise, or for
    new groups, order by size (largest first) and then by position.
    """
    sizes = np.bincount(group_of_base, weights=weights, minlength=k)
    group_centres = np.array(
        [np.average(centres[group_of_base == g], axis=0, weights=weights[group_of_base == g])
         for g in range(k)]
    )  # fmt: skip
    order = np.lexsort((group_centres[:, 1], group_centres[:, 0], -sizes))
    new_id = np.empty(k, dtype=np.int32)
    new_id[order] = np.arange(k)
    if previous is not None and previous.k > 0:
        cost = ((group_centres[:, None, :] - previous.group_centres[None, :, :]) ** 2).sum(axis=2)
        rows, cols = linear_sum_assignment(cost)
        taken = set(cols.tolist())
        new_id = np.full(k, -1, dtype=np.int32)
        new_id[rows] = cols
        spare = iter(g for g in range(k + previous.k) if g not in taken)
        for g in order:
            if new_id[g] < 0:
                new_id[g] = next(spare)
        # Keep ids dense (0..k-1) when groups disappear, preserving relative order.
        _, new_id = np.unique(new_id, return_inverse=True)
        new_id = new_id.astype(np.int32)
    return new_id[group_of_base]

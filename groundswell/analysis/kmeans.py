"""Small weighted k-means in plain numpy.

scikit-learn's KMeans spends ~10 ms per fit on set-up (validation, thread pools) whatever the
size, which dominates a Pol.is-sized conversation where the analysis runs dozens of fits on at
most a few thousand 2-D points. This does the same weighted Lloyd iterations, k-means++
seeding included, vectorised over points; large inputs still go to scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans

# Above this many points the points-by-centres distance matrix gets large and scikit-learn's
# chunked, multi-threaded Lloyd is faster.
SMALL = 20_000


@dataclass(frozen=True, eq=False)
class KMeansFit:
    labels: np.ndarray
    centres: np.ndarray
    inertia: float


def weighted_kmeans(
    *,
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    seed: int,
    init: np.ndarray | None = None,
    n_init: int = 10,
    max_iter: int = 300,
    tol: float = 1e-4,
) -> KMeansFit:
    """Lowest-inertia fit over ``n_init`` k-means++ starts, or one run from ``init``."""
    if len(points) > SMALL:
        model = KMeans(
            n_clusters=k,
            init=init if init is not None else "k-means++",
            n_init=1 if init is not None else n_init,
            max_iter=max_iter,
            tol=tol,
            random_state=seed,
        )
        labels = model.fit_predict(points, sample_weight=weights)
        return KMeansFit(labels.astype(np.int32), model.cluster_centers_, float(model.inertia_))
    rng = np.random.default_rng(seed)
    # scikit-learn's convention: tol is relative to the data's mean variance.
    spread = ((points - np.average(points, axis=0, weights=weights)) ** 2).sum(axis=1)
    variance = float(np.average(spread, weights=weights))
    threshold = tol * variance / points.shape[1]
    if init is not None:
        starts = np.asarray(init, dtype=np.float64)[None, :, :]
    else:
        starts = _plus_plus(points, weights, k, n_init, rng)
    # All restarts run side by side as one (restarts, points, k) problem.
    labels, centres, inertia = _lloyd(points, weights, starts, max_iter, threshold)
    best = int(np.argmin(inertia))
    return KMeansFit(labels[best], centres[best], float(inertia[best]))


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(restarts, points, centres) squared distances, one coordinate at a time."""
    total = np.zeros((centres.shape[0], len(points), centres.shape[1]))
    for d in range(points.shape[1]):
        total += (points[None, :, d, None] - centres[:, None, :, d]) ** 2
    return total


def _plus_plus(
    points: np.ndarray, weights: np.ndarray, k: int, restarts: int, rng: np.random.Generator
) -> np.ndarray:
    """Greedy k-means++ seeding (as scikit-learn does it) for several restarts at once: of a
    few D²-sampled candidates per step, keep the one that lowers the potential most."""
    n, dims = points.shape
    trials = 2 + int(np.log(k))
    rows = np.arange(restarts)
    centres = np.empty((restarts, k, dims))
    first = rng.choice(n, size=restarts, p=weights / weights.sum())
    centres[:, 0] = points[first]
    closest = _squared_distances(points, centres[:, :1])[:, :, 0]  # (restarts, n)
    for c in range(1, k):
        mass = np.cumsum(weights[None, :] * closest, axis=1)
        total = mass[:, -1:]
        draws = rng.random((restarts, trials)) * total
        candidates = np.minimum((mass[:, None, :] <= draws[:, :, None]).sum(axis=2), n - 1)
        # Distances from every point to each restart's candidates: (restarts, n, trials).
        to_candidates = _squared_distances(points, points[candidates])
        trial = np.minimum(closest[:, :, None], to_candidates)
        best = np.argmin(np.einsum("n,rnt->rt", weights, trial), axis=1)
        centres[:, c] = points[candidates[rows, best]]
        closest = trial[rows, :, best]
    return centres


def _lloyd(
    points: np.ndarray,
    weights: np.ndarray,
    centres: np.ndarray,
    max_iter: int,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    restarts, k, dims = centres.shape
    offsets = (np.arange(restarts) * k)[:, None]
    tiled_weights = np.tile(weights, restarts)
    for _ in range(max_iter):
        labels = np.argmin(_squared_distances(points, centres), axis=2)
        flat = (labels + offsets).ravel()
        totals = np.bincount(flat, weights=tiled_weights, minlength=restarts * k)
        sums = np.stack(
            [np.bincount(flat, weights=tiled_weights * np.tile(points[:, d], restarts),
                         minlength=restarts * k) for d in range(dims)],
            axis=1,
        )  # fmt: skip
        totals = totals.reshape(restarts, k)
        sums = sums.reshape(restarts, k, dims)
        # An emptied cluster keeps its old centre; it ends up unused and the caller's
        # renumbering drops it.
        updated = np.where(
            totals[:, :, None] > 0, sums / np.maximum(totals, 1e-300)[:, :, None], centres
        )
        shift = ((updated - centres) ** 2).sum(axis=(1, 2))
        centres = updated
        if (shift <= threshold).all():
            break
    distances = _squared_distances(points, centres)
    labels = np.argmin(distances, axis=2).astype(np.int32)
    chosen = np.take_along_axis(distances, labels[:, :, None], axis=2)[:, :, 0]
    inertia = chosen @ weights
    return labels, centres, inertia

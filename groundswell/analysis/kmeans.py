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
# Distance cells (restarts x points x centres) per chunk in the assignment step: ~0.5 MB.
_CHUNK_CELLS = 65_536
# Up to this many centres, ``_nearest`` compares them one at a time instead of ``argmin``,
# when there are enough (restart, point) pairs per extra centre to pay for the extra calls.
_FEW_CENTRES = 8
_FEW_CENTRES_MIN_WORK = 800
# k-means++ over at most this many points looks distances up in a points x points table.
_PAIRWISE_TABLE_POINTS = 400


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
    threshold = _threshold(points, weights, tol)
    if init is not None:
        starts = np.asarray(init, dtype=np.float64)[None, :, :]
    else:
        starts = _plus_plus(points, weights, k, n_init, rng)
    # All restarts run side by side as one (restarts, points, k) problem.
    labels, centres, inertia = _lloyd(points, weights, starts, max_iter, threshold)
    best = int(np.argmin(inertia))
    return KMeansFit(labels[best], centres[best], float(inertia[best]))


def weighted_kmeans_each_k(
    *,
    points: np.ndarray,
    weights: np.ndarray,
    ks: list[int],
    seed: int,
    n_init: int = 10,
    max_iter: int = 300,
    tol: float = 1e-4,
) -> dict[int, KMeansFit]:
    """``weighted_kmeans(k=k, n_init=n_init)`` for every k in ``ks``, same results.

    On ~100 base clusters each fit is a few microseconds of arithmetic under a hundred numpy
    calls, so the fits for all k run as one Lloyd problem: each k's starts are padded to the
    largest k with centres at infinity, which no point is ever nearest to.
    """
    if len(points) > SMALL or len(ks) < 2:
        return {
            k: weighted_kmeans(
                points=points, weights=weights, k=k, seed=seed, n_init=n_init,
                max_iter=max_iter, tol=tol,
            )
            for k in ks
        }  # fmt: skip
    threshold = _threshold(points, weights, tol)
    widest = max(ks)
    starts = np.full((len(ks) * n_init, widest, points.shape[1]), np.inf)
    for g, k in enumerate(ks):
        # A fresh generator per k, exactly as separate calls would seed.
        rng = np.random.default_rng(seed)
        starts[g * n_init : (g + 1) * n_init, :k] = _plus_plus(points, weights, k, n_init, rng)
    labels, centres, inertia = _lloyd(
        points, weights, starts, max_iter, threshold, group_sizes=(n_init, ks)
    )
    fits = {}
    for g, k in enumerate(ks):
        rows = slice(g * n_init, (g + 1) * n_init)
        best = g * n_init + int(np.argmin(inertia[rows]))
        fits[k] = KMeansFit(labels[best], centres[best, :k], float(inertia[best]))
    return fits


def _threshold(points: np.ndarray, weights: np.ndarray, tol: float) -> float:
    """scikit-learn's convention: tol is relative to the data's mean variance."""
    spread = ((points - np.average(points, axis=0, weights=weights)) ** 2).sum(axis=1)
    variance = float(np.average(spread, weights=weights))
    return tol * variance / points.shape[1]


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(restarts, points, centres) squared distances, one coordinate at a time."""
    total = np.empty((centres.shape[0], len(points), centres.shape[1]))
    _squared_distances_into(points, centres, total, np.empty_like(total))
    return total


def _squared_distances_into(
    points: np.ndarray, centres: np.ndarray, out: np.ndarray, scratch: np.ndarray
) -> None:
    """Same sums as the plain broadcast, in preallocated buffers (no temporaries)."""
    for d in range(points.shape[1]):
        target = out if d == 0 else scratch
        np.subtract(points[None, :, d, None], centres[:, None, :, d], out=target)
        np.multiply(target, target, out=target)
        if d:
            out += scratch


def _nearest(
    points: np.ndarray,
    centres: np.ndarray,
    *,
    with_distances: bool = True,
    columns: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Nearest centre per (restart, point) and, if asked, its squared distance.

    Works through the points in cache-sized chunks: with ~100 base centres the full
    (restarts, points, centres) array would be streamed through memory several times over.
    ``columns`` are the points' coordinates as contiguous arrays, if the caller has them.
    """
    restarts, k = centres.shape[0], centres.shape[1]
    n = len(points)
    chunk = max(1, min(n, _CHUNK_CELLS // max(1, restarts * k)))
    if columns is None:
        columns = _columns(points)
    if k <= _FEW_CENTRES and restarts * n >= _FEW_CENTRES_MIN_WORK * (k - 1):
        return _nearest_of_few(columns, centres, chunk, with_distances=with_distances)
    labels = np.empty((restarts, n), dtype=np.intp)
    nearest = np.empty((restarts, n)) if with_distances else None
    buffer = np.empty((restarts, chunk, k))
    scratch = np.empty_like(buffer)
    # (dims, restarts, 1, k): contiguous along the centres, as the distances are laid out.
    centre_columns = np.ascontiguousarray(np.moveaxis(centres, 2, 0))[:, :, None, :]
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        width = stop - start
        out, spare = buffer[:, :width], scratch[:, :width]
        # The same sums as ``_squared_distances_into``, from contiguous operands.
        for d in range(len(columns)):
            target = out if d == 0 else spare
            np.subtract(columns[d][None, start:stop, None], centre_columns[d], out=target)
            np.multiply(target, target, out=target)
            if d:
                out += spare
        best = np.argmin(out, axis=2)
        labels[:, start:stop] = best
        if nearest is not None:
            nearest[:, start:stop] = np.take_along_axis(out, best[:, :, None], axis=2)[:, :, 0]
    return labels, nearest


def _columns(points: np.ndarray) -> list[np.ndarray]:
    return [np.ascontiguousarray(points[:, d]) for d in range(points.shape[1])]


def _nearest_of_few(
    columns: list[np.ndarray], centres: np.ndarray, chunk: int, *, with_distances: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """``_nearest`` for a handful of centres (the opinion groups, k <= 5).

    The distances are laid out centre by centre, (restarts, centres, points), so every numpy
    loop runs along the points; and the running minimum over the few centres replaces
    ``argmin`` along a short last axis, which costs a call per point. Same sums, and a
    centre replaces the best so far only when strictly closer, so ties go to the first
    centre exactly as with ``argmin`` (no distance is NaN: points are finite and padding
    centres at infinity are infinitely far).
    """
    restarts, k, dims = centres.shape
    n = len(columns[0])
    # (dims, restarts, k, 1): each coordinate of each centre, broadcast along the points.
    centre_columns = np.ascontiguousarray(np.moveaxis(centres, 2, 0))[..., None]
    labels = np.empty((restarts, n), dtype=np.intp)
    nearest = np.empty((restarts, n))
    buffer = np.empty((restarts, k, chunk))
    scratch = np.empty_like(buffer)
    closer = np.empty((restarts, chunk), dtype=bool)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        width = stop - start
        out, spare = buffer[:, :, :width], scratch[:, :, :width]
        for d in range(dims):
            target = out if d == 0 else spare
            np.subtract(columns[d][None, None, start:stop], centre_columns[d], out=target)
            np.multiply(target, target, out=target)
            if d:
                out += spare
        best = nearest[:, start:stop]
        label = labels[:, start:stop]
        mask = closer[:, :width]
        best[...] = out[:, 0]
        label[...] = 0
        for c in range(1, k):
            np.less(out[:, c], best, out=mask)
            label[mask] = c
            np.minimum(best, out[:, c], out=best)
    return labels, nearest if with_distances else None


def _plus_plus(
    points: np.ndarray, weights: np.ndarray, k: int, restarts: int, rng: np.random.Generator
) -> np.ndarray:
    """Greedy k-means++ seeding (as scikit-learn does it) for several restarts at once: of a
    few D²-sampled candidates per step, keep the one that lowers the potential most."""
    n, dims = points.shape
    trials = 2 + int(np.log(k))
    if restarts == 1 and dims == 2:
        return _plus_plus_one(points, weights, k, trials, rng)
    rows = np.arange(restarts)
    centres = np.empty((restarts, k, dims))
    first = rng.choice(n, size=restarts, p=weights / weights.sum())
    centres[:, 0] = points[first]
    closest = _squared_distances(points, centres[:, :1])[:, :, 0]  # (restarts, n)
    for c in range(1, k):
        mass = np.cumsum(weights[None, :] * closest, axis=1)
        total = mass[:, -1:]
        draws = rng.random((restarts, trials)) * total
        if restarts == 1:
            # The cumulative mass is sorted, so counting entries <= draw is a binary search.
            counts = np.searchsorted(mass[0], draws[0], side="right")[None, :]
        else:
            counts = (mass[:, None, :] <= draws[:, :, None]).sum(axis=2)
        candidates = np.minimum(counts, n - 1)
        # Distances from every point to each restart's candidates: (restarts, n, trials).
        to_candidates = _squared_distances(points, points[candidates])
        trial = np.minimum(closest[:, :, None], to_candidates)
        best = np.argmin(np.einsum("n,rnt->rt", weights, trial), axis=1)
        centres[:, c] = points[candidates[rows, best]]
        closest = trial[rows, :, best]
    return centres


def _plus_plus_one(
    points: np.ndarray, weights: np.ndarray, k: int, trials: int, rng: np.random.Generator
) -> np.ndarray:
    """``_plus_plus`` for one restart of 2-D points (the 100 base clusters): the same draws
    and the same arithmetic, with a fraction of the numpy calls per centre.

    With few points, every candidate's distances come from a table of all pairwise
    distances, computed once with the same operations (the table is symmetric exactly, as
    (a - b)² = (b - a)² in floating point).
    """
    n = len(points)
    x, y = points[:, 0].copy(), points[:, 1].copy()
    table = None
    if n <= _PAIRWISE_TABLE_POINTS:
        table = (x[:, None] - x[None, :]) ** 2
        table += (y[:, None] - y[None, :]) ** 2
    chosen = [int(rng.choice(n, size=1, p=weights / weights.sum())[0])]
    if table is not None:
        closest = table[chosen[0]].copy()
    else:
        closest = (x - x[chosen[0]]) ** 2
        closest += (y - y[chosen[0]]) ** 2
    # Column views of a (1, n, trials) array, so the potentials are the very einsum above.
    trial = np.empty((1, n, trials))
    scratch = np.empty((n, trials))
    flat_trial = trial[0]
    for _ in range(1, k):
        mass = np.cumsum(weights * closest)
        draws = rng.random(trials) * mass[-1]
        candidates = np.minimum(np.searchsorted(mass, draws, side="right"), n - 1)
        if table is not None:
            np.minimum(closest[:, None], table[candidates].T, out=flat_trial)
        else:
            np.subtract(x[:, None], x[candidates], out=flat_trial)
            np.multiply(flat_trial, flat_trial, out=flat_trial)
            np.subtract(y[:, None], y[candidates], out=scratch)
            np.multiply(scratch, scratch, out=scratch)
            flat_trial += scratch
            np.minimum(closest[:, None], flat_trial, out=flat_trial)
        best = int(np.argmin(np.einsum("n,rnt->rt", weights, trial)[0]))
        chosen.append(int(candidates[best]))
        closest = flat_trial[:, best].copy()
    return points[chosen][None, :, :].copy()


def _lloyd(
    points: np.ndarray,
    weights: np.ndarray,
    centres: np.ndarray,
    max_iter: int,
    threshold: float,
    group_sizes: tuple[int, list[int]] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted Lloyd iterations for all restarts at once.

    With ``group_sizes`` = (restarts per group, k per group), the restarts form independent
    groups, each using its first k centres; a group stops (its centres freeze) on the
    iteration where it alone would have stopped.
    """
    restarts, k, dims = centres.shape
    n = len(points)
    tiled_weights = np.tile(weights, restarts)
    # The weighted coordinates do not change between rounds.
    tiled_weighted = [tiled_weights * np.tile(points[:, d], restarts) for d in range(dims)]
    columns = _columns(points)
    offsets = (np.arange(restarts) * k)[:, None]
    per_group, group_ks = group_sizes if group_sizes is not None else (restarts, [k])
    done = np.zeros(len(group_ks), dtype=bool)
    # A restart whose centres came back unchanged is at a fixed point: every later round
    # would reproduce them exactly, so only the others are recomputed.
    moving = np.ones(restarts, dtype=bool)
    for _ in range(max_iter):
        active = np.flatnonzero(moving)
        count = len(active)
        labels, _ = _nearest(points, centres[active], with_distances=False, columns=columns)
        flat = (labels + offsets[:count]).ravel()
        totals = np.bincount(flat, weights=tiled_weights[: count * n], minlength=count * k)
        sums = np.empty((count * k, dims))
        for d, w in enumerate(tiled_weighted):
            sums[:, d] = np.bincount(flat, weights=w[: count * n], minlength=count * k)
        totals = totals.reshape(count, k)
        sums = sums.reshape(count, k, dims)
        # An emptied cluster keeps its old centre; it ends up unused and the caller's
        # renumbering drops it. Padding centres (at infinity) are never anyone's nearest.
        updated = centres.copy()
        updated[active] = np.where(
            totals[:, :, None] > 0, sums / np.maximum(totals, 1e-300)[:, :, None], centres[active]
        )
        moving &= ~(updated == centres).all(axis=(1, 2))
        for g, group_k in enumerate(group_ks):
            if done[g]:
                continue
            rows = slice(g * per_group, (g + 1) * per_group)
            shift = ((updated[rows, :group_k] - centres[rows, :group_k]) ** 2).sum(axis=(1, 2))
            done[g] = (shift <= threshold).all()
            if done[g]:
                # Frozen from here on: its restarts are never recomputed.
                moving[rows] = False
        centres = updated
        if done.all() or not moving.any():
            break
    labels, chosen = _nearest(points, centres, columns=columns)
    assert chosen is not None
    inertia = chosen @ weights
    return labels.astype(np.int32), centres, inertia

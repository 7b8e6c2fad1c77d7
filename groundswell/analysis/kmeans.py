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
# Up to this many distances (restarts x points x centres), ``_nearest`` computes them all at
# once: below it, fixed per-call costs outweigh everything else.
_SMALL_CELLS = 2_048
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
    table = squared_distance_table(points) if len(points) <= _PAIRWISE_TABLE_POINTS else None
    # Separate calls each seed from a fresh generator, so k-means++ for k centres draws the
    # same numbers as for more centres, in the same order, whenever both take the same number
    # of trials a step: its centres are the first k of the longer run. One run per trial count.
    widest_by_trials: dict[int, int] = {}
    for k in ks:
        widest_by_trials[_trials(k)] = max(k, widest_by_trials.get(_trials(k), 0))
    seeded = {
        trials: _plus_plus(points, weights, k, n_init, np.random.default_rng(seed), table=table)
        for trials, k in widest_by_trials.items()
    }
    for g, k in enumerate(ks):
        starts[g * n_init : (g + 1) * n_init, :k] = seeded[_trials(k)][:, :k]
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
    """scikit-learn's convention: tol is relative to the data's mean variance.

    The weighted means are ``np.average``'s own arithmetic, without its call overhead.
    """
    total = weights.sum()
    centre = (points * weights[:, None]).sum(axis=0) / total
    spread = ((points - centre) ** 2).sum(axis=1)
    variance = float((spread * weights).sum() / total)
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
    if columns is None:
        columns = _columns(points)
    if restarts * n * k <= _SMALL_CELLS:
        return _nearest_small(columns, centres, with_distances=with_distances)
    chunk = max(1, min(n, _CHUNK_CELLS // max(1, restarts * k)))
    if k <= _FEW_CENTRES and restarts * n >= _FEW_CENTRES_MIN_WORK * (k - 1):
        return _nearest_of_few(columns, centres, chunk, with_distances=with_distances)
    labels = np.empty((restarts, n), dtype=np.intp)
    nearest = np.empty((restarts, n)) if with_distances else None
    buffer = np.empty((restarts, chunk, k))
    scratch = np.empty_like(buffer)
    # (dims, restarts, 1, k): contiguous along the centres, as the distances are laid out.
    centre_columns = np.ascontiguousarray(centres.transpose(2, 0, 1))[:, :, None, :]
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
        best = out.argmin(axis=2)
        labels[:, start:stop] = best
        if nearest is not None:
            nearest[:, start:stop] = np.take_along_axis(out, best[:, :, None], axis=2)[:, :, 0]
    return labels, nearest


def _nearest_small(
    columns: list[np.ndarray], centres: np.ndarray, *, with_distances: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """``_nearest`` for a few thousand distances: the same sums in one (restarts, points,
    centres) array, built with the fewest numpy calls."""
    total = None
    for d, column in enumerate(columns):
        term = column[None, :, None] - centres[:, None, :, d]
        term *= term
        if total is None:
            total = term
        else:
            total += term
    assert total is not None
    labels = total.argmin(axis=2)
    # The smallest distance is the one at the first nearest centre, whichever is taken.
    return labels, total.min(axis=2) if with_distances else None


def _columns(points: np.ndarray) -> list[np.ndarray]:
    return [np.ascontiguousarray(points[:, d]) for d in range(points.shape[1])]


def _nearest_of_few(
    columns: list[np.ndarray], centres: np.ndarray, chunk: int, *, with_distances: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """``_nearest`` for a handful of centres (the opinion groups, k <= 5).

    The distances are laid out centre by centre, (centres, restarts, points), so every numpy
    loop runs along the points (along all restarts' points, for the running minimum over
    the centres when all points fit in one chunk); and that running minimum replaces
    ``argmin`` along a short last axis, which costs a call per point. Same sums, and a
    centre replaces the best so far only when strictly closer, so ties go to the first
    centre exactly as with ``argmin`` (no distance is NaN: points are finite and padding
    centres at infinity are infinitely far).
    """
    restarts, k, dims = centres.shape
    n = len(columns[0])
    # (dims, k, restarts, 1): each coordinate of each centre, broadcast along the points.
    centre_columns = np.ascontiguousarray(centres.transpose(2, 1, 0))[..., None]
    labels = np.empty((restarts, n), dtype=np.intp)
    nearest = np.empty((restarts, n))
    buffer = np.empty((k, restarts, chunk))
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
        best[...] = out[0]
        label[...] = 0
        for c in range(1, k):
            np.less(out[c], best, out=mask)
            np.putmask(label, mask, c)
            np.minimum(best, out[c], out=best)
    return labels, nearest if with_distances else None


def _plus_plus(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    restarts: int,
    rng: np.random.Generator,
    *,
    table: np.ndarray | None = None,
) -> np.ndarray:
    """Greedy k-means++ seeding (as scikit-learn does it) for several restarts at once: of a
    few D²-sampled candidates per step, keep the one that lowers the potential most.

    With at most ``_PAIRWISE_TABLE_POINTS`` points, every candidate's distances come from
    ``table`` (``squared_distance_table(points)``, made here if not given): the same numbers, as
    (a - b)² = (b - a)² in floating point, looked up instead of computed per step.
    """
    n, dims = points.shape
    trials = _trials(k)
    if table is None and n <= min(_PAIRWISE_TABLE_POINTS, 2 * restarts * trials * (k - 1)):
        # Only when the steps would compute about as many distances as the table holds.
        table = squared_distance_table(points)
    if restarts == 1 and dims == 2:
        return _plus_plus_one(points, weights, k, trials, rng, table)
    rows = np.arange(restarts)
    centres = np.empty((restarts, k, dims))
    first = _weighted_choice(rng, weights, restarts)
    centres[:, 0] = points[first]
    if table is not None:
        closest = table[first]  # (restarts, n)
    else:
        closest = _squared_distances(points, centres[:, :1])[:, :, 0]
    # Every step's draws at once: the generator yields the same numbers in the same order.
    all_draws = rng.random((k - 1, restarts, trials))
    # (restarts, n, trials), C-ordered as the einsum below has always summed it.
    trial = np.empty((restarts, n, trials))
    for c in range(1, k):
        mass = (weights[None, :] * closest).cumsum(axis=1)
        total = mass[:, -1:]
        draws = all_draws[c - 1] * total
        if restarts == 1:
            # The cumulative mass is sorted, so counting entries <= draw is a binary search.
            counts = np.searchsorted(mass[0], draws[0], side="right")[None, :]
        else:
            counts = (mass[:, None, :] <= draws[:, :, None]).sum(axis=2)
        candidates = np.minimum(counts, n - 1)
        # Distances from every point to each restart's candidates: (restarts, n, trials).
        if table is not None:
            np.minimum(closest[:, :, None], table[candidates].transpose(0, 2, 1), out=trial)
        else:
            np.minimum(
                closest[:, :, None], _squared_distances(points, points[candidates]), out=trial
            )
        best = np.einsum("n,rnt->rt", weights, trial).argmin(axis=1)
        centres[:, c] = points[candidates[rows, best]]
        closest = trial[rows, :, best]
    return centres


def _trials(k: int) -> int:
    """Candidates a k-means++ step draws, as scikit-learn chooses them."""
    return 2 + int(np.log(k))


def squared_distance_table(points: np.ndarray) -> np.ndarray:
    """Squared distances between all points, summed over coordinates in order (as
    ``_squared_distances`` and ``.sum(axis=-1)`` sum them); exactly symmetric."""
    table = (points[:, None, 0] - points[None, :, 0]) ** 2
    for d in range(1, points.shape[1]):
        table += (points[:, None, d] - points[None, :, d]) ** 2
    return table


def _weighted_choice(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``rng.choice(len(weights), size=size, p=weights / weights.sum())``: numpy's own steps,
    so the same draws and the same indices, without its argument checks (which cost
    several times the draw on a few hundred points)."""
    cdf = (weights / weights.sum()).cumsum()
    cdf /= cdf[-1]
    return cdf.searchsorted(rng.random(size), side="right")


def _plus_plus_one(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    trials: int,
    rng: np.random.Generator,
    table: np.ndarray | None,
) -> np.ndarray:
    """``_plus_plus`` for one restart of 2-D points (the 100 base clusters): the same draws
    and the same arithmetic, with a fraction of the numpy calls per centre."""
    n = len(points)
    chosen = [int(_weighted_choice(rng, weights, 1)[0])]
    all_draws = rng.random((k - 1, trials))
    if table is not None:
        # Weighted distances throughout: w * min(a, b) == min(w * a, w * b) exactly, since
        # rounding is monotonic, so the masses and potentials are the very same numbers
        # (the einsum multiplies by one and sums in the same order), one product fewer a step.
        weighted_table = table * weights[None, :]
        ones = np.ones(n)
        weighted_closest = weighted_table[chosen[0]].copy()
        weighted_trial = np.empty((n, trials))
        for draws in all_draws:
            mass = weighted_closest.cumsum()
            candidates = mass[:-1].searchsorted(draws * mass[-1], side="right")
            np.minimum(weighted_closest[:, None], weighted_table[candidates].T, out=weighted_trial)
            best = int(np.einsum("n,nt->t", ones, weighted_trial).argmin())
            chosen.append(int(candidates[best]))
            weighted_closest = weighted_trial[:, best].copy()
        return points[chosen][None, :, :].copy()
    x, y = points[:, 0].copy(), points[:, 1].copy()
    closest = (x - x[chosen[0]]) ** 2
    closest += (y - y[chosen[0]]) ** 2
    # Column views of a (1, n, trials) array, so the potentials are the very einsum above.
    trial = np.empty((1, n, trials))
    scratch = np.empty((n, trials))
    flat_trial = trial[0]
    for draws in all_draws:
        mass = (weights * closest).cumsum()
        # Entries <= draw among all but the last: the count, at most n - 1.
        candidates = mass[:-1].searchsorted(draws * mass[-1], side="right")
        np.subtract(x[:, None], x[candidates], out=flat_trial)
        np.multiply(flat_trial, flat_trial, out=flat_trial)
        np.subtract(y[:, None], y[candidates], out=scratch)
        np.multiply(scratch, scratch, out=scratch)
        flat_trial += scratch
        np.minimum(closest[:, None], flat_trial, out=flat_trial)
        best = int(np.einsum("n,rnt->rt", weights, trial)[0].argmin())
        chosen.append(int(candidates[best]))
        closest = flat_trial[:, best].copy()
    return points[chosen][None, :, :].copy()


def _any_per_restart(flags: np.ndarray) -> np.ndarray:
    """``flags.any(axis=(1, 2))`` without the Python-level wrapper."""
    return np.logical_or.reduce(flags.reshape(len(flags), -1), axis=1)


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
        active = moving.nonzero()[0]
        count = len(active)
        everyone = count == restarts
        current = centres if everyone else centres[active]
        labels, _ = _nearest(points, current, with_distances=False, columns=columns)
        flat = (labels + offsets[:count]).ravel()
        totals = np.bincount(flat, weights=tiled_weights[: count * n], minlength=count * k)
        sums = np.empty((count * k, dims))
        for d, w in enumerate(tiled_weighted):
            sums[:, d] = np.bincount(flat, weights=w[: count * n], minlength=count * k)
        totals = totals.reshape(count, k)
        sums = sums.reshape(count, k, dims)
        # An emptied cluster keeps its old centre; it ends up unused and the caller's
        # renumbering drops it. Padding centres (at infinity) are never anyone's nearest.
        moved = np.where(
            totals[:, :, None] > 0, sums / np.maximum(totals, 1e-300)[:, :, None], current
        )
        if everyone:
            updated = moved
            moving = _any_per_restart(moved != current)
        else:
            updated = centres.copy()
            updated[active] = moved
            moving[active] = _any_per_restart(moved != current)
        for g, group_k in enumerate(group_ks):
            if done[g]:
                continue
            rows = slice(g * per_group, (g + 1) * per_group)
            # ``.sum(axis=(1, 2))`` and ``.all()`` without their Python wrappers.
            shift = np.add.reduce(
                (updated[rows, :group_k] - centres[rows, :group_k]) ** 2, axis=(1, 2)
            )
            done[g] = np.maximum.reduce(shift) <= threshold
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

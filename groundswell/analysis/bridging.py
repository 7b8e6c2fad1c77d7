"""Bridging: support that holds across divides, declared or latent.

*Perspective bridging* uses what people say about themselves (role, sector, ...): a statement
bridges when every perspective agrees with it, so its score is the lowest smoothed agree rate
over the perspectives (the geometric mean is reported too).

*Latent bridging* follows Community Notes' note ranking (Wojcik et al., "Birdwatch: Crowd
Wisdom and Bridging Algorithms can Inform Understanding and Reduce the Spread of
Misinformation", 2022): fit vote ≈ μ + b_participant + b_statement + f_participant · f_statement
with heavier L2 regularisation on the intercepts than on the factors. Agreement that lines up
with the opinion axes is cheaper to explain through the factors, so the statement intercept
b_statement keeps only the support shared across the axes; it is the bridging score.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from groundswell.analysis.matrix import VoteMatrix, active_statements
from groundswell.analysis.pca import Projection, project
from groundswell.analysis.prepared import PreparedVotes, prepare_votes

# Community Notes' values: λ_factor = 0.03 and intercepts 5x heavier.
LAMBDA_FACTOR = 0.03
LAMBDA_INTERCEPT = 0.15


@dataclass(frozen=True, eq=False)
class PerspectiveBridging:
    perspectives: tuple[str, ...]
    n_members: np.ndarray  # (p,) participants with a vote, per perspective
    n_agree: np.ndarray  # (p, m)
    n_seen: np.ndarray  # (p, m)
    agree_rate: np.ndarray  # (p, m) smoothed: (agree + 1) / (seen + 2)
    score: np.ndarray  # (m,) lowest smoothed agree rate over perspectives
    geometric_mean: np.ndarray  # (m,)
    weakest: np.ndarray  # (m,) index into ``perspectives`` of the least supportive one


@dataclass(frozen=True, eq=False)
class LatentBridging:
    """Fitted factor model; statement arrays are over analysed (active) statements."""

    mean: float
    statement_intercepts: np.ndarray  # (m,) the bridging score
    statement_factors: np.ndarray  # (m, k)
    participant_intercepts: np.ndarray  # (n,)
    participant_factors: np.ndarray  # (n, k)
    iterations: int
    converged: bool


def perspective_bridging(
    *,
    votes: VoteMatrix,
    perspectives: Sequence[str | None],
    moderated_out: Collection[object] = (),
    min_voters: int = 1,
) -> PerspectiveBridging:
    """Bridging across declared perspectives; ``perspectives[i]`` labels participant row i.

    Participants with no label (None or "") are left out. Scores cover every statement;
    moderated-out statements score NaN. A perspective with fewer than ``min_voters`` votes on a
    statement counts there as if none of it had voted (agreement 1/2): its rate, and so the
    score, then tell nothing of how those one or two people voted.
    """
    active = active_statements(statement_ids=votes.statement_ids, moderated_out=moderated_out)
    prepared = prepare_votes(votes=votes, active=active)
    result = perspective_bridging_prepared(
        prepared=prepared, perspectives=perspectives, min_voters=min_voters
    )
    return _expand_perspectives(result, active)


def perspective_bridging_prepared(
    *, prepared: PreparedVotes, perspectives: Sequence[str | None], min_voters: int = 1
) -> PerspectiveBridging:
    labels_in = np.asarray(perspectives)
    if labels_in.dtype.kind != "U":
        # Anything but an array of strings may hold None (no label) or non-string labels.
        labels_in = np.asarray(["" if p is None else str(p) for p in perspectives], dtype=str)
    if labels_in.shape != (prepared.shape[0],):
        raise ValueError("perspectives must give one label (or None) per participant")
    names, codes = np.unique(labels_in, return_inverse=True)
    codes = codes.reshape(-1)
    has_label = names != ""
    mapping = np.full(len(names), -1)
    mapping[has_label] = np.arange(int(has_label.sum()))
    codes = mapping[codes]
    codes[prepared.n_votes == 0] = -1
    names = names[has_label]
    p = len(names)
    n_agree, _, n_seen = prepared.group_counts(labels=codes, n_groups=p)
    m = prepared.shape[1]
    n_members = np.bincount(codes[codes >= 0], minlength=p)
    present = n_members > 0
    rate = (n_agree + 1) / (n_seen + 2)
    if min_voters > 1:
        rate = np.where(n_seen >= min_voters, rate, 0.5)
    if present.any():
        considered = np.where(present[:, None], rate, np.inf)
        weakest = np.argmin(considered, axis=0)
        score = considered[weakest, np.arange(m)]
        geometric = np.exp(np.log(rate[present]).mean(axis=0))
    else:
        weakest = np.zeros(m, dtype=np.int64)
        score = np.full(m, np.nan)
        geometric = np.full(m, np.nan)
    return PerspectiveBridging(
        perspectives=tuple(str(x) for x in names),
        n_members=n_members,
        n_agree=n_agree,
        n_seen=n_seen,
        agree_rate=rate,
        score=score,
        geometric_mean=geometric,
        weakest=weakest,
    )


def _expand_perspectives(result: PerspectiveBridging, active: np.ndarray) -> PerspectiveBridging:
    if active.all():
        return result

    def widen(array: np.ndarray, fill: float) -> np.ndarray:
        shape = (*array.shape[:-1], len(active))
        out = np.full(shape, fill, dtype=np.float64)
        out[..., active] = array
        return out

    return PerspectiveBridging(
        perspectives=result.perspectives,
        n_members=result.n_members,
        n_agree=widen(result.n_agree, 0),
        n_seen=widen(result.n_seen, 0),
        agree_rate=widen(result.agree_rate, np.nan),
        score=widen(result.score, np.nan),
        geometric_mean=widen(result.geometric_mean, np.nan),
        weakest=widen(result.weakest, -1).astype(np.int64),
    )


def latent_bridging(
    *,
    votes: VoteMatrix,
    n_factors: int = 2,
    moderated_out: Collection[object] = (),
    lambda_intercept: float = LAMBDA_INTERCEPT,
    lambda_factor: float = LAMBDA_FACTOR,
    max_iter: int = 30,
    tol: float = 1e-4,
    seed: int = 0,
) -> LatentBridging:
    """Community Notes-style factor model; see :func:`fit_latent_bridging` for the method."""
    active = active_statements(statement_ids=votes.statement_ids, moderated_out=moderated_out)
    prepared = prepare_votes(votes=votes, active=active)
    projection = project(prepared=prepared, n_components=min(n_factors, 2), seed=seed)
    return fit_latent_bridging(
        prepared=prepared,
        start_factors=factors_from_projection(projection=projection, n_factors=n_factors),
        n_factors=n_factors,
        lambda_intercept=lambda_intercept,
        lambda_factor=lambda_factor,
        max_iter=max_iter,
        tol=tol,
        seed=seed,
    )


def fit_latent_bridging(
    *,
    prepared: PreparedVotes,
    n_factors: int = 2,
    lambda_intercept: float = LAMBDA_INTERCEPT,
    lambda_factor: float = LAMBDA_FACTOR,
    max_iter: int = 30,
    tol: float = 1e-4,
    seed: int = 0,
    start_factors: np.ndarray | None = None,
    start_intercepts: np.ndarray | None = None,
    start_mean: float | None = None,
) -> LatentBridging:
    """Alternating least squares on the sparse votes.

    Ratings follow Community Notes' scale: agree 1, pass 0.5 (its "somewhat"), disagree 0.
    Like Community Notes, whose loss averages both the errors and the squared parameters, each
    participant's (statement's) ridge penalty equals λ times the mean number of votes per
    participant (statement), so the balance between data and prior does not depend on size.
    Each half-step solves one small (k+1)x(k+1) system per participant or statement, with the
    normal equations assembled by sparse-times-thin-dense products.

    ``start_*`` warm-start from a previous fit (statement side, aligned to these columns).
    """
    values = prepared.values
    seen = prepared.seen()
    n, m = values.shape
    k = n_factors
    total = float(values.nnz)
    if total == 0:
        return LatentBridging(
            0.0, np.zeros(m), np.zeros((m, k)), np.zeros(n), np.zeros((n, k)), 0, True
        )
    # Σ ratings on the 0..1 scale from the ±1 values: (Σ v + N) / 2.
    ratings_sum = (float(values.data.sum(dtype=np.float64)) + total) / 2
    n_per_participant = prepared.n_votes.astype(np.float64)
    n_per_statement = prepared.n_per_statement.astype(np.float64)
    reg_participant = _ridge(
        lambda_intercept, lambda_factor, k, total / max(1, int((n_per_participant > 0).sum()))
    )
    reg_statement = _ridge(
        lambda_intercept, lambda_factor, k, total / max(1, int((n_per_statement > 0).sum()))
    )

    rng = np.random.default_rng(seed)
    factors_s = 0.1 * rng.standard_normal((m, k))
    if start_factors is not None:
        usable = min(k, start_factors.shape[1])
        factors_s[:, :usable] = start_factors[:, :usable]
    intercepts_s = np.zeros(m) if start_intercepts is None else start_intercepts.copy()
    mean = ratings_sum / total if start_mean is None else float(start_mean)
    intercepts_u = np.zeros(n)
    factors_u = np.zeros((n, k))

    # The dense half-step keeps factors transposed, (k, rows); the sparse one (rows, k).
    half_step: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]
    participant_side: _Side | _DenseSide
    statement_side: _Side | _DenseSide
    dense = prepared.dense() if k == 2 else None
    if dense is not None:
        # A Pol.is-sized conversation: sparse products there are mostly call overhead.
        dense_values, dense_seen = dense
        participant_side = _DenseSide.build(
            values_t=dense_values.T, seen_t=dense_seen.T, ridge=reg_participant
        )
        statement_side = _DenseSide.build(
            values_t=dense_values, seen_t=dense_seen, ridge=reg_statement
        )
        half_step = _dense_half_step
        factors_s = np.ascontiguousarray(factors_s.T)
    else:
        # Transposed views built once: scipy makes a new object on every ``.T``.
        values_t, seen_t = values.T, seen.T
        # What does not change between rounds: each row's vote count (the Gram matrix's
        # (0, 0) entry) and its sum of ±1 votes (Σ v·1). Both are whole numbers, which the
        # float32 products computed exactly, so taking them out of the loop changes no result.
        participant_side = _Side(
            values=values, seen=seen, ridge=reg_participant, counts=n_per_participant,
            net_sums=_row_sums(values),
        )  # fmt: skip
        statement_side = _Side(
            values=values_t, seen=seen_t, ridge=reg_statement, counts=n_per_statement,
            net_sums=_row_sums(values_t),
        )  # fmt: skip
        half_step = _half_step
    converged = False
    iteration = 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        intercepts_u, factors_u, _ = half_step(
            side=participant_side, other_factors=factors_s, other_intercepts=intercepts_s,
            mean=mean,
        )  # fmt: skip
        new_intercepts_s, factors_s, seen_factor_u = half_step(
            side=statement_side, other_factors=factors_u, other_intercepts=intercepts_u,
            mean=mean,
        )  # fmt: skip
        # Re-estimate the global mean from the residuals, with everything else fixed; the
        # statement step already summed each statement's participant factors.
        interaction = float(np.sum(seen_factor_u * factors_s))
        residual = (
            ratings_sum
            - float(n_per_participant @ intercepts_u)
            - float(n_per_statement @ new_intercepts_s)
            - interaction
        )
        mean = residual / total
        change = float(np.abs(new_intercepts_s - intercepts_s).max()) if m else 0.0
        intercepts_s = new_intercepts_s
        if change < tol:
            converged = True
            break
    if half_step is _dense_half_step:
        factors_s, factors_u = factors_s.T.copy(), factors_u.T.copy()
    return LatentBridging(
        mean=mean,
        statement_intercepts=intercepts_s,
        statement_factors=factors_s,
        participant_intercepts=intercepts_u,
        participant_factors=factors_u,
        iterations=iteration,
        converged=converged,
    )


def factors_from_projection(*, projection: Projection, n_factors: int) -> np.ndarray:
    """Statement factors to start ALS from: the principal axes, which already point along
    the opinion divides and, unlike a random start, do not depend on row or column order."""
    m = projection.components.shape[1]
    usable = min(n_factors, projection.components.shape[0])
    # Unit axes have entries ~1/sqrt(m); rescale to the size votes on a 0..1 scale need.
    # Any further factors keep their random start: a zero start would stay zero under ALS.
    return projection.components[:usable].T * np.sqrt(m) * 0.1


def _ridge(lambda_intercept: float, lambda_factor: float, k: int, scale: float) -> np.ndarray:
    return np.array([lambda_intercept] + [lambda_factor] * k) * scale


@dataclass(frozen=True, eq=False)
class _Side:
    """One side of the factor model (participants or statements): its rows of the votes."""

    values: sp.spmatrix  # ±1 / 0 votes, a row per participant (statement)
    seen: sp.spmatrix  # 1 per vote
    ridge: np.ndarray
    counts: np.ndarray  # votes per row, float64
    net_sums: np.ndarray  # Σ ±1 votes per row, float64


def _row_sums(matrix: sp.spmatrix) -> np.ndarray:
    ones = np.ones((matrix.shape[1], 1), dtype=np.float32)
    return np.asarray(matrix @ ones, dtype=np.float64)[:, 0]


def _half_step(
    *,
    side: _Side,
    other_factors: np.ndarray,
    other_intercepts: np.ndarray,
    mean: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve for one side's (intercept, factors) with the other side held fixed.

    Row i's normal equations are (Σ_j y_j y_jᵀ + diag(ridge)) x_i = Σ_j (r_ij - μ - b_j) y_j
    with y_j = (1, f_j); every sum over a row's votes is one column of a sparse product
    (apart from Σ 1 and Σ v, which do not change and come with ``side``).
    Also returns Σ_j f_j per row, which the global mean's update needs.
    """
    q = other_factors.shape[1] + 1
    upper_i, upper_j = _upper(q)
    n_pairs = len(upper_i)
    n_other = len(other_intercepts)
    design = np.empty((n_other, q))
    design[:, 0] = 1.0
    design[:, 1:] = other_factors
    # float32 operands, like the votes: scipy would otherwise upcast the whole sparse matrix.
    # The products y_a y_b for a <= b without the constant (0, 0) one, then b_j y_j.
    thin = np.empty((n_other, n_pairs - 1 + q), dtype=np.float32)
    np.multiply(
        design[:, upper_i[1:]], design[:, upper_j[1:]], out=thin[:, : n_pairs - 1],
        casting="unsafe",
    )  # fmt: skip
    np.multiply(other_intercepts[:, None], design, out=thin[:, n_pairs - 1 :], casting="unsafe")
    summed = side.seen @ thin
    rows = summed.shape[0]
    gram_flat = np.empty((rows, n_pairs))
    gram_flat[:, 0] = side.counts
    gram_flat[:, 1:] = summed[:, : n_pairs - 1]
    offset_sum = np.asarray(summed[:, n_pairs - 1 :], dtype=np.float64)
    # Σ r y with r = (v + 1) / 2, from the ±1 values: (Σ v y + Σ y) / 2.
    net = np.empty((rows, q))
    net[:, 0] = side.net_sums
    net[:, 1:] = side.values @ other_factors.astype(np.float32)
    seen_design = gram_flat[:, :q]  # the (0, b) products are Σ y_b
    rhs = (net + seen_design) / 2 - offset_sum - mean * seen_design
    solution = _solve_small(gram_flat, side.ridge, rhs)
    return solution[:, 0], solution[:, 1:], seen_design[:, 1:]


@functools.cache
def _upper(q: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(q)


def _solve_small(gram_flat: np.ndarray, ridge: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Batched solves of (gram + diag(ridge)) x = rhs; ``gram_flat`` holds each symmetric
    matrix's upper triangle, row by row.

    For the usual 3x3 case (intercept + two factors) an explicit adjugate is several times
    faster than ``np.linalg.solve``'s per-call set-up on small inputs; the ridge keeps every
    system well conditioned.
    """
    q = rhs.shape[1]
    upper_i, upper_j = _upper(q)
    if q != 3:
        gram = np.empty((len(rhs), q, q))
        gram[:, upper_i, upper_j] = gram_flat
        gram[:, upper_j, upper_i] = gram_flat
        gram[:, np.arange(q), np.arange(q)] += ridge
        return np.linalg.solve(gram, rhs[:, :, None])[:, :, 0]
    if len(rhs) > _SOLVE_CHUNK:
        # Bounded temporaries for a million participants; every system is solved alone.
        solution = np.empty_like(rhs)
        for start in range(0, len(rhs), _SOLVE_CHUNK):
            rows = slice(start, start + _SOLVE_CHUNK)
            solution[rows] = _solve_3x3(gram_flat[rows], ridge, rhs[rows])
        return solution
    return _solve_3x3(gram_flat, ridge, rhs)


def _solve_3x3(gram_flat: np.ndarray, ridge: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    # The symmetric matrix [[a b c] [b d e] [c e f]], one row per entry, so that each step
    # below is one numpy call over all systems (the same products and sums, in the same
    # order, as writing every cofactor out).
    entries = gram_flat.T.copy()
    entries[_DIAGONAL] += ridge[:, None]
    a, b, c = entries[0], entries[1], entries[2]
    # Cofactors c00, c01, c02, c11, c12, c22 as left * right - left2 * right2:
    # d f - e e, c e - b f, b e - c d, a f - c c, b c - a e, a d - b b.
    cofactors = entries[_COF_L1] * entries[_COF_R1] - entries[_COF_L2] * entries[_COF_R2]
    det = a * cofactors[0] + b * cofactors[1] + c * cofactors[2]
    x, y, z = rhs[:, 0], rhs[:, 1], rhs[:, 2]
    # Row r of the adjugate times (x, y, z): rows (c00 c01 c02), (c01 c11 c12), (c02 c12 c22).
    solution = cofactors[_ADJ_X] * x + cofactors[_ADJ_Y] * y + cofactors[_ADJ_Z] * z
    solution /= det
    return solution.T.copy()  # row-major, as callers (and their sums) expect


@dataclass(frozen=True, eq=False)
class _DenseSide:
    """One side of the two-factor model on dense copies of a small vote matrix.

    Arrays are transposed: their columns are this side's rows (participants or statements),
    so each quantity below is one contiguous row and each step one numpy call for all rows.
    """

    seen_t: np.ndarray  # (other side's rows, rows) 1.0 per vote
    targets_t: np.ndarray  # half the ±1 / 0 votes over seen_t: (2 x other side's rows, rows)
    ridge: np.ndarray  # (6, 1) added to the flattened upper triangle of each Gram matrix
    design: np.ndarray  # (6, other side's rows) scratch: 1, f1, f2, f1², f1 f2, f2²
    weights: np.ndarray  # (3, 2 x other side's rows) scratch: y, then (1/2 - μ - b) y

    @classmethod
    def build(cls, *, values_t: np.ndarray, seen_t: np.ndarray, ridge: np.ndarray) -> _DenseSide:
        ridge_flat = np.zeros((6, 1))
        ridge_flat[_DIAGONAL, 0] = ridge
        other = values_t.shape[0]
        design = np.empty((6, other))
        design[0] = 1.0
        weights = np.empty((3, 2 * other))
        weights[0, :other] = 1.0
        return cls(
            seen_t=np.ascontiguousarray(seen_t),
            # Halving is exact, so the product below gives Σ (v / 2) y without rounding more.
            targets_t=np.concatenate([values_t / 2, seen_t]),
            ridge=ridge_flat,
            design=design,
            weights=weights,
        )


def _dense_half_step(
    *,
    side: _DenseSide,
    other_factors: np.ndarray,
    other_intercepts: np.ndarray,
    mean: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_half_step`` for two factors on a ``_DenseSide``; factors are (2, rows) here.

    The same normal equations, with y_j = (1, f_j): one product gives the upper triangle of
    every row's Σ y yᵀ (Σ y first), and one the right-hand side Σ (r - μ - b_j) y_j, which
    with r = (v + 1) / 2 is Σ (v / 2) y_j + Σ (1/2 - μ - b_j) y_j over the row's votes.
    """
    other = other_factors.shape[1]
    design = side.design
    design[1:3] = other_factors
    np.multiply(other_factors[0], other_factors, out=design[3:5])
    np.multiply(other_factors[1], other_factors[1], out=design[5])
    weights = side.weights
    weights[1:3, :other] = other_factors
    np.multiply(design[:3], (0.5 - mean) - other_intercepts, out=weights[:, other:])
    gram = design @ side.seen_t
    rhs = weights @ side.targets_t
    solution = _adjugate_solve(gram + side.ridge, rhs)
    return solution[0], solution[1:], gram[1:3]


def _adjugate_solve(entries: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve each symmetric 3 x 3 system; ``entries`` (6, systems) holds the upper
    triangles row by row, ``rhs`` is (3, systems) and so is the solution."""
    factors = entries.take(_COF_FACTORS, axis=0)
    products = factors[:12] * factors[12:]
    cofactors = products[:6] - products[6:]
    det = np.einsum("cn,cn->n", entries[:3], cofactors[:3])
    return np.einsum("crn,cn->rn", cofactors.take(_ADJ_ALL, axis=0), rhs) / det


# Systems solved per batch in ``_solve_small``.
_SOLVE_CHUNK = 32_768
# Where a, d and f sit in the flattened upper triangle.
_DIAGONAL = np.array([0, 3, 5])
_COF_L1, _COF_R1 = np.array([3, 2, 1, 0, 1, 0]), np.array([5, 4, 4, 5, 2, 3])
_COF_L2, _COF_R2 = np.array([4, 1, 2, 2, 0, 1]), np.array([4, 5, 3, 2, 4, 1])
_ADJ_X, _ADJ_Y, _ADJ_Z = np.array([0, 1, 2]), np.array([1, 3, 4]), np.array([2, 4, 5])
# Every cofactor's four entries: the left factors of both products, then the right ones.
_COF_FACTORS = np.concatenate([_COF_L1, _COF_L2, _COF_R1, _COF_R2])
# (3, 3) gather: [c][r] is the cofactor that multiplies rhs c in solution row r.
_ADJ_ALL = np.stack([_ADJ_X, _ADJ_Y, _ADJ_Z])

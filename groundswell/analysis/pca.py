"""Pol.is-style PCA of a sparse vote matrix.

Pol.is fills each missing vote with its statement's mean and then centres every column. After
centring, a missing cell is exactly zero, so the centred matrix has the sparsity of the votes
themselves and its top singular vectors can be found by block power iteration with sparse
products, without ever densifying participants x statements. (A Pol.is-sized conversation is
small enough to multiply by the dense statements x statements Gram matrix instead.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from groundswell.analysis.prepared import PreparedVotes

_OVERSAMPLE = 6
# Up to this many participant x statement cells (and statement x statement cells), each
# round multiplies by the small dense Gram matrix XᵀX, formed once, instead of making two
# sparse products: on a Pol.is-sized conversation each sparse product is mostly call overhead.
_DENSE_GRAM_CELLS = 100_000


@dataclass(frozen=True, eq=False)
class Projection:
    center: np.ndarray  # (m,) mean vote of each analysed statement over those who saw it
    components: np.ndarray  # (n_components, m) unit principal axes in statement space
    coordinates: np.ndarray  # (n, n_components) participants, with Pol.is sparsity scaling
    singular_values: np.ndarray  # (n_components,)
    iterations: int


def centred_values(*, prepared: PreparedVotes) -> tuple[np.ndarray, sp.csr_matrix]:
    """Column means over seen cells, and the centred matrix (missing cells stay zero)."""
    values = prepared.values
    m = values.shape[1]
    counts = prepared.n_per_statement.astype(np.float64)
    dense = prepared.dense()
    if dense is not None:
        # Sums of ±1 votes are whole numbers: exact, as in the float32 product.
        sums = dense[0].sum(axis=0)
    else:
        ones = np.ones(values.shape[0], dtype=np.float32)
        sums = np.asarray(values.T @ ones, dtype=np.float64)
    center = np.divide(sums, counts, out=np.zeros(m), where=counts > 0)
    data = values.data - center.astype(np.float32)[values.indices]
    return center, prepared.with_data(data)


def project(
    *,
    prepared: PreparedVotes,
    n_components: int = 2,
    start: np.ndarray | None = None,
    seed: int = 0,
    max_iter: int = 100,
    tol: float = 1e-6,
) -> Projection:
    """Principal axes of the mean-imputed, centred votes and each participant's position.

    ``start`` (n_components x m) warm-starts the iteration, e.g. from a previous result's
    components; after a few new votes the iteration then stops within two or three rounds.
    """
    center, centred = centred_values(prepared=prepared)
    n, m = centred.shape
    k = max(0, min(n_components, n, m))
    if k == 0 or centred.nnz == 0:
        comps = np.zeros((n_components, m))
        return Projection(center, comps, np.zeros((n, n_components)), np.zeros(n_components), 0)
    components, singular, iterations = _top_right_singular_vectors(
        centred=centred, k=k, start=start, seed=seed, max_iter=max_iter, tol=tol
    )
    if k < n_components:
        components = np.vstack([components, np.zeros((n_components - k, m))])
        singular = np.concatenate([singular, np.zeros(n_components - k)])
    raw = np.asarray(centred @ components.T.astype(np.float32), dtype=np.float64)
    coordinates = raw * sparsity_scale(prepared=prepared)[:, None]
    return Projection(center, components, coordinates, singular, iterations)


def sparsity_scale(*, prepared: PreparedVotes) -> np.ndarray:
    """Pol.is's push-out factor sqrt(n_statements / n_votes) for each participant.

    Someone who voted on few statements lands near the centre after mean imputation; scaling
    restores their distance. Pol.is counts every statement that has a vote, and (because it
    zeroes moderated-out columns rather than dropping them) counts those as votes too.
    """
    total = prepared.n_voted_statements_all
    effective_votes = prepared.n_votes + prepared.n_moderated_voted
    return np.sqrt(total / np.maximum(effective_votes, 1))


def _top_right_singular_vectors(
    *,
    centred: sp.csr_matrix,
    k: int,
    start: np.ndarray | None,
    seed: int,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray, int]:
    m = centred.shape[1]
    width = min(m, k + _OVERSAMPLE)
    rng = np.random.default_rng(seed)
    block = rng.standard_normal((m, width))
    if start is not None and start.size:
        usable = np.asarray(start, dtype=np.float64)[:width]
        block[:, : usable.shape[0]] = usable.T
    basis = _orthonormal_columns(block)
    previous = None
    iterations = 0
    ritz_vectors = basis[:, :k]
    ritz_values = np.zeros(k)
    times_gram = _gram_product(centred)
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        product = times_gram(basis)
        # Rayleigh-Ritz on the block gives the current best axes at no extra sparse cost.
        small = basis.T @ product
        small = (small + small.T) / 2
        eigenvalues, eigenvectors = _symmetric_eigen(small)
        order = np.argsort(eigenvalues)[::-1]
        ritz_vectors = basis @ eigenvectors[:, order[:k]]
        ritz_values = np.maximum(eigenvalues[order[:k]], 0.0)
        if previous is not None:
            overlap = np.abs(np.sum(previous * ritz_vectors, axis=0))
            if np.all(1 - overlap < tol):
                break
        previous = ritz_vectors
        basis = _orthonormal_columns(product)
    components = ritz_vectors.T.copy()
    # Fix each axis's sign (largest loading positive) so equal inputs give equal outputs.
    pivot = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(k), pivot])
    signs[signs == 0] = 1
    components *= signs[:, None]
    return components, np.sqrt(ritz_values), iterations


def _gram_product(centred: sp.csr_matrix) -> Callable[[np.ndarray], np.ndarray]:
    """basis -> C @ basis for the Gram matrix C = Xᵀ X of the centred votes."""
    n, m = centred.shape
    if n * m <= _DENSE_GRAM_CELLS and m * m <= _DENSE_GRAM_CELLS:
        dense = centred.toarray().astype(np.float64)
        gram = dense.T @ dense
        return gram.__matmul__
    # Built once: scipy makes a new matrix on every ``.T``.
    transposed = centred.T

    def times_gram(basis: np.ndarray) -> np.ndarray:
        # One product each way, in float32 like the votes.
        inner = np.asarray(centred @ basis.astype(np.float32))
        return np.asarray(transposed @ inner, dtype=np.float64)

    return times_gram


# numpy's linear algebra wrappers cost several times the work on the small blocks here; these
# two call the very LAPACK routines numpy uses, with the same arguments.


def _orthonormal_columns(block: np.ndarray) -> np.ndarray:
    """The Q of ``np.linalg.qr(block)`` (geqrf, then orgqr)."""
    factored, tau, _, info = lapack.dgeqrf(block)
    if info == 0:
        q, _, info = lapack.dorgqr(factored, tau)
        if info == 0:
            return q
    return np.linalg.qr(block)[0]


def _symmetric_eigen(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.linalg.eigh(matrix)`` (syevd on the lower triangle)."""
    values, vectors, info = lapack.dsyevd(matrix, compute_v=1, lower=1)
    if info == 0:
        return values, vectors
    return np.linalg.eigh(matrix)

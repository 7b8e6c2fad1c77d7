"""Float views of a vote matrix restricted to the statements being analysed.

Every stage works on the same few sparse matrices that share one ``indices``/``indptr`` pair,
so building them once keeps a 50M-vote analysis inside a few hundred MB per view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from groundswell.analysis.matrix import VoteMatrix

# Column indices counted per slice in ``column_counts`` (1 MB of 64-bit copies).
_COUNT_CHUNK = 1 << 17
# Up to this many participant x statement cells the stages may use dense copies of the votes:
# on a Pol.is-sized conversation a sparse product is mostly call overhead.
DENSE_CELLS = 100_000


@dataclass(eq=False)
class PreparedVotes:
    votes: VoteMatrix
    active: np.ndarray  # bool per statement of ``votes``
    values: sp.csr_matrix  # float32 votes on active statements (+1 / -1 / 0)
    n_votes: np.ndarray  # votes per participant on active statements
    n_per_statement: np.ndarray  # votes per active statement
    n_votes_all: np.ndarray  # votes per participant on every statement
    n_voted_statements_all: int  # statements with at least one vote, moderated or not
    n_moderated_voted: int  # moderated-out statements with at least one vote
    _seen: sp.csr_matrix | None = field(default=None, repr=False)
    _magnitude: sp.csr_matrix | None = field(default=None, repr=False)
    _dense: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def active_index(self) -> np.ndarray:
        return np.flatnonzero(self.active)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def seen(self) -> sp.csr_matrix:
        """1.0 wherever a vote (including a pass) was cast."""
        if self._seen is None:
            self._seen = self._with_data(np.ones(self.values.nnz, dtype=np.float32))
        return self._seen

    def magnitude(self) -> sp.csr_matrix:
        """1.0 for an agree or disagree, 0.0 for a pass: counts decided votes."""
        if self._magnitude is None:
            self._magnitude = self._with_data(np.abs(self.values.data))
        return self._magnitude

    def dense(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Dense float64 copies of ``values`` and ``seen()`` for a small matrix (at most
        ``DENSE_CELLS`` cells), else None."""
        n, m = self.values.shape
        if n * m > DENSE_CELLS:
            return None
        if self._dense is None:
            values = self.values.toarray().astype(np.float64)
            self._dense = values, self.seen().toarray().astype(np.float64)
        return self._dense

    def with_data(self, data: np.ndarray) -> sp.csr_matrix:
        return self._with_data(data)

    def _with_data(self, data: np.ndarray) -> sp.csr_matrix:
        v = self.values
        return sp.csr_matrix((data, v.indices, v.indptr), shape=v.shape, copy=False)

    def group_counts(self, *, labels: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
        """Agree, disagree and seen counts per (group, statement); label -1 means no group.

        One-hot products keep this to three sparse-times-thin-dense products, far cheaper than
        scattering 50M votes with ``np.add.at``.
        """
        n = self.values.shape[0]
        dense = self.dense()
        member = labels >= 0
        if dense is not None:
            # Whole numbers, exact in any order: the same counts as the sparse products.
            onehot_t = np.zeros((max(n_groups, 1), n))
            onehot_t[labels[member], np.flatnonzero(member)] = 1.0
            values, seen_cells = dense
            net = onehot_t @ values
            decided = onehot_t @ np.abs(values)
            seen = onehot_t @ seen_cells
        else:
            onehot = np.zeros((n, max(n_groups, 1)), dtype=np.float32)
            onehot[np.flatnonzero(member), labels[member]] = 1.0
            net = np.asarray(self.values.T @ onehot, dtype=np.float64).T
            decided = np.asarray(self.magnitude().T @ onehot, dtype=np.float64).T
            seen = np.asarray(self.seen().T @ onehot, dtype=np.float64).T
        agree = np.rint((decided + net) / 2)
        disagree = np.rint((decided - net) / 2)
        return agree[:n_groups], disagree[:n_groups], np.rint(seen[:n_groups])


def prepare_votes(*, votes: VoteMatrix, active: np.ndarray) -> PreparedVotes:
    matrix = votes.votes
    active = np.asarray(active, dtype=bool)
    n_votes_all = np.diff(matrix.indptr)
    per_statement_all = column_counts(matrix.indices, votes.n_statements)
    voted_statements = per_statement_all > 0
    if active.all():
        indices, indptr, data = matrix.indices, matrix.indptr, matrix.data
    else:
        # Column subsetting by hand: scipy's fancy indexing may drop explicit zeros (passes).
        keep = active[matrix.indices]
        remap = np.cumsum(active) - 1
        indices = remap[matrix.indices[keep]].astype(np.int32)
        data = matrix.data[keep]
        kept_before = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
        indptr = kept_before[matrix.indptr]
        if indptr[-1] < 2**31 - 1:
            indptr = indptr.astype(np.int32)
    values = sp.csr_matrix(
        (data.astype(np.float32), indices, indptr),
        shape=(votes.n_participants, int(active.sum())),
        copy=False,
    )
    return PreparedVotes(
        votes=votes,
        active=active,
        values=values,
        n_votes=np.diff(values.indptr),
        n_per_statement=per_statement_all[active],
        n_votes_all=n_votes_all,
        n_voted_statements_all=int(voted_statements.sum()),
        n_moderated_voted=int((voted_statements & ~active).sum()),
    )


def column_counts(indices: np.ndarray, n_columns: int) -> np.ndarray:
    """``np.bincount(indices, minlength=n_columns)`` over 32-bit column indices.

    ``np.bincount`` first copies its input to 64-bit integers: for 50M votes that is a 400 MB
    temporary and most of a second. Counting cache-sized slices keeps the copy small.
    """
    counts = np.zeros(n_columns, dtype=np.int64)
    for start in range(0, len(indices), _COUNT_CHUNK):
        counts += np.bincount(indices[start : start + _COUNT_CHUNK], minlength=n_columns)
    return counts

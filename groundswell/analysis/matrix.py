"""The sparse vote matrix that every analysis takes as input."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

AGREE = 1
DISAGREE = -1
PASS = 0


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Participants x statements votes in CSR form.

    A *stored* entry means the participant saw the statement and voted: +1 agree, -1 disagree,
    0 pass. Passes are stored as explicit zeros, so the sparsity structure itself is the "seen"
    mask; a cell that is not stored is missing (never shown, or not answered). Never call
    ``eliminate_zeros()`` on ``votes``: that would turn passes into missing cells.
    """

    votes: sp.csr_matrix
    participant_ids: np.ndarray
    statement_ids: np.ndarray

    def __post_init__(self) -> None:
        votes = self.votes
        if not sp.issparse(votes) or votes.format != "csr":
            raise TypeError("votes must be a scipy.sparse CSR matrix")
        if not isinstance(votes, sp.csr_matrix):
            votes = sp.csr_matrix(votes)
        if not votes.has_canonical_format:
            # Duplicated cells are ambiguous (which vote wins?), so refuse them rather than sum.
            votes = votes.copy()
            votes.sort_indices()
            if not votes.has_canonical_format:
                raise ValueError("votes has duplicate cells; keep one vote per cell")
        if votes.data.dtype != np.int8:
            data = votes.data
            if data.size and not np.isin(data, (AGREE, DISAGREE, PASS)).all():
                raise ValueError("vote values must be +1 (agree), -1 (disagree) or 0 (pass)")
            votes = sp.csr_matrix(
                (data.astype(np.int8), votes.indices, votes.indptr), shape=votes.shape
            )
        elif votes.data.size and (np.abs(votes.data) > 1).any():
            raise ValueError("vote values must be +1 (agree), -1 (disagree) or 0 (pass)")
        participant_ids = np.asarray(self.participant_ids)
        statement_ids = np.asarray(self.statement_ids)
        if participant_ids.shape != (votes.shape[0],):
            raise ValueError("participant_ids must have one id per row")
        if statement_ids.shape != (votes.shape[1],):
            raise ValueError("statement_ids must have one id per column")
        object.__setattr__(self, "votes", votes)
        object.__setattr__(self, "participant_ids", participant_ids)
        object.__setattr__(self, "statement_ids", statement_ids)

    @property
    def n_participants(self) -> int:
        return int(self.votes.shape[0])

    @property
    def n_statements(self) -> int:
        return int(self.votes.shape[1])

    @property
    def n_votes(self) -> int:
        return int(self.votes.nnz)

    def votes_per_participant(self) -> np.ndarray:
        return np.diff(self.votes.indptr)

    def votes_per_statement(self) -> np.ndarray:
        return np.bincount(self.votes.indices, minlength=self.n_statements)

    @classmethod
    def from_triples(
        cls,
        *,
        participants: Sequence[Any] | np.ndarray,
        statements: Sequence[Any] | np.ndarray,
        values: Sequence[int] | np.ndarray,
        order: Sequence[float] | np.ndarray | None = None,
        participant_ids: Sequence[Any] | np.ndarray | None = None,
        statement_ids: Sequence[Any] | np.ndarray | None = None,
    ) -> VoteMatrix:
        """Build a matrix from (participant id, statement id, vote) triples.

        When a participant voted on a statement more than once, the vote that comes last in
        ``order`` (e.g. a timestamp) wins, ties going to the later triple. Passing
        ``participant_ids`` / ``statement_ids`` fixes the row and column order and keeps people
        or statements without votes.
        """
        participants = np.asarray(participants)
        statements = np.asarray(statements)
        values = np.asarray(values)
        if not (participants.shape == statements.shape == values.shape) or values.ndim != 1:
            raise ValueError("participants, statements and values must be 1-D and equally long")
        p_ids, p_idx = _index(participants, participant_ids, "participant")
        s_ids, s_idx = _index(statements, statement_ids, "statement")
        n, m = len(p_ids), len(s_ids)
        key = p_idx.astype(np.int64) * m + s_idx
        if order is None and _strictly_increasing(key):
            # Already one vote per cell in row-major order (e.g. read back from a CSR matrix or
            # a query ordered by participant and statement): nothing to deduplicate or sort.
            rows, cols, chosen_values = p_idx, s_idx.astype(np.int32), values
        else:
            perm = (
                np.arange(len(key))
                if order is None
                else np.argsort(np.asarray(order), kind="stable")
            )
            # Reversed, np.unique's first occurrence is the latest vote; its output is sorted
            # by key, which is exactly row-major CSR order.
            reversed_perm = perm[::-1]
            keys, first = np.unique(key[reversed_perm], return_index=True)
            chosen_values = values[reversed_perm[first]]
            rows = keys // m
            cols = (keys % m).astype(np.int32)
        indptr = _indptr(np.bincount(rows, minlength=n))
        matrix = sp.csr_matrix((_as_votes(chosen_values), cols, indptr), shape=(n, m))
        return cls(votes=matrix, participant_ids=p_ids, statement_ids=s_ids)

    @classmethod
    def from_dense(
        cls,
        *,
        dense: np.ndarray,
        participant_ids: Sequence[Any] | np.ndarray | None = None,
        statement_ids: Sequence[Any] | np.ndarray | None = None,
    ) -> VoteMatrix:
        """Build a matrix from a dense array where NaN marks a missing vote (for small data)."""
        dense = np.asarray(dense, dtype=float)
        seen = ~np.isnan(dense)
        rows, cols = np.nonzero(seen)
        n, m = dense.shape
        indptr = _indptr(seen.sum(axis=1))
        matrix = sp.csr_matrix(
            (_as_votes(dense[rows, cols]), cols.astype(np.int32), indptr), shape=(n, m)
        )
        return cls(
            votes=matrix,
            participant_ids=np.arange(n) if participant_ids is None else participant_ids,
            statement_ids=np.arange(m) if statement_ids is None else statement_ids,
        )


def _as_votes(values: np.ndarray) -> np.ndarray:
    """``values`` as int8, refusing any but -1, 0 and 1 first: cast blindly, 0.5 would
    become a pass and 255 a disagree."""
    values = np.asarray(values)
    if values.dtype == np.int8:
        return values  # ``VoteMatrix`` checks these itself
    if values.dtype.kind in "iu":
        # Two reductions: much cheaper than comparing every vote with its cast.
        bad = values.size > 0 and (values.min() < -1 or values.max() > 1)
    else:
        with np.errstate(invalid="ignore"):
            cast = values.astype(np.int8)
        bad = bool((cast != values).any())
    if bad:
        raise ValueError("vote values must be +1 (agree), -1 (disagree) or 0 (pass)")
    return values.astype(np.int8)


def _indptr(row_counts: np.ndarray) -> np.ndarray:
    """CSR row pointers, 32-bit when they fit because scipy's kernels run faster on them."""
    total = int(row_counts.sum())
    dtype = np.int32 if total < 2**31 - 1 else np.int64
    indptr = np.zeros(len(row_counts) + 1, dtype=dtype)
    np.cumsum(row_counts, out=indptr[1:])
    return indptr


def _index(
    values: np.ndarray, ids: Sequence[Any] | np.ndarray | None, what: str
) -> tuple[np.ndarray, np.ndarray]:
    if ids is None:
        dense = _dense_unique(values)
        if dense is not None:
            return dense
        unique, inverse = np.unique(values, return_inverse=True)
        return unique, inverse.reshape(-1)
    ids = np.asarray(ids)
    positions = align_ids(new_ids=values, old_ids=ids)
    if (positions < 0).any():
        raise ValueError(f"a vote names a {what} that is not in {what}_ids")
    return ids, positions


def _dense_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``np.unique(values, return_inverse=True)`` in linear time for integer ids that span a
    range not much wider than their count (database keys), instead of sorting millions of
    votes; None when the ids are not like that."""
    if values.dtype.kind not in "iu" or values.size == 0:
        return None
    low, high = int(values.min()), int(values.max())
    span = high - low + 1
    if span > 4 * values.size + 1024:
        return None
    offsets = (values - low).astype(np.intp)
    present = np.zeros(span, dtype=bool)
    present[offsets] = True
    rank = np.cumsum(present, dtype=np.intp) - 1
    unique = (np.flatnonzero(present) + low).astype(values.dtype)
    return unique, rank[offsets]


def _strictly_increasing(values: np.ndarray) -> bool:
    return bool(values.size < 2 or (values[1:] > values[:-1]).all())


def align_ids(*, new_ids: np.ndarray, old_ids: np.ndarray) -> np.ndarray:
    """Position of each of ``new_ids`` in ``old_ids``, or -1 where it is absent."""
    new_ids = np.asarray(new_ids)
    old_ids = np.asarray(old_ids)
    if len(old_ids) == 0:
        return np.full(len(new_ids), -1, dtype=np.int64)
    if new_ids.dtype.kind != old_ids.dtype.kind and not (
        new_ids.dtype.kind in "iuf" and old_ids.dtype.kind in "iuf"
    ):
        # Mixed kinds (say ints against strings) cannot be sorted together; compare as text.
        new_ids = new_ids.astype(str)
        old_ids = old_ids.astype(str)
    order = np.argsort(old_ids, kind="stable")
    sorted_old = old_ids[order]
    found = np.searchsorted(sorted_old, new_ids)
    found = np.minimum(found, len(sorted_old) - 1)
    hit = sorted_old[found] == new_ids
    return np.where(hit, order[found], -1).astype(np.int64)


def active_statements(
    *, statement_ids: np.ndarray, moderated_out: Collection[object]
) -> np.ndarray:
    """True for each of ``statement_ids`` that is not in ``moderated_out``.

    Ids are matched as :func:`align_ids` matches them, so a statement moderated out by its
    id as a number is out when the matrix names it as text (or the other way round).
    """
    moderated = np.asarray(list(moderated_out))
    if moderated.size == 0:
        return np.ones(len(statement_ids), dtype=bool)
    return align_ids(new_ids=statement_ids, old_ids=moderated.reshape(-1)) < 0

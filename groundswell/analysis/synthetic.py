"""Synthetic conversations with planted opinion groups, for tests and benchmarks.

Built directly as CSR arrays, so a million participants with ~50M votes takes seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from groundswell.analysis.matrix import VoteMatrix


@dataclass(frozen=True, eq=False)
class PlantedConversation:
    votes: VoteMatrix
    groups: np.ndarray  # planted group per participant
    agree_probability: np.ndarray  # (groups, statements)
    pass_probability: float


def planted_conversation(
    *,
    n_participants: int,
    n_statements: int,
    votes_per_participant: int,
    n_groups: int = 3,
    group_shares: np.ndarray | None = None,
    separation: float = 2.0,
    pass_probability: float = 0.1,
    agree_probability: np.ndarray | None = None,
    seed: int = 0,
) -> PlantedConversation:
    """Each participant votes on a uniform random set of statements.

    A group agrees with statement j with probability sigmoid(base_j + effect_gj), base ~ N(0,1)
    and effect ~ N(0, separation²), unless ``agree_probability`` (groups x statements) is
    given; of the remaining votes a ``pass_probability`` share are passes. Votes per person
    vary (half to one-and-a-half times the mean), like real conversations.
    """
    rng = np.random.default_rng(seed)
    n, m = n_participants, n_statements
    shares = (
        np.full(n_groups, 1 / n_groups) if group_shares is None else np.asarray(group_shares, float)
    )
    shares = shares / shares.sum()
    groups = rng.choice(len(shares), size=n, p=shares).astype(np.int32)
    if agree_probability is None:
        base = rng.standard_normal(m)
        effect = separation * rng.standard_normal((len(shares), m))
        agree_probability = 1 / (1 + np.exp(-(base[None, :] + effect)))
    agree_probability = np.asarray(agree_probability, dtype=np.float64)

    # Draw up to 1.5x the mean statements per row, blank out draws beyond each person's count,
    # sort each row and drop repeats: unbiased, row-wise and without a Python loop.
    width = min(m, max(1, int(np.ceil(votes_per_participant * 1.5))))
    low = max(1, int(votes_per_participant * 0.5))
    counts = rng.integers(low, width + 1, size=n)
    dtype = np.int16 if m < 2**15 - 1 else np.int32
    draws = rng.integers(0, m, size=(n, width), dtype=dtype)
    draws[np.arange(width)[None, :] >= counts[:, None]] = m
    draws.sort(axis=1)
    keep = draws < m
    keep[:, 1:] &= draws[:, 1:] != draws[:, :-1]
    row_counts = keep.sum(axis=1)
    indices = draws[keep].astype(np.int32)
    del draws
    nnz = int(row_counts.sum())
    index_dtype = np.int32 if nnz < 2**31 - 1 else np.int64
    indptr = np.zeros(n + 1, dtype=index_dtype)
    np.cumsum(row_counts, out=indptr[1:])

    rows_group = np.repeat(groups, row_counts)
    p_agree = agree_probability[rows_group, indices].astype(np.float32)
    del rows_group
    u = rng.random(nnz, dtype=np.float32)
    values = np.where(u < p_agree, 1, -1).astype(np.int8)
    # Passes take a share of both agree and disagree votes, so support rates stay as planted.
    values[rng.random(nnz, dtype=np.float32) < pass_probability] = 0
    matrix = sp.csr_matrix((values, indices, indptr), shape=(n, m), copy=False)
    votes = VoteMatrix(votes=matrix, participant_ids=np.arange(n), statement_ids=np.arange(m))
    return PlantedConversation(votes, groups, agree_probability, pass_probability)

"""The whole analysis in one call: groups, what they think, consensus and bridging."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import ThreadpoolController

from groundswell.analysis.bridging import (
    LAMBDA_FACTOR,
    LAMBDA_INTERCEPT,
    LatentBridging,
    PerspectiveBridging,
    _expand_perspectives,
    factors_from_projection,
    fit_latent_bridging,
    perspective_bridging_prepared,
)
from groundswell.analysis.clustering import (
    GREEDY_N,
    MIN_VOTES,
    Clustering,
    cluster_participants,
    select_participants,
)
from groundswell.analysis.consensus import Consensus, select_consensus
from groundswell.analysis.matrix import VoteMatrix, active_statements, align_ids
from groundswell.analysis.pca import Projection, project
from groundswell.analysis.prepared import prepare_votes
from groundswell.analysis.repness import (
    Z_90,
    GroupStatementStats,
    RepresentativeStatement,
    _plain,
    group_statement_stats,
    rank_by_score,
    select_representative,
)


@dataclass(frozen=True)
class AnalysisOptions:
    min_votes: int = MIN_VOTES  # votes needed to be clustered (or all, if fewer statements)
    greedy_n: int = GREEDY_N  # top up the clustered set to this many most active people
    base_k: int = 100  # Pol.is base clusters
    max_k: int = 5  # most opinion groups
    k_buffer: int = 4  # updates a new k must win before it is adopted (with ``previous``)
    pick_max: int = 5  # representative statements per group, consensus statements
    z_threshold: float = Z_90  # significance for representativeness (one-sided 90%)
    n_factors: int = 2  # latent bridging factors
    lambda_intercept: float = LAMBDA_INTERCEPT
    lambda_factor: float = LAMBDA_FACTOR
    als_max_iter: int = 30
    als_tol: float = 1e-3
    pca_max_iter: int = 100
    pca_tol: float = 1e-6
    # Perspective bridging counts a perspective's votes on a statement only from this many.
    perspective_min_voters: int = 1


@dataclass(frozen=True, eq=False)
class Group:
    id: int
    participants: np.ndarray  # participant ids
    size: int
    centre: tuple[float, float]
    representative: tuple[RepresentativeStatement, ...]


@dataclass(frozen=True)
class BridgingScore:
    statement: object
    score: float


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """Everything computed from one vote matrix; per-statement arrays span all statements.

    Moderated-out statements have NaN scores and appear in no list.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    active: np.ndarray  # bool per statement: not moderated out
    n_votes: int  # votes on active statements
    n_participants: int  # people with at least one vote (a pass counts) on an active statement
    projection: Projection  # over active statements
    clustering: Clustering
    groups: tuple[Group, ...]
    group_stats: GroupStatementStats  # over active statements
    consensus: Consensus  # scores over all statements
    latent_bridging: LatentBridging  # over active statements
    bridging_scores: np.ndarray  # (m,) statement intercepts, NaN when moderated out
    bridging: tuple[BridgingScore, ...]  # active statements, best first
    perspective_bridging: PerspectiveBridging | None
    seed: int
    options: AnalysisOptions = field(repr=False)

    @property
    def n_statements(self) -> int:
        return int(self.active.sum())

    @property
    def labels(self) -> np.ndarray:
        """Group per participant row, -1 where not clustered."""
        return self.clustering.labels


def analyse(
    votes: VoteMatrix,
    *,
    moderated_out: Collection[object] = (),
    perspectives: Sequence[str | None] | None = None,
    previous: AnalysisResult | None = None,
    seed: int = 0,
    options: AnalysisOptions | None = None,
) -> AnalysisResult:
    """Run the full analysis.

    ``perspectives`` labels each participant row (e.g. a role) for perspective bridging.
    ``previous`` warm-starts PCA, k-means and the factor model from an earlier result on the
    same conversation (matched by participant and statement ids), keeps people who were
    clustered before, keeps group ids stable, and applies Pol.is's k-smoothing.
    """
    # The dense linear algebra here is small (QR of statements x 8, 3x3 solves); OpenBLAS's
    # threads only add hand-off cost to it, a lot of it on a busy machine (QR of 5000 x 8:
    # 6 ms on two threads, 1 ms on one). scikit-learn's OpenMP k-means is left alone.
    with _blas_controller().limit(limits=1, user_api="blas"):
        return _analyse(
            votes,
            moderated_out=moderated_out,
            perspectives=perspectives,
            previous=previous,
            seed=seed,
            options=options or AnalysisOptions(),
        )


@functools.cache
def _blas_controller() -> ThreadpoolController:
    # Inspecting the loaded libraries takes a millisecond; do it once.
    return ThreadpoolController()


def _analyse(
    votes: VoteMatrix,
    *,
    moderated_out: Collection[object],
    perspectives: Sequence[str | None] | None,
    previous: AnalysisResult | None,
    seed: int,
    options: AnalysisOptions,
) -> AnalysisResult:
    statement_ids = votes.statement_ids
    active = active_statements(statement_ids=statement_ids, moderated_out=moderated_out)
    prepared = prepare_votes(votes=votes, active=active)
    active_ids = statement_ids[active]

    statement_map = participant_map = None
    if previous is not None:
        statement_map = align_ids(
            new_ids=active_ids, old_ids=previous.statement_ids[previous.active]
        )
        participant_map = align_ids(new_ids=votes.participant_ids, old_ids=previous.participant_ids)

    start = None
    # A previous result with no statements analysed (all moderated out, or no votes yet) has
    # no axes to start from.
    if previous is not None and statement_map is not None and previous.active.any():
        old = previous.projection.components
        start = np.where(statement_map[None, :] >= 0, old[:, np.maximum(statement_map, 0)], 0.0)
    projection = project(
        prepared=prepared,
        start=start,
        seed=seed,
        max_iter=options.pca_max_iter,
        tol=options.pca_tol,
    )

    previously_in = None
    if previous is not None and participant_map is not None:
        hit = participant_map >= 0
        previously_in = np.zeros(votes.n_participants, dtype=bool)
        previously_in[hit] = previous.clustering.clustered[participant_map[hit]]
    clustered = select_participants(
        votes_per_participant=prepared.n_votes_all,
        n_statements=prepared.n_voted_statements_all,
        previously_in=previously_in,
        min_votes=options.min_votes,
        greedy_n=options.greedy_n,
    )
    if prepared.values.nnz == 0:
        # No votes on the statements analysed (every one moderated out, say): no one to place,
        # rather than one group of people who voted on nothing that is being analysed.
        clustered = np.zeros_like(clustered)
    clustering = cluster_participants(
        coordinates=projection.coordinates,
        clustered=clustered,
        base_k=options.base_k,
        max_k=options.max_k,
        seed=seed,
        previous=previous.clustering if previous is not None else None,
        k_buffer=options.k_buffer,
    )

    labels = clustering.labels
    k = clustering.k
    if k == 0:
        # Nobody could be clustered: treat everyone as one group so scores stay defined.
        labels = np.where(prepared.n_votes > 0, 0, -1).astype(np.int32)
        k = 1
    n_agree, n_disagree, n_seen = prepared.group_counts(labels=labels, n_groups=k)
    stats = group_statement_stats(n_agree=n_agree, n_disagree=n_disagree, n_seen=n_seen)
    representative = select_representative(
        stats=stats,
        statement_ids=active_ids,
        pick_max=options.pick_max,
        z_threshold=options.z_threshold,
    )
    consensus_active = select_consensus(
        n_agree=n_agree,
        n_disagree=n_disagree,
        n_seen=n_seen,
        statement_ids=active_ids,
        pick_max=options.pick_max,
    )
    consensus = Consensus(
        agree_scores=_widen(consensus_active.agree_scores, active),
        disagree_scores=_widen(consensus_active.disagree_scores, active),
        agree=consensus_active.agree,
        disagree=consensus_active.disagree,
    )

    start_factors = start_intercepts = None
    start_mean = None
    if previous is not None and statement_map is not None:
        old = previous.latent_bridging
        if old.statement_factors.shape[1] == options.n_factors:
            hit = statement_map >= 0
            start_factors = np.zeros((len(statement_map), options.n_factors))
            start_intercepts = np.zeros(len(statement_map))
            start_factors[hit] = old.statement_factors[statement_map[hit]]
            start_intercepts[hit] = old.statement_intercepts[statement_map[hit]]
            start_mean = old.mean
    if start_factors is None:
        # The principal axes already point along the opinion divides: a good first guess.
        start_factors = factors_from_projection(projection=projection, n_factors=options.n_factors)
    latent = fit_latent_bridging(
        prepared=prepared,
        n_factors=options.n_factors,
        lambda_intercept=options.lambda_intercept,
        lambda_factor=options.lambda_factor,
        max_iter=options.als_max_iter,
        tol=options.als_tol,
        seed=seed,
        start_factors=start_factors,
        start_intercepts=start_intercepts,
        start_mean=start_mean,
    )
    bridging_scores = _widen(latent.statement_intercepts, active)
    order = rank_by_score(latent.statement_intercepts, active_ids, np.arange(len(active_ids)))
    # A statement nobody has voted on has only the prior's score: it is not ranked.
    bridging = tuple(
        BridgingScore(statement=_plain(active_ids[j]), score=float(latent.statement_intercepts[j]))
        for j in order
        if prepared.n_per_statement[j] > 0
    )

    perspective = None
    if perspectives is not None:
        perspective = _expand_perspectives(
            perspective_bridging_prepared(
                prepared=prepared,
                perspectives=perspectives,
                min_voters=options.perspective_min_voters,
            ),
            active,
        )

    groups = []
    for g in range(clustering.k):
        members = clustering.labels == g
        groups.append(
            Group(
                id=g,
                participants=votes.participant_ids[members],
                size=int(members.sum()),
                centre=(
                    float(clustering.group_centres[g, 0]),
                    float(clustering.group_centres[g, 1]),
                ),
                representative=representative[g],
            )
        )
    return AnalysisResult(
        participant_ids=votes.participant_ids,
        statement_ids=statement_ids,
        active=active,
        n_votes=int(prepared.values.nnz),
        n_participants=int((prepared.n_votes > 0).sum()),
        projection=projection,
        clustering=clustering,
        groups=tuple(groups),
        group_stats=stats,
        consensus=consensus,
        latent_bridging=latent,
        bridging_scores=bridging_scores,
        bridging=bridging,
        perspective_bridging=perspective,
        seed=seed,
        options=options,
    )


def _widen(values: np.ndarray, active: np.ndarray) -> np.ndarray:
    out = np.full(len(active), np.nan)
    out[active] = values
    return out

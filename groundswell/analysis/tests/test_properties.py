"""Property tests: the scores must not depend on row or column order, and must mean what
they say on planted data."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from groundswell.analysis import VoteMatrix, analyse
from groundswell.analysis.bridging import latent_bridging, perspective_bridging
from groundswell.analysis.consensus import select_consensus
from groundswell.analysis.prepared import prepare_votes
from groundswell.analysis.repness import group_statement_stats, select_representative
from groundswell.analysis.synthetic import planted_conversation

FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def small_conversations(draw):
    n = draw(st.integers(8, 40))
    m = draw(st.integers(3, 12))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    dense = rng.choice([-1.0, 0.0, 1.0], size=(n, m), p=[0.35, 0.15, 0.5])
    dense[rng.random((n, m)) < draw(st.floats(0.0, 0.6))] = np.nan
    labels = rng.integers(0, draw(st.integers(1, 4)), size=n)
    return dense, labels, rng


def _counts(dense: np.ndarray, labels: np.ndarray):
    votes = VoteMatrix.from_dense(dense=dense)
    prepared = prepare_votes(votes=votes, active=np.ones(dense.shape[1], dtype=bool))
    k = int(labels.max()) + 1
    return prepared.group_counts(labels=labels, n_groups=k)


@FAST
@given(small_conversations())
def test_group_scores_ignore_row_and_column_order(case):
    dense, labels, rng = case
    rows = rng.permutation(dense.shape[0])
    cols = rng.permutation(dense.shape[1])
    na, nd, ns = _counts(dense, labels)
    pa, pd, ps = _counts(dense[rows][:, cols], labels[rows])
    np.testing.assert_array_equal(pa, na[:, cols])
    np.testing.assert_array_equal(ps, ns[:, cols])
    ids = np.arange(dense.shape[1])
    first = select_consensus(n_agree=na, n_disagree=nd, n_seen=ns, statement_ids=ids)
    second = select_consensus(n_agree=pa, n_disagree=pd, n_seen=ps, statement_ids=ids[cols])
    np.testing.assert_allclose(second.agree_scores, first.agree_scores[cols])
    assert set(second.agree) == set(first.agree)
    stats = group_statement_stats(n_agree=na, n_disagree=nd, n_seen=ns)
    stats_permuted = group_statement_stats(n_agree=pa, n_disagree=pd, n_seen=ps)
    np.testing.assert_allclose(stats_permuted.z_r_agree, stats.z_r_agree[:, cols])
    picks = select_representative(stats=stats, statement_ids=ids)
    picks_permuted = select_representative(stats=stats_permuted, statement_ids=ids[cols])
    for a, b in zip(picks, picks_permuted, strict=True):
        assert {(p.statement, p.direction) for p in a} == {(p.statement, p.direction) for p in b}


@FAST
@given(small_conversations())
def test_perspective_bridging_ignores_order(case):
    dense, labels, rng = case
    names = np.array(["carer", "nurse", "teacher", "manager"])[labels]
    rows = rng.permutation(dense.shape[0])
    cols = rng.permutation(dense.shape[1])
    base = perspective_bridging(votes=VoteMatrix.from_dense(dense=dense), perspectives=names)
    moved = perspective_bridging(
        votes=VoteMatrix.from_dense(dense=dense[rows][:, cols]), perspectives=names[rows]
    )
    np.testing.assert_allclose(moved.score, base.score[cols])
    assert moved.perspectives == base.perspectives


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_latent_bridging_ignores_order(seed):
    world = planted_conversation(
        n_participants=300, n_statements=20, votes_per_participant=12, n_groups=2, seed=seed
    )
    rng = np.random.default_rng(seed)
    rows = rng.permutation(300)
    cols = rng.permutation(20)
    dense = world.votes.votes.toarray().astype(float)
    seen = np.zeros_like(dense, dtype=bool)
    coo = world.votes.votes.tocoo()
    seen[coo.row, coo.col] = True
    dense[~seen] = np.nan
    base = latent_bridging(votes=VoteMatrix.from_dense(dense=dense), max_iter=3000, tol=1e-10)
    moved = latent_bridging(
        votes=VoteMatrix.from_dense(dense=dense[rows][:, cols]), max_iter=3000, tol=1e-10
    )
    # Both start from the principal axes, so they converge to the same fit.
    np.testing.assert_allclose(
        moved.statement_intercepts, base.statement_intercepts[cols], atol=1e-4
    )


@FAST
@given(small_conversations(), st.data())
def test_a_unanimous_statement_ranks_first_for_consensus(case, data):
    dense, labels, _ = case
    column = data.draw(st.integers(0, dense.shape[1] - 1))
    dense = dense.copy()
    dense[:, column] = 1.0  # everyone saw it and agreed
    na, nd, ns = _counts(dense, labels)
    result = select_consensus(
        n_agree=na, n_disagree=nd, n_seen=ns, statement_ids=np.arange(dense.shape[1])
    )
    assert column in result.agree
    assert result.agree_scores[column] == result.agree_scores.max()


# Recovery is statistical, not exact: of 300 random worlds drawn from these ranges, one fell
# below 0.9 (ARI 0.884, three groups with minority shares of 0.205; k-means' midpoint boundary
# gives the small groups the tail of the large one). The examples are therefore drawn from a
# fixed seed (derandomize), so the suite passes or fails the same way on every run.
@settings(max_examples=5, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_groups=st.integers(2, 3),
    minority=st.floats(0.2, 0.5),
)
def test_planted_groups_are_recovered(seed, n_groups, minority):
    shares = np.array([1.0] + [minority] * (n_groups - 1))
    world = planted_conversation(
        n_participants=800, n_statements=40, votes_per_participant=30, n_groups=n_groups,
        group_shares=shares, separation=4.0, seed=seed,
    )  # fmt: skip
    result = analyse(world.votes, seed=seed % 1000)
    clustered = result.labels >= 0
    assert adjusted_rand_score(world.groups[clustered], result.labels[clustered]) >= 0.9

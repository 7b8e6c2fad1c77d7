"""The small-input fast paths give exactly what the general code gives."""

import numpy as np
import pytest

from groundswell.analysis import VoteMatrix, analyse, bridging, kmeans, pca
from groundswell.analysis import prepared as prepared_module
from groundswell.analysis.prepared import prepare_votes
from groundswell.analysis.synthetic import planted_conversation


def _argmin_nearest(points, centres):
    distances = kmeans._squared_distances(points, centres)
    labels = np.argmin(distances, axis=2)
    return labels, np.take_along_axis(distances, labels[:, :, None], axis=2)[:, :, 0]


@pytest.mark.parametrize("k", [1, 2, 5, 100])
def test_nearest_centre_matches_argmin_with_ties_and_padding(k):
    rng = np.random.default_rng(k)
    # Coarse coordinates so that many points are equally far from two centres.
    points = rng.integers(-3, 4, size=(700, 2)).astype(np.float64)
    centres = rng.integers(-3, 4, size=(6, k, 2)).astype(np.float64)
    centres[:, -1] = centres[:, 0]  # a duplicated centre: the tie must go to the first
    if k > 2:
        centres[1:3, -2:] = np.inf  # padding centres, as for the batched k = 2..5 fits
    labels, nearest = kmeans._nearest(points, centres)
    expected_labels, expected_nearest = _argmin_nearest(points, centres)
    assert np.array_equal(labels, expected_labels)
    assert np.array_equal(nearest, expected_nearest)
    assert (labels != k - 1).all() or k == 1  # the duplicate never wins over the original


@pytest.mark.parametrize("n", [60, 150, 900])
def test_seeding_with_a_distance_table_equals_seeding_without(monkeypatch, n):
    rng = np.random.default_rng(n)
    points = rng.normal(size=(n, 2))
    weights = rng.integers(1, 4, size=n).astype(np.float64)
    with_table = kmeans._plus_plus(points, weights, 40, 1, np.random.default_rng(3))
    monkeypatch.setattr(kmeans, "_PAIRWISE_TABLE_POINTS", 0)
    without = kmeans._plus_plus(points, weights, 40, 1, np.random.default_rng(3))
    assert np.array_equal(with_table, without)
    assert len(np.unique(with_table[0], axis=0)) == 40  # distinct points chosen


def test_adjugate_solve_matches_linear_algebra():
    rng = np.random.default_rng(0)
    n = 50
    y = rng.normal(size=(n, 7, 3))
    gram = np.einsum("nia,nib->nab", y, y)
    upper_i, upper_j = np.triu_indices(3)
    ridge = np.array([0.5, 0.1, 0.2])
    rhs = rng.normal(size=(n, 3))
    solution = bridging._solve_small(gram[:, upper_i, upper_j], ridge, rhs)
    expected = np.linalg.solve(gram + np.diag(ridge), rhs[:, :, None])[:, :, 0]
    assert solution.flags.c_contiguous
    np.testing.assert_allclose(solution, expected, rtol=1e-9, atol=1e-12)


def test_adjugate_solve_in_batches_equals_one_batch(monkeypatch):
    rng = np.random.default_rng(1)
    n = 40
    y = rng.normal(size=(n, 5, 3))
    gram = np.einsum("nia,nib->nab", y, y)
    upper_i, upper_j = np.triu_indices(3)
    ridge = np.array([0.5, 0.1, 0.2])
    rhs = rng.normal(size=(n, 3))
    whole = bridging._solve_small(gram[:, upper_i, upper_j], ridge, rhs)
    monkeypatch.setattr(bridging, "_SOLVE_CHUNK", 7)
    batched = bridging._solve_small(gram[:, upper_i, upper_j], ridge, rhs)
    assert np.array_equal(whole, batched)


# Small inputs: dense PCA and factor model, k-means helpers -----------------------------------


def _small_conversation(seed: int, n: int = 80, m: int = 20, moderated: int = 0):
    rng = np.random.default_rng(seed)
    dense = rng.choice([-1.0, 0.0, 1.0], size=(n, m), p=[0.4, 0.2, 0.4])
    dense[rng.random((n, m)) < 0.45] = np.nan
    dense[:, 0] = 1.0  # no empty column
    dense[rng.integers(n), 1:] = np.nan  # someone with a single vote
    votes = VoteMatrix.from_dense(dense=dense)
    active = np.ones(m, dtype=bool)
    active[:moderated] = False
    return votes, active


def _general(monkeypatch):
    """Switch the small-input dense paths off: everything runs on sparse products."""
    monkeypatch.setattr(prepared_module, "DENSE_CELLS", 0)
    monkeypatch.setattr(pca, "_DENSE_GRAM_CELLS", 0)


@pytest.mark.parametrize("seed", range(4))
def test_dense_counts_and_centring_equal_the_sparse_ones(monkeypatch, seed):
    votes, active = _small_conversation(seed, moderated=seed % 2)
    labels = np.random.default_rng(seed).integers(-1, 3, size=votes.n_participants)
    fast = prepare_votes(votes=votes, active=active)
    assert fast.dense() is not None
    fast_counts = fast.group_counts(labels=labels, n_groups=3)
    fast_centre, _ = pca.centred_values(prepared=fast)
    _general(monkeypatch)
    general = prepare_votes(votes=votes, active=active)
    assert general.dense() is None
    for a, b in zip(fast_counts, general.group_counts(labels=labels, n_groups=3), strict=True):
        assert np.array_equal(a, b)
    assert np.array_equal(fast_centre, pca.centred_values(prepared=general)[0])


@pytest.mark.parametrize("seed", range(4))
def test_dense_gram_projection_matches_sparse_power_iteration(monkeypatch, seed):
    votes, active = _small_conversation(seed, moderated=seed % 2)
    start = None
    if seed == 3:
        start = np.random.default_rng(9).normal(size=(2, int(active.sum())))
    fast = pca.project(prepared=prepare_votes(votes=votes, active=active), seed=seed, start=start)
    _general(monkeypatch)
    general = pca.project(
        prepared=prepare_votes(votes=votes, active=active), seed=seed, start=start
    )
    # Same start, same rounds: only float32 rounding in the sparse products differs.
    assert fast.iterations == general.iterations
    np.testing.assert_allclose(fast.components, general.components, atol=1e-5)
    np.testing.assert_allclose(fast.coordinates, general.coordinates, atol=1e-5)
    np.testing.assert_allclose(fast.singular_values, general.singular_values, rtol=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_dense_factor_model_matches_sparse_one(monkeypatch, seed):
    votes, active = _small_conversation(seed, n=60 + 20 * seed, moderated=seed % 2)
    start = np.random.default_rng(seed).normal(size=(int(active.sum()), 2)) * 0.1

    def fit():
        prepared = prepare_votes(votes=votes, active=active)
        return bridging.fit_latent_bridging(
            prepared=prepared, start_factors=start, tol=1e-6, seed=seed
        )

    fast = fit()
    _general(monkeypatch)
    general = fit()
    assert fast.iterations == general.iterations
    np.testing.assert_allclose(fast.mean, general.mean, atol=1e-6)
    np.testing.assert_allclose(fast.statement_intercepts, general.statement_intercepts, atol=1e-5)
    np.testing.assert_allclose(fast.statement_factors, general.statement_factors, atol=1e-5)
    np.testing.assert_allclose(
        fast.participant_intercepts, general.participant_intercepts, atol=1e-5
    )
    np.testing.assert_allclose(fast.participant_factors, general.participant_factors, atol=1e-5)


@pytest.mark.parametrize("seed", [0, 1])
def test_analysis_of_a_small_conversation_does_not_depend_on_the_dense_paths(monkeypatch, seed):
    world = planted_conversation(
        n_participants=150, n_statements=30, votes_per_participant=18, n_groups=3, seed=seed
    )
    fast = analyse(world.votes, moderated_out=[world.votes.statement_ids[2]], seed=seed)
    update = analyse(world.votes, seed=seed, previous=fast)
    _general(monkeypatch)
    general = analyse(world.votes, moderated_out=[world.votes.statement_ids[2]], seed=seed)
    general_update = analyse(world.votes, seed=seed, previous=general)
    for a, b in [(fast, general), (update, general_update)]:
        assert a.clustering.k == b.clustering.k
        assert np.array_equal(a.labels, b.labels)
        assert [[(r.statement, r.direction) for r in g.representative] for g in a.groups] == [
            [(r.statement, r.direction) for r in g.representative] for g in b.groups
        ]
        assert a.consensus.agree == b.consensus.agree
        assert a.consensus.disagree == b.consensus.disagree
        assert [s.statement for s in a.bridging] == [s.statement for s in b.bridging]
        np.testing.assert_allclose(a.bridging_scores, b.bridging_scores, atol=1e-5)


@pytest.mark.parametrize("restarts", [1, 3, 10])
def test_nearest_centre_on_small_inputs_matches_argmin(restarts):
    rng = np.random.default_rng(restarts)
    points = rng.integers(-2, 3, size=(30, 2)).astype(np.float64)
    centres = rng.integers(-2, 3, size=(restarts, 5, 2)).astype(np.float64)
    centres[:, -1] = centres[:, 0]
    centres[0, -2:] = np.inf
    assert restarts * 30 * 5 <= kmeans._SMALL_CELLS
    labels, nearest = kmeans._nearest(points, centres)
    expected_labels, expected_nearest = _argmin_nearest(points, centres)
    assert np.array_equal(labels, expected_labels)
    assert np.array_equal(nearest, expected_nearest)


def test_weighted_choice_is_numpys_choice():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 300))
        weights = rng.integers(1, 5, size=n) * rng.random()
        seed = int(rng.integers(1 << 30))
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        size = int(rng.integers(1, 12))
        assert np.array_equal(
            kmeans._weighted_choice(ours, weights, size),
            theirs.choice(n, size=size, p=weights / weights.sum()),
        )
        assert ours.random() == theirs.random()  # the generators moved on alike


@pytest.mark.parametrize("restarts", [3, 10])
def test_batched_seeding_with_a_distance_table_equals_seeding_without(monkeypatch, restarts):
    rng = np.random.default_rng(restarts)
    points = rng.normal(size=(120, 2))
    weights = rng.integers(1, 4, size=120).astype(np.float64)
    table = kmeans.squared_distance_table(points)
    with_table = kmeans._plus_plus(
        points, weights, 5, restarts, np.random.default_rng(3), table=table
    )
    monkeypatch.setattr(kmeans, "_PAIRWISE_TABLE_POINTS", 0)
    without = kmeans._plus_plus(points, weights, 5, restarts, np.random.default_rng(3))
    assert np.array_equal(with_table, without)
    assert len(np.unique(with_table.reshape(-1, 2), axis=0)) > 5  # not all the same point


def test_threshold_is_numpys_weighted_average():
    rng = np.random.default_rng(2)
    for _ in range(100):
        n = int(rng.integers(1, 500))
        points = rng.normal(size=(n, 2)) * rng.random() * 10
        weights = rng.integers(1, 9, size=n) * rng.random()
        centre = np.average(points, axis=0, weights=weights)
        spread = ((points - centre) ** 2).sum(axis=1)
        expected = 1e-4 * float(np.average(spread, weights=weights)) / 2
        assert kmeans._threshold(points, weights, 1e-4) == expected


@pytest.mark.parametrize("shape", [(20, 8), (54, 8), (9, 9)])
def test_direct_lapack_calls_match_numpy(shape):
    block = np.random.default_rng(shape[0]).normal(size=shape)
    np.testing.assert_allclose(pca._orthonormal_columns(block), np.linalg.qr(block)[0], atol=1e-12)
    gram = block.T @ block
    values, vectors = pca._symmetric_eigen(gram)
    expected_values, expected_vectors = np.linalg.eigh(gram)
    np.testing.assert_allclose(values, expected_values, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(vectors, expected_vectors, atol=1e-10)

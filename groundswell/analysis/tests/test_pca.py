import numpy as np

from groundswell.analysis.matrix import VoteMatrix
from groundswell.analysis.pca import project
from groundswell.analysis.prepared import prepare_votes


def _random_votes(seed: int, n: int = 60, m: int = 12) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dense = rng.choice([-1.0, 0.0, 1.0], size=(n, m))
    dense[rng.random((n, m)) < 0.4] = np.nan
    dense[:, 0] = 1.0  # no empty column
    return dense


def test_projection_matches_dense_pca_with_mean_imputation():
    dense = _random_votes(1)
    votes = VoteMatrix.from_dense(dense=dense)
    prepared = prepare_votes(votes=votes, active=np.ones(dense.shape[1], dtype=bool))
    result = project(prepared=prepared, seed=0)

    means = np.nanmean(dense, axis=0)
    filled = np.where(np.isnan(dense), means, dense) - means
    _, _, vt = np.linalg.svd(filled, full_matrices=False)
    for axis in range(2):
        cosine = abs(float(vt[axis] @ result.components[axis]))
        assert cosine > 1 - 1e-6
    n_votes = (~np.isnan(dense)).sum(axis=1)
    scale = np.sqrt(dense.shape[1] / n_votes)
    expected = (filled @ result.components.T) * scale[:, None]
    np.testing.assert_allclose(result.coordinates, expected, atol=1e-5)


def test_moderated_columns_count_towards_scaling_like_polis():
    dense = _random_votes(2)
    votes = VoteMatrix.from_dense(dense=dense)
    active = np.ones(dense.shape[1], dtype=bool)
    active[3] = False
    result = project(prepared=prepare_votes(votes=votes, active=active), seed=0)
    # Pol.is zeroes a moderated column for everyone, which then counts as a vote.
    n_votes = (~np.isnan(dense[:, active])).sum(axis=1) + 1
    scale = np.sqrt(dense.shape[1] / n_votes)
    means = np.nanmean(dense[:, active], axis=0)
    filled = np.where(np.isnan(dense[:, active]), means, dense[:, active]) - means
    np.testing.assert_allclose(
        result.coordinates, (filled @ result.components.T) * scale[:, None], atol=1e-5
    )


def test_warm_start_converges_at_once():
    dense = _random_votes(3)
    votes = VoteMatrix.from_dense(dense=dense)
    prepared = prepare_votes(votes=votes, active=np.ones(dense.shape[1], dtype=bool))
    cold = project(prepared=prepared, seed=0)
    warm = project(prepared=prepared, seed=1, start=cold.components)
    assert warm.iterations < cold.iterations
    np.testing.assert_allclose(np.abs(warm.components), np.abs(cold.components), atol=2e-3)

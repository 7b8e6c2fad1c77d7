"""The small-input fast paths give exactly what the general code gives."""

import numpy as np
import pytest

from groundswell.analysis import bridging, kmeans


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

import numpy as np
import pytest
from sklearn.metrics import silhouette_score

from groundswell.analysis.clustering import _silhouette, cluster_participants, select_participants
from groundswell.analysis.kmeans import weighted_kmeans, weighted_kmeans_each_k


@pytest.mark.parametrize(
    ("counts", "n_statements", "expected"),
    [
        # 7 votes needed when there are more statements...
        ([7, 6, 20] + [9] * 20, 30, [True, False, True] + [True] * 20),
        # ...but all of them when there are fewer than 7.
        ([5, 4] + [5] * 20, 5, [True, False] + [True] * 20),
    ],
)
def test_vote_threshold(counts, n_statements, expected):
    chosen = select_participants(votes_per_participant=np.array(counts), n_statements=n_statements)
    assert chosen.tolist() == expected


def test_small_conversations_are_topped_up_with_the_most_active():
    counts = np.array([1, 8, 3, 0, 2] + [2] * 12)
    chosen = select_participants(votes_per_participant=counts, n_statements=30)
    assert chosen.sum() == 15
    assert chosen[1] and chosen[2] and not chosen[3]


def test_previously_clustered_people_stay_in():
    counts = np.array([1] + [10] * 20)
    before = np.zeros(21, dtype=bool)
    before[0] = True
    assert select_participants(votes_per_participant=counts, n_statements=30, previously_in=before)[
        0
    ]


def test_silhouette_matches_scikit_learn():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, size=40)
    distances = np.sqrt(((points[:, None] - points[None]) ** 2).sum(axis=2))
    assert _silhouette(distances=distances, labels=labels) == pytest.approx(
        silhouette_score(points, labels)
    )


def test_three_blobs_become_three_groups_with_size_ordered_ids():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 5.0], [5.0, -3.0], [-5.0, -3.0]])
    sizes = [300, 200, 100]
    points = np.vstack(
        [rng.normal(c, 0.5, size=(s, 2)) for c, s in zip(centres, sizes, strict=True)]
    )
    truth = np.repeat([0, 1, 2], sizes)
    result = cluster_participants(coordinates=points, clustered=np.ones(600, dtype=bool))
    assert result.k == 3
    assert (result.labels == truth).all()
    assert len(result.base_centres) == 100


def test_previous_result_keeps_group_ids():
    rng = np.random.default_rng(1)
    points = np.vstack([rng.normal((3, 0), 0.3, (100, 2)), rng.normal((-3, 0), 0.3, (120, 2))])
    everyone = np.ones(len(points), dtype=bool)
    first = cluster_participants(coordinates=points, clustered=everyone, seed=0)
    # Move one group so that, left alone, it would become the bigger one and take id 0.
    moved = np.vstack([points, rng.normal((3, 0), 0.3, (50, 2))])
    again = cluster_participants(
        coordinates=moved, clustered=np.ones(len(moved), dtype=bool), seed=5, previous=first
    )
    assert (again.labels[: len(points)] == first.labels).all()
    assert again.smoother is not None and again.smoother.smoothed_k == 2


def test_unclustered_people_get_no_group():
    points = np.random.default_rng(2).normal(size=(30, 2))
    clustered = np.arange(30) % 2 == 0
    result = cluster_participants(coordinates=points, clustered=clustered)
    assert (result.labels[~clustered] == -1).all()
    assert (result.labels[clustered] >= 0).all()


@pytest.mark.parametrize(
    ("seed", "ks", "n_init"),
    [
        (0, [2, 3, 4, 5], 10),
        (1, [2, 3, 4, 5], 10),
        (2, [2, 3, 4, 5], 10),
        # One start each: a different start shows as a different local optimum.
        *[(seed, [2, 3, 4, 5], 1) for seed in range(3, 9)],
        # A warm k is left out; the seeding shared between ks must still match.
        (9, [2, 4, 5], 1),
        (10, [3, 5], 1),
    ],
)
def test_fits_for_every_k_at_once_equal_separate_fits(seed, ks, n_init):
    rng = np.random.default_rng(seed)
    points = rng.uniform(size=(100, 2))
    weights = rng.integers(1, 20, size=100).astype(float)
    together = weighted_kmeans_each_k(
        points=points, weights=weights, ks=ks, seed=seed, n_init=n_init
    )
    assert sorted(together) == ks
    for k, fit in together.items():
        alone = weighted_kmeans(points=points, weights=weights, k=k, seed=seed, n_init=n_init)
        # The same partition and centres, perhaps numbered differently: restarts that reach
        # one partition under two numberings tie on inertia up to the last bit, which the
        # batched and the single matrix products may round differently.
        assert _partition(fit.labels) == _partition(alone.labels)
        assert sorted(map(tuple, fit.centres)) == sorted(map(tuple, alone.centres))
        assert fit.inertia == pytest.approx(alone.inertia, rel=1e-12)


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(labels == g).tolist()) for g in np.unique(labels)}

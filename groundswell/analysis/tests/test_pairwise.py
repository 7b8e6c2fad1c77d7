import numpy as np
import pytest
from scipy.stats import spearmanr

from groundswell.analysis.pairwise import Comparison, bradley_terry


def _simulate(true: np.ndarray, n: int, seed: int, undecided: bool = True) -> list[Comparison]:
    rng = np.random.default_rng(seed)
    comparisons = []
    for _ in range(n):
        i, j = rng.choice(len(true), 2, replace=False)
        u = rng.random() if undecided else 1.0
        if u < 0.05:
            outcome = "skip"
        elif u < 0.1:
            outcome = "tie"
        else:
            p = 1 / (1 + np.exp(-(true[i] - true[j])))
            outcome = "first" if rng.random() < p else "second"
        comparisons.append(Comparison(first=int(i), second=int(j), outcome=outcome))
    return comparisons


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_a_planted_order(seed):
    true = np.linspace(2, -2, 12)
    ranking = bradley_terry(comparisons=_simulate(true, 3000, seed), items=list(range(12)))
    assert ranking.converged
    assert spearmanr(ranking.strength, true)[0] >= 0.95
    assert ranking.order[0] in (0, 1) and ranking.order[-1] in (10, 11)


def test_intervals_cover_the_true_strengths():
    # Without ties (which pull strengths together) the 95% intervals should mostly cover.
    true = np.linspace(1.5, -1.5, 10)
    covered = []
    for seed in range(5):
        comparisons = _simulate(true, 2000, seed, undecided=False)
        ranking = bradley_terry(comparisons=comparisons, items=list(range(10)))
        covered.append((ranking.lower <= true) & (true <= ranking.upper))
    assert np.mean(covered) >= 0.8


def test_more_comparisons_mean_smaller_errors():
    true = np.linspace(1, -1, 6)
    few = bradley_terry(comparisons=_simulate(true, 200, 0), items=list(range(6)))
    many = bradley_terry(comparisons=_simulate(true, 5000, 0), items=list(range(6)))
    assert (many.standard_error < few.standard_error).all()


def test_the_score_interval_is_on_the_scores_scale_and_narrows_with_evidence():
    true = np.linspace(1.5, -1.5, 8)
    widths = []
    for n in (200, 3000):
        ranking = bradley_terry(comparisons=_simulate(true, n, 3), items=list(range(8)))
        assert np.all(ranking.score_lower <= ranking.score) and np.all(
            ranking.score <= ranking.score_upper
        )
        assert np.all(ranking.score_lower >= 0) and np.all(ranking.score_upper <= 100)
        # The score at the item's own strength is the score itself.
        theta = ranking.strength
        beats = 1 / (1 + np.exp(-(theta[:, None] - theta[None, :])))
        np.fill_diagonal(beats, 0)
        np.testing.assert_allclose(ranking.score, 100 * beats.sum(axis=1) / 7)
        widths.append(float(np.mean(ranking.score_upper - ranking.score_lower)))
    assert widths[1] < widths[0] / 2


def test_undefeated_item_stays_finite_and_ties_and_skips_are_counted():
    comparisons = [
        Comparison(first="a", second="b", outcome="first"),
        Comparison(first="a", second="c", outcome="first"),
        Comparison(first="b", second="c", outcome="tie"),
        Comparison(first="c", second="b", outcome="skip"),
    ]
    ranking = bradley_terry(comparisons=comparisons)
    assert np.isfinite(ranking.strength).all()
    assert ranking.order[0] == "a"
    assert ranking.ties.tolist() == [0, 1, 1]
    assert ranking.skips.tolist() == [0, 1, 1]
    assert ranking.wins.tolist() == [2, 0, 0]
    assert ranking.strength[1] == pytest.approx(ranking.strength[2])


def test_many_items_use_mm_and_agree_with_newton(monkeypatch):
    import groundswell.analysis.pairwise as pairwise

    comparisons = _simulate(np.linspace(1, -1, 5), 500, 3)
    newton = bradley_terry(comparisons=comparisons, items=list(range(5)))
    monkeypatch.setattr(pairwise, "_NEWTON_MAX_ITEMS", 0)
    mm = bradley_terry(comparisons=comparisons, items=list(range(5)))
    np.testing.assert_allclose(mm.strength, newton.strength, atol=1e-6)


@pytest.mark.parametrize(
    ("comparison", "message"),
    [
        (Comparison(first="a", second="a", outcome="first"), "itself"),
        (Comparison(first="a", second="b", outcome="maybe"), "unknown outcome"),  # type: ignore[arg-type]
    ],
)
def test_bad_comparisons_are_refused(comparison, message):
    with pytest.raises(ValueError, match=message):
        bradley_terry(comparisons=[comparison])


def test_nothing_to_rank_ranks_nothing():
    ranking = bradley_terry(comparisons=[])
    assert ranking.items == () and ranking.converged
    assert ranking.score.shape == (0,)


def test_an_item_named_twice_is_refused_rather_than_ranked_twice():
    # Ranked twice, "b" would come out both above and below "a".
    with pytest.raises(ValueError, match="repeat"):
        bradley_terry(
            comparisons=[Comparison(first="a", second="b", outcome="second")],
            items=["a", "b", "b"],
        )

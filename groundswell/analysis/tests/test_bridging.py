import numpy as np
import pytest
from scipy.stats import spearmanr

from groundswell.analysis.bridging import latent_bridging, perspective_bridging
from groundswell.analysis.matrix import VoteMatrix
from groundswell.analysis.synthetic import planted_conversation


def test_perspective_bridging_is_the_weakest_perspective():
    # Statement 0: both roles agree. Statement 1: only practitioners agree.
    dense = np.array([[1, 1], [1, 1], [1, -1], [1, -1], [np.nan, -1]])
    votes = VoteMatrix.from_dense(dense=dense)
    roles = ["practitioner", "practitioner", "service user", "service user", None]
    result = perspective_bridging(votes=votes, perspectives=roles)
    assert result.perspectives == ("practitioner", "service user")
    assert result.n_members.tolist() == [2, 2]
    assert result.score[0] == pytest.approx(3 / 4)
    assert result.score[1] == pytest.approx(1 / 4)
    assert result.perspectives[result.weakest[1]] == "service user"
    assert result.geometric_mean[1] == pytest.approx(np.sqrt(3 / 4 * 1 / 4))


def test_a_perspective_with_too_few_votes_on_a_statement_counts_there_as_unseen():
    # Three practitioners agree with both statements. Three service users vote on statement 1;
    # only the first of them votes on statement 0, agreeing or disagreeing.
    roles = ["practitioner"] * 3 + ["service user"] * 3

    def bridging(lone_vote: int, **options):
        dense = np.array([[1, 1]] * 3 + [[lone_vote, -1], [np.nan, 1], [np.nan, 1]])
        return perspective_bridging(
            votes=VoteMatrix.from_dense(dense=dense), perspectives=roles, **options
        )

    # Counted from one vote, the lone service user's vote can be read off the rate and score.
    agreed, disagreed = bridging(1), bridging(-1)
    assert agreed.agree_rate[1, 0] == pytest.approx(2 / 3)
    assert disagreed.agree_rate[1, 0] == pytest.approx(1 / 3)
    # From three voters only, statement 0 reads as if no service user had voted on it.
    agreed, disagreed = bridging(1, min_voters=3), bridging(-1, min_voters=3)
    for result in (agreed, disagreed):
        assert result.agree_rate[:, 0].tolist() == pytest.approx([4 / 5, 1 / 2])
        assert result.score.tolist() == pytest.approx([1 / 2, 3 / 5])
        assert result.n_seen[1].tolist() == [1, 3]  # the counts stay, to say how many voted
    assert agreed.agree_rate.tolist() == disagreed.agree_rate.tolist()


def test_moderated_statements_score_nan():
    votes = VoteMatrix.from_dense(dense=np.array([[1, 1], [1, -1]]), statement_ids=["x", "y"])
    result = perspective_bridging(votes=votes, perspectives=["a", "b"], moderated_out=["y"])
    assert np.isnan(result.score[1]) and not np.isnan(result.score[0])


def _bridging_world(seed: int, shares: list[float]):
    """A third of statements bridge, a third split along group lines each way."""
    rng = np.random.default_rng(seed)
    g, m = len(shares), 120
    support = np.empty((g, m))
    for j in range(m):
        kind = j % 3
        if kind == 0:
            support[:, j] = rng.uniform(0.45, 0.85) + rng.uniform(-0.05, 0.05, g)
        elif kind == 1:
            support[:, j] = rng.uniform(0.05, 0.25, g)
            support[rng.integers(g), j] = rng.uniform(0.85, 0.97)
        else:
            support[:, j] = rng.uniform(0.75, 0.97, g)
            support[rng.integers(g), j] = rng.uniform(0.05, 0.3)
    return planted_conversation(
        n_participants=3000, n_statements=m, votes_per_participant=40,
        group_shares=np.array(shares), agree_probability=support, seed=seed,
    )  # fmt: skip


@pytest.mark.parametrize(("seed", "shares"), [(0, [0.7, 0.3]), (1, [0.6, 0.25, 0.15])])
def test_latent_bridging_predicts_the_least_supportive_group(seed, shares):
    world = _bridging_world(seed, shares)
    fitted = latent_bridging(votes=world.votes, n_factors=2, seed=seed)
    matrix = world.votes.votes
    agree = np.asarray((matrix == 1).sum(axis=0)).ravel()
    seen = np.bincount(matrix.indices, minlength=matrix.shape[1])
    raw_rate = agree / np.maximum(seen, 1)
    least_support = world.agree_probability.min(axis=0)
    latent_fit = spearmanr(fitted.statement_intercepts, least_support)[0]
    raw_fit = spearmanr(raw_rate, least_support)[0]
    assert latent_fit > raw_fit
    assert latent_fit > 0.5


def test_latent_bridging_fits_a_rank_one_world_closely():
    world = planted_conversation(
        n_participants=800, n_statements=40, votes_per_participant=30, n_groups=2, seed=4
    )
    fitted = latent_bridging(votes=world.votes, n_factors=1, seed=0, max_iter=100)
    assert fitted.converged
    matrix = world.votes.votes.tocoo()
    rating = (matrix.data + 1) / 2
    prediction = (
        fitted.mean
        + fitted.participant_intercepts[matrix.row]
        + fitted.statement_intercepts[matrix.col]
        + np.sum(fitted.participant_factors[matrix.row] * fitted.statement_factors[matrix.col], 1)
    )
    baseline = np.mean((rating - rating.mean()) ** 2)
    assert np.mean((rating - prediction) ** 2) < 0.75 * baseline

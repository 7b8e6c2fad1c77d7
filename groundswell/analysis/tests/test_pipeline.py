import numpy as np
from sklearn.metrics import adjusted_rand_score

from groundswell.analysis import AnalysisOptions, VoteMatrix, analyse
from groundswell.analysis.synthetic import planted_conversation


def _world(seed: int = 0):
    return planted_conversation(
        n_participants=900,
        n_statements=40,
        votes_per_participant=30,
        n_groups=3,
        separation=3.0,
        seed=seed,
    )


def test_planted_groups_are_found():
    world = _world()
    result = analyse(world.votes, seed=0)
    clustered = result.labels >= 0
    assert result.clustering.k == 3
    assert adjusted_rand_score(world.groups[clustered], result.labels[clustered]) >= 0.9
    assert sum(g.size for g in result.groups) == clustered.sum()
    assert all(len(g.representative) >= 1 for g in result.groups)
    assert len(result.bridging) == 40


def test_same_seed_same_answer():
    world = _world(1)
    first = analyse(world.votes, seed=3)
    second = analyse(world.votes, seed=3)
    assert (first.labels == second.labels).all()
    np.testing.assert_array_equal(first.bridging_scores, second.bridging_scores)


def test_moderated_out_statements_are_excluded_everywhere():
    world = _world(2)
    hidden = [0, 5, 7]
    result = analyse(world.votes, moderated_out=hidden, seed=0)
    assert result.n_statements == 37
    assert np.isnan(result.bridging_scores[hidden]).all()
    assert np.isnan(result.consensus.agree_scores[hidden]).all()
    listed = {b.statement for b in result.bridging}
    listed |= {r.statement for g in result.groups for r in g.representative}
    listed |= set(result.consensus.agree) | set(result.consensus.disagree)
    assert listed.isdisjoint(hidden)


def test_update_from_previous_result_keeps_groups_and_ids():
    world = _world(3)
    matrix = world.votes.votes
    # The first result sees 80% of the people; the update adds the rest.
    cut = 700
    early = VoteMatrix(
        votes=matrix[:cut], participant_ids=world.votes.participant_ids[:cut],
        statement_ids=world.votes.statement_ids,
    )  # fmt: skip
    before = analyse(early, seed=0)
    after = analyse(world.votes, seed=7, previous=before)
    same = after.labels[:cut] == before.labels
    assert same.mean() > 0.95
    assert after.projection.iterations <= before.projection.iterations
    assert after.latent_bridging.iterations <= before.latent_bridging.iterations


def test_perspectives_give_perspective_bridging():
    world = _world(4)
    roles = np.where(world.groups == 0, "practitioner", "service user").tolist()
    result = analyse(world.votes, perspectives=roles, seed=0)
    assert result.perspective_bridging is not None
    assert result.perspective_bridging.perspectives == ("practitioner", "service user")
    # The weakest perspective's agree rate is the score.
    rates = result.perspective_bridging.agree_rate
    np.testing.assert_allclose(result.perspective_bridging.score, rates.min(axis=0))


def test_tiny_conversation_still_gives_an_answer():
    votes = VoteMatrix.from_dense(dense=np.array([[1.0, -1.0], [1.0, np.nan], [np.nan, 1.0]]))
    result = analyse(votes, seed=0)
    assert result.n_participants == 3
    assert len(result.bridging) == 2


def test_options_are_respected():
    world = _world(5)
    result = analyse(world.votes, seed=0, options=AnalysisOptions(max_k=2, pick_max=2))
    assert result.clustering.k == 2
    assert all(len(g.representative) <= 2 for g in result.groups)


def test_a_conversation_of_passes_says_nothing_stands_out():
    votes = VoteMatrix.from_dense(dense=np.zeros((4, 3)))
    result = analyse(votes, seed=0)
    assert [g.representative for g in result.groups] == [()] * len(result.groups)
    assert result.consensus.agree == () and result.consensus.disagree == ()


def test_one_voters_agreement_is_not_consensus_and_others_are_not_counted():
    nan = np.nan
    dense = np.array([[1.0, 1.0, -1.0], [nan] * 3, [nan] * 3, [nan] * 3])
    result = analyse(VoteMatrix.from_dense(dense=dense), seed=0)
    assert result.consensus.agree == () and result.consensus.disagree == ()
    assert (result.n_participants, result.n_votes) == (1, 3)


def test_participants_are_those_with_votes_on_statements_not_moderated_out():
    votes = VoteMatrix.from_dense(dense=np.array([[1.0, np.nan], [np.nan, -1.0], [1.0, 1.0]]))
    result = analyse(votes, moderated_out=[0], seed=0)
    assert (result.n_participants, result.n_votes) == (2, 2)
    everything_out = analyse(votes, moderated_out=[0, 1], seed=0)
    assert (everything_out.n_participants, everything_out.n_votes) == (0, 0)


def test_with_every_statement_moderated_out_nobody_is_in_a_group():
    world = _world(7)
    everything_out = analyse(world.votes, moderated_out=world.votes.statement_ids.tolist(), seed=0)
    assert everything_out.n_participants == 0
    assert everything_out.groups == () and (everything_out.labels == -1).all()


def test_two_camps_who_each_voted_alike_are_two_groups():
    """Every participant in a camp has the same position on the map, so there are only two
    base clusters; that is two groups (as in Pol.is), not one group in which the minority's
    disagreement is outvoted into "consensus"."""
    dense = np.ones((10, 6))
    dense[8:] = -1  # two people disagree with everything the other eight agree with
    result = analyse(VoteMatrix.from_dense(dense=dense), seed=0)
    assert result.clustering.k == 2
    assert sorted(g.size for g in result.groups) == [2, 8]
    assert result.consensus.agree == () and result.consensus.disagree == ()
    directions = {g.size: {r.direction for r in g.representative} for g in result.groups}
    assert directions == {8: {"agree"}, 2: {"disagree"}}


def test_an_update_from_a_result_with_no_statements_starts_cold():
    world = _world(6)
    everything_out = analyse(world.votes, moderated_out=world.votes.statement_ids.tolist(), seed=0)
    update = analyse(world.votes, previous=everything_out, seed=0)
    cold = analyse(world.votes, seed=0)
    assert update.clustering.k == cold.clustering.k == 3
    assert adjusted_rand_score(update.labels, cold.labels) == 1.0


def test_statements_are_moderated_out_whether_named_by_number_or_text():
    dense = np.random.default_rng(0).choice([-1.0, 0.0, 1.0], size=(20, 4))
    as_text = VoteMatrix.from_dense(dense=dense, statement_ids=["10", "11", "12", "13"])
    assert analyse(as_text, moderated_out=[12], seed=0).active.tolist() == [1, 1, 0, 1]
    as_numbers = VoteMatrix.from_dense(dense=dense, statement_ids=[10, 11, 12, 13])
    # A list that mixes kinds of id still takes out the statements it names.
    mixed = analyse(as_numbers, moderated_out=["gone", 12], seed=0)
    assert mixed.active.tolist() == [1, 1, 0, 1]
    assert 12 not in {b.statement for b in mixed.bridging}

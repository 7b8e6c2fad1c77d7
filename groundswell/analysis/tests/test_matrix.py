import numpy as np
import pytest
import scipy.sparse as sp

from groundswell.analysis.matrix import VoteMatrix, align_ids


def test_from_triples_keeps_latest_vote_and_passes():
    votes = VoteMatrix.from_triples(
        participants=["b", "a", "a", "a"],
        statements=[10, 10, 20, 10],
        values=[1, -1, 0, 1],
        order=[5, 1, 2, 3],
    )
    assert list(votes.participant_ids) == ["a", "b"]
    assert list(votes.statement_ids) == [10, 20]
    dense = votes.votes.toarray()
    assert dense.tolist() == [[1, 0], [1, 0]]
    # The pass on (a, 20) is stored; (b, 20) is missing.
    assert votes.n_votes == 3
    assert votes.votes_per_participant().tolist() == [2, 1]


def test_from_triples_latest_by_order_not_position():
    votes = VoteMatrix.from_triples(
        participants=[1, 1], statements=[7, 7], values=[-1, 1], order=[20, 10]
    )
    assert votes.votes.toarray().tolist() == [[-1]]


def test_from_triples_with_fixed_ids_keeps_silent_rows():
    votes = VoteMatrix.from_triples(
        participants=[3],
        statements=[1],
        values=[1],
        participant_ids=[1, 2, 3],
        statement_ids=[1, 2],
    )
    assert votes.votes.shape == (3, 2)
    assert votes.votes_per_participant().tolist() == [0, 0, 1]


def test_unknown_id_is_refused():
    with pytest.raises(ValueError, match="not in participant_ids"):
        VoteMatrix.from_triples(participants=[9], statements=[1], values=[1], participant_ids=[1])


def test_bad_values_are_refused():
    matrix = sp.csr_matrix(np.array([[2.0, 0.0]]))
    with pytest.raises(ValueError, match="vote values"):
        VoteMatrix(votes=matrix, participant_ids=[1], statement_ids=[1, 2])


@pytest.mark.parametrize("value", [0.5, 1.5, -0.5, 255, -255, np.nan])
def test_votes_that_are_not_whole_agree_disagree_or_pass_are_refused(value):
    # Cast to int8 as they were, 0.5 ("somewhat agree") became a pass and 255 a disagree.
    with pytest.raises(ValueError, match="vote values"):
        VoteMatrix.from_triples(participants=[1, 2], statements=[1, 1], values=[1, value])
    if not np.isnan(value):  # in a dense array NaN means "did not vote"
        with pytest.raises(ValueError, match="vote values"):
            VoteMatrix.from_dense(dense=np.array([[1.0, value]]))


def test_wrong_id_length_is_refused():
    matrix = sp.csr_matrix(np.array([[1.0, -1.0]]))
    with pytest.raises(ValueError, match="statement_ids"):
        VoteMatrix(votes=matrix, participant_ids=[1], statement_ids=[1])


def test_from_dense_treats_nan_as_missing_and_zero_as_pass():
    votes = VoteMatrix.from_dense(dense=np.array([[1, np.nan, 0], [np.nan, -1, np.nan]]))
    assert votes.n_votes == 3
    assert votes.votes_per_statement().tolist() == [1, 1, 1]


@pytest.mark.parametrize(
    ("new", "old", "expected"),
    [
        ([3, 1, 5], [1, 2, 3], [2, 0, -1]),
        (["b", "z"], ["a", "b"], [1, -1]),
        ([1], [], [-1]),
    ],
)
def test_align_ids(new, old, expected):
    assert align_ids(new_ids=np.array(new), old_ids=np.array(old)).tolist() == expected


@pytest.mark.parametrize(
    "participants",
    [
        np.array([10, 10, 11, 12, 12, 12]),  # dense integer ids: counted, not sorted
        np.array([10, 10, 11, 10**12, 10**12, 10**12]),  # sparse integer ids: sorted
        np.array(["a", "a", "b", "c", "c", "c"]),
    ],
)
def test_from_triples_gives_the_same_matrix_whatever_the_input_order(participants):
    statements = np.array([1, 2, 2, 1, 2, 3])
    values = np.array([1, -1, 0, 1, 1, -1])
    in_order = VoteMatrix.from_triples(
        participants=participants, statements=statements, values=values
    )
    shuffled = np.random.default_rng(0).permutation(len(values))
    out_of_order = VoteMatrix.from_triples(
        participants=participants[shuffled],
        statements=statements[shuffled],
        values=values[shuffled],
    )
    assert in_order.participant_ids.tolist() == sorted(set(participants.tolist()))
    assert (in_order.participant_ids == out_of_order.participant_ids).all()
    assert (in_order.votes != out_of_order.votes).nnz == 0
    assert in_order.votes.nnz == out_of_order.votes.nnz == 6

import numpy as np
import pytest

from groundswell.analysis.consensus import group_informed_consensus, select_consensus


def test_group_informed_consensus_is_the_product_of_smoothed_rates():
    agree, disagree = group_informed_consensus(
        n_agree=np.array([[3], [1]]), n_disagree=np.array([[1], [2]]), n_seen=np.array([[4], [4]])
    )
    assert agree[0] == pytest.approx((4 / 6) * (2 / 6))
    assert disagree[0] == pytest.approx((2 / 6) * (3 / 6))


def test_a_statement_one_group_rejects_is_not_consensus():
    # 0: both groups agree. 1: the big group loves it, the small one rejects it.
    result = select_consensus(
        n_agree=np.array([[80, 95], [8, 1]]),
        n_disagree=np.array([[10, 0], [1, 9]]),
        n_seen=np.array([[100, 100], [10, 10]]),
        statement_ids=np.array(["a", "b"]),
    )
    assert result.agree == ("a",)
    assert result.agree_scores[0] > result.agree_scores[1]
    assert result.disagree == ()


def test_ineligible_statements_are_left_out():
    result = select_consensus(
        n_agree=np.array([[9, 9]]),
        n_disagree=np.array([[0, 0]]),
        n_seen=np.array([[9, 9]]),
        statement_ids=np.array([1, 2]),
        eligible=np.array([True, False]),
    )
    assert result.agree == (1,)


def test_a_single_voters_agreement_is_not_consensus():
    # One group, one voter; then one voter in each of two groups (the other group unseen).
    for n_agree, n_seen in [([[1]], [[1]]), ([[1], [1]], [[1], [1]]), ([[1], [0]], [[1], [0]])]:
        result = select_consensus(
            n_agree=np.array(n_agree),
            n_disagree=np.zeros_like(n_agree),
            n_seen=np.array(n_seen),
            statement_ids=np.array([1]),
        )
        assert result.agree == ()
    lone_disagree = select_consensus(
        n_agree=np.array([[0]]),
        n_disagree=np.array([[1]]),
        n_seen=np.array([[1]]),
        statement_ids=np.array([1]),
    )
    assert lone_disagree.disagree == ()


def test_consensus_needs_two_voters_in_a_group_and_a_majority_in_every_group():
    result = select_consensus(
        # 1: two agree in group 0, a lone agree in group 1. 2: the lone voter disagrees.
        # 3: half of group 0 agrees, which is not a majority.
        n_agree=np.array([[2, 2, 1], [1, 0, 1]]),
        n_disagree=np.array([[0, 0, 1], [0, 1, 0]]),
        n_seen=np.array([[2, 2, 2], [1, 1, 1]]),
        statement_ids=np.array([1, 2, 3]),
    )
    assert result.agree == (1,)

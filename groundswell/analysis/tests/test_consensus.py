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

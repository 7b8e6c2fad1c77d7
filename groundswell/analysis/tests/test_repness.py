import numpy as np
import pytest

from groundswell.analysis.repness import (
    Z_90,
    group_statement_stats,
    prop_test,
    select_representative,
    two_prop_test,
)


def test_prop_test_matches_polis_formula():
    # Pol.is: 2 * sqrt(n + 1) * ((succ + 1) / (n + 1) - 0.5)
    assert prop_test(successes=np.array(8.0), trials=np.array(10.0)) == pytest.approx(
        2 * np.sqrt(11) * (9 / 11 - 0.5)
    )


def test_two_prop_test_is_zero_when_undefined_and_signed_otherwise():
    same = two_prop_test(
        successes_in=np.array(0.0),
        successes_out=np.array(0.0),
        n_in=np.array(-1.0),
        n_out=np.array(-1.0),
    )
    assert same == 0
    higher = two_prop_test(
        successes_in=np.array(9.0),
        successes_out=np.array(2.0),
        n_in=np.array(10.0),
        n_out=np.array(10.0),
    )
    assert higher > Z_90


def _two_groups():
    # Statement 0: group 0 agrees, group 1 disagrees. Statement 1: everyone agrees.
    # Statement 2: group 1 agrees, group 0 disagrees.
    n_agree = np.array([[18, 19, 1], [1, 19, 18]])
    n_disagree = np.array([[1, 0, 18], [18, 0, 1]])
    n_seen = np.array([[20, 20, 20], [20, 20, 20]])
    return group_statement_stats(n_agree=n_agree, n_disagree=n_disagree, n_seen=n_seen)


def test_each_group_is_represented_by_what_sets_it_apart():
    stats = _two_groups()
    picks = select_representative(stats=stats, statement_ids=np.array([100, 101, 102]))
    first = [(p.statement, p.direction) for p in picks[0]]
    second = [(p.statement, p.direction) for p in picks[1]]
    assert first[0] == (100, "agree")
    assert (102, "disagree") in first
    assert second[0] == (102, "agree")
    assert (100, "disagree") in second
    # What everyone agrees with does not set a group apart.
    assert all(p.statement != 101 for group in picks for p in group)
    assert picks[0][0].best_agree


def test_ineligible_statements_are_never_picked():
    stats = _two_groups()
    picks = select_representative(
        stats=stats,
        statement_ids=np.array([100, 101, 102]),
        eligible=np.array([False, True, True]),
    )
    assert all(p.statement != 100 for group in picks for p in group)


def test_at_most_pick_max_and_agrees_first():
    rng = np.random.default_rng(0)
    n_seen = np.full((2, 30), 40)
    n_agree = rng.integers(0, 41, size=(2, 30))
    n_disagree = 40 - n_agree
    stats = group_statement_stats(n_agree=n_agree, n_disagree=n_disagree, n_seen=n_seen)
    for group in select_representative(stats=stats, statement_ids=np.arange(30), pick_max=3):
        assert 1 <= len(group) <= 3
        directions = [p.direction for p in group]
        assert directions == sorted(directions)  # "agree" < "disagree"


def test_a_group_that_only_passed_is_not_said_to_disagree():
    # Pol.is's last fallback (best by test) picked a "disagree" here that nobody disagreed with.
    stats = group_statement_stats(
        n_agree=np.zeros((1, 3)), n_disagree=np.zeros((1, 3)), n_seen=np.full((1, 3), 4)
    )
    assert select_representative(stats=stats, statement_ids=np.arange(3)) == [()]


def test_a_lone_agree_among_passes_does_not_represent_the_group():
    # 1 of 4 agreed, 3 passed: two negative tests made a positive score.
    stats = group_statement_stats(
        n_agree=np.array([[1, 0]]), n_disagree=np.array([[0, 0]]), n_seen=np.array([[4, 4]])
    )
    assert select_representative(stats=stats, statement_ids=np.arange(2)) == [()]


def test_a_split_group_with_nobody_to_compare_with_has_no_representative():
    stats = group_statement_stats(
        n_agree=np.array([[2]]), n_disagree=np.array([[2]]), n_seen=np.array([[4]])
    )
    assert select_representative(stats=stats, statement_ids=np.arange(1)) == [()]


@pytest.mark.parametrize("seed", range(20))
def test_every_pick_has_voters_in_its_direction_and_a_positive_score(seed):
    # Tiny groups (0-4 people) with many passes: the degenerate cases new projects start with.
    rng = np.random.default_rng(seed)
    n_groups, m = int(rng.integers(1, 4)), int(rng.integers(1, 6))
    n_seen = rng.integers(0, 5, size=(n_groups, m))
    n_agree = rng.binomial(n_seen, 0.3)
    n_disagree = rng.binomial(n_seen - n_agree, 0.3)
    stats = group_statement_stats(n_agree=n_agree, n_disagree=n_disagree, n_seen=n_seen)
    for g, picks in enumerate(select_representative(stats=stats, statement_ids=np.arange(m))):
        for pick in picks:
            voted = n_agree if pick.direction == "agree" else n_disagree
            assert pick.n_success == voted[g, pick.index] >= 1
            assert pick.score > 0
            assert pick.p_test > 0 and pick.repness_test > 0


def test_a_group_still_gets_a_fallback_it_actually_holds():
    # Nothing is significant for group 0, but it leans to agreeing with 1 more than group 1.
    stats = group_statement_stats(
        n_agree=np.array([[2, 1], [1, 1]]),
        n_disagree=np.array([[0, 1], [1, 1]]),
        n_seen=np.array([[3, 3], [3, 3]]),
    )
    picks = select_representative(stats=stats, statement_ids=np.array([10, 11]))
    assert [(p.statement, p.direction) for p in picks[0]] == [(10, "agree")]

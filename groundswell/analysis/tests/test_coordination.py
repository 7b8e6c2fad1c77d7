"""Coordinated voting on synthetic data: a planted ring is found; genuine agreement is not."""

import numpy as np
import pytest
import scipy.sparse as sp

from groundswell.analysis.coordination import DAY, find_coordinated_rings

N_STATEMENTS = 40
HOUR = 3600.0


def ordinary_voters(rng: np.random.Generator, n: int, *, new_share: float = 0.15):
    """Three opinion groups, each member voting with their group's leaning and plenty of noise,
    on a random subset of statements, over 30 days; a share of them joined this week."""
    leanings = rng.choice([-1, 0, 1], size=(3, N_STATEMENTS), p=[0.4, 0.2, 0.4])
    rows, ages, first, last = [], [], [], []
    for _ in range(n):
        lean = leanings[rng.integers(3)]
        seen = rng.random(N_STATEMENTS) < 0.6
        noisy = rng.random(N_STATEMENTS) < 0.3
        row = np.where(noisy, rng.choice([-1, 0, 1], size=N_STATEMENTS), lean)
        rows.append(np.where(seen, row, np.nan))
        ages.append(rng.uniform(0, 7) if rng.random() < new_share else rng.uniform(30, 900))
        start = rng.uniform(0, 30 * DAY)
        first.append(start)
        last.append(start + rng.uniform(0, 2 * HOUR))
    return rows, ages, first, last


def ring(rng: np.random.Generator, n: int, *, start: float, spread: float, age=(0, 3)):
    """n accounts voting one script, with a slip now and then, all starting within `spread`."""
    script = rng.choice([-1, 1], size=N_STATEMENTS)
    rows, ages, first, last = [], [], [], []
    for _ in range(n):
        row = script.astype(float).copy()
        slips = rng.random(N_STATEMENTS) < 0.03
        row[slips] = -row[slips]
        skipped = rng.random(N_STATEMENTS) < 0.1
        row[skipped] = np.nan
        rows.append(row)
        ages.append(rng.uniform(*age))
        t = start + rng.uniform(0, spread)
        first.append(t)
        last.append(t + rng.uniform(0, 20 * 60))
    return rows, ages, first, last


def as_input(*parts):
    rows = [r for p in parts for r in p[0]]
    dense = np.array(rows)
    seen = ~np.isnan(dense)
    r, c = np.nonzero(seen)
    votes = sp.csr_matrix((dense[r, c], (r, c)), shape=dense.shape)
    return {
        "votes": votes,
        "account_age_days": np.array([a for p in parts for a in p[1]]),
        "first_vote_at": np.array([t for p in parts for t in p[2]]),
        "last_vote_at": np.array([t for p in parts for t in p[3]]),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_planted_ring_of_20_new_accounts_among_500_voters_is_found(seed):
    rng = np.random.default_rng(seed)
    crowd = ordinary_voters(rng, 500)
    planted = ring(rng, 20, start=12 * DAY, spread=3 * HOUR)
    rings = find_coordinated_rings(**as_input(crowd, planted))

    assert len(rings) == 1
    found = set(rings[0].members)
    planted_rows = set(range(500, 520))
    recall = len(found & planted_rows) / len(planted_rows)
    precision = len(found & planted_rows) / len(found)
    assert recall >= 0.9
    assert precision == 1.0
    assert rings[0].size == len(found)
    assert rings[0].similarity >= 0.9
    assert rings[0].window_seconds <= DAY
    assert rings[0].shared_statements >= 5


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_no_ring_is_reported_when_there_is_none(seed):
    rng = np.random.default_rng(seed)
    assert find_coordinated_rings(**as_input(ordinary_voters(rng, 500, new_share=0.3))) == []


def test_old_accounts_voting_alike_are_a_genuine_opinion_group():
    rng = np.random.default_rng(7)
    crowd = ordinary_voters(rng, 300)
    group = ring(rng, 25, start=5 * DAY, spread=2 * HOUR, age=(60, 800))
    assert find_coordinated_rings(**as_input(crowd, group)) == []


def test_new_accounts_voting_alike_over_weeks_are_not_flagged():
    rng = np.random.default_rng(8)
    crowd = ordinary_voters(rng, 300)
    campaign = ring(rng, 20, start=0, spread=HOUR)
    # The same script, but one account after another, a day or more apart, over four weeks.
    spread_out = np.arange(20) * 1.4 * DAY
    campaign = (campaign[0], campaign[1], list(spread_out), list(spread_out + 20 * 60))
    assert find_coordinated_rings(**as_input(crowd, campaign)) == []


def test_only_the_members_inside_one_window_are_reported():
    rng = np.random.default_rng(9)
    burst = ring(rng, 8, start=DAY, spread=HOUR)
    # The same script from accounts that arrive a week later, alike but outside the window.
    late = (burst[0][:3], [1.0, 2.0, 3.0], [8 * DAY, 8 * DAY + 60, 8 * DAY + 120])
    late = (*late, [t + 60 for t in late[2]])
    rings = find_coordinated_rings(**as_input(burst, late))
    assert [r.members for r in rings] == [tuple(sorted(range(8), key=lambda i: burst[2][i]))]


def test_a_group_smaller_than_the_minimum_is_not_a_ring():
    rng = np.random.default_rng(10)
    few = ring(rng, 4, start=0, spread=HOUR)
    assert find_coordinated_rings(**as_input(few), min_size=5) == []
    assert len(find_coordinated_rings(**as_input(few), min_size=4)) == 1


def test_too_few_shared_statements_is_not_enough_to_link_two_accounts():
    votes = sp.csr_matrix(
        (np.ones(12), (np.repeat(np.arange(6), 2), np.tile([0, 1], 6))), shape=(6, 6)
    )
    kwargs = {
        "votes": votes,
        "account_age_days": np.zeros(6),
        "first_vote_at": np.zeros(6),
        "last_vote_at": np.full(6, 60.0),
    }
    assert find_coordinated_rings(**kwargs, min_shared=5) == []
    assert len(find_coordinated_rings(**kwargs, min_shared=2)) == 1


def test_inputs_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="same length"):
        find_coordinated_rings(
            votes=sp.csr_matrix((3, 4)),
            account_age_days=np.zeros(2),
            first_vote_at=np.zeros(3),
            last_vote_at=np.zeros(3),
        )

"""Pairwise ranking ("which of these two matters more?") with the Bradley-Terry model.

P(i beats j) = p_i / (p_i + p_j), fitted by Newton's method (or, for many items, Hunter's
2004 MM algorithm). A weak prior —
``prior`` virtual wins and losses against a reference item of strength 1 — keeps items that
never lost (or never won) finite and shrinks sparsely compared items towards the middle.
A "tie" (the person judged both equal) counts as half a win each; a "skip" ("can't decide")
carries no preference and only counts as an appearance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from groundswell.analysis.repness import _plain

Outcome = Literal["first", "second", "tie", "skip"]
_OUTCOMES = ("first", "second", "tie", "skip")
_Z_95 = 1.959963984540054
# Newton's method needs the items x items information matrix; beyond this, use MM steps.
_NEWTON_MAX_ITEMS = 3000


@dataclass(frozen=True)
class Comparison:
    first: object
    second: object
    outcome: Outcome


@dataclass(frozen=True, eq=False)
class PairwiseRanking:
    items: tuple[object, ...]
    strength: np.ndarray  # log-strength relative to the average item
    standard_error: np.ndarray
    lower: np.ndarray  # 95% interval for ``strength``
    upper: np.ndarray
    score: np.ndarray  # chance (0-100) of beating a randomly chosen other item
    score_lower: np.ndarray  # ``score`` at ``lower`` and ``upper``, the other items held fixed
    score_upper: np.ndarray
    wins: np.ndarray
    losses: np.ndarray
    ties: np.ndarray
    skips: np.ndarray
    iterations: int
    converged: bool

    @property
    def order(self) -> tuple[object, ...]:
        """Items, strongest first."""
        return tuple(self.items[i] for i in np.argsort(-self.strength, kind="stable"))


def bradley_terry(
    *,
    comparisons: Sequence[Comparison],
    items: Sequence[object] | None = None,
    prior: float = 1.0,
    max_iter: int = 10_000,
    tol: float = 1e-9,
) -> PairwiseRanking:
    if prior <= 0:
        raise ValueError("prior must be positive: without it undefeated items run off to infinity")
    firsts = [c.first for c in comparisons]
    seconds = [c.second for c in comparisons]
    outcomes = [c.outcome for c in comparisons]
    bad = set(outcomes) - set(_OUTCOMES)
    if bad:
        raise ValueError(f"unknown outcome(s) {sorted(map(str, bad))}; use {_OUTCOMES}")
    item_list = list(items) if items is not None else list(dict.fromkeys(firsts + seconds))
    position = {item: i for i, item in enumerate(item_list)}
    if len(position) != len(item_list):
        # A repeated item would be ranked twice: once with its comparisons, once without.
        raise ValueError("items must not repeat")
    try:
        a = np.array([position[x] for x in firsts], dtype=np.int64)
        b = np.array([position[x] for x in seconds], dtype=np.int64)
    except KeyError as error:
        raise ValueError(f"comparison names an unknown item {error.args[0]!r}") from None
    if np.any(a == b):
        raise ValueError("an item cannot be compared with itself")
    code = np.array([_OUTCOMES.index(o) for o in outcomes], dtype=np.int64)
    return bradley_terry_arrays(
        first=a, second=b, outcome=code, items=tuple(_plain(x) for x in item_list),
        prior=prior, max_iter=max_iter, tol=tol,
    )  # fmt: skip


def bradley_terry_arrays(
    *,
    first: np.ndarray,
    second: np.ndarray,
    outcome: np.ndarray,
    items: tuple[object, ...],
    prior: float = 1.0,
    max_iter: int = 10_000,
    tol: float = 1e-9,
) -> PairwiseRanking:
    """Vectorised core: ``outcome`` codes 0 first wins, 1 second wins, 2 tie, 3 skip."""
    n = len(items)
    skip = outcome == 3
    decided = ~skip
    a, b, result = first[decided], second[decided], outcome[decided]
    # Order each comparison as (winner, loser); ties get half a win for each side.
    winner = np.where(result == 1, b, a)
    loser = np.where(result == 1, a, b)
    win_credit = np.where(result == 2, 0.5, 1.0)
    wins_total = (
        np.bincount(winner, weights=win_credit, minlength=n)
        + np.bincount(loser, weights=1.0 - win_credit, minlength=n)
        + prior
    )
    if n <= _NEWTON_MAX_ITEMS:
        theta, iteration, converged = _newton(
            winner=winner, loser=loser, credit=win_credit, n=n, prior=prior,
            max_iter=max_iter, tol=tol,
        )  # fmt: skip
    else:
        theta, iteration, converged = _minorise_maximise(
            winner=winner, loser=loser, wins_total=wins_total, n=n, prior=prior,
            max_iter=max_iter, tol=tol,
        )  # fmt: skip
    info = _information(winner=winner, loser=loser, theta=theta, prior=prior, n=n)
    covariance = np.linalg.inv(info) if n else info
    # Report strengths relative to the average item: a contrast that the comparisons pin
    # down, unlike the position of the prior's reference item.
    centring = np.eye(n) - 1.0 / max(n, 1)
    theta = theta - theta.mean() if n else theta
    covariance = centring @ covariance @ centring.T
    se = np.sqrt(np.clip(np.diag(covariance), 0, None))

    lower, upper = theta - _Z_95 * se, theta + _Z_95 * se
    score, score_lower, score_upper = (_score(at, theta) for at in (theta, lower, upper))
    decided_wins = np.bincount(winner[result != 2], minlength=n).astype(np.int64)
    decided_losses = np.bincount(loser[result != 2], minlength=n).astype(np.int64)
    ties = (
        np.bincount(a[result == 2], minlength=n) + np.bincount(b[result == 2], minlength=n)
    ).astype(np.int64)
    skips = (np.bincount(first[skip], minlength=n) + np.bincount(second[skip], minlength=n)).astype(
        np.int64
    )
    return PairwiseRanking(
        items=items,
        strength=theta,
        standard_error=se,
        lower=lower,
        upper=upper,
        score=score,
        score_lower=score_lower,
        score_upper=score_upper,
        wins=decided_wins,
        losses=decided_losses,
        ties=ties,
        skips=skips,
        iterations=iteration,
        converged=converged,
    )


def _information(
    *, winner: np.ndarray, loser: np.ndarray, theta: np.ndarray, prior: float, n: int
) -> np.ndarray:
    """Fisher information of the log-strengths (minus the log-posterior's Hessian)."""
    p = 1.0 / (1.0 + np.exp(-(theta[winner] - theta[loser])))
    w = p * (1 - p)
    info = np.zeros((n, n))
    np.add.at(info, (winner, winner), w)
    np.add.at(info, (loser, loser), w)
    np.add.at(info, (winner, loser), -w)
    np.add.at(info, (loser, winner), -w)
    p0 = 1.0 / (1.0 + np.exp(-theta))
    info[np.arange(n), np.arange(n)] += 2 * prior * p0 * (1 - p0)
    return info


def _log_posterior(
    *, winner: np.ndarray, loser: np.ndarray, credit: np.ndarray, theta: np.ndarray, prior: float
) -> float:
    d = theta[winner] - theta[loser]
    data = credit * -np.logaddexp(0, -d) + (1 - credit) * -np.logaddexp(0, d)
    reference = -np.logaddexp(0, -theta) - np.logaddexp(0, theta)
    return float(data.sum() + prior * reference.sum())


def _newton(
    *,
    winner: np.ndarray,
    loser: np.ndarray,
    credit: np.ndarray,
    n: int,
    prior: float,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, int, bool]:
    """Damped Newton ascent; the prior makes the log-posterior strictly concave."""
    theta = np.zeros(n)
    if n == 0:
        return theta, 0, True
    current = _log_posterior(winner=winner, loser=loser, credit=credit, theta=theta, prior=prior)
    for iteration in range(1, max_iter + 1):
        p = 1.0 / (1.0 + np.exp(-(theta[winner] - theta[loser])))
        residual = credit - p
        gradient = (
            np.bincount(winner, weights=residual, minlength=n)
            - np.bincount(loser, weights=residual, minlength=n)
            + prior * (1 - 2 / (1 + np.exp(-theta)))
        )
        info = _information(winner=winner, loser=loser, theta=theta, prior=prior, n=n)
        step = np.linalg.solve(info, gradient)
        scale = 1.0
        while True:
            candidate = theta + scale * step
            value = _log_posterior(
                winner=winner, loser=loser, credit=credit, theta=candidate, prior=prior
            )
            if value >= current - 1e-12 or scale < 1e-6:
                break
            scale /= 2
        theta, current = candidate, value
        if np.max(np.abs(scale * step)) < tol:
            return theta, iteration, True
    return theta, max_iter, False


def _score(at: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Chance (0-100) that an item of strength ``at[i]`` beats a random other item ``j != i``."""
    n = len(theta)
    if n < 2:
        return np.full(n, 50.0)
    beats = 1.0 / (1.0 + np.exp(-(at[:, None] - theta[None, :])))
    np.fill_diagonal(beats, 0.0)
    return 100 * beats.sum(axis=1) / (n - 1)


def _minorise_maximise(
    *,
    winner: np.ndarray,
    loser: np.ndarray,
    wins_total: np.ndarray,
    n: int,
    prior: float,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, int, bool]:
    """Hunter's MM updates: slower to converge but no items x items matrix."""
    strength = np.ones(n)
    for iteration in range(1, max_iter + 1):
        inverse = 1.0 / (strength[winner] + strength[loser])
        denominator = (
            np.bincount(winner, weights=inverse, minlength=n)
            + np.bincount(loser, weights=inverse, minlength=n)
            + 2 * prior / (strength + 1.0)
        )
        updated = wins_total / denominator
        change = np.max(np.abs(np.log(updated) - np.log(strength))) if n else 0.0
        strength = updated
        if change < tol:
            return np.log(strength), iteration, True
    return np.log(strength), max_iter, False

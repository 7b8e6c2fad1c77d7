"""Contribution kinds. Each kind is one module holding a registered ContributionKind."""

from groundswell.contributions.kinds.base import ContributionKind, all_kinds, get_kind, register

# Importing the modules registers the kinds, in the order people see them.
from groundswell.contributions.kinds import (  # noqa: E402, F401, I001
    practice,
    barrier,
    failure_demand,
    idea,
    evidence,
    story,
    question,
)

__all__ = ["ContributionKind", "all_kinds", "get_kind", "register"]

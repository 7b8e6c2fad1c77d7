"""Contribution kinds. Each kind is one module holding a registered ContributionKind."""

# Importing the modules registers the kinds, in the order people see them.
from groundswell.contributions.kinds import (  # noqa: F401
    barrier,
    evidence,
    failure_demand,
    idea,
    practice,
    question,
    story,
)
from groundswell.contributions.kinds.base import ContributionKind, all_kinds, get_kind, register

__all__ = ["ContributionKind", "all_kinds", "get_kind", "register"]

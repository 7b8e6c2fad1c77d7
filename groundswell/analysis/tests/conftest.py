from pathlib import Path

import pytest

# The shared conversations, kept in the repository (CC BY 4.0; see data/polis/ATTRIBUTION.md).
POLIS_DATA = Path(__file__).resolve().parents[3] / "data" / "polis"


@pytest.fixture
def polis_dir() -> Path:
    """A small real Pol.is export (CC BY 4.0, The Computational Democracy Project)."""
    folder = POLIS_DATA / "london.youth.policing"
    assert folder.is_dir(), f"{folder} is missing from the repository"
    return folder

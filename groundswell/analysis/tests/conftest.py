from pathlib import Path

import pytest

POLIS_DATA = Path("/work/shared/data/polis")


@pytest.fixture
def polis_dir() -> Path:
    """A small real Pol.is export (CC BY 4.0, The Computational Democracy Project)."""
    folder = POLIS_DATA / "london.youth.policing"
    if not folder.is_dir():
        pytest.skip("the shared Pol.is data is not available on this machine")
    return folder

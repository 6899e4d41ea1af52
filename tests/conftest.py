"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill.core.paths import shared_data_dir

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "examples"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: the public X12, CMS and CodiEsp files tests read from."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("../shared/data is not present beside this checkout")
    return path


@pytest.fixture(scope="session")
def shared_examples(shared_data: Path) -> Path:
    """``../shared/examples``: the claim JSON files the command line accepts."""
    path = shared_data.parent / "examples"
    if not path.is_dir():
        pytest.skip("../shared/examples is not present beside this checkout")
    return path

"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_data import shared_examples_dir, shared_path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` as a whole; prefer ``shared_data.shared_path("x12/835")``, whose
    skip reason names the folder a test reads."""
    return shared_path()


@pytest.fixture(scope="session")
def shared_examples() -> Path:
    """``../shared/examples``: the claim JSON files the command line accepts."""
    return shared_examples_dir()

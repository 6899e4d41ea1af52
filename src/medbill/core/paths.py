"""Where medbill keeps built reference data and learned models (never in git)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "shared_data_dir"]


def data_dir() -> Path:
    """``$MEDBILL_DATA_DIR``, or ``var/`` beside the source checkout, created on demand."""
    env = os.environ.get("MEDBILL_DATA_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[3] / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shared_data_dir() -> Path | None:
    """The public reference material (``../shared/data``), if this checkout has it."""
    env = os.environ.get("MEDBILL_SHARED_DATA")
    candidates = [Path(env)] if env else []
    root = Path(__file__).resolve().parents[3]
    candidates += [root.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for path in candidates:
        if path.is_dir():
            return path
    return None

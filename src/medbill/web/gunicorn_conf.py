"""gunicorn settings that ``medbill serve --production`` adds to its command line."""

from __future__ import annotations

from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    """A recycled or crashed worker's live numbers leave /metrics (its counters stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

"""A control-number counter in a file, for work without the database (the command line).

The database keeps its own sequence (``ControlNumberSequence`` in the billing app);
this one serves ``medbill claims 837p``. An exclusive lock on the file makes two
processes on one machine get different numbers; a number is never handed out twice.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

__all__ = ["FileCounter"]

MAX_CONTROL = 999_999_999


class FileCounter:
    """``FileCounter(path).next("prairie")`` -> 1, 2, 3 ... per name."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def next(self, name: str) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = b""
            while chunk := os.read(fd, 65536):
                raw += chunk
            values = json.loads(raw) if raw.strip() else {}
            value = int(values.get(name, 0)) + 1
            if value > MAX_CONTROL:
                raise OverflowError(f"control numbers for {name!r} are used up")
            values[name] = value
            data = json.dumps(values, indent=1, sort_keys=True).encode()
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, data)
            os.fsync(fd)
            return value
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

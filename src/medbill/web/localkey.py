"""The demo's own secret key, kept in the data directory so sessions survive a restart.

A fresh checkout runs ``medbill demo run --serve`` without configuration, yet with DEBUG
off: the key is made once (``secrets.token_urlsafe``), written readable by its owner only
(mode 0600), and read back on every later run.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["KEY_FILE", "LOCAL_HOSTS", "local_secret_key"]

KEY_FILE = "secret_key"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_MIN_LENGTH = 50


def local_secret_key(directory: Path) -> str:
    """The key in ``directory/secret_key``, made there first if it is missing or too short."""
    path = directory / KEY_FILE
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= _MIN_LENGTH:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)  # someone loosened it; the key signs sessions
            return key
        path.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return local_secret_key(directory)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key

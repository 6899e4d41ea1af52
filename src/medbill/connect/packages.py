"""Fetching a pinned package wheel from the package index (``pip download``).

``medbill codesets build`` uses it for the older ICD-10-CM tabulars that earlier releases of
``simple-icd-10-cm`` ship; core only names the wheel and checks its hash.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["PackageFetchError", "pip_download"]


class PackageFetchError(RuntimeError):
    """The package index could not give us the wheel (the message says why)."""


def pip_download(requirement: str, folder: Path) -> None:
    """Download the wheel of ``requirement`` (``name==version``) into ``folder``."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "-d",
        str(folder),
        requirement,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PackageFetchError(
            f"`pip download {requirement}` failed: {(done.stderr or done.stdout).strip()[-300:]}"
        )

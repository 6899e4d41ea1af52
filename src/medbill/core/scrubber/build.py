"""The ``medbill codesets build`` step for the scrubber's NCCI and MCE tables.

It imports the copies of the CMS files in the shared data folder (``cms/mue``,
``cms/ncci-aoc``, ``cms/mce``, and ``cms/ncci-ptp`` when present) and skips files
already imported (same SHA-256).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from medbill.core.scrubber.importers import import_file
from medbill.core.scrubber.refdata import save_table, stored_hashes

__all__ = ["SHARED_FILES", "build_scrub_tables", "import_and_store"]

# (kind, path under the shared data folder or a glob)
SHARED_FILES = (
    ("mue", "cms/mue/mue_practitioner.json"),
    ("aoc", "cms/ncci-aoc/ncci_aoc_edits.json"),
    ("mce", "cms/mce/MCE_Simple_Code_Edits_v37.txt"),
    ("mce", "cms/mce/mce_edits.json"),
    ("ptp", "cms/ncci-ptp/*.txt"),
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_and_store(
    kind: str, path: Path, quarter: str | None = None, root: Path | None = None, force: bool = True
) -> tuple[Any, bool]:
    """Import ``path`` as ``kind`` and store it; returns (table or None, imported?)."""
    sha = _sha256(path)
    if not force and sha in stored_hashes(kind, root):
        return None, False
    table = import_file(kind, path, quarter)
    save_table(table, root, sha)
    return table, True


def build_scrub_tables(context: Any) -> str:
    """Build step: import the shared CMS MUE, add-on, MCE (and PTP) files when present."""
    shared: Path | None = context.shared_data_dir
    if shared is None:
        return "no shared data folder; import NCCI files with `medbill codesets import`"
    done = []
    for kind, pattern in SHARED_FILES:
        for path in sorted(shared.glob(pattern)):
            table, imported = import_and_store(kind, path, root=context.data_dir, force=False)
            label = f"{kind} {table.quarter}" if table is not None else f"{kind} (current)"
            done.append(label if imported else f"{kind} {path.name} (current)")
    return "scrubber tables: " + (", ".join(done) or "no shared CMS files found")

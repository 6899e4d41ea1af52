"""CPT code shapes. No AMA descriptor text ships with medbill: CPT codes become known to a practice
through its own fee schedule (with its own descriptions) or a CPT file it licenses and imports."""

from __future__ import annotations

import csv
import pickle
import re
from datetime import date
from pathlib import Path

from medbill.core.paths import data_dir

__all__ = [
    "CPT_SHAPES",
    "CptFileError",
    "cpt_shape",
    "import_licensed_cpt",
    "is_cpt",
    "load_licensed_cpt",
    "read_licensed_cpt",
]

CPT_SHAPES: dict[str, re.Pattern[str]] = {
    "category1": re.compile(r"[0-9]{5}"),
    "category2": re.compile(r"[0-9]{4}F"),
    "category3": re.compile(r"[0-9]{4}T"),
    "pla": re.compile(r"[0-9]{4}U"),
}


def cpt_shape(code: str) -> str | None:
    """``"99213"`` -> ``"category1"``, ``"3074F"`` -> ``"category2"``, ``"0042T"`` ->
    ``"category3"``, ``"0001U"`` -> ``"pla"``; anything else -> None.

    Case and surrounding spaces are ignored."""
    text = code.strip().upper() if isinstance(code, str) else ""
    for shape, pattern in CPT_SHAPES.items():
        if pattern.fullmatch(text):
            return shape
    return None


def is_cpt(code: str) -> bool:
    """True when ``code`` has one of the CPT shapes."""
    return cpt_shape(code) is not None


# --- a CPT file the practice licenses ------------------------------------------------------------


class CptFileError(ValueError):
    """A licensed CPT file row is unusable; the message names the row and column."""


def _optional_date(text: str, where: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CptFileError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def read_licensed_cpt(path: Path | str) -> list[tuple[str, str, date | None, date | None]]:
    """Read a licensed CPT file (CSV; columns ``code``, ``description`` and optionally
    ``effective_from``, ``effective_to``) into ``(code, description, from, to)`` rows."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = {c.strip().lower(): c for c in reader.fieldnames or []}
        for needed in ("code", "description"):
            if needed not in columns:
                raise CptFileError(f"header: column {needed!r} is missing")
        rows = []
        for number, row in enumerate(reader, start=2):

            def cell(name: str, row: dict[str, str | None] = row) -> str:
                return (row.get(columns[name]) or "").strip() if name in columns else ""

            code = cell("code").upper()
            if cpt_shape(code) is None:
                raise CptFileError(f"row {number}, column 'code': {code!r} is not a CPT code")
            text = " ".join(cell("description").split())
            if not text:
                raise CptFileError(f"row {number}, column 'description': empty")
            start = _optional_date(cell("effective_from"), f"row {number}, column 'effective_from'")
            end = _optional_date(cell("effective_to"), f"row {number}, column 'effective_to'")
            rows.append((code, text, start, end))
    return rows


def _store() -> Path:
    folder = data_dir() / "codesets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "cpt.pickle"


def import_licensed_cpt(path: Path | str) -> int:
    """Store a licensed CPT file for search (kept in ``data_dir()``, never in the repository)."""
    rows = read_licensed_cpt(path)
    target = _store()
    tmp = target.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(target)
    return len(rows)


def load_licensed_cpt() -> list[tuple[str, str, date | None, date | None]]:
    """The imported licensed CPT rows, or an empty list when none was imported."""
    path = _store()
    if not path.exists():
        return []
    with open(path, "rb") as handle:
        rows: list[tuple[str, str, date | None, date | None]] = pickle.load(handle)
    return rows

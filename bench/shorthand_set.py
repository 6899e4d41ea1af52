"""The shorthand problem-list set (``bench/data/shorthand.tsv``) and its fixed split.

Each phrase goes to the tuning half or the held-out half by the SHA-256 of its text, so the split
never depends on the order of the file or on what the engine answers. Ranking changes are made
looking at the tuning half only; the held-out half is reported, never read while tuning.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

SOURCE = Path(__file__).parent / "data" / "shorthand.tsv"
DOS = date(2025, 3, 1)  # the FY2025 release: the year of the Index the set was written against


def load() -> list[tuple[str, tuple[str, ...]]]:
    """Every (phrase, accepted codes) pair of the set, in file order."""
    rows = []
    for line in SOURCE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, gold = line.split("\t")
        rows.append((phrase, tuple(gold.split("|"))))
    return rows


def half(phrase: str) -> str:
    """``"tune"`` or ``"heldout"``: the first byte of the phrase's SHA-256, even or odd."""
    return "tune" if hashlib.sha256(phrase.encode()).digest()[0] % 2 == 0 else "heldout"


def split() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """The set cut into its tuning and held-out halves."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {"tune": [], "heldout": []}
    for row in load():
        out[half(row[0])].append(row)
    return out


if __name__ == "__main__":
    for name, rows in split().items():
        print(f"{name}: {len(rows)} phrases")

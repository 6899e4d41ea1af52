"""Read the hand-coded office-visit notes of ``bench/visit_notes`` (see its README)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent / "visit_notes"
_HEADER = re.compile(
    r"^=== (?P<id>\w+) \| age (?P<age>\d+) \| sex (?P<sex>[FM]) \| (?P<status>new|established)$"
)


@dataclass(frozen=True)
class VisitNote:
    id: str
    specialty: str
    age: int
    sex: str
    new_patient: bool
    dx: tuple[str, ...]
    px: tuple[tuple[str, tuple[str, ...], int], ...]
    em: str | None
    text: str


def _codes(line: str, key: str) -> str:
    if not line.startswith(key + ":"):
        raise ValueError(f"expected '{key}:' line, got {line!r}")
    return line[len(key) + 1 :].strip()


def _procedure(item: str) -> tuple[str, tuple[str, ...], int]:
    parts = item.split()
    units = 1
    if parts[-1].startswith("x"):
        units = int(parts.pop()[1:])
    return parts[0], tuple(parts[1:]), units


def read_notes(folder: Path = HERE) -> list[VisitNote]:
    """Every note of every specialty file, in file order."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        blocks = re.split(r"^(?==== )", path.read_text(encoding="utf-8"), flags=re.M)
        for block in blocks:
            if not block.strip():
                continue
            head, _, text = block.partition("\n---\n")
            lines = head.splitlines()
            m = _HEADER.match(lines[0])
            if not m:
                raise ValueError(f"{path.name}: bad header {lines[0]!r}")
            dx = tuple(c.strip() for c in _codes(lines[1], "dx").split(",") if c.strip())
            px = tuple(
                _procedure(p.strip()) for p in _codes(lines[2], "px").split(",") if p.strip()
            )
            em = _codes(lines[3], "em").split()[0] if _codes(lines[3], "em") else None
            out.append(
                VisitNote(
                    m["id"],
                    path.stem,
                    int(m["age"]),
                    m["sex"],
                    m["status"] == "new",
                    dx,
                    px,
                    em,
                    text.strip() + "\n",
                )
            )
    return out


def read_split(folder: Path = HERE) -> dict[str, list[str]]:
    """The committed tuning / held-out halves: {"tuning": [ids], "held_out": [ids]}."""
    return json.loads((folder / "split.json").read_text(encoding="utf-8"))

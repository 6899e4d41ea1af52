"""ICD-10-CM updates between October releases: codes added or deleted on their own dates.

CMS sometimes changes the code set in the middle of a fiscal year (U07.1 COVID-19 from
2020-04-01, Z20.822 from 2021-01-01, the April 2022 underimmunization codes ...). Such
an update is imported as a dated addendum: each code is valid from its own effective
date (an addition) or until the day before it (a deletion), in the release in force on
that date.

The file format is a small CSV, one change per line (``#`` starts a comment)::

    code,action,effective,description
    U07.1,add,2020-04-01,
    Z28.3,delete,2022-04-01,

``code`` with or without its dot; ``action`` ``add`` or ``delete``; ``effective`` the
first date the change applies (YYYY-MM-DD); ``description`` optional (the title of an
added code, in whatever words the practice may use). medbill ships no addendum text:
the practice imports the addenda it has (``medbill codesets import icd10cm-addenda``,
or ``*.csv`` files under ``<shared data>/cms/icd10cm-addenda/`` at build time).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from medbill.core.codesets._tabular import undot

__all__ = [
    "ADDENDA_FILE",
    "ACTIONS",
    "Addendum",
    "AddendaError",
    "import_addenda",
    "installed_addenda",
    "read_addenda",
]

ADDENDA_FILE = "addenda.json"
ACTIONS = ("add", "delete")
_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")
_HEADER = ("code", "action", "effective", "description")


class AddendaError(ValueError):
    """An addenda file is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Addendum:
    """One code added (valid from ``effective``) or deleted (invalid from ``effective``)."""

    code: str
    action: str
    effective: date
    description: str = ""
    source: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "action": self.action,
            "effective": self.effective.isoformat(),
            "description": self.description,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, row: Mapping[str, str]) -> Addendum:
        return cls(
            row["code"],
            row["action"],
            date.fromisoformat(row["effective"]),
            row.get("description", ""),
            row.get("source", ""),
        )


def read_addenda(text: str, source: str = "addenda") -> list[Addendum]:
    """The changes listed in addenda CSV ``text``; ``AddendaError`` naming the line of the
    first problem (an unknown action, a date that is not YYYY-MM-DD, a code that is not
    ICD-10-CM, a code listed twice)."""
    lines = [
        (n, line)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        return []
    rows = list(csv.reader(io.StringIO("\n".join(line for _, line in lines))))
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header[:3] != _HEADER[:3]:
        raise AddendaError(
            f"{source} line {lines[0][0]}: the first line must be {','.join(_HEADER)}"
        )
    out: list[Addendum] = []
    seen: set[tuple[str, str]] = set()
    for (n, _), row in zip(lines[1:], rows[1:], strict=True):
        where = f"{source} line {n}"
        cells = [c.strip() for c in row] + [""] * 4
        code, action, effective, description = cells[0], cells[1].lower(), cells[2], cells[3]
        key = undot(code)
        if not _CODE.match(key):
            raise AddendaError(f"{where}: {code!r} is not an ICD-10-CM code")
        if action not in ACTIONS:
            raise AddendaError(f"{where}: action must be add or delete")
        try:
            day = date.fromisoformat(effective)
        except ValueError:
            raise AddendaError(f"{where}: effective must be a date as YYYY-MM-DD") from None
        if (key, action) in seen:
            raise AddendaError(f"{where}: {code} is listed twice")
        seen.add((key, action))
        out.append(Addendum(key, action, day, description, source))
    return out


def _store(data_dir: Path) -> Path:
    return data_dir / "codesets" / "icd10cm" / ADDENDA_FILE


def installed_addenda(data_dir: Path) -> list[Addendum]:
    """Every imported change, ordered by effective date."""
    path = _store(data_dir)
    if not path.exists():
        return []
    rows = json.loads(path.read_text())
    found = [Addendum.from_json(r) for f in rows.get("files", {}).values() for r in f["changes"]]
    return sorted(found, key=lambda a: (a.effective, a.code))


def import_addenda(data_dir: Path, path: Path) -> tuple[int, bool]:
    """Store the changes of addenda file ``path`` (replacing an earlier import of the same
    file name). Returns (changes, whether anything changed); importing the same content
    again changes nothing."""
    text = Path(path).read_text(encoding="utf-8-sig")
    changes = read_addenda(text, Path(path).name)
    store = _store(data_dir)
    store.parent.mkdir(parents=True, exist_ok=True)
    body = json.loads(store.read_text()) if store.exists() else {"files": {}}
    entry = {"changes": [a.to_json() for a in changes]}
    if body["files"].get(Path(path).name) == entry:
        return len(changes), False
    body["files"][Path(path).name] = entry
    tmp = store.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2))
    tmp.replace(store)
    return len(changes), True

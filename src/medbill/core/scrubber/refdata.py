"""NCCI and MCE reference tables: what the MUE, PTP, add-on and MCE edits look up.

Each table is one CMS release (a quarter for NCCI, a version for the MCE) with
the date it takes effect. Tables are built by :mod:`.importers` from the files
CMS publishes and stored as JSON under ``data_dir()/scrubber/<kind>/``; the
scrubber picks, for each date of service, the newest release in force.

Lookups are plain dicts and frozensets so that a claim costs a handful of
hash probes.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from medbill.core.paths import data_dir

__all__ = [
    "AocTable",
    "KINDS",
    "MceTable",
    "MueTable",
    "PtpTable",
    "Releases",
    "load_releases",
    "save_table",
    "stored_hashes",
    "table_dir",
]

KINDS = ("mue", "aoc", "ptp", "mce")
_QUARTER_RE = re.compile(r"^\d{4}Q[1-4]$")
FAR_FUTURE = date(9999, 12, 31)


def quarter_of(day: date) -> str:
    """``2026Q2`` for any day of April to June 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_start(quarter: str) -> date:
    """The first day of ``2026Q2`` and the like."""
    if not _QUARTER_RE.match(quarter):
        raise ValueError(f"quarter {quarter!r} is not like 2026Q2")
    return date(int(quarter[:4]), (int(quarter[5]) - 1) * 3 + 1, 1)


@dataclass(frozen=True, slots=True)
class MueTable:
    """Practitioner MUE: code -> (units per day or line, MAI 1/2/3, rationale)."""

    quarter: str
    effective_from: date
    source: str
    values: dict[str, tuple[int, int, str]]

    kind = "mue"

    def rows(self) -> list[list[Any]]:
        """The table as JSON-ready rows (see ``from_rows``)."""
        return [[c, v, m, r] for c, (v, m, r) in sorted(self.values.items())]

    @classmethod
    def from_rows(cls, meta: dict[str, Any], rows: list[list[Any]]) -> MueTable:
        """The table from stored rows and its release facts."""
        return cls(**meta, values={r[0]: (int(r[1]), int(r[2]), r[3]) for r in rows})


@dataclass(frozen=True, slots=True)
class AocTable:
    """Add-on code edits: add-on -> (edit type 1/2/3, {primary: (effective, deletion)}).

    Type 1: only the listed primaries; type 2: the contractor defines them;
    type 3: the listed ones and others the contractor may name.
    """

    quarter: str
    effective_from: date
    source: str
    addons: dict[str, tuple[int, dict[str, tuple[date, date]]]]

    kind = "aoc"

    def rows(self) -> list[list[Any]]:
        """The table as JSON-ready rows (see ``from_rows``)."""
        out = []
        for addon, (kind, prims) in sorted(self.addons.items()):
            for prim, (eff, end) in sorted(prims.items()):
                out.append([addon, prim, kind, eff.isoformat(), _end_text(end)])
        return out

    @classmethod
    def from_rows(cls, meta: dict[str, Any], rows: list[list[Any]]) -> AocTable:
        """The table from stored rows and its release facts."""
        addons: dict[str, tuple[int, dict[str, tuple[date, date]]]] = {}
        for addon, prim, kind, eff, end in rows:
            entry = addons.setdefault(addon, (int(kind), {}))
            entry[1][prim] = (date.fromisoformat(eff), _end_date(end))
        return cls(**meta, addons=addons)

    def codes(self) -> set[str]:
        """Every procedure code the table names."""
        out = set(self.addons)
        for _, prims in self.addons.values():
            out.update(prims)
        out.discard("CCCCC")
        return out


@dataclass(frozen=True, slots=True)
class PtpTable:
    """NCCI procedure-to-procedure pairs: (column 1, column 2) -> (effective, deletion, MI).

    The modifier indicator is ``0`` (never bypassed), ``1`` (an NCCI-associated
    modifier may bypass it) or ``9`` (not applicable: the edit was deleted).
    """

    quarter: str
    effective_from: date
    source: str
    pairs: dict[tuple[str, str], tuple[date, date, str]]

    kind = "ptp"

    def rows(self) -> list[list[Any]]:
        """The table as JSON-ready rows (see ``from_rows``)."""
        return [
            [c1, c2, eff.isoformat(), _end_text(end), mi]
            for (c1, c2), (eff, end, mi) in sorted(self.pairs.items())
        ]

    @classmethod
    def from_rows(cls, meta: dict[str, Any], rows: list[list[Any]]) -> PtpTable:
        """The table from stored rows and its release facts."""
        return cls(
            **meta,
            pairs={
                (c1, c2): (date.fromisoformat(eff), _end_date(end), str(mi))
                for c1, c2, eff, end, mi in rows
            },
        )

    def codes(self) -> set[str]:
        """Every procedure code the table names."""
        out: set[str] = set()
        for c1, c2 in self.pairs:
            out.add(c1)
            out.add(c2)
        return out


@dataclass(frozen=True, slots=True)
class MceTable:
    """Medicare Code Editor diagnosis lists used on professional claims."""

    quarter: str  # the MCE version, e.g. "v43" (the field keeps the common name)
    effective_from: date
    source: str
    lists: dict[str, frozenset[str]] = field(default_factory=dict)
    sex_version: str = ""  # the version the male/female lists come from

    kind = "mce"
    LIST_NAMES = (
        "newborn",
        "pediatric",
        "maternity",
        "adult",
        "male",
        "female",
        "manifestation",
        "unacceptable_principal",
    )
    # Ages (years on the date of service) each MCE age list accepts.
    AGE_RANGES = {"newborn": (0, 0), "pediatric": (0, 17), "maternity": (9, 64), "adult": (15, 124)}

    def rows(self) -> list[list[Any]]:
        """The table as JSON-ready rows (see ``from_rows``)."""
        return [[name, sorted(codes)] for name, codes in sorted(self.lists.items())]

    @classmethod
    def from_rows(cls, meta: dict[str, Any], rows: list[list[Any]]) -> MceTable:
        """The table from stored rows and its release facts."""
        return cls(**meta, lists={name: frozenset(codes) for name, codes in rows})

    def merged(self, other: MceTable) -> MceTable:
        """This table with the lists it lacks taken from ``other`` (an older version)."""
        lists = dict(other.lists)
        lists.update({k: v for k, v in self.lists.items() if v})
        own_sex = bool(self.lists.get("male") or self.lists.get("female"))
        sex_version = self.sex_version or (
            self.quarter if own_sex else other.sex_version or other.quarter
        )
        return MceTable(self.quarter, self.effective_from, self.source, lists, sex_version)


Table = MueTable | AocTable | PtpTable | MceTable
_CLASSES: dict[str, type[Table]] = {
    "mue": MueTable,
    "aoc": AocTable,
    "ptp": PtpTable,
    "mce": MceTable,
}


def _end_text(end: date) -> str:
    return "" if end == FAR_FUTURE else end.isoformat()


def _end_date(text: str) -> date:
    return date.fromisoformat(text) if text else FAR_FUTURE


def table_dir(kind: str, root: Path | None = None) -> Path:
    """Where releases of ``kind`` are stored: ``data_dir()/scrubber/<kind>``."""
    if kind not in KINDS:
        raise ValueError(f"unknown table kind {kind!r}; expected one of {', '.join(KINDS)}")
    return (root or data_dir()) / "scrubber" / kind


def save_table(table: Table, root: Path | None = None, sha256: str = "") -> Path:
    """Write one release as JSON (replacing an earlier import of the same release).

    ``sha256`` records the file it came from, so a rebuild can skip unchanged files.
    """
    folder = table_dir(table.kind, root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table.quarter}.json"
    doc = {
        "kind": table.kind,
        "quarter": table.quarter,
        "effective_from": table.effective_from.isoformat(),
        "source": table.source,
        "sha256": sha256,
        "rows": table.rows(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)
    return path


def stored_hashes(kind: str, root: Path | None = None) -> set[str]:
    """The source-file hashes of the stored releases of ``kind``."""
    folder = table_dir(kind, root)
    out = set()
    for path in folder.glob("*.json") if folder.is_dir() else ():
        head = path.read_text(encoding="utf-8")[:600]
        m = re.search(r'"sha256":"([0-9a-f]*)"', head)
        if m and m.group(1):
            out.add(m.group(1))
    return out


def load_table(path: Path) -> Table:
    """Read one stored release."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    cls = _CLASSES[doc["kind"]]
    meta = {
        "quarter": doc["quarter"],
        "effective_from": date.fromisoformat(doc["effective_from"]),
        "source": doc["source"],
    }
    return cls.from_rows(meta, doc["rows"])


class Releases:
    """The releases of one table kind, ordered by the date each takes effect.

    ``for_date(dos)`` is the newest release in force on ``dos``; a date before
    every imported release gets the oldest one (edits carry forward, and a
    scrubber with an older quarter missing should still check something).
    """

    def __init__(self, tables: Iterable[Table]) -> None:
        self.tables = sorted(tables, key=lambda t: t.effective_from)
        self._starts = [t.effective_from for t in self.tables]
        self._memo: dict[date, Table | None] = {}

    def __bool__(self) -> bool:
        return bool(self.tables)

    @property
    def newest(self) -> Table | None:
        """The release that takes effect last (None when none is loaded)."""
        return self.tables[-1] if self.tables else None

    def for_date(self, dos: date | None) -> Any:
        """The release in force on ``dos`` (see the class docstring)."""
        try:
            return self._memo[dos]  # type: ignore[index]
        except KeyError:
            pass
        if not self.tables:
            table = None
        elif dos is None:
            table = self.tables[-1]
        else:
            i = bisect.bisect_right(self._starts, dos)
            table = self.tables[max(i - 1, 0)]
        if len(self._memo) < 20000:
            self._memo[dos] = table  # type: ignore[index]
        return table


def load_releases(kind: str, root: Path | None = None) -> Releases:
    """Every stored release of ``kind`` (empty when none was imported)."""
    folder = table_dir(kind, root)
    if not folder.is_dir():
        return Releases([])
    return Releases(load_table(p) for p in sorted(folder.glob("*.json")))

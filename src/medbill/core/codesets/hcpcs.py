"""HCPCS Level II from the quarterly alpha-numeric file CMS publishes.

CMS ships the same release as an Excel workbook (``HCPCyyyy_MON_ANWEB.xlsx``) and as fixed-width
text (``HCPCyyyy_MON_ANWEB_v*.txt``, 320-byte records described in ``HCPCyyyy_recordlayout.txt``).
Both readers yield the same :class:`HcpcsCode` values. In the text layout a long description longer
than 80 characters continues on following records (record id 4 for procedures, 8 for modifiers);
the readers join them.

The parsed table is stored under ``data_dir()/codesets/hcpcs.pickle`` by
``medbill codesets build`` / ``import hcpcs`` and loaded once per process by :func:`hcpcs`.
"""

from __future__ import annotations

import csv
import pickle
import threading
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from datetime import date
from pathlib import Path

from medbill.core.caches import DataCache
from medbill.core.paths import data_dir

__all__ = [
    "HcpcsCode",
    "HcpcsFormatError",
    "HcpcsTable",
    "hcpcs",
    "read_hcpcs",
    "read_hcpcs_fixed_width",
    "read_hcpcs_xlsx",
    "store_hcpcs",
]

FORMAT = 1
RECORD_LENGTH = 320

# (name, first position, last position), 1-based and inclusive, from the CMS record layout.
LAYOUT: tuple[tuple[str, int, int], ...] = (
    ("code", 1, 5),
    ("sequence", 6, 10),
    ("record_id", 11, 11),
    ("long_description", 12, 91),
    ("short_description", 92, 119),
    ("pricing", 120, 127),
    ("multiple_pricing", 128, 128),
    ("coverage", 230, 230),
    ("asc_group", 231, 232),
    ("betos", 257, 259),
    ("type_of_service", 261, 265),
    ("anesthesia_units", 266, 268),
    ("add_date", 269, 276),
    ("action_date", 277, 284),
    ("termination_date", 285, 292),
    ("action_code", 293, 293),
)

FIRST_RECORDS = {"3": "procedure", "7": "modifier"}
CONTINUATIONS = {"4": "procedure", "8": "modifier"}

COVERAGE = {
    "C": "carrier judgment",
    "D": "special coverage instructions apply",
    "I": "not payable by Medicare",
    "M": "non-covered by Medicare",
    "S": "non-covered by Medicare statute",
}

ACTION_CODES = {
    "A": "added",
    "B": "administrative data and long description changed",
    "C": "long description changed",
    "D": "discontinued",
    "F": "administrative data changed",
    "N": "no maintenance",
    "P": "payment change",
    "R": "reactivated",
    "S": "short description changed",
    "T": "miscellaneous change",
}


class HcpcsFormatError(ValueError):
    """The file is not in a CMS HCPCS layout; the message names the line/row and field."""


@dataclass(frozen=True)
class HcpcsCode:
    """One HCPCS Level II procedure or modifier code as the CMS file describes it."""

    code: str
    long_description: str
    short_description: str
    add_date: date | None
    action_date: date | None
    termination_date: date | None
    action_code: str
    coverage: str
    betos: str
    kind: str = "procedure"  # or "modifier"

    def valid_on(self, dos: date) -> bool:
        """True when the code was added on or before ``dos`` and not terminated before it."""
        if self.add_date is not None and dos < self.add_date:
            return False
        return self.termination_date is None or dos <= self.termination_date


def _date(text: str, where: str, field: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text)
    except ValueError:
        raise HcpcsFormatError(f"{where}, field {field}: {text!r} is not a date") from None


def _finish(rows: Iterable[tuple[str, dict[str, str]]]) -> Iterator[HcpcsCode]:
    """Join continuation records onto their first record and build the codes."""
    current: dict[str, str] | None = None
    where = ""
    for place, row in rows:
        record = row.get("record_id", "").strip()
        code = row.get("code", "").strip().upper()
        if record in CONTINUATIONS:
            if current is None or code != current["code"]:
                raise HcpcsFormatError(f"{place}: continuation record for {code} has no first line")
            text = row.get("long_description", "").rstrip()
            joiner = "" if current["long_description"].endswith(("-", "/")) else " "
            current["long_description"] = (current["long_description"] + joiner + text).strip()
            continue
        if current is not None:
            yield _code(current, where)
        if record not in FIRST_RECORDS:
            raise HcpcsFormatError(f"{place}, field record_id: {record!r} is not 3, 4, 7 or 8")
        if not code or not code.isalnum() or len(code) > 5:
            raise HcpcsFormatError(f"{place}, field code: {code!r} is not a HCPCS code")
        current = dict(row, code=code, kind=FIRST_RECORDS[record])
        current["long_description"] = current.get("long_description", "").strip()
        where = place
    if current is not None:
        yield _code(current, where)


def _code(row: dict[str, str], where: str) -> HcpcsCode:
    return HcpcsCode(
        code=row["code"],
        long_description=" ".join(row.get("long_description", "").split()),
        short_description=" ".join(row.get("short_description", "").split()),
        add_date=_date(row.get("add_date", ""), where, "add_date"),
        action_date=_date(row.get("action_date", ""), where, "action_date"),
        termination_date=_date(row.get("termination_date", ""), where, "termination_date"),
        action_code=row.get("action_code", "").strip().upper(),
        coverage=row.get("coverage", "").strip().upper(),
        betos=row.get("betos", "").strip().upper(),
        kind=row["kind"],
    )


def read_hcpcs_fixed_width(path: Path | str) -> Iterator[HcpcsCode]:
    """Read the fixed-width text release (320-byte records, CMS record layout)."""
    return _finish(_fixed_rows(path))


def _fixed_rows(path: Path | str) -> Iterator[tuple[str, dict[str, str]]]:
    with open(path, encoding="latin-1", newline="") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            if len(line) < 11:
                raise HcpcsFormatError(f"line {number}: {len(line)} characters, too short")
            line = line.ljust(RECORD_LENGTH)
            row = {name: line[first - 1 : last] for name, first, last in LAYOUT}
            yield f"line {number}", row


_XLSX_COLUMNS = {
    "HCPC": "code",
    "SEQNUM": "sequence",
    "RECID": "record_id",
    "LONG DESCRIPTION": "long_description",
    "SHORT DESCRIPTION": "short_description",
    "COV": "coverage",
    "BETOS": "betos",
    "ADD DT": "add_date",
    "ACT EFF DT": "action_date",
    "TERM DT": "termination_date",
    "ACTION CD": "action_code",
}


def read_hcpcs_xlsx(path: Path | str) -> Iterator[HcpcsCode]:
    """Read the Excel release (``HCPCyyyy_MON_ANWEB.xlsx``)."""
    return _finish(_xlsx_rows(path))


def _xlsx_rows(path: Path | str) -> Iterator[tuple[str, dict[str, str]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c or "").strip().upper().replace("_", " ") for c in next(rows, ())]
        missing = [c for c in ("HCPC", "RECID", "LONG DESCRIPTION") if c not in header]
        if missing:
            raise HcpcsFormatError(f"{Path(path).name}: header lacks column(s) {missing}")
        index = {name: header.index(col) for col, name in _XLSX_COLUMNS.items() if col in header}
        for number, values in enumerate(rows, start=2):
            if not any(values):
                continue
            row = {name: "" if values[i] is None else str(values[i]) for name, i in index.items()}
            yield f"row {number}", row
    finally:
        book.close()


def _csv_rows(path: Path | str) -> Iterator[tuple[str, dict[str, str]]]:
    """A CSV with the same fields (``code, record_type, long_description, ...``)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            kind = (row.get("record_type") or "procedure").strip().lower()
            row = {k: v or "" for k, v in row.items()}
            row["record_id"] = "7" if kind == "modifier" else "3"
            row["action_date"] = row.get("action_effective_date", row.get("action_date", ""))
            row["coverage"] = row.get("coverage_code", row.get("coverage", ""))
            yield f"row {number}", row


def read_hcpcs(path: Path | str) -> list[HcpcsCode]:
    """Read any of the layouts (by file extension: .xlsx, .csv, otherwise fixed-width text)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return list(read_hcpcs_xlsx(path))
    if suffix == ".csv":
        return list(_finish(_csv_rows(path)))
    return list(_finish(_fixed_rows(path)))


class HcpcsTable:
    """The HCPCS Level II codes of one quarterly release, keyed by code."""

    def __init__(self, codes: Iterable[HcpcsCode], source: str = "") -> None:
        self._codes = {c.code: c for c in codes}
        self.source = source

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._codes

    def __iter__(self) -> Iterator[HcpcsCode]:
        return iter(self._codes.values())

    @property
    def loaded(self) -> bool:
        """False when no HCPCS file has been imported (every lookup then answers None)."""
        return bool(self._codes)

    def get(self, code: str) -> HcpcsCode | None:
        """The code (any case), or None."""
        return self._codes.get(code.strip().upper())

    def valid_on(self, code: str, dos: date) -> bool:
        """True when ``code`` is in the file and in force on ``dos``."""
        found = self.get(code)
        return found is not None and found.valid_on(dos)


_lock = threading.Lock()
_tables: DataCache[None, HcpcsTable] = DataCache("HCPCS tables")


def _path() -> Path:
    folder = data_dir() / "codesets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "hcpcs.pickle"


def store_hcpcs(codes: Iterable[HcpcsCode], source: str, sha256: str = "") -> int:
    """Write the prebuilt HCPCS file; returns the number of codes stored."""
    rows = [astuple(c) for c in codes]
    target = _path()
    tmp = target.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump((FORMAT, source, sha256, rows), handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(target)
    with _lock:
        _tables.pop(data_dir(), None)
    return len(rows)


def stored_hcpcs_sha256() -> str | None:
    """The SHA-256 of the file the prebuilt table came from, or None when none is built."""
    path = _path()
    if not path.exists():
        return None
    with open(path, "rb") as handle:
        fmt, _source, sha256, _rows = pickle.load(handle)
    return sha256 if fmt == FORMAT else None


def hcpcs() -> HcpcsTable:
    """The imported HCPCS Level II table (empty when none is built), loaded once per process
    and data directory."""
    home = data_dir()
    path = _path()
    with _lock:
        table = _tables.get(home, None)
        if table is None:
            if path.exists():
                with open(path, "rb") as handle:
                    fmt, source, _sha, rows = pickle.load(handle)
                table = HcpcsTable((HcpcsCode(*r) for r in rows) if fmt == FORMAT else (), source)
            else:
                table = HcpcsTable(())
            _tables.put(home, None, table)
        return table


def reset_hcpcs_cache() -> None:
    """Forget the loaded tables (after an import)."""
    with _lock:
        _tables.clear()

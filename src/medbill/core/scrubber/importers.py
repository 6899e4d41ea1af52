"""Read the reference files CMS publishes into scrubber tables.

Each importer takes a path and returns a table (see :mod:`.refdata`); the
command ``medbill codesets import {mue,aoc,ptp,mce} FILE`` stores it. Accepted
layouts:

- **MUE** (practitioner services): the CMS CSV (``HCPCS/CPT Code``,
  ``Practitioner Services MUE Values``, ``MUE Adjudication Indicator``,
  ``MUE Rationale``, after the copyright lines) or a JSON list of
  ``{code, mue_value, description, source_file}`` whose ``description`` begins
  with the MAI (``"3 Date of Service Edit: Clinical|..."``).
- **AOC** (add-on code edits): the CMS text/CSV (``Add-on Code``,
  ``Primary Code``, ``AOC Edit Type``, dates) or a JSON list of
  ``{code1 (add-on), code2 (primary), modifier (edit type), effective_date,
  end_date}``.
- **PTP** (practitioner procedure-to-procedure): the CMS tab-separated text
  (Column 1, Column 2, ``*`` = in existence before 1996, effective date
  YYYYMMDD, deletion date YYYYMMDD or ``*``, modifier indicator 0/1/9,
  rationale) after its header lines.
- **MCE**: the FY JSON lists (``codes.age_newborn`` ...) or the tab-separated
  "simple code edits" text (``MCE_Edit_Type`` / ``ICD_Code``).

The quarter comes from the file name (``Eff_04-01-2026`` -> 2026Q2,
``V2026Q3`` -> 2026Q3) unless given.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from medbill.core.scrubber.refdata import (
    FAR_FUTURE,
    AocTable,
    MceTable,
    MueTable,
    PtpTable,
    quarter_of,
    quarter_start,
)

__all__ = ["ImportError_", "import_aoc", "import_file", "import_mce", "import_mue", "import_ptp"]


class ImportError_(ValueError):
    """A reference file that cannot be read; the message names the file and row."""


_EFF_RE = re.compile(r"Eff_(\d{2})-(\d{2})-(\d{4})", re.I)
_VQ_RE = re.compile(r"(\d{4})Q([1-4])", re.I)
# NCCI file versions: v32.1 (ccipra_v321r0) is 2026Q2; version 32 is the year 2026.
_PTP_VER_RE = re.compile(r"v(\d{2})([0-3])r\d", re.I)
_CODE_RE = re.compile(r"^[0-9A-Z]{5}$")


def _quarter_from_name(name: str) -> str | None:
    m = _EFF_RE.search(name)
    if m:
        month, day, year = (int(x) for x in m.groups())
        return quarter_of(date(year, month, day))
    m = _VQ_RE.search(name)
    if m:
        return f"{m.group(1)}Q{m.group(2)}"
    m = _PTP_VER_RE.search(name)
    if m:
        return f"{1994 + int(m.group(1))}Q{int(m.group(2)) + 1}"
    return None


def _quarter(path: Path, quarter: str | None, hint: str | None = None) -> tuple[str, date]:
    q = quarter or _quarter_from_name(hint or "") or _quarter_from_name(path.name)
    if not q:
        raise ImportError_(
            f"{path.name}: cannot tell the quarter from the file name; pass it (e.g. 2026Q2)"
        )
    return q, quarter_start(q)


def _ymd(text: str, where: str) -> date:
    text = text.strip()
    try:
        if re.fullmatch(r"\d{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            m, d, y = (int(x) for x in text.split("/"))
            return date(y, m, d)
        return date.fromisoformat(text)
    except ValueError:
        raise ImportError_(f"{where}: {text!r} is not a date") from None


def _end(text: str | None, where: str) -> date:
    text = (text or "").strip()
    if text in ("", "*"):
        return FAR_FUTURE
    return _ymd(text, where)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path}: {exc.strerror}") from None
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ImportError_(f"{path.name}: not a text file")


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def _table_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV or tab file that may start with copyright lines."""
    delim = "\t" if text.count("\t") > text.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    for i, row in enumerate(rows):
        if row and any("code" in _norm(c) for c in row) and len(row) >= 3:
            return [_norm(c) for c in row], [r for r in rows[i + 1 :] if any(x.strip() for x in r)]
    raise ImportError_("no header row naming the code columns")


def _col(header: list[str], *words: str) -> int:
    for i, name in enumerate(header):
        if all(w in name for w in words):
            return i
    raise ImportError_(f"no column named like {' '.join(words)!r}")


def _json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path.name}: not valid JSON (line {exc.lineno})") from None


def _mai(text: str, where: str) -> int:
    text = str(text).strip()
    if not text or text[0] not in "123":
        raise ImportError_(f"{where}: MUE adjudication indicator {text[:20]!r} is not 1, 2 or 3")
    return int(text[0])


def import_mue(path: Path, quarter: str | None = None) -> MueTable:
    """The practitioner MUE table from the CMS CSV or the JSON conversion of it."""
    values: dict[str, tuple[int, int, str]] = {}
    hint = None
    if path.suffix.lower() == ".json":
        data = _json(path)
        if not isinstance(data, list):
            raise ImportError_(f"{path.name}: expected a list of MUE rows")
        for i, row in enumerate(data):
            where = f"{path.name} row {i + 1}"
            try:
                code = str(row["code"]).strip().upper()
                value = int(row["mue_value"])
                desc = str(row.get("description") or row.get("mai") or "")
            except (KeyError, TypeError, ValueError):
                raise ImportError_(f"{where}: expected code and mue_value") from None
            mai = _mai(desc, where)
            values[code] = (value, mai, desc[1:].strip(" -"))
            hint = hint or row.get("source_file")
    else:
        header, rows = _table_rows(_read_text(path))
        c_code = _col(header, "code")
        c_val = _col(header, "mue", "value")
        c_mai = _col(header, "indicator")
        try:
            c_rat = _col(header, "rationale")
        except ImportError_:
            c_rat = None
        for i, row in enumerate(rows):
            where = f"{path.name} data row {i + 1}"
            if len(row) <= max(c_code, c_val, c_mai):
                raise ImportError_(f"{where}: too few columns")
            code = row[c_code].strip().upper()
            if not code:
                continue
            try:
                value = int(row[c_val].strip())
            except ValueError:
                raise ImportError_(f"{where}: MUE value {row[c_val]!r} is not a number") from None
            rationale = row[c_rat].strip() if c_rat is not None and c_rat < len(row) else ""
            mai_text = row[c_mai]
            values[code] = (
                value,
                _mai(mai_text, where),
                (mai_text[1:] + "|" + rationale).strip(" -|"),
            )
    if not values:
        raise ImportError_(f"{path.name}: no MUE rows")
    q, start = _quarter(path, quarter, hint)
    return MueTable(q, start, hint or path.name, values)


def import_aoc(path: Path, quarter: str | None = None) -> AocTable:
    """The add-on code edits from the CMS file or the JSON conversion of it."""
    addons: dict[str, tuple[int, dict[str, tuple[date, date]]]] = {}
    hint = None

    def add(addon: str, prim: str, kind: str, eff: date, end: date, where: str) -> None:
        """Record one add-on/primary pair."""
        if kind.strip() not in ("1", "2", "3"):
            raise ImportError_(f"{where}: AOC edit type {kind!r} is not 1, 2 or 3")
        entry = addons.setdefault(addon, (int(kind), {}))
        entry[1][prim] = (eff, end)

    if path.suffix.lower() == ".json":
        data = _json(path)
        if not isinstance(data, list):
            raise ImportError_(f"{path.name}: expected a list of add-on rows")
        for i, row in enumerate(data):
            where = f"{path.name} row {i + 1}"
            try:
                addon = str(row["code1"]).strip().upper()
                prim = str(row["code2"]).strip().upper()
                kind = str(row.get("modifier") or row.get("aoc_edit_type") or "")
            except (KeyError, TypeError):
                raise ImportError_(f"{where}: expected code1 and code2") from None
            eff = _ymd(row.get("effective_date") or "1900-01-01", where)
            add(addon, prim, kind, eff, _end(row.get("end_date"), where), where)
            hint = hint or (row.get("metadata") or {}).get("source_file")
    else:
        header, rows = _table_rows(_read_text(path))
        c_add = _col(header, "add", "code")
        c_prim = _col(header, "primary", "code")
        c_type = _col(header, "type")
        eff_cols = [i for i, h in enumerate(header) if "effective" in h]
        del_cols = [i for i, h in enumerate(header) if "deletion" in h]
        for i, row in enumerate(rows):
            where = f"{path.name} data row {i + 1}"
            if len(row) <= max(c_add, c_prim, c_type):
                raise ImportError_(f"{where}: too few columns")
            eff = max(
                (_ymd(row[c], where) for c in eff_cols if row[c].strip()), default=date(1900, 1, 1)
            )
            end = min((_end(row[c], where) for c in del_cols), default=FAR_FUTURE)
            add(
                row[c_add].strip().upper(),
                row[c_prim].strip().upper(),
                row[c_type],
                eff,
                end,
                where,
            )
    if not addons:
        raise ImportError_(f"{path.name}: no add-on rows")
    q, start = _quarter(path, quarter, hint)
    return AocTable(q, start, hint or path.name, addons)


def import_ptp(path: Path, quarter: str | None = None) -> PtpTable:
    """The practitioner PTP edits from the CMS tab-separated text file."""
    pairs: dict[tuple[str, str], tuple[date, date, str]] = {}
    text = _read_text(path)
    for n, raw in enumerate(text.splitlines(), start=1):
        cells = [c.strip() for c in raw.split("\t")]
        if len(cells) < 6 or not _CODE_RE.match(cells[0].upper()):
            continue  # copyright and header lines
        where = f"{path.name} line {n}"
        c1, c2 = cells[0].upper(), cells[1].upper()
        if not _CODE_RE.match(c2):
            raise ImportError_(f"{where}: column 2 code {cells[1]!r} is not a code")
        eff = _ymd(cells[3], where)
        end = _end(cells[4], where)
        mi = cells[5]
        if mi not in ("0", "1", "9"):
            raise ImportError_(f"{where}: modifier indicator {mi!r} is not 0, 1 or 9")
        pairs[(c1, c2)] = (eff, end, mi)
    if not pairs:
        raise ImportError_(f"{path.name}: no PTP rows (expected tab-separated CMS layout)")
    q, start = _quarter(path, quarter)
    return PtpTable(q, start, path.name, pairs)


# MCE list names of the two layouts -> ours
_MCE_JSON = {
    "age_newborn": "newborn",
    "age_pediatric": "pediatric",
    "age_maternity": "maternity",
    "age_adult": "adult",
    "manifestation_not_pdx": "manifestation",
    "unacceptable_pdx": "unacceptable_principal",
    "sex_male": "male",
    "sex_female": "female",
}
_MCE_TEXT = {
    "newborn_only": "newborn",
    "pediatric_only": "pediatric",
    "maternity_only": "maternity",
    "adult_only": "adult",
    "male_only": "male",
    "female_only": "female",
    "principal_manifestation": "manifestation",
    "principal_unacceptable": "unacceptable_principal",
}
# CMS MCE versions by fiscal year: version v(FY - 1983), effective October 1 before the FY.
_FY_RE = re.compile(r"FY\s?(\d{4})", re.I)


def _mce_version(version: int) -> tuple[str, date]:
    fy = version + 1983
    return f"FY{fy}", date(fy - 1, 10, 1)


def import_mce(path: Path, quarter: str | None = None) -> MceTable:
    """MCE diagnosis lists from the FY JSON lists or the simple-code-edits text file."""
    lists: dict[str, set[str]] = {}
    if path.suffix.lower() == ".json":
        data = _json(path)
        codes = data.get("codes") if isinstance(data, dict) else None
        if not isinstance(codes, dict):
            raise ImportError_(f"{path.name}: expected an object with a 'codes' mapping")
        for key, ours in _MCE_JSON.items():
            for i, row in enumerate(codes.get(key) or ()):
                code = row.get("code") if isinstance(row, dict) else row
                if not isinstance(code, str):
                    raise ImportError_(f"{path.name}: codes.{key}[{i}] has no code")
                lists.setdefault(ours, set()).add(code.strip().upper().replace(".", ""))
        m = _FY_RE.search(json.dumps(data.get("description", "")) + path.name)
        if quarter:
            name, start = quarter, date(int(quarter[2:]) - 1, 10, 1)
        elif m:
            name, start = f"FY{m.group(1)}", date(int(m.group(1)) - 1, 10, 1)
        else:
            retrieved = str(data.get("retrieved") or "")
            try:
                day = date.fromisoformat(retrieved)
            except ValueError:
                raise ImportError_(
                    f"{path.name}: cannot tell the MCE fiscal year; pass it"
                ) from None
            fy = day.year + (1 if day.month >= 10 else 0)
            name, start = f"FY{fy}", date(fy - 1, 10, 1)
    else:
        header, rows = _table_rows(_read_text(path))
        c_type = _col(header, "edit", "type")
        c_kind = _col(header, "code", "type")
        c_code = header.index("icd code") if "icd code" in header else _col(header, "icd", "code")
        c_ver = header.index("mce version") if "mce version" in header else None
        version = None
        for row in rows:
            if len(row) <= max(c_type, c_kind, c_code) or row[c_kind].strip() != "D":
                continue  # procedure (ICD-10-PCS) lists do not apply to professional claims
            listed = _MCE_TEXT.get(row[c_type].strip().lower())
            if listed:
                lists.setdefault(listed, set()).add(row[c_code].strip().upper())
            if c_ver is not None and version is None and row[c_ver].strip().isdigit():
                version = int(row[c_ver])
        if quarter:
            name, start = quarter, date(int(quarter[2:]) - 1, 10, 1)
        elif version:
            name, start = _mce_version(version)
        else:
            raise ImportError_(f"{path.name}: cannot tell the MCE version; pass it (FY2020)")
    if not lists:
        raise ImportError_(f"{path.name}: no MCE diagnosis lists")
    return MceTable(name, start, path.name, {k: frozenset(v) for k, v in lists.items()})


IMPORTERS = {"mue": import_mue, "aoc": import_aoc, "ptp": import_ptp, "mce": import_mce}


def import_file(kind: str, path: Path, quarter: str | None = None) -> Any:
    """Import ``path`` as a table of ``kind`` (mue, aoc, ptp, mce)."""
    try:
        importer = IMPORTERS[kind]
    except KeyError:
        raise ImportError_(
            f"unknown table {kind!r}; expected one of {', '.join(IMPORTERS)}"
        ) from None
    return importer(Path(path), quarter)

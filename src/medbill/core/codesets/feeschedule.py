"""A practice fee schedule file: codes it bills, in its own words, with prices and dates.

CSV columns (header names, any order, case-insensitive):

``code``            CPT (``99213``, ``3074F``, ``0042T``, ``0001U``) or HCPCS Level II (``J1100``)
``description``     the practice's own description (required; never AMA descriptor text)
``price``           dollars and cents (``125.00``, ``$1,250``)
``effective_from``  first date the price applies (YYYY-MM-DD; or pass a default)
``effective_to``    last date (optional)
``modifier``        optional two-character modifier priced separately (``26``, ``TC``)

Reading never touches a database: :func:`read_fee_schedule` returns rows or raises
:class:`FeeScheduleError` naming the row and column at fault.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from medbill.core.codesets.cpt import cpt_shape
from medbill.core.money import Money, MoneyError

__all__ = ["FeeRow", "FeeScheduleError", "read_fee_schedule"]

_HCPCS = re.compile(r"[A-V][0-9]{4}")
_MODIFIER = re.compile(r"[0-9A-Z]{2}")


class FeeScheduleError(ValueError):
    """A fee schedule row is unusable; the message names the row and column."""


@dataclass(frozen=True)
class FeeRow:
    """One priced code of a fee schedule file."""

    row: int
    code: str
    code_system: str  # "CPT" or "HCPCS"
    modifier: str
    description: str
    price: Money
    effective_from: date
    effective_to: date | None


def _date(text: str, where: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FeeScheduleError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def read_fee_schedule(
    source: Path | str | io.TextIOBase, *, default_from: date | None = None
) -> list[FeeRow]:
    """Read and check every row; the file is rejected as a whole if any row is wrong."""
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return _read(handle, default_from)
    return _read(source, default_from)


def _read(handle: io.TextIOBase, default_from: date | None) -> list[FeeRow]:
    reader = csv.DictReader(handle)
    columns = {c.strip().lower(): c for c in reader.fieldnames or [] if c}
    for needed in ("code", "description", "price"):
        if needed not in columns:
            raise FeeScheduleError(f"header: column {needed!r} is missing")
    if "effective_from" not in columns and default_from is None:
        raise FeeScheduleError("header: column 'effective_from' is missing (or pass a date)")
    rows: list[FeeRow] = []
    seen: dict[tuple[str, str, date], int] = {}
    for number, raw in enumerate(reader, start=2):

        def cell(name: str, raw: dict[str, str | None] = raw) -> str:
            return (raw.get(columns[name]) or "").strip() if name in columns else ""

        if not any(cell(name) for name in columns):
            continue  # blank line
        where = f"row {number}, column"
        code = cell("code").upper()
        if cpt_shape(code):
            system = "CPT"
        elif _HCPCS.fullmatch(code):
            system = "HCPCS"
        else:
            raise FeeScheduleError(f"{where} 'code': {code!r} is not a CPT or HCPCS code")
        modifier = cell("modifier").upper()
        if modifier and not _MODIFIER.fullmatch(modifier):
            raise FeeScheduleError(f"{where} 'modifier': {modifier!r} is not a modifier")
        text = " ".join(cell("description").split())
        if not text:
            raise FeeScheduleError(f"{where} 'description': empty")
        if len(text) > 120:
            raise FeeScheduleError(f"{where} 'description': longer than 120 characters")
        amount = cell("price").replace("$", "").replace(",", "")
        try:
            price = Money(amount)
        except MoneyError:
            raise FeeScheduleError(f"{where} 'price': {cell('price')!r} is not an amount") from None
        if price.amount < 0:
            raise FeeScheduleError(f"{where} 'price': negative")
        start = _date(cell("effective_from"), f"{where} 'effective_from'") or default_from
        if start is None:
            raise FeeScheduleError(f"{where} 'effective_from': empty")
        end = _date(cell("effective_to"), f"{where} 'effective_to'")
        if end is not None and end < start:
            raise FeeScheduleError(f"{where} 'effective_to': before effective_from")
        key = (code, modifier, start)
        if key in seen:
            raise FeeScheduleError(
                f"{where} 'code': {code}{'-' + modifier if modifier else ''} from {start} "
                f"is already on row {seen[key]}"
            )
        seen[key] = number
        rows.append(FeeRow(number, code, system, modifier, text, price, start, end))
    if not rows:
        raise FeeScheduleError("the file has no rows")
    return rows

"""A bank's CSV export: one row per transaction, a header naming the columns.

The default header is ``Date,Amount,Description,Reference`` (case and spaces around the
names do not matter); a bank that names them otherwise is read with ``CsvColumns``.
Dates are ``YYYY-MM-DD`` or ``MM/DD/YYYY``; amounts are dollars with cents
(``1,234.56``, ``$1234.56``; a leading ``-`` or parentheses make a debit). Credits are
deposits; debits are listed as skipped. A row that cannot be read, an amount over
``MAX_TRANSACTION`` or a date after today refuses the file, naming the line and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from medbill.core.bank._deposit import (
    BankFileError,
    BankStatement,
    Deposit,
    check_amount,
    check_date,
)
from medbill.core.money import Money, MoneyError

__all__ = ["CsvColumns", "read_bank_csv"]


@dataclass(frozen=True, slots=True)
class CsvColumns:
    """The header names of the columns. ``reference`` may be absent from a file."""

    date: str = "Date"
    amount: str = "Amount"
    description: str = "Description"
    reference: str = "Reference"
    account: str = "Account"


def _date(value: str, line: int, column: str) -> date:
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BankFileError(f"{value!r} is not a date (YYYY-MM-DD or MM/DD/YYYY)", line, column)


def _amount(value: str, line: int, column: str) -> Money:
    text = value.strip()
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if "." in text and len(text.rpartition(".")[2]) > 2:
        raise BankFileError(f"{value!r} has more than two decimals", line, column)
    try:
        money = Money(text)
    except MoneyError:
        raise BankFileError(f"{value!r} is not an amount", line, column) from None
    return check_amount(-money if negative else money, line, column)


def read_bank_csv(
    data: bytes, columns: CsvColumns | None = None, *, today: date | None = None
) -> BankStatement:
    """Read a CSV export; raise ``BankFileError`` naming the line and column. With
    ``today``, a row dated more than a day after it is refused."""
    cols = columns or CsvColumns()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankFileError("not UTF-8 text", line) from None
    reader = csv.reader(io.StringIO(content))
    try:
        header = next(reader)
    except StopIteration:
        raise BankFileError("the file is empty", 1) from None
    names = [h.strip().lower() for h in header]

    def where(name: str, required: bool) -> int | None:
        if name.strip().lower() in names:
            return names.index(name.strip().lower())
        if required:
            raise BankFileError(
                f"no {name!r} column (the header has {', '.join(h.strip() for h in header)})",
                1,
                "header",
            )
        return None

    i_date = where(cols.date, True)
    i_amount = where(cols.amount, True)
    i_desc = where(cols.description, True)
    i_ref = where(cols.reference, False)
    i_account = where(cols.account, False)
    deposits: list[Deposit] = []
    skipped: list[str] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise BankFileError(
                f"{len(row)} columns where the header has {len(header)}", line, "row"
            )

        def cell(index: int | None, row: list[str] = row) -> str:
            return row[index].strip() if index is not None else ""

        when = check_date(_date(cell(i_date), line, cols.date), today, line, cols.date, "today")
        amount = _amount(cell(i_amount), line, cols.amount)
        if amount.amount <= 0:
            skipped.append(f"line {line}: debit of {amount.format()} (not money in)")
            continue
        deposits.append(
            Deposit(
                deposit_date=when,
                amount=amount,
                account=cell(i_account),
                bank_reference=cell(i_ref),
                text=cell(i_desc),
                line=line,
            )
        )
    return BankStatement("csv", tuple(deposits), tuple(skipped))

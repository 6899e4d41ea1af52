"""Money in the bank, sans-IO: bank files (BAI2, CSV) read to deposits, and deposits paired
with the 835 payments they carry (EFT/ERA reassociation).

``read_bank_file(data)`` tells the formats apart and refuses anything else whole, with
a ``BankFileError`` naming the line and field: an amount over ``MAX_TRANSACTION`` or a
deposit dated after the file was made (or after today) is refused too.
"""

from __future__ import annotations

from datetime import date

from medbill.core.bank._bai2 import read_bai2, write_bai2
from medbill.core.bank._csv import CsvColumns, read_bank_csv
from medbill.core.bank._deposit import (
    DAYS_AHEAD,
    MAX_TRANSACTION,
    BankFileError,
    BankStatement,
    Deposit,
    traces_in,
)
from medbill.core.bank._match import (
    WINDOW_DAYS,
    DepositKey,
    EraKey,
    Reassociation,
    reassociate,
)

__all__ = [
    "DAYS_AHEAD",
    "MAX_TRANSACTION",
    "WINDOW_DAYS",
    "BankFileError",
    "BankStatement",
    "CsvColumns",
    "Deposit",
    "DepositKey",
    "EraKey",
    "Reassociation",
    "read_bai2",
    "read_bank_csv",
    "read_bank_file",
    "reassociate",
    "traces_in",
    "write_bai2",
]


def read_bank_file(
    data: bytes, columns: CsvColumns | None = None, *, today: date | None = None
) -> BankStatement:
    """A BAI2 file (starts with ``01,``) or a CSV export with a header; nothing else.

    ``today`` is the practice's date: a deposit dated more than ``DAYS_AHEAD`` after it
    is refused (a BAI2 file is also held to its own creation date)."""
    head = data.lstrip()[:3]
    if head == b"01,":
        return read_bai2(data, today=today)
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if b"," in first and not first.strip()[:1].isdigit():
        return read_bank_csv(data, columns, today=today)
    raise BankFileError(
        "not a bank file we read: a BAI2 file starts with 01, and a CSV export with a "
        "header line naming its columns",
        1,
        "format",
    )

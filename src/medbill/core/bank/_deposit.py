"""What a bank file says about money that came in, as frozen values."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from medbill.core.money import Money

__all__ = [
    "DAYS_AHEAD",
    "MAX_TRANSACTION",
    "BankFileError",
    "BankStatement",
    "Deposit",
    "check_amount",
    "check_date",
    "traces_in",
]

# The most one bank transaction may be. A deposit is kept in dollars and cents with at
# most 12 digits (the database field); this is a tenth of that, well above any payer's
# single EFT to a practice, so a misplaced decimal point is refused instead of stored.
MAX_TRANSACTION = Money("999999999.99")

# A bank file reports what has been posted: nothing dated after the day it was made
# (or, without such a day, after today). One day ahead is allowed for time zones.
DAYS_AHEAD = 1


class BankFileError(ValueError):
    """A bank file we refuse whole: the line (1-based), the record and the field, in words."""

    def __init__(self, message: str, line: int | None = None, field: str = "") -> None:
        self.message = message
        self.line = line
        self.field = field
        where = []
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(field)
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


def check_amount(amount: Money, line: int, field: str) -> Money:
    """``amount`` if a transaction may be that large; refuse the file otherwise."""
    if abs(amount.amount) > MAX_TRANSACTION.amount:
        raise BankFileError(
            f"at most {MAX_TRANSACTION.format()} per transaction, and this one is "
            f"{abs(amount).format()}; check the amount",
            line,
            field,
        )
    return amount


def check_date(day: date, latest: date | None, line: int, field: str, what: str) -> date:
    """``day`` unless it is more than ``DAYS_AHEAD`` after ``latest`` (``what`` says what
    ``latest`` is, e.g. "today"): a bank does not report tomorrow's deposits."""
    if latest is not None and day > latest + timedelta(days=DAYS_AHEAD):
        raise BankFileError(
            f"{day:%m/%d/%Y} is after {what} ({latest:%m/%d/%Y}); a bank file does not "
            "report deposits that have not happened yet",
            line,
            field,
        )
    return day


@dataclass(frozen=True, slots=True)
class Deposit:
    """One credit to the practice's account: a BAI2 16 record or a CSV row.

    ``line`` is where it was read (the first physical line of the record), so a biller can
    find it in the file the bank sent.
    """

    deposit_date: date
    amount: Money
    account: str = ""
    type_code: str = ""
    bank_reference: str = ""
    customer_reference: str = ""
    text: str = ""
    line: int = 0

    @property
    def traces(self) -> tuple[str, ...]:
        return traces_in(self.text, self.customer_reference, self.bank_reference)

    def identity(self) -> tuple[str, ...]:
        """What makes two records the same deposit (the file and line are not part of it)."""
        return (
            self.account,
            self.deposit_date.isoformat(),
            str(self.amount.amount),
            self.type_code,
            self.bank_reference,
            self.customer_reference,
            self.text,
        )


@dataclass(frozen=True, slots=True)
class BankStatement:
    """A bank file as read: its format, the deposits (credits), and what was left out."""

    format: str  # "bai2" or "csv"
    deposits: tuple[Deposit, ...]
    skipped: tuple[str, ...] = ()  # debits and records that are not money in, in words

    def fingerprints(self) -> list[str]:
        """One key per deposit: its identity and the how-many-th time that identity occurs
        in this file. Two equal rows in one file stay two deposits; the same row in a later
        file (an overlapping statement) is the deposit already imported."""
        seen: dict[tuple[str, ...], int] = {}
        out = []
        for dep in self.deposits:
            ident = dep.identity()
            seen[ident] = seen.get(ident, 0) + 1
            raw = "\x1f".join((*ident, str(seen[ident])))
            out.append(hashlib.sha256(raw.encode()).hexdigest())
        return out


# The CCD+ addenda of a healthcare EFT carries the 835's TRN segment:
# TRN*1*<trace, TRN02>*<originator, TRN03>[*<TRN04>]\  (NACHA, CAQH CORE 370).
_TRN = re.compile(r"TRN\*1\*([^*\\~/]+)")


def traces_in(text: str, *references: str) -> tuple[str, ...]:
    """The trace numbers a deposit may carry: TRN02 from the addenda text first, then the
    bank's and customer's references as they are (some banks put the trace there)."""
    out: list[str] = []
    for found in _TRN.findall(text.upper()):
        value = found.strip()
        if value and value not in out:
            out.append(value)
    for ref in references:
        value = ref.strip().upper()
        if value and value not in out:
            out.append(value)
    return tuple(out)

"""The rules a payment or a charge typed by a person obeys, whichever door it comes in by.

The web forms, the API and the command line all post payments through one service,
and that service asks these functions. Each raises ``EntryProblem`` naming the field
and saying what is wrong in the words of the office.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from medbill.core.money import Money

__all__ = [
    "EntryProblem",
    "MAX_LINE_CHARGE",
    "MAX_PAYMENT",
    "check_no_card_number",
    "line_charge",
    "looks_like_card_number",
    "payment_amount",
    "payment_date",
    "typed_amount",
]

# One payment typed at a desk or from the mail; payer checks come in by 835 instead.
MAX_PAYMENT = Money("999999.99")
# Box 24F of the CMS-1500 holds six digits of dollars.
MAX_LINE_CHARGE = Money("999999.99")

# Digits in groups with single spaces or dashes between them ("4111 1111-1111 1111").
_DIGIT_GROUPS = re.compile(r"\d+(?:[ -]\d+)*")


class EntryProblem(ValueError):
    """What is wrong with one field of a payment as typed."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def looks_like_card_number(text: str) -> bool:
    """True when ``text`` holds 13–19 digits, whole groups of them (spaces or dashes may
    separate the groups), that pass the Luhn check a payment card number carries
    (ISO/IEC 7812)."""
    for match in _DIGIT_GROUPS.finditer(text or ""):
        groups = re.split(r"[ -]", match.group())
        for first in range(len(groups)):
            digits = ""
            for group in groups[first:]:
                digits += group
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and _luhn_ok(digits):
                    return True
    return False


def check_no_card_number(field: str, text: str) -> None:
    """Refuse ``text`` that holds a full card number: only the last four are kept."""
    if looks_like_card_number(text):
        raise EntryProblem(
            field,
            "looks like a full card number; record the last four "
            "digits only (for example 'Visa 1111')",
        )


def typed_amount(value: object, *, ceiling: Money, field: str, what: str) -> Money:
    """An amount as a person typed it: digits (a ``$`` and thousands commas allowed), whole
    cents, at most ``ceiling`` either way; ``what`` names it in the refusal ("one payment").

    ``25.005`` is refused rather than rounded: the person typing it meant something.
    """
    if isinstance(value, Money):
        amount = value.amount
    elif isinstance(value, bool | float):
        raise EntryProblem(field, "type the amount as digits, e.g. 25.00")
    elif isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = str(value).strip().replace(",", "").removeprefix("$").strip()
        if not re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)", text):
            # The text is not repeated: it may be a card number typed in the wrong box.
            raise EntryProblem(field, "is not an amount; type it as digits, e.g. 25.00")
        amount = Decimal(text)
    if not amount.is_finite():
        raise EntryProblem(field, "is not an amount; type it as digits, e.g. 25.00")
    if abs(amount) > ceiling.amount:
        raise EntryProblem(
            field, f"is more than {ceiling.format()}, the most {what} may be; check the amount"
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise EntryProblem(
            field, "has more than two decimals; amounts are in dollars and cents, e.g. 25.01"
        )
    return Money(amount)


def payment_amount(value: object, *, ceiling: Money = MAX_PAYMENT, field: str = "amount") -> Money:
    """What was received, as typed: more than zero, whole cents, at most ``ceiling``."""
    money = typed_amount(value, ceiling=ceiling, field=field, what="one payment entered here")
    if money <= Money(0):
        raise EntryProblem(field, "must be more than zero")
    return money


def line_charge(value: object, *, field: str = "charge") -> Money:
    """A service line's charge as typed: zero or more, whole cents, and no more than the
    CMS-1500's charge box (24F) can print."""
    money = typed_amount(value, ceiling=MAX_LINE_CHARGE, field=field, what="one service line")
    if money < Money(0):
        raise EntryProblem(field, "must not be negative")
    return money


def payment_date(
    day: datetime.date,
    *,
    today: datetime.date,
    earliest: datetime.date | None = None,
    field: str = "effective_date",
) -> datetime.date:
    """A payment's date: not after ``today``, not before ``earliest`` (when the practice
    began keeping its books here)."""
    if day > today:
        raise EntryProblem(
            field,
            f"{day:%m/%d/%Y} is in the future; a payment is dated the day the money was received",
        )
    if earliest is not None and day < earliest:
        raise EntryProblem(
            field, f"{day:%m/%d/%Y} is before {earliest:%m/%d/%Y}, when this practice's books begin"
        )
    return day

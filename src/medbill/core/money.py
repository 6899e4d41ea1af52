"""Money: Decimal amounts quantized to cents.

Amounts are immutable, never floats, and always carry exactly two decimal
places (ROUND_HALF_UP, the rounding payers and statements use).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering

__all__ = ["Money", "MoneyError", "ZERO", "to_money"]

_CENT = Decimal("0.01")


class MoneyError(ValueError):
    """An amount that cannot be money (a float, text that is not a number, NaN)."""


def _coerce(value: object) -> Decimal:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, bool):
        raise MoneyError("a boolean is not an amount")
    if isinstance(value, float):
        raise MoneyError(f"refusing to build money from float {value!r}; pass a str or Decimal")
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, int):
        dec = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.startswith("$"):
            text = text[1:]
        elif text.startswith("-$"):
            text = "-" + text[2:]
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"not an amount: {value!r}") from None
    else:
        raise MoneyError(f"cannot make money from {type(value).__name__}")
    if not dec.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    try:
        return dec.quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise MoneyError(f"too large to be an amount: {value!r}") from None


@total_ordering
class Money:
    """An immutable amount of US dollars with exact cents."""

    __slots__ = ("_amount",)

    def __init__(self, value: object = 0) -> None:
        object.__setattr__(self, "_amount", _coerce(value))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    @property
    def amount(self) -> Decimal:
        return self._amount

    @property
    def cents(self) -> int:
        return int(self._amount * 100)

    @classmethod
    def from_cents(cls, cents: int) -> Money:
        if not isinstance(cents, int) or isinstance(cents, bool):
            raise MoneyError("cents must be an int")
        return cls(Decimal(cents) / 100)

    # arithmetic -------------------------------------------------------
    # Sums, differences and negations of whole cents are whole cents already, so these
    # skip ``_coerce`` (its checks and quantize): posting adds up hundreds of thousands.
    def __add__(self, other: object) -> Money:
        if isinstance(other, Money):
            return _exact(self._amount + other._amount)
        if other == 0 and not isinstance(other, float):
            return self
        return Money(self._amount + _coerce(other))

    __radd__ = __add__

    def __sub__(self, other: object) -> Money:
        if isinstance(other, Money):
            return _exact(self._amount - other._amount)
        return Money(self._amount - _coerce(other))

    def __rsub__(self, other: object) -> Money:
        return Money(_coerce(other) - self._amount)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, float | Money):
            raise MoneyError("multiply money by an int or Decimal, not a float or money")
        if not isinstance(factor, int | Decimal):
            return NotImplemented
        return Money(self._amount * factor)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return _exact(-self._amount)

    def __abs__(self) -> Money:
        return _exact(abs(self._amount))

    def __bool__(self) -> bool:
        return bool(self._amount)

    # comparison -------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self._amount == other._amount
        if isinstance(other, int | Decimal) and not isinstance(other, bool):
            return self._amount == other
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self._amount < other._amount
        if isinstance(other, int | Decimal) and not isinstance(other, bool):
            return self._amount < other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._amount)

    # text -------------------------------------------------------------
    def __str__(self) -> str:
        return f"{self._amount:.2f}"

    def __repr__(self) -> str:
        return f"Money('{self._amount:.2f}')"

    def format(self) -> str:
        """Dollars for people: ``$1,234.50`` or ``-$12.00``."""
        sign = "-" if self._amount < 0 else ""
        return f"{sign}${abs(self._amount):,.2f}"

    def as_balance(self) -> str:
        """An account balance for people: what is owed (``$12.00``), or what was paid
        beyond it as a credit (``Credit $45.01``), never a negative amount owed."""
        if self._amount < 0:
            return f"Credit ${-self._amount:,.2f}"
        return self.format()

    def x12(self) -> str:
        """The X12 R-type rendering: no trailing zeros, no leading zero (``12.5``, ``100``)."""
        if not self._amount:
            return "0"  # never "-0", which a negative zero would otherwise print
        text = format(self._amount.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text


def _exact(amount: Decimal) -> Money:
    """Money from a Decimal already in whole cents (the result of Money arithmetic)."""
    money = object.__new__(Money)
    object.__setattr__(money, "_amount", amount)
    return money


ZERO = Money(0)


def to_money(value: object) -> Money:
    """Money from an int, str, Decimal or Money (never a float)."""
    return value if isinstance(value, Money) else Money(value)

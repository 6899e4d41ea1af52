"""Good-faith estimates for uninsured and self-pay patients.

Under the No Surprises Act a provider gives an uninsured or self-pay patient
an estimate of expected charges before a scheduled service; a bill that comes
in at least $400 above it can be disputed. The estimate itemizes each expected
service with its code and self-pay price, applies the practice's self-pay
discount, lists the expected diagnoses when known, and is valid for a stated
period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from medbill.core.money import Money

__all__ = [
    "DISPUTE_THRESHOLD",
    "Estimate",
    "EstimateError",
    "EstimateLine",
    "build_estimate",
    "exceeds_estimate",
    "line_discount",
]

DISPUTE_THRESHOLD = Money("400")


class EstimateError(ValueError):
    """A service the estimate cannot price; names the code."""


@dataclass(frozen=True, slots=True)
class EstimateLine:
    code: str
    description: str
    units: int
    unit_price: Money
    discount: Money
    modifiers: tuple[str, ...] = ()

    @property
    def gross(self) -> Money:
        return self.unit_price * self.units

    @property
    def total(self) -> Money:
        return self.gross - self.discount


@dataclass(frozen=True, slots=True)
class Estimate:
    number: str
    issued_on: date
    valid_until: date
    service_date: date | None
    lines: tuple[EstimateLine, ...]
    diagnoses: tuple[str, ...]
    discount_rate: Decimal

    @property
    def gross(self) -> Money:
        return sum((line.gross for line in self.lines), Money(0))

    @property
    def discount(self) -> Money:
        return sum((line.discount for line in self.lines), Money(0))

    @property
    def total(self) -> Money:
        return self.gross - self.discount


def line_discount(gross: Money, rate: Decimal) -> Money:
    """The self-pay discount of one line: ``rate`` (0.25 = 25 %) of its gross, to the cent.

    Every estimate, stored or printed, discounts line by line and adds the lines up, so
    two $10.05 services at 25 % are $15.08, wherever the total is shown.
    """
    return Money((gross.amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def build_estimate(
    number: str,
    services: Iterable[tuple[str, int]],
    prices: Mapping[str, tuple[str, Money]],
    issued_on: date,
    discount_rate: Decimal = Decimal("0"),
    service_date: date | None = None,
    diagnoses: Iterable[str] = (),
    valid_days: int = 365,
) -> Estimate:
    """An estimate for ``services`` (code, units) priced from ``prices``.

    ``prices`` maps a code to (the practice's own description, self-pay unit
    price) — the fee schedule. ``discount_rate`` is a fraction (0.25 = 25 %).
    """
    if not Decimal(0) <= discount_rate < Decimal(1):
        raise EstimateError("discount_rate must be a fraction from 0 up to 1")
    lines = []
    for code, units in services:
        code = code.strip().upper()
        if code not in prices:
            raise EstimateError(f"{code}: not on the fee schedule, so it has no self-pay price")
        if units < 1:
            raise EstimateError(f"{code}: units must be at least 1")
        description, price = prices[code]
        gross = price * units
        lines.append(
            EstimateLine(code, description, units, price, line_discount(gross, discount_rate))
        )
    if not lines:
        raise EstimateError("an estimate needs at least one expected service")
    return Estimate(
        number,
        issued_on,
        issued_on + timedelta(days=valid_days),
        service_date,
        tuple(lines),
        tuple(diagnoses),
        discount_rate,
    )


def exceeds_estimate(estimate: Estimate, billed: Money) -> bool:
    """Whether a bill is high enough above the estimate for the patient to dispute it."""
    return billed - estimate.total >= DISPUTE_THRESHOLD

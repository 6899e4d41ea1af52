"""A/R aging and the billing office's key numbers, as pure functions over plain values.

Balances age from the date of service: 0–30, 31–60, 61–90, 91–120 and over 120
days before the report date. The rates are the usual ones:

* days in A/R = total A/R ÷ average daily charges over the last ``period`` days;
* net collection rate = payments ÷ (charges − contractual adjustments);
* first-pass rate = claims paid on their first remittance without a denial ÷ claims
  adjudicated.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from medbill.core.money import ZERO, Money

__all__ = [
    "BUCKETS",
    "NET_COLLECTION_MEANING",
    "AgingRow",
    "age_balances",
    "age_cents",
    "bucket_of",
    "days_in_ar",
    "net_collection_rate",
    "rate",
]

BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")


def bucket_of(service_date: date | None, as_of: date) -> str:
    """The aging bucket of a balance from ``service_date`` (no date: the oldest)."""
    if service_date is None:
        return BUCKETS[-1]
    days = (as_of - service_date).days
    if days <= 30:
        return BUCKETS[0]
    if days <= 60:
        return BUCKETS[1]
    if days <= 90:
        return BUCKETS[2]
    if days <= 120:
        return BUCKETS[3]
    return BUCKETS[4]


@dataclass
class AgingRow:
    """One payer's or patient's open balance by bucket."""

    key: Hashable
    name: str
    buckets: dict[str, Money] = field(default_factory=lambda: {b: ZERO for b in BUCKETS})

    @property
    def total(self) -> Money:
        return sum(self.buckets.values(), ZERO)

    def as_list(self) -> list[str]:
        return [self.name, *(str(self.buckets[b]) for b in BUCKETS), str(self.total)]


def age_cents(
    items: Iterable[tuple[Hashable, str, date | None, int]],
    as_of: date,
    include_credits: bool = False,
) -> list[tuple[Hashable, str, list[int]]]:
    """``age_balances`` in whole cents: rows of (key, name, service date, cents) summed per
    key into one amount per bucket (in ``BUCKETS`` order), largest total first.

    For reports over thousands of open balances, which format the cents themselves.
    """
    index = {b: i for i, b in enumerate(BUCKETS)}
    sums: dict[Hashable, tuple[str, list[int]]] = {}
    for key, name, when, cents in items:
        if not cents or (cents < 0 and not include_credits):
            continue
        entry = sums.get(key)
        if entry is None:
            entry = sums[key] = (name, [0] * len(BUCKETS))
        entry[1][index[bucket_of(when, as_of)]] += cents
    out = []
    for key, (name, buckets) in sums.items():
        total = sum(buckets)
        if total:
            out.append((-total, name, key, buckets))
    out.sort(key=lambda t: (t[0], t[1]))
    return [(key, name, buckets) for _, name, key, buckets in out]


def age_balances(
    items: Iterable[tuple[Hashable, str, date | None, Money]],
    as_of: date,
    include_credits: bool = False,
) -> list[AgingRow]:
    """Rows of (key, name, service date, open balance) aged and summed per key.

    Zero balances drop out; credit balances (overpayments) too unless asked for.
    Rows come largest total first.
    """
    rows = age_cents(
        ((key, name, when, amount.cents) for key, name, when, amount in items),
        as_of,
        include_credits,
    )
    return [
        AgingRow(key, name, {b: Money.from_cents(c) for b, c in zip(BUCKETS, cents, strict=True)})
        for key, name, cents in rows
    ]


def rate(part: Money | int, whole: Money | int) -> Decimal | None:
    """``part / whole`` as a percentage with one decimal, None when ``whole`` is zero."""
    whole_d = whole.amount if isinstance(whole, Money) else Decimal(whole)
    part_d = part.amount if isinstance(part, Money) else Decimal(part)
    if not whole_d:
        return None
    return (part_d * 100 / whole_d).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def days_in_ar(total_ar: Money, charges_in_period: Money, period_days: int = 90) -> Decimal | None:
    """Total A/R divided by the average daily charges of the period (None: no charges)."""
    if not charges_in_period or period_days <= 0:
        return None
    daily = charges_in_period.amount / period_days
    return (total_ar.amount / daily).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


NET_COLLECTION_MEANING = (
    "Net collection rate = payments (less refunds) ÷ (charges − contractual adjustments) "
    "of the same period. A period whose charges net of contractual adjustments are zero or "
    "less (no new charges, or write-downs of earlier charges) has no rate: it shows as a "
    "gap, not as a number. Refunds larger than payments make the rate negative."
)


def net_collection_rate(payments: Money, charges: Money, contractual: Money) -> Decimal | None:
    """Payments ÷ (charges − contractual adjustments), as a percentage; None when that
    denominator is zero or less, where a percentage would mean nothing (a month of
    write-downs of earlier charges would show a rate below zero or in the thousands).
    ``NET_COLLECTION_MEANING`` says so in words for the pages."""
    allowed = charges - contractual
    if allowed <= Money(0):
        return None
    return rate(payments, allowed)

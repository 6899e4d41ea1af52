"""Check-in money: the copay due, and the end-of-day desk report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from medbill.core.money import Money
from medbill.core.x12.m271 import EligibilityResponse

__all__ = ["DeskPayment", "DeskReport", "copay_due", "desk_report"]

METHODS = ("cash", "check", "card")


def copay_due(
    response: EligibilityResponse | None, specialist: bool = False, fallback: Money | None = None
) -> Money | None:
    """The office-visit copay from the latest 271 (None when the plan has none).

    A specialist visit looks for the specialist copay first (service type A0,
    or a copay whose message says "specialist"); without an answer from the
    payer the practice's ``fallback`` applies.
    """
    if response is None or response.status != "active":
        return fallback
    copays = response.find("B", "98")
    if specialist:
        copays = response.specialist_copays() or copays
    for benefit in copays:
        if benefit.amount is not None:
            return benefit.amount
    return fallback


@dataclass(frozen=True, slots=True)
class DeskPayment:
    user: str
    method: str  # cash, check, card
    amount: Money  # negative for a refund
    kind: str = "copay"  # copay, balance, deposit, refund


@dataclass(frozen=True, slots=True)
class DeskReport:
    by_method: dict[str, Money]
    by_user: dict[str, dict[str, Money]]
    refunds: Money
    total: Money
    count: int


def desk_report(payments: Iterable[DeskPayment]) -> DeskReport:
    """Collections by method and by user, refunds apart, for the cash drawer."""
    by_method: dict[str, Money] = {m: Money(0) for m in METHODS}
    by_user: dict[str, dict[str, Money]] = defaultdict(lambda: {m: Money(0) for m in METHODS})
    refunds = Money(0)
    total = Money(0)
    count = 0
    for p in payments:
        if p.method not in METHODS:
            raise ValueError(f"payment method {p.method!r}: expected cash, check or card")
        by_method[p.method] += p.amount
        by_user[p.user][p.method] += p.amount
        if p.amount < 0:
            refunds += p.amount
        total += p.amount
        count += 1
    return DeskReport(by_method, dict(by_user), refunds, total, count)

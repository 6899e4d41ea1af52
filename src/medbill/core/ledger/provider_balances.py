"""Provider-level adjustments (PLB) followed until they net out.

A payer that takes money back from a check (a forward balance FB, an overpayment
recovery WO, an authorized return 72, a compensation-tax CS …) names what it is taking
back in the composite's reference; a later 835 gives it back, or takes the rest, under
the same reason and reference. Grouped by provider, reason and reference, the amounts
add up to zero once the matter is settled. Interest (L6) and other one-off amounts are
final when paid: they are listed, never open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from medbill.core.money import ZERO, Money

__all__ = ["FINAL_REASONS", "PlbItem", "PlbThread", "follow"]

# Paid once and done: interest, fees, and the like. Everything else is followed.
FINAL_REASONS = frozenset({"L6", "90", "AH", "AM", "BD", "IS", "TL", "LE", "WU"})


@dataclass(frozen=True, slots=True)
class PlbItem:
    id: int
    provider: str
    reason: str
    reference: str
    amount: Money  # effect on the payment: a takeback is negative
    paid_on: date | None


@dataclass
class PlbThread:
    provider: str
    reason: str
    reference: str
    items: list[PlbItem] = field(default_factory=list)

    @property
    def net(self) -> Money:
        return sum((i.amount for i in self.items), ZERO)

    @property
    def state(self) -> str:
        """``final`` (interest and the like), ``netted`` (back to zero) or ``open``."""
        if self.reason in FINAL_REASONS:
            return "final"
        return "netted" if not self.net else "open"

    @property
    def first(self) -> date | None:
        dates = [i.paid_on for i in self.items if i.paid_on is not None]
        return min(dates) if dates else None


def follow(items: Iterable[PlbItem]) -> list[PlbThread]:
    """The items grouped into threads (provider, reason, reference), oldest first. An item
    without a reference is its own thread: nothing later can be told to settle it."""
    threads: dict[tuple[str, ...], PlbThread] = {}
    for item in sorted(items, key=lambda i: (i.paid_on or date.min, i.id)):
        ref = item.reference.strip().upper()
        key = (item.provider, item.reason, ref) if ref else ("", "", str(item.id))
        thread = threads.get(key)
        if thread is None:
            thread = threads[key] = PlbThread(item.provider, item.reason, ref)
        thread.items.append(item)
    return list(threads.values())

"""Use cases on the practice's master data."""

from __future__ import annotations

import datetime
from decimal import Decimal

from medbill.core.money import Money
from medbill.web.practice.models import FeeScheduleEntry, Payer
from medbill.web.practice.tenancy import PracticeRef

__all__ = ["fee_for"]


def fee_for(
    practice: PracticeRef,
    code: str,
    on: datetime.date,
    modifier: str = "",
    payer: Payer | int | None = None,
) -> Money | None:
    """The practice's price for one unit of ``code`` on the date ``on``, or ``None``.

    A payer-specific schedule wins over the practice's standard one; an entry with the
    modifier wins over the plain code.
    """
    payer_id = payer.pk if isinstance(payer, Payer) else payer
    # A code has a few entries (one per schedule and period): they are weighed here.
    rows = (
        FeeScheduleEntry.objects.for_practice(practice)
        .filter(code=code.upper(), modifier__in=[modifier.upper(), ""])
        .values_list(
            "price",
            "modifier",
            "effective_from",
            "effective_to",
            "fee_schedule__payer_id",
            "fee_schedule__effective_from",
            "fee_schedule__effective_to",
        )
    )
    best: Decimal | None = None
    best_rank: tuple[int, int, datetime.date] | None = None
    for price, mod, start, end, schedule_payer, schedule_start, schedule_end in rows:
        if not (_covers(start, end, on) and _covers(schedule_start, schedule_end, on)):
            continue
        if schedule_payer is not None and schedule_payer != payer_id:
            continue
        rank = (int(schedule_payer is not None), int(mod != ""), start)
        if best_rank is None or rank > best_rank:
            best, best_rank = price, rank
    return Money(best) if best is not None else None


def _covers(start: datetime.date, end: datetime.date | None, on: datetime.date) -> bool:
    return start <= on and (end is None or on <= end)

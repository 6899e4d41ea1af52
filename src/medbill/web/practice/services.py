"""Use cases on the practice's master data."""

from __future__ import annotations

import datetime

from django.db.models import Q

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
    in_effect = (
        Q(effective_from__lte=on)
        & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        & Q(fee_schedule__effective_from__lte=on)
        & (Q(fee_schedule__effective_to__isnull=True) | Q(fee_schedule__effective_to__gte=on))
    )
    rows = FeeScheduleEntry.objects.for_practice(practice).filter(
        in_effect, code=code.upper(), modifier__in=[modifier.upper(), ""]
    )
    payer_id = payer.pk if isinstance(payer, Payer) else payer
    rows = rows.filter(Q(fee_schedule__payer__isnull=True) | Q(fee_schedule__payer_id=payer_id))
    best = None
    best_rank: tuple[int, int, datetime.date] | None = None
    for row in rows.select_related("fee_schedule"):
        rank = (
            int(row.fee_schedule.payer_id is not None),
            int(row.modifier != ""),
            row.effective_from,
        )
        if best_rank is None or rank > best_rank:
            best, best_rank = row, rank
    return Money(best.price) if best is not None else None

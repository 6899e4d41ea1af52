"""The payer simulator's memory of the claims in the database (demo and ``payer-sim serve``).

A claim that went out (submitted, or answered since) is adjudicated by the simulated payer
once, when the simulator starts, so its 276 answers are about the claims medbill sent.
"""

from __future__ import annotations

import datetime

from medbill.core.payersim import ClaimBook, simulate
from medbill.web.billing.documents import claim_documents
from medbill.web.billing.models import Claim

__all__ = ["claim_book_from_database"]

SENT = ("submitted", "accepted", "rejected", "paid", "denied")


def claim_book_from_database(today: datetime.date, limit: int = 20_000) -> ClaimBook:
    """A ``ClaimBook`` with every claim sent so far (at most ``limit``, newest first)."""
    rows = list(
        Claim.objects.filter(status__in=SENT, submitted_at__isnull=False).order_by(
            "-submitted_at", "-id"
        )[:limit]
    )
    book = ClaimBook()
    if rows:
        received = min(r.submitted_at for r in rows).date() + datetime.timedelta(days=1)
        book.record(simulate(claim_documents(rows), received=min(received, today)), today)
    return book

"""Background work of the front desk: eligibility for a day's appointments."""

from __future__ import annotations

from celery import shared_task

__all__ = ["check_eligibility_batch"]


@shared_task(name="frontdesk.check_eligibility_batch", acks_late=True)
def check_eligibility_batch(visit_ids: list[int]) -> dict[str, int]:
    """Check the primary coverage of each visit; returns counts by answer.

    Safe to run twice: a second run adds a newer check per visit, the desk shows the
    latest.
    """
    from medbill.web.frontdesk.eligibility import check_visits
    from medbill.web.frontdesk.models import Visit

    visits = Visit.objects.filter(pk__in=visit_ids).select_related("patient", "practice")
    counts = check_visits(visits, source="batch")
    return {"visits": len(visit_ids), **counts}

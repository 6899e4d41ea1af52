"""Background work of the front desk: eligibility for a day's appointments.

Arguments are ids, never records; both tasks are safe to run twice (a second run adds a
newer check per visit, and the desk shows the latest).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

__all__ = ["check_eligibility_batch", "check_eligibility_run"]


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


@shared_task(name="frontdesk.check_eligibility_run", acks_late=True)
def check_eligibility_run(run_id: int, visit_ids: list[int]) -> dict[str, Any]:
    """The day's checks started from the desk; its run row shows the progress."""
    from medbill.web.frontdesk.eligibility_runs import perform_eligibility_run

    run = perform_eligibility_run(run_id, visit_ids)
    return {
        "run": run.pk,
        "status": run.status,
        "checked": len(run.checks),
        "unchecked": len(run.unchecked),
    }

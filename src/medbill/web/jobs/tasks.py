"""The one Celery task of recurring work; beat sends it with the job's name."""

from __future__ import annotations

from typing import Any

from celery import shared_task

__all__ = ["run_recurring_job"]


@shared_task(name="jobs.run", acks_late=True)
def run_recurring_job(
    name: str,
    practice_ids: list[int] | None = None,
    force: bool = False,
    user_id: int | None = None,
) -> dict[str, Any]:
    """Run job ``name`` (see ``recurring.JOBS``); returns the runs' ids and states.

    ``user_id``: who clicked "Run now", recorded as the runs' actor; beat sends none.
    """
    from medbill.web.jobs.runner import run_job
    from medbill.web.practice.models import Practice

    practices = None if practice_ids is None else list(Practice.objects.filter(pk__in=practice_ids))
    runs = run_job(name, practices=practices, force=force, user_id=user_id)
    return {"job": name, "runs": [{"id": r.pk, "scope": r.scope, "status": r.status} for r in runs]}

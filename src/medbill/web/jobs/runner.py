"""Running a recurring job once: for each practice that has it on, at most once per key."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from medbill.web.jobs.models import JobRun, JobSetting
from medbill.web.jobs.recurring import Job, job_named
from medbill.web.practice import audit
from medbill.web.practice.logs import redact
from medbill.web.practice.tenancy import PracticeRef

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

__all__ = ["enabled_for", "run_job"]

log = logging.getLogger(__name__)

# A run still marked running after this long was lost with its worker; it may start again.
STALE = datetime.timedelta(hours=2)


def enabled_for(job: Job, practice: PracticeRef) -> tuple[bool, dict[str, Any]]:
    """Whether ``practice`` runs ``job``, and the job's options for it."""
    setting = JobSetting.objects.filter(job=job.name, practice=practice).first()
    if setting is None:
        return job.enabled_by_default, dict(job.options)
    return setting.enabled, {**job.options, **setting.options}


def run_job(
    name: str,
    *,
    now: datetime.datetime | None = None,
    practices: list[Any] | None = None,
    force: bool = False,
    user_id: int | None = None,
) -> list[JobRun]:
    """Run job ``name`` for every active practice that has it on (or for ``practices``).

    A practice whose run for this key already finished is skipped, unless ``force``; a
    failed run is tried again. Returns the runs made or repeated. ``user_id``: the user
    who asked for the run ("Run now"), its actor in the audit trail; the scheduler's
    runs have none and are the system's.
    """
    from django.contrib.auth import get_user_model

    user = None if user_id is None else get_user_model().objects.filter(pk=user_id).first()
    with audit.acting_as(user, "web" if user is not None else None):
        return _run_job(name, now, practices, force)


def _run_job(
    name: str, now: datetime.datetime | None, practices: list[Any] | None, force: bool
) -> list[JobRun]:
    from medbill.web.practice.models import Practice

    job = job_named(name)
    now = now or timezone.now()
    if not job.per_practice:
        return [r for r in [_run_once(job, None, now, force)] if r is not None]
    targets = practices if practices is not None else list(Practice.objects.filter(active=True))
    runs = []
    for practice in targets:
        on, options = enabled_for(job, practice)
        day = timezone.localtime(now, practice.zone).date()
        if practices is None and (not on or not job.due(day, options)):
            continue
        run = _run_once(job, practice, now, force)
        if run is not None:
            runs.append(run)
    return runs


def _claim(
    job: Job, practice: Practice | None, key: str, now: datetime.datetime, force: bool
) -> JobRun | None:
    scope = "all" if practice is None else f"practice-{practice.pk}"
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(job=job.name, scope=scope, key=key).first()
        if run is None:
            try:
                with transaction.atomic():
                    return JobRun.objects.create(
                        job=job.name, practice=practice, scope=scope, key=key, started_at=now
                    )
            except IntegrityError:  # another scheduler or worker took it a moment ago
                return None
        finished = run.status in (JobRun.Status.OK, JobRun.Status.ATTENTION)
        lost = run.status == JobRun.Status.RUNNING and now - run.started_at > STALE
        if (finished and not force) or (run.status == JobRun.Status.RUNNING and not lost):
            return None
        run.status, run.started_at, run.finished_at = JobRun.Status.RUNNING, now, None
        run.error, run.attempts = "", run.attempts + 1
        run.save()
        return run


def _run_once(
    job: Job, practice: Practice | None, now: datetime.datetime, force: bool
) -> JobRun | None:
    key = job.key(timezone.localtime(now, practice.zone if practice else None))
    run = _claim(job, practice, key, now, force)
    if run is None:
        return None
    day = timezone.localtime(now, practice.zone if practice else None).date()
    try:
        summary = job.run(practice, day)
    except Exception as exc:  # recorded on the run; the next schedule tries again
        run.status, run.error = JobRun.Status.FAILED, redact(f"{type(exc).__name__}: {exc}")[:500]
        log.exception("job %s for %s failed (run %s)", job.name, run.scope, run.pk)
    else:
        run.summary = summary
        run.status = (
            JobRun.Status.ATTENTION
            if summary.get("attention") or summary.get("problems")
            else JobRun.Status.OK
        )
        log.info("job %s for %s: %s (run %s)", job.name, run.scope, run.status, run.pk)
    run.finished_at = timezone.now()
    run.save()
    return run

"""Long work started from a page: the record the page follows while a worker does the work.

A run row is created by the page (queued), taken by the task (running), counts what it
has done as it goes, and ends done or failed with a summary. The page polls the run's
status (``status_of``, as JSON) with ``static/medbill/progress.js``; when the run has
ended the page renders the result itself, so a run that finished before the page loaded
(in-process Celery runs tasks at once) shows the same way as one that finished while the
user watched.

Progress counters are written with ``QuerySet.update()``: they are bookkeeping, not PHI
or money, and a save per step would fill the audit trail. Creation and the final state go
through ``save()`` and are audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from medbill.web.practice.base import PracticeOwned

__all__ = ["BackgroundRun", "status_of"]


class BackgroundRun(PracticeOwned):
    """The common fields of a long run: who started it, its state and how far it is."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if not self.total:
            return 0 if self.running else 100
        return min(100, round(100 * self.done / self.total))

    def start(self, total: int) -> None:
        """Taken by a worker: ``total`` steps to do (a redelivered task starts again)."""
        self.status, self.total, self.done = self.Status.RUNNING, total, 0
        self.started_at, self.error = timezone.now(), ""
        self.save(update_fields=["status", "total", "done", "started_at", "error"])

    def step(self, done: int) -> None:
        """Record that ``done`` steps are finished (visible to the page at once)."""
        self.done = done
        type(self).objects.filter(pk=self.pk).update(done=done)

    def finish(self, **fields: Any) -> None:
        self.status, self.finished_at, self.done = self.Status.DONE, timezone.now(), self.total
        for key, value in fields.items():
            setattr(self, key, value)
        self.save()

    def fail(self, problem: str) -> None:
        self.status, self.finished_at = self.Status.FAILED, timezone.now()
        self.error = problem[:300]
        self.save(update_fields=["status", "finished_at", "error"])


def status_of(run: BackgroundRun) -> dict[str, Any]:
    """What the progress script needs: state, counts, percent; no PHI."""
    return {
        "id": run.pk,
        "status": run.status,
        "label": run.get_status_display(),
        "total": run.total,
        "done": run.done,
        "percent": run.percent,
        "running": run.running,
        "error": run.error,
    }

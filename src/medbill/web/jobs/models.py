"""What the recurring jobs did, and which of them a practice runs."""

from __future__ import annotations

from django.db import models

from medbill.web.practice.base import Audited

__all__ = ["JobRun", "JobSetting"]


class JobRun(models.Model):
    """One run of a recurring job for one practice (or for all, for jobs without one).

    ``key`` names the work the run covers (the day checked, the statement date …): a run
    that finished for a key is never repeated, so a job sent twice by the scheduler, or
    redelivered after a lost worker, does its work once. ``summary`` holds counts and ids,
    never PHI; ``error`` is the failure in words, with identifiers blanked.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "Done"
        ATTENTION = "attention", "Needs attention"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=40)
    practice = models.ForeignKey(
        "practice.Practice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=30, help_text="practice-<id>, or 'all'.")
    key = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "scope", "key"], name="job_run_once_per_key")
        ]
        indexes = [models.Index(fields=["job", "scope", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.scope} {self.key}: {self.status}"


class JobSetting(Audited):
    """A practice's choice for one job: on or off, and the job's options (statement day …)."""

    job = models.CharField(max_length=40)
    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(default=True)
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "practice"], name="job_setting_per_practice")
        ]

    def __str__(self) -> str:
        return f"{self.job} for practice {self.practice_id}: {'on' if self.enabled else 'off'}"


class PickedUpFile(models.Model):
    """A file read from a partner's inbound location, so that it is read once."""

    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, related_name="+")
    connection = models.CharField(max_length=60)
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, help_text="999, 277, 835 or unknown.")
    outcome = models.CharField(max_length=200)
    picked_up_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-picked_up_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "connection", "name", "size"], name="picked_up_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.connection}/{self.name} ({self.kind})"

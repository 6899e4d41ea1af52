"""Claims out: clearinghouse connections, control numbers, submissions, acknowledgements.

``ControlNumberSequence`` hands out interchange control numbers with a conditional
UPDATE that must change exactly one row, so two workers never get the same number
and a number is never reused. ``Submission`` records every file sent (name, hash,
control numbers, claims, time, user). ``AckImport`` makes 999/277CA imports
idempotent (unique file hash and partner control number). ``ClaimEvent`` is the
claim's append-only lifecycle history; ``ClaimWorkItem`` is the biller's queue of
claims to work (rejected ones, and sent secondary claims whose prior payment was
reversed), with the reason in words.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from medbill.web.practice.base import AppendOnlyModel, AppendOnlyQuerySet, PracticeOwned
from medbill.web.practice.fields import MoneyField
from medbill.web.practice.runs import BackgroundRun

__all__ = [
    "AckImport",
    "ClaimBuildRun",
    "SubmissionRun",
    "ClaimEvent",
    "ClaimWorkItem",
    "ClearinghouseConnection",
    "ControlNumberSequence",
    "Submission",
    "SubmissionClaim",
]


class ClearinghouseConnection(PracticeOwned):
    """One trading partner profile of a practice (``ClearinghouseProfile.from_dict`` settings).

    Payers reach it through ``Payer.clearinghouse_route`` == ``name``.
    """

    name = models.CharField(max_length=60)
    settings = models.JSONField(default=dict, help_text="Envelope ids, separators, transport.")
    active = models.BooleanField(default=True)

    # Passwords and passphrases may sit in ``settings``; they never reach the audit trail.
    audit_secret_keys = ("password", "passphrase", "secret", "private_key", "token")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="clearinghouse_name")
        ]

    def __str__(self) -> str:
        return self.name


class ControlNumberSequence(models.Model):
    """The last interchange control number used for one practice and connection."""

    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=60)
    last_value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="control_sequence_name")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class Submission(PracticeOwned):
    """One 837P file built and sent (or that failed to send)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Built, not yet sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    connection = models.CharField(max_length=60)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content = models.TextField(help_text="The file as sent, for audit and 999 error lookup.")
    interchange_control = models.PositiveIntegerField()
    group_control = models.PositiveIntegerField()
    transaction_control = models.PositiveIntegerField(default=1)
    claim_count = models.PositiveIntegerField()
    total_charge = MoneyField()
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    destination = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claims = models.ManyToManyField(
        "billing.Claim", through="SubmissionClaim", related_name="submissions"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "connection", "interchange_control"],
                name="submission_interchange",
            ),
            models.UniqueConstraint(fields=["practice", "sha256"], name="submission_sha256"),
        ]

    def __str__(self) -> str:
        return self.file_name


class SubmissionClaim(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="items")
    claim = models.ForeignKey("billing.Claim", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "claim"], name="submission_claim")
        ]


class AckImport(PracticeOwned):
    """One acknowledgement file imported (999 or 277CA); its hash makes imports idempotent."""

    kind = models.CharField(max_length=6)  # 999 or 277CA
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    sender = models.CharField(max_length=15)
    interchange_control = models.CharField(max_length=9)
    transaction_controls = models.CharField(max_length=200)
    summary = models.JSONField(default=dict)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "sha256"], name="ack_sha256"),
            models.UniqueConstraint(
                fields=[
                    "practice",
                    "kind",
                    "sender",
                    "interchange_control",
                    "transaction_controls",
                ],
                name="ack_control_numbers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class ClaimEvent(PracticeOwned, AppendOnlyModel):
    """One step of a claim's lifecycle (append-only): from, to, why, and where it came from."""

    claim = models.ForeignKey(
        "billing.Claim", on_delete=models.PROTECT, related_name="lifecycle_events"
    )
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20)  # build, scrub, submission, 999, 277CA, manual
    source_ref = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.claim} {self.from_status} -> {self.to_status}"


class ClaimWorkItem(PracticeOwned):
    """A claim waiting for the biller, with the reason in words, until resolved: rejected by
    a 999 or 277CA, or (source 835) a secondary claim already sent whose prior payer then
    reversed the payment its COB data came from."""

    claim = models.ForeignKey(
        "billing.Claim", on_delete=models.PROTECT, related_name="rejection_items"
    )
    source = models.CharField(max_length=10)  # 999, 277CA or 835
    reason = models.CharField(max_length=500)
    codes = models.CharField(max_length=120, blank=True)
    ack = models.ForeignKey(
        AckImport, null=True, blank=True, on_delete=models.PROTECT, related_name="work_items"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["practice", "resolved_at"], name="work_item_open")]

    def __str__(self) -> str:
        return f"{self.claim}: {self.reason[:40]}"


class ClaimBuildRun(BackgroundRun):
    """Claims built from the practice's coded visits as one batch, from the build page."""

    built = models.JSONField(default=list, help_text="ids of the claims built")
    held = models.JSONField(default=dict, help_text="visit id -> why no claim was built")


class SubmissionRun(BackgroundRun):
    """Scrubbed claims sent to a clearinghouse as one batch, from the claim queue."""

    connection = models.CharField(max_length=60)
    claims = models.JSONField(default=list, help_text="ids of the claims asked to be sent")
    submissions = models.JSONField(default=list, help_text="ids of the files written")
    held = models.JSONField(
        default=list,
        blank=True,
        help_text="claims held out of the files: patient control number, field and reason",
    )

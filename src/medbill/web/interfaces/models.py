"""The inbound message log, the links from the EHR's identifiers to our rows, and the
practice's interface settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from medbill.web.practice.base import PracticeOwned

__all__ = ["EhrLink", "InboundMessage", "InterfaceSettings"]


class InboundMessage(PracticeOwned):
    """One HL7 v2 message (or FHIR bundle) from the practice's EHR, once per control id
    (MSH-10; a bundle's identifier, else the hash of its bytes).

    The raw message holds PHI: it lives here, behind the practice's tenancy and the audit
    trail, and never goes to a log. ``problems`` lists why a held message was not applied,
    each naming the segment and field (or resource and element); ``error`` is the first.
    A held message nobody will fix (a test message, junk) is discarded, never deleted:
    who, when and why stay on the row.
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        HELD = "held", "Held"
        REPLAYED = "replayed", "Replayed"
        DISCARDED = "discarded", "Discarded"

    control_id = models.CharField("message control id (MSH-10)", max_length=199)
    message_type = models.CharField(max_length=20, help_text="MSH-9, e.g. ADT^A04.")
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    error = models.TextField("reason held", blank=True)
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text="Every problem of a held message: [{'location': 'PID-7', 'text': ...}].",
    )
    raw = models.TextField("message", help_text="The message as received (segments by CR).")
    source = models.CharField(max_length=10, help_text="file, mllp or page (a replay).")
    patient = models.ForeignKey(
        "frontdesk.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit = models.ForeignKey(
        "frontdesk.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=1)
    discarded_at = models.DateTimeField(null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discard_reason = models.CharField("why discarded", max_length=300, blank=True)

    # The message is large and its fields are PHI the trail need not copy.
    audit_exclude = ("raw",)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "control_id"], name="inbound_message_once_per_control_id"
            )
        ]
        indexes = [models.Index(fields=["practice", "status", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.message_type} {self.control_id} ({self.status})"

    @property
    def problem_texts(self) -> list[str]:
        """Every problem of the message in words (``error`` for a row kept before the
        list was)."""
        found = [str(p.get("text", "")) for p in self.problems or [] if isinstance(p, dict)]
        return found or ([self.error] if self.error else [])


class EhrLink(PracticeOwned):
    """Which of our rows an EHR identifier stands for: its patient id (PID-3), visit
    number (PV1-19), appointment id (SCH-2), note document id (TXA-12) or, from FHIR,
    ``Patient/123``, ``Encounter/456`` and a Claim's identifier (``system|value``).

    Unique per practice, kind and id, so two messages about one new patient or visit can
    never make two of them, even when they arrive at once.
    """

    class Kind(models.TextChoices):
        PATIENT = "patient", "Patient"
        VISIT = "visit", "Visit"
        APPOINTMENT = "appointment", "Appointment"
        NOTE = "note", "Note"
        CLAIM = "claim", "Claim"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    ehr_id = models.CharField(max_length=200)
    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.CASCADE, related_name="ehr_links"
    )
    visit = models.ForeignKey(
        "frontdesk.Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="ehr_links"
    )
    note = models.ForeignKey(
        "frontdesk.ClinicalNote", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    claim = models.ForeignKey(
        "billing.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    codes_from_ehr = models.BooleanField(
        default=False, help_text="The visit's codes came from the EHR; a coder confirms them."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "kind", "ehr_id"], name="ehr_link_once_per_id"
            )
        ]

    def __str__(self) -> str:
        return f"EHR {self.kind} {self.ehr_id}"


class InterfaceSettings(PracticeOwned):
    """How the practice takes what its EHR sends."""

    ehr_codes_to_billing = models.BooleanField(
        "EHR-coded visits go straight to billing",
        default=False,
        help_text="Off: charges from the EHR wait in the coding queue for a coder to confirm.",
    )

    class Meta:
        verbose_name_plural = "interface settings"
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="interface_settings_practice")
        ]

    def __str__(self) -> str:
        return f"Interface settings of practice {self.practice_id}"

"""Claims and their lines, and the append-only patient account ledger."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from medbill.core.attachments import AVAILABLE_ON_REQUEST, REPORT_TYPES, TRANSMISSIONS
from medbill.core.attachments import Attachment as DocAttachment
from medbill.core.money import Money
from medbill.web.coding.models import NDC_UNITS, UNIT_BASES
from medbill.web.practice.base import AppendOnlyModel, AppendOnlyQuerySet, PracticeOwned
from medbill.web.practice.fields import MoneyField


class Claim(PracticeOwned):
    """A professional claim for one visit to one payer, through its lifecycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCRUBBED = "scrubbed", "Scrubbed"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        PAID = "paid", "Paid"
        DENIED = "denied", "Denied"
        CLOSED = "closed", "Closed"

    FREQUENCY_CODES = [("1", "1 original"), ("7", "7 replacement"), ("8", "8 void")]

    visit = models.ForeignKey("frontdesk.Visit", on_delete=models.PROTECT, related_name="claims")
    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.PROTECT, related_name="claims"
    )
    coverage = models.ForeignKey(
        "frontdesk.Coverage", on_delete=models.PROTECT, related_name="claims"
    )
    payer = models.ForeignKey("practice.Payer", on_delete=models.PROTECT, related_name="+")
    patient_control_number = models.CharField(
        max_length=20, help_text="Our claim id (CLM01); the payer echoes it in the 835."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    frequency_code = models.CharField(max_length=1, choices=FREQUENCY_CODES, default="1")
    original_claim_ref = models.CharField(
        max_length=50, blank=True, help_text="The payer's claim number of the claim replaced."
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    payer_claim_number = models.CharField(max_length=50, blank=True)
    diagnoses = models.JSONField(
        default=list, blank=True, help_text="ICD-10-CM codes in pointer order, as billed."
    )
    prior_authorization = models.CharField(max_length=50, blank=True)
    status_reason = models.CharField(
        max_length=200, blank=True, help_text="Why it was rejected or denied (codes)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "patient_control_number"], name="claim_pcn_per_practice"
            )
        ]
        indexes = [models.Index(fields=["practice", "status"], name="claim_status")]

    def __str__(self) -> str:
        return self.patient_control_number

    @property
    def total_charge(self) -> Money:
        return sum((Money(line.charge) for line in self.lines.all()), Money(0))


class ClaimLine(PracticeOwned):
    """One line of a claim, copied from the visit's service line when the claim was built."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=5)
    modifiers = models.JSONField(default=list, blank=True)
    units = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(1))
    charge = MoneyField()
    dx_pointers = models.JSONField(default=list, blank=True)
    date_of_service = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=120, blank=True)
    ndc = models.CharField("NDC", max_length=11, blank=True)
    ndc_quantity = models.DecimalField(
        "NDC quantity", max_digits=10, decimal_places=3, null=True, blank=True
    )
    ndc_unit = models.CharField("NDC unit", max_length=2, choices=NDC_UNITS, blank=True)
    unit_basis = models.CharField(max_length=2, choices=UNIT_BASES, default="UN")
    line_control_number = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["claim", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "line_number"], name="claim_line_number")
        ]

    def __str__(self) -> str:
        return f"{self.claim} line {self.line_number}"


class Entry(PracticeOwned, AppendOnlyModel):
    """One posting on a patient's account. Append-only: corrections are reversing entries.

    ``amount`` is signed from the account's point of view: charges and refunds raise what
    is owed (positive), payments and most adjustments lower it (negative). A balance is a
    sum of entries; the database keeps those sums per claim in ``Balance`` as entries are
    inserted, and the application never writes a total itself. ``responsibility`` says who
    owes the amount (a payer or the patient); a transfer moves balance between them with a
    pair of entries.
    """

    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        PAYMENT = "payment", "Payment"
        ADJUSTMENT = "adjustment", "Adjustment"
        TRANSFER = "transfer", "Transfer"
        REFUND = "refund", "Refund"

    class Responsibility(models.TextChoices):
        PAYER = "payer", "Payer"
        PATIENT = "patient", "Patient"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = MoneyField()
    responsibility = models.CharField(
        max_length=7, choices=Responsibility.choices, default=Responsibility.PATIENT
    )
    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    visit = models.ForeignKey(
        "frontdesk.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    claim_line = models.ForeignKey(
        ClaimLine, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    payer = models.ForeignKey(
        "practice.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_date = models.DateField(default=timezone.localdate)
    posted_at = models.DateTimeField(default=timezone.now)
    # Adjustments carry the CAS group code (CO, PR, OI, PI, CR) and reason code (CARC).
    group_code = models.CharField(max_length=2, blank=True)
    reason_code = models.CharField(max_length=5, blank=True)
    method = models.CharField(
        max_length=12, blank=True, help_text="cash, check, card, eft ... for payments and refunds."
    )
    reference = models.CharField(
        max_length=50, blank=True, help_text="Check or trace number, receipt number."
    )
    memo = models.CharField(max_length=200, blank=True)
    # Provenance: where the posting came from, so it can be traced back (835 file + segment).
    source = models.CharField(
        max_length=20, default="manual", help_text="manual, desk, era, statement, system ..."
    )
    source_ref = models.CharField(
        max_length=120, blank=True, help_text="e.g. the 835 file hash and segment position."
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["practice", "patient"], name="entry_patient"),
            # The dashboard's months and the key numbers' last 90 days read a date range.
            models.Index(
                fields=["practice", "effective_date"],
                include=["kind", "group_code", "amount", "claim"],
                name="entry_day",
            ),
        ]
        constraints = [
            # A claim line is charged once: two imports that both find it uncharged cannot
            # both write its charge (the second fails and posts nothing).
            models.UniqueConstraint(
                fields=["claim_line"],
                condition=Q(kind="charge", reverses__isnull=True, claim_line__isnull=False),
                name="entry_line_charged_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def money(self) -> Money:
        return Money(self.amount)


__all__ = ["Claim", "ClaimAttachment", "ClaimLine", "Entry"]


class EditWaiver(PracticeOwned):
    """A claim edit the practice switched off for one payer, with the reason (audited).

    Only active waivers (``revoked_at`` empty) apply; revoking keeps the row for the record.
    """

    payer = models.ForeignKey("practice.Payer", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=8, help_text="The edit code, e.g. MUE003.")
    reason = models.TextField(help_text="Why the edit does not apply to this payer.")
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    waived_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "-waived_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "payer", "code"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_waiver_per_edit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} waived"


from medbill.web.billing.balance_models import *  # noqa: E402, F403 - kept by the database
from medbill.web.billing.remittance_models import *  # noqa: E402, F403 - money-in models


class ClaimAttachment(PracticeOwned):
    """Paperwork sent for a claim, or for one of its lines (837P PWK, CMS-1500 box 19).

    The codes are the 837P TR3's (``medbill.core.attachments``); the attachment control
    number ties the paperwork to the claim and is required unless the paperwork stays at
    the office until the payer asks (transmission AA).
    """

    REPORT_TYPES = sorted((code, f"{code} {meaning}") for code, meaning in REPORT_TYPES.items())
    TRANSMISSIONS = [(code, f"{code} {meaning}") for code, meaning in TRANSMISSIONS.items()]

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attachments")
    line = models.ForeignKey(
        ClaimLine,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        help_text="The line it documents; empty for the whole claim.",
    )
    report_type = models.CharField(max_length=2, choices=REPORT_TYPES)
    transmission = models.CharField(max_length=2, choices=TRANSMISSIONS)
    control_number = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(transmission=AVAILABLE_ON_REQUEST) | ~Q(control_number=""),
                name="attachment_sent_has_control_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim} attachment {self.report_type}"

    def document(self) -> DocAttachment:
        """The attachment as the claim document carries it."""
        return DocAttachment(self.report_type, self.transmission, self.control_number or None)

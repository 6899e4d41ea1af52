"""What the front desk keeps besides the patient record: card images, paperwork signatures,
kiosk passes, payer endpoints and eligibility answers, self-pay estimates, desk settings.

Images, signatures and PDFs are PHI; they live in the database (never in logs) and are
left out of audit events (``audit_exclude``), which record who changed what, not the bytes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from medbill.web.practice.base import AppendOnlyModel, AppendOnlyQuerySet, PracticeOwned
from medbill.web.practice.fields import MoneyField
from medbill.web.practice.runs import BackgroundRun

CARD_SIDES = [("front", "Front"), ("back", "Back")]
SIGNATURE_METHODS = [("typed", "Typed"), ("drawn", "Drawn"), ("none", "No signature needed")]
CHANNELS = [("kiosk", "Kiosk"), ("staff", "Staff")]
ENVELOPES = [("soap", "SOAP"), ("mime", "MIME multipart")]


class DeskSettings(PracticeOwned):
    """The practice's front-desk choices: intake packet, self-pay discount, kiosk links."""

    packet = models.JSONField(
        default=list,
        blank=True,
        help_text="Documents of the intake packet (empty: the standard packet).",
    )
    self_pay_discount = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        help_text="Self-pay discount as a fraction (0.25 = 25 %).",
    )
    estimate_valid_days = models.PositiveSmallIntegerField(default=365)
    kiosk_link_hours = models.PositiveSmallIntegerField(default=4)
    default_copay = MoneyField(
        null=True, blank=True, help_text="Copay to collect when the payer gives none."
    )
    copay_ceiling = MoneyField(
        default=Decimal("1000.00"),
        help_text="The most the desk may take as one copay; more is a payment on balance "
        "or a deposit.",
    )

    class PaperworkHold(models.TextChoices):
        OFF = "off", "Never: bill without checking paperwork"
        STARTED = "started", "When the patient has paperwork on file here and it is incomplete"
        ALWAYS = "always", "Always: every patient needs the complete packet on file here"

    hold_claims_for_paperwork = models.CharField(
        max_length=8,
        choices=PaperworkHold.choices,
        default=PaperworkHold.STARTED,
        help_text="Whether claims wait for the intake packet. Patients who signed on paper "
        "before the practice kept paperwork here have nothing on file; 'always' holds them too.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_desk_settings_per_practice")
        ]
        verbose_name_plural = "desk settings"

    def __str__(self) -> str:
        return f"Desk settings of practice {self.practice_id}"


class InsuranceCard(PracticeOwned):
    """A photo or scan of one side of the insurance card of a coverage."""

    coverage = models.ForeignKey(
        "frontdesk.Coverage", on_delete=models.CASCADE, related_name="cards"
    )
    side = models.CharField(max_length=5, choices=CARD_SIDES)
    content_type = models.CharField(max_length=40)
    image = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    audit_exclude = ("image",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coverage", "side"], name="one_card_image_per_side")
        ]

    def __str__(self) -> str:
        return f"Card {self.side} of coverage {self.coverage_id}"


class PaperworkSignature(PracticeOwned, AppendOnlyModel):
    """One document of the intake packet, completed and (when it needs one) signed.

    Append-only: signing again adds a row; the latest row of a document counts.
    ``pdf`` is what the patient saw and signed, with the signature on it.
    """

    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.PROTECT, related_name="paperwork"
    )
    visit = models.ForeignKey(
        "frontdesk.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(max_length=30)
    signer_name = models.CharField(max_length=100, blank=True)
    signer_relationship = models.CharField(max_length=20, default="self")
    method = models.CharField(max_length=5, choices=SIGNATURE_METHODS)
    signature_png = models.BinaryField(null=True, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=5, choices=CHANNELS)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.BinaryField()

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope
    audit_exclude = ("signature_png", "pdf")

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["practice", "patient"], name="paperwork_patient")]

    def __str__(self) -> str:
        return f"{self.document} of patient {self.patient_id}"

    @property
    def signed(self) -> bool:
        return self.method in ("typed", "drawn")


class KioskPass(PracticeOwned):
    """A one-time code that lets a tablet complete one visit's paperwork without a login.

    Only the SHA-256 of the code is stored; it expires and is spent when the packet is sent.
    """

    visit = models.ForeignKey("frontdesk.Visit", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_exclude = ("code_hash",)

    def __str__(self) -> str:
        return f"Kiosk pass for visit {self.visit_id}"

    def usable(self, now: datetime.datetime | None = None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at


class PayerEndpoint(PracticeOwned):
    """Where the practice sends real-time 270s for one payer (or its clearinghouse)."""

    payer = models.ForeignKey("practice.Payer", on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=300)
    sender_id = models.CharField(max_length=15, help_text="ISA06: our submitter id.")
    receiver_id = models.CharField(max_length=15, help_text="ISA08: the payer's id.")
    username = models.CharField(max_length=80, blank=True)
    password = models.CharField(max_length=200, blank=True)
    envelope = models.CharField(max_length=4, choices=ENVELOPES, default="soap")
    timeout_seconds = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal(10))
    usage = models.CharField(max_length=1, default="P", help_text="P production, T test.")
    active = models.BooleanField(default=True)

    audit_exclude = ("password",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "payer"], name="one_endpoint_per_payer")
        ]

    def __str__(self) -> str:
        return f"Eligibility endpoint for payer {self.payer_id}"


class EligibilityCheck(PracticeOwned):
    """One eligibility inquiry and what the payer answered (or why it did not)."""

    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    coverage = models.ForeignKey(
        "frontdesk.Coverage", on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    visit = models.ForeignKey(
        "frontdesk.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="eligibility_checks",
    )
    service_date = models.DateField()
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=10, help_text="active, inactive, rejected, unknown or error."
    )
    summary = models.CharField(max_length=300, blank=True)
    plan_name = models.CharField(max_length=80, blank=True)
    copay = MoneyField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    raw_271 = models.TextField(blank=True)
    error = models.TextField(blank=True)
    trace_number = models.CharField(max_length=50, blank=True)
    seconds = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    source = models.CharField(max_length=10, default="web")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    audit_exclude = ("raw_271",)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"Eligibility {self.status} for coverage {self.coverage_id}"


class EligibilityRun(BackgroundRun):
    """The eligibility of a day's appointments, checked as one batch from the desk."""

    day = models.DateField()
    counts = models.JSONField(default=dict, help_text="answer -> number of appointments")
    checks = models.JSONField(default=list, help_text="ids of the eligibility checks made")
    unchecked = models.JSONField(default=list, help_text="[visit id, why no check was sent]")


class SelfPayEstimate(PracticeOwned):
    """A good-faith estimate given to a self-pay patient, and the patient's signature on it."""

    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.PROTECT, related_name="estimates"
    )
    visit = models.ForeignKey(
        "frontdesk.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.CharField(max_length=20)
    issued_on = models.DateField()
    valid_until = models.DateField()
    service_date = models.DateField(null=True, blank=True)
    services = models.JSONField(default=list)
    diagnoses = models.JSONField(default=list, blank=True)
    discount_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal(0))
    total = MoneyField()
    deposit_requested = MoneyField(null=True, blank=True)
    signer_name = models.CharField(max_length=100, blank=True)
    signature_method = models.CharField(max_length=5, blank=True)
    signature_png = models.BinaryField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_pdf = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    audit_exclude = ("signature_png", "signed_pdf")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="estimate_number")
        ]

    def __str__(self) -> str:
        return f"Estimate {self.number}"


__all__ = [
    "EligibilityRun",
    "DeskSettings",
    "EligibilityCheck",
    "InsuranceCard",
    "KioskPass",
    "PaperworkSignature",
    "PayerEndpoint",
    "SelfPayEstimate",
]

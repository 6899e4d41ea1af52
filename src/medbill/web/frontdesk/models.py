"""Patients and what the front desk records about them: coverage, guarantor, visits, notes."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from medbill.core.msp import MSP_TYPES
from medbill.web.practice.base import AddressFields, PracticeOwned
from medbill.web.practice.fields import (
    birth_date_validator,
    group_number_validator,
    member_id_validator,
    state_validator,
)

if TYPE_CHECKING:
    from medbill.web.frontdesk.desk_models import EligibilityCheck

SEXES = [("F", "Female"), ("M", "Male"), ("U", "Unknown")]
RELATIONSHIPS = [("self", "Self"), ("spouse", "Spouse"), ("child", "Child"), ("other", "Other")]
COVERAGE_ORDERS = [("primary", "Primary"), ("secondary", "Secondary"), ("tertiary", "Tertiary")]


class Patient(PracticeOwned, AddressFields):
    """A patient of the practice. Every view of the record is audited."""

    account_number = models.CharField(
        max_length=20, help_text="The practice's patient account number."
    )
    last_name = models.CharField(max_length=60)
    first_name = models.CharField(max_length=35)
    middle_name = models.CharField(max_length=25, blank=True)
    suffix = models.CharField(max_length=10, blank=True)
    date_of_birth = models.DateField(validators=[birth_date_validator])
    sex = models.CharField(max_length=1, choices=SEXES, default="U")
    phone = models.CharField(max_length=20, blank=True)
    mobile_phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=40, blank=True, default="English")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "account_number"], name="patient_account_per_practice"
            )
        ]
        indexes = [
            models.Index(fields=["practice", "last_name", "first_name"], name="patient_name"),
            # The duplicate check's "born the same year" (a range of dates).
            models.Index(fields=["practice", "date_of_birth"], name="patient_birth_date"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name]
        name = " ".join(p for p in parts if p)
        return f"{name} {self.suffix}" if self.suffix else name


class AccountSequence(models.Model):
    """The highest account number of the form ``<short code>-<digits>`` a practice's patients
    have, so the next registration need not read them all to find it. Kept by the desk's
    registration and edit of patients; read again from the patients when it is missing or
    the number it gives turns out to be taken."""

    practice = models.OneToOneField(
        "practice.Practice", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    prefix = models.CharField(max_length=9)  # the short code and "-" it counts under
    last = models.BigIntegerField()


class Guarantor(PracticeOwned, AddressFields):
    """Who is responsible for the patient's balance (the patient when ``relationship`` is self)."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="guarantor")
    relationship = models.CharField(max_length=10, choices=RELATIONSHIPS, default="self")
    last_name = models.CharField(max_length=60)
    first_name = models.CharField(max_length=35)
    date_of_birth = models.DateField(null=True, blank=True, validators=[birth_date_validator])
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class Coverage(PracticeOwned):
    """A patient's insurance policy with one payer, and its subscriber.

    The subscriber is the policy holder; for a dependant (``relationship_to_subscriber``
    child/spouse/other) the subscriber fields hold the parent's or spouse's details.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="coverages")
    payer = models.ForeignKey("practice.Payer", on_delete=models.PROTECT, related_name="+")
    order = models.CharField(max_length=10, choices=COVERAGE_ORDERS, default="primary")
    member_id = models.CharField(max_length=80, validators=[member_id_validator])
    group_number = models.CharField(max_length=50, blank=True, validators=[group_number_validator])
    group_name = models.CharField(max_length=60, blank=True)
    relationship_to_subscriber = models.CharField(
        max_length=10, choices=RELATIONSHIPS, default="self"
    )
    subscriber_last_name = models.CharField(max_length=60, blank=True)
    subscriber_first_name = models.CharField(max_length=35, blank=True)
    subscriber_date_of_birth = models.DateField(
        null=True, blank=True, validators=[birth_date_validator]
    )
    subscriber_sex = models.CharField(max_length=1, choices=SEXES, blank=True)
    subscriber_line1 = models.CharField(max_length=55, blank=True)
    subscriber_line2 = models.CharField(max_length=55, blank=True)
    subscriber_city = models.CharField(max_length=30, blank=True)
    subscriber_state = models.CharField(max_length=2, blank=True, validators=[state_validator])
    subscriber_zip = models.CharField(max_length=9, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    termination_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    # A Medicare coverage billed after another payer: why Medicare is secondary (837P
    # SBR05), set from the MSP questionnaire the desk asks (``msp_answers``).
    medicare_secondary_type = models.CharField(
        "Medicare secondary payer type",
        max_length=2,
        blank=True,
        choices=[(code, f"{code} {meaning}") for code, meaning in MSP_TYPES.items()],
    )
    msp_answers = models.JSONField(
        "MSP questionnaire answers",
        default=dict,
        blank=True,
        help_text="The patient's answers to the Medicare secondary payer questions.",
    )
    msp_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["patient", "order"]
        verbose_name_plural = "coverages"

    def __str__(self) -> str:
        return f"{self.payer} ({self.order})"

    @property
    def subscriber_is_patient(self) -> bool:
        return self.relationship_to_subscriber == "self"

    def is_in_effect(self, on: datetime.date) -> bool:
        """Whether the policy covers the date ``on``."""
        if not self.active:
            return False
        if self.effective_date and on < self.effective_date:
            return False
        return not (self.termination_date and on > self.termination_date)


class Visit(PracticeOwned):
    """An appointment, and once the patient has been seen, the encounter that gets billed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CHECKED_IN = "checked_in", "Checked in"
        CHECKED_OUT = "checked_out", "Checked out"
        CODING = "coding", "Coding"
        REVIEW = "review", "In review"
        CODED = "coded", "Coded"
        BILLED = "billed", "Billed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    provider = models.ForeignKey(
        "practice.Provider", on_delete=models.PROTECT, related_name="visits"
    )
    location = models.ForeignKey(
        "practice.Location", on_delete=models.PROTECT, related_name="visits"
    )
    scheduled_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=15)
    reason = models.CharField("reason for visit", max_length=120, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    desk_note = models.TextField(
        blank=True, help_text="What the front desk flagged for coding and billing."
    )
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Not a column: the day's latest check of the patient, set for the schedule's pages
    # (``scheduler._with_eligibility``).
    eligibility: EligibilityCheck | None

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["practice", "status"], name="visit_status")]

    def __str__(self) -> str:
        return f"Visit {self.pk} on {self.scheduled_at:%Y-%m-%d}"

    @property
    def date_of_service(self):
        return timezone.localtime(self.scheduled_at).date()

    @property
    def ends_at(self) -> datetime.datetime:
        return self.scheduled_at + datetime.timedelta(minutes=self.duration_minutes)


class ClinicalNote(PracticeOwned):
    """The provider's documentation of a visit; the evidence for its codes."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "practice.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["visit", "created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk} of visit {self.visit_id}"


__all__ = ["ClinicalNote", "Coverage", "Guarantor", "Patient", "Visit"]

from medbill.web.frontdesk.desk_models import *  # noqa: E402, F403 - the desk's own rows

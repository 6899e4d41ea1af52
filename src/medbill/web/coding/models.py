"""The codes of a visit: its diagnoses and its service lines."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from medbill.web.practice.base import PracticeOwned
from medbill.web.practice.fields import MoneyField

DIAGNOSIS_SYSTEMS = [("ICD10CM", "ICD-10-CM")]
PROCEDURE_SYSTEMS = [("CPT", "CPT"), ("HCPCS", "HCPCS")]
# How a drug's quantity is measured (837P CTP05, CMS-1500 item 24 shaded line).
NDC_UNITS = [
    ("F2", "international unit"),
    ("GR", "gram"),
    ("ME", "milligram"),
    ("ML", "milliliter"),
    ("UN", "unit"),
]
UNIT_BASES = [("UN", "units"), ("MJ", "anesthesia minutes")]


class Diagnosis(PracticeOwned):
    """One diagnosis of a visit; ``position`` 1 is the first listed (pointer 1)."""

    visit = models.ForeignKey("frontdesk.Visit", on_delete=models.CASCADE, related_name="diagnoses")
    code_system = models.CharField(max_length=8, choices=DIAGNOSIS_SYSTEMS, default="ICD10CM")
    code = models.CharField(max_length=8, help_text="Without the dot, as on the claim.")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["visit", "position"]
        verbose_name_plural = "diagnoses"
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="diagnosis_position")
        ]

    def __str__(self) -> str:
        return self.code


class ServiceLine(PracticeOwned):
    """One billed service of a visit: procedure code, modifiers, units, charge, pointers."""

    visit = models.ForeignKey(
        "frontdesk.Visit", on_delete=models.CASCADE, related_name="service_lines"
    )
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    code_system = models.CharField(max_length=8, choices=PROCEDURE_SYSTEMS, default="CPT")
    code = models.CharField(max_length=5)
    modifiers = models.JSONField(default=list, blank=True, help_text="Up to four, in order.")
    units = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(1))
    charge = MoneyField(help_text="The charge for all units of the line.")
    dx_pointers = models.JSONField(
        default=list, blank=True, help_text="1-based positions of the visit's diagnoses."
    )
    description = models.CharField(max_length=120, blank=True)
    ndc = models.CharField("NDC", max_length=11, blank=True)
    ndc_quantity = models.DecimalField(
        "NDC quantity", max_digits=10, decimal_places=3, null=True, blank=True
    )
    ndc_unit = models.CharField(
        "NDC unit", max_length=2, choices=NDC_UNITS, blank=True, help_text="Required with an NDC."
    )
    unit_basis = models.CharField(max_length=2, choices=UNIT_BASES, default="UN")

    class Meta:
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="service_line_position")
        ]

    def __str__(self) -> str:
        mods = "-".join(self.modifiers or [])
        return f"{self.code}{'-' + mods if mods else ''}"


class HcpcsCode(models.Model):
    """HCPCS Level II reference data from the CMS quarterly file (not practice data)."""

    code = models.CharField(max_length=5, unique=True)
    kind = models.CharField(
        max_length=9, choices=[("procedure", "procedure"), ("modifier", "modifier")]
    )
    long_description = models.TextField()
    short_description = models.CharField(max_length=40, blank=True)
    add_date = models.DateField(null=True, blank=True)
    action_date = models.DateField(null=True, blank=True)
    termination_date = models.DateField(null=True, blank=True)
    action_code = models.CharField(max_length=1, blank=True)
    coverage = models.CharField(max_length=1, blank=True)
    betos = models.CharField("BETOS", max_length=3, blank=True)
    release = models.CharField(max_length=60, help_text="The CMS file it was imported from.")

    class Meta:
        ordering = ["code"]
        verbose_name = "HCPCS code"

    def __str__(self) -> str:
        return self.code


__all__ = ["Diagnosis", "HcpcsCode", "ServiceLine"]

from medbill.web.coding.work_models import *  # noqa: E402, F403 - the coder's work rows

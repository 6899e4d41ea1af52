"""Denial risk: claims a biller holds back from sending, and the practice's flag threshold.

The fitted model itself is a file per practice under the data directory
(``services.model_path``), not a row: it is rebuilt whole by each training run.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from medbill.web.practice.base import PracticeOwned


class ClaimHold(PracticeOwned):
    """A claim kept out of sending, with the biller's reason, until released."""

    claim = models.ForeignKey("billing.Claim", on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(max_length=200)
    probability = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True, help_text="When it was held."
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(released_at__isnull=True),
                name="one_open_hold_per_claim",
            )
        ]

    def __str__(self) -> str:
        return f"hold {self.pk} on claim {self.claim_id}"


class RiskSettings(PracticeOwned):
    """The practice's threshold: claims at or above this chance of denial are flagged."""

    threshold = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice"], name="one_risk_settings")]

    def __str__(self) -> str:
        return f"risk threshold {self.threshold}"

"""The coder's work on a visit: who codes it, where each code came from, second reviews and
questions to the provider, and the practice's review settings.

Every row is practice-owned and audited, so the trail shows who coded, changed, reviewed or
asked what and when.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from medbill.web.practice.base import PracticeOwned


class CodingPolicy(PracticeOwned):
    """How much coded work a practice sends to second review."""

    review_percent = models.PositiveSmallIntegerField(
        "share of coded visits reviewed at random (%)",
        default=10,
        validators=[MaxValueValidator(100)],
    )
    new_coder_visits = models.PositiveSmallIntegerField(
        "visits of a new coder that are all reviewed", default=20
    )

    class Meta:
        verbose_name_plural = "coding policies"
        constraints = [models.UniqueConstraint(fields=["practice"], name="coding_policy_practice")]

    def __str__(self) -> str:
        return f"Coding policy of practice {self.practice_id}"


class CodingWork(PracticeOwned):
    """The coding of one visit: its coder, its state and the suggestions it was offered."""

    class State(models.TextChoices):
        CODING = "coding", "Coding"
        QUERY = "query", "Waiting for the provider"
        REVIEW = "review", "In second review"
        CODED = "coded", "Coded"

    visit = models.OneToOneField(
        "frontdesk.Visit", on_delete=models.CASCADE, related_name="coding_work"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.CODING)
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    suggestions = models.JSONField(
        default=dict, blank=True, help_text="What the engine suggested for the note."
    )
    note_digest = models.CharField(max_length=64, blank=True)
    draft = models.JSONField(
        default=dict,
        blank=True,
        help_text="Codes on the coder's screen that could not be saved yet (a line without "
        "a pointer or a charge), kept so the work survives a reload; empty once saved.",
    )

    # The suggestions are large and say nothing about who decided what.
    audit_exclude = ("suggestions",)

    def __str__(self) -> str:
        return f"Coding of visit {self.visit_id}"


class CodeChoice(PracticeOwned):
    """One coding decision: a code kept (as suggested, changed, or added) or a suggestion
    rejected, and who decided it."""

    class Kind(models.TextChoices):
        DIAGNOSIS = "diagnosis", "Diagnosis"
        SERVICE = "service", "Service"

    class Origin(models.TextChoices):
        SUGGESTED = "suggested", "Accepted"
        CHANGED = "changed", "Changed"
        MANUAL = "manual", "Added by hand"
        REJECTED = "rejected", "Rejected"

    visit = models.ForeignKey(
        "frontdesk.Visit", on_delete=models.CASCADE, related_name="code_choices"
    )
    kind = models.CharField(max_length=9, choices=Kind.choices)
    code = models.CharField(max_length=8)
    suggested_code = models.CharField(max_length=8, blank=True)
    origin = models.CharField(max_length=9, choices=Origin.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visit", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.code} ({self.origin})"


class CodingReview(PracticeOwned):
    """A second look at a coded visit by someone other than its coder."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a reviewer"
        AGREED = "agreed", "Agreed"
        CHANGED = "changed", "Changed by the reviewer"

    visit = models.ForeignKey("frontdesk.Visit", on_delete=models.CASCADE, related_name="reviews")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField(default=list, help_text="Why the visit was picked for review.")
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("reviewer's reason", blank=True)
    codes_before = models.JSONField(default=dict, blank=True)
    codes_after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Review {self.pk} of visit {self.visit_id}"


class ProviderQuery(PracticeOwned):
    """A documentation question from the coder to the provider; the visit waits for it."""

    class Topic(models.TextChoices):
        LATERALITY = "laterality", "Laterality (left, right, both)"
        DIABETES_TYPE = "diabetes_type", "Diabetes type"
        ACUITY = "acuity", "Acuity (acute, chronic)"
        SPECIFICITY = "specificity", "Site or specificity"
        ENCOUNTER = "encounter", "Encounter (initial, subsequent, sequela)"
        TIME = "time", "Total time or MDM"
        OTHER = "other", "Other"

    visit = models.ForeignKey("frontdesk.Visit", on_delete=models.CASCADE, related_name="queries")
    topic = models.CharField(max_length=14, choices=Topic.choices, default=Topic.OTHER)
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name_plural = "provider queries"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    def __str__(self) -> str:
        return f"Query {self.pk} on visit {self.visit_id}"


__all__ = ["CodeChoice", "CodingPolicy", "CodingReview", "CodingWork", "ProviderQuery"]

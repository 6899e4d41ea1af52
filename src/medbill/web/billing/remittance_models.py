"""Money in: imported 835 files, their remittances and claim payments, denials, work items,
provider-level adjustments, secondary-claim links, payment plans and statements."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from medbill.core.denial_causes import CATEGORIES
from medbill.web.practice.base import AppendOnlyModel, AppendOnlyQuerySet, PracticeOwned
from medbill.web.practice.fields import MoneyField
from medbill.web.practice.runs import BackgroundRun

__all__ = [
    "DenialItem",
    "EraImportRun",
    "PaymentPlan",
    "ProviderAdjustment",
    "RemittanceClaim",
    "Remittance",
    "RemittanceFile",
    "ScrubRun",
    "SecondaryClaimLink",
    "Statement",
    "StatementRun",
    "UnmatchedPayment",
]


class RemittanceFile(PracticeOwned, AppendOnlyModel):
    """One 835 file as received; its sha256 makes a second import of it a no-op.

    Append-only: editing the hash would let the same file post again.
    """

    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["practice", "sha256"], name="era_file_once")]

    def __str__(self) -> str:
        return self.name


class Remittance(PracticeOwned):
    """One 835 transaction set: a payment (or a notice) and the claims it pays."""

    class Status(models.TextChoices):
        POSTED = "posted", "Posted"
        HELD = "held", "Held (does not balance or has errors)"
        REPEAT = "repeat", "Held: repeats a posted payment's amount, date and payee"
        DUPLICATE = "duplicate", "Already posted (same trace number)"

    file = models.ForeignKey(RemittanceFile, on_delete=models.PROTECT, related_name="remittances")
    payer = models.ForeignKey(
        "practice.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_identifier = models.CharField(
        max_length=80, help_text="REF*2U, N104 or TRN03: finds the Payer, never the payment."
    )
    payer_name = models.CharField(max_length=60, blank=True)
    trace_number = models.CharField(max_length=50, help_text="TRN02: check or EFT trace.")
    trace_originator = models.CharField(
        max_length=80,
        blank=True,
        help_text="TRN03: the payer's own id (1 + its TIN). With TRN02 it names the payment.",
    )
    payee_identifier = models.CharField(max_length=80, blank=True, help_text="1000B N104.")
    control_number = models.CharField(max_length=9, blank=True)
    method = models.CharField(max_length=3, blank=True)
    total_paid = MoneyField()
    payment_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    held_reasons = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="ST segment position.")
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            # X12 names a payment by TRN02 with TRN03; a clearinghouse may rewrite the
            # payer ids in REF*2U and N104, so they are no part of the key.
            models.UniqueConstraint(
                fields=["practice", "trace_originator", "trace_number"],
                condition=Q(status="posted"),
                name="era_payment_posted_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer_name} {self.trace_number}"


class RemittanceClaim(PracticeOwned):
    """One CLP: what the payer decided on one claim, and what we did with it."""

    class Outcome(models.TextChoices):
        POSTED = "posted", "Posted"
        DENIED = "denied", "Denied (in the denial queue)"
        PARTIAL = "partial", "Posted, some lines denied"
        REVERSED = "reversed", "Reversal posted"
        UNMATCHED = "unmatched", "Unmatched (work queue)"
        HELD = "held", "Held with its file"

    remittance = models.ForeignKey(Remittance, on_delete=models.CASCADE, related_name="claims")
    claim = models.ForeignKey(
        "billing.Claim",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remittance_claims",
    )
    claim_identifier = models.CharField(max_length=38, help_text="CLP01 as the payer sent it.")
    status_code = models.CharField(max_length=2)
    charge = MoneyField()
    paid = MoneyField()
    patient_responsibility = MoneyField(null=True, blank=True)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    member_id = models.CharField(max_length=80, blank=True)
    matched_by = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, db_index=True)
    position = models.PositiveIntegerField(default=0, help_text="CLP segment position.")
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["remittance", "position"]

    def __str__(self) -> str:
        return f"{self.claim_identifier} ({self.get_outcome_display()})"


class DenialItem(PracticeOwned):
    """A denied claim or line waiting for a biller: reasons in words and what to do next."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CORRECTED = "corrected", "Corrected claim sent"
        APPEALED = "appealed", "Appealed"
        WRITTEN_OFF = "written_off", "Written off"
        RESOLVED = "resolved", "Resolved"

    remittance_claim = models.ForeignKey(
        RemittanceClaim, on_delete=models.CASCADE, related_name="denials"
    )
    claim = models.ForeignKey("billing.Claim", on_delete=models.PROTECT, related_name="denials")
    claim_line = models.ForeignKey(
        "billing.ClaimLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer = models.ForeignKey(
        "practice.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField()
    reasons = models.JSONField(default=list, help_text="[[group, CARC], ...]")
    reason_words = models.JSONField(default=list)
    remark_words = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=200)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The biller's call on why it happened; blank: the rule's (medbill.core.denial_causes).
    root_cause = models.CharField(
        max_length=20,
        blank=True,
        choices=[(c.key, c.label) for c in CATEGORIES.values()],
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"denial {self.pk} {self.amount}"


class UnmatchedPayment(PracticeOwned):
    """A claim payment we could not tie to one of our claims: the work queue."""

    remittance_claim = models.OneToOneField(
        RemittanceClaim, on_delete=models.CASCADE, related_name="work_item"
    )
    reason = models.CharField(max_length=200)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class ProviderAdjustment(PracticeOwned, AppendOnlyModel):
    """A PLB adjustment: on the practice's books, not on any patient's account.

    ``amount`` is the effect on the payment (a recoupment is negative).
    """

    remittance = models.ForeignKey(
        Remittance, on_delete=models.PROTECT, related_name="provider_adjustments"
    )
    provider_identifier = models.CharField(max_length=50)
    reason = models.CharField(max_length=2)
    reference = models.CharField(max_length=50, blank=True)
    amount = MoneyField()
    fiscal_period_end = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["remittance", "position"]


class SecondaryClaimLink(PracticeOwned):
    """A claim for the next payer, with the prior payer's adjudication (COB data)."""

    claim = models.OneToOneField(
        "billing.Claim", on_delete=models.CASCADE, related_name="prior_payer_link"
    )
    prior_claim = models.ForeignKey(
        "billing.Claim", on_delete=models.PROTECT, related_name="secondary_links"
    )
    adjudication = models.JSONField(help_text="core Adjudication.to_dict() of the prior payer.")
    prior_order = models.CharField(max_length=10, default="primary")
    crossed_over = models.BooleanField(
        default=False, help_text="The prior payer forwarded the claim itself (do not send)."
    )
    created_at = models.DateTimeField(default=timezone.now)


class PaymentPlan(PracticeOwned):
    """An agreement to pay a balance in installments."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DEFAULTED = "defaulted", "Defaulted"
        CANCELLED = "cancelled", "Cancelled"

    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.PROTECT, related_name="payment_plans"
    )
    total = MoneyField()
    installment = MoneyField()
    installments = models.PositiveSmallIntegerField()
    first_due = models.DateField()
    interval_days = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)


class Statement(PracticeOwned):
    """A patient statement as sent: totals, aging, and the files produced."""

    patient = models.ForeignKey(
        "frontdesk.Patient", on_delete=models.PROTECT, related_name="statements"
    )
    statement_date = models.DateField()
    balance = MoneyField()
    aging = models.JSONField(default=dict, help_text="bucket -> amount")
    lines = models.JSONField(default=list, help_text="visits with charges, insurance, owed")
    pdf_path = models.CharField(max_length=300, blank=True)
    run_id = models.CharField(max_length=40, blank=True)
    collections = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-statement_date", "-id"]


class StatementRun(BackgroundRun):
    """A statement cycle started from the statements page (or one account's "send now").

    Its files live under the data directory in ``files_dir`` (relative to it), and are
    handed out only through the pages, never by path.
    """

    statement_date = models.DateField()
    threshold = MoneyField()
    write_off_under = MoneyField()
    patient = models.ForeignKey(
        "frontdesk.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="set when the run is one account's statement",
    )
    files_dir = models.CharField(max_length=200, blank=True)
    has_csv = models.BooleanField(default=False)
    statements = models.JSONField(default=list, help_text="ids of the statements sent")
    skipped = models.JSONField(default=list, help_text="[account, why]")
    written_off = models.JSONField(default=list, help_text="[account, amount]")
    collections = models.JSONField(default=list, help_text="accounts flagged")

    @property
    def run_id(self) -> str:
        return f"run-{self.pk}"


class ScrubRun(BackgroundRun):
    """Every draft claim of the practice scrubbed as one batch, from the claims page."""

    ready = models.JSONField(default=list, help_text="ids of the claims now ready to send")
    with_errors = models.JSONField(default=list, help_text="[claim id, the errors in words]")


class EraImportRun(BackgroundRun):
    """An 835 file imported from the remittances page; the file itself travels to the task.

    ``total`` counts the file's claim payments once it is read. The posting is all or
    nothing (one transaction), so the count moves from none to all when it commits.
    """

    name = models.CharField(max_length=200)
    post = models.BooleanField(default=True)
    same_payment = models.BooleanField(default=False)
    file = models.ForeignKey(
        RemittanceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    already_imported = models.BooleanField(default=False)
    sets = models.JSONField(
        default=list, help_text="per set: payer, trace, status, counts, reasons"
    )


class PayerRuleFromDenial(PracticeOwned):
    """A payer rule the practice made from a denial, so the scrubber checks the next claim
    for what the payer refused (``medbill.core.scrubber.edits.payer``). Switching it off
    keeps the row for the record."""

    class Kind(models.TextChoices):
        PRIOR_AUTH = "prior_auth_required", "Needs a prior authorization"
        DENIED_BEFORE = "denied_before", "Denied before"

    payer = models.ForeignKey("practice.Payer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=5)
    reason = models.CharField(max_length=300)
    denial = models.ForeignKey(
        DenialItem, null=True, blank=True, on_delete=models.PROTECT, related_name="payer_rules"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["payer", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "payer", "kind", "code"],
                condition=Q(active=True),
                name="one_active_rule_per_payer_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.code}: {self.get_kind_display().lower()}"

    def as_rule(self) -> dict[str, object]:
        """The rule as the scrubber reads rules (``PayerRule.from_dict``)."""
        made = timezone.localdate(self.created_at).isoformat()
        source = f"made from denial {self.denial_id} on {made}" if self.denial_id else made
        return {
            "id": f"P{self.pk}",
            "type": self.kind,
            "payers": {"ids": [self.payer.payer_id]},
            "codes": [self.code],
            "reason": self.reason,
            "source": source,
        }


class Appeal(PracticeOwned):
    """One appeal of a denial at one level: when it was filed, by when it had to be, and what
    the payer answered (read from the next remittance for the claim)."""

    class Status(models.TextChoices):
        FILED = "filed", "Filed, waiting for the payer"
        PAID = "paid", "Overturned: paid"
        PARTLY_PAID = "partly_paid", "Partly overturned"
        UPHELD = "upheld", "Upheld: denied again"
        WITHDRAWN = "withdrawn", "Withdrawn"

    denial = models.ForeignKey(DenialItem, on_delete=models.PROTECT, related_name="appeals")
    level = models.CharField(max_length=60)
    level_number = models.PositiveSmallIntegerField(default=1)
    filed_on = models.DateField()
    due_by = models.DateField(help_text="The last day the payer accepts this appeal.")
    grounds = models.TextField(blank=True)
    documents = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FILED)
    paid = MoneyField(
        default=Decimal("0.00"), help_text="What the payer paid on the claim in its answer."
    )
    answered_on = models.DateField(null=True, blank=True)
    answer = models.ForeignKey(
        RemittanceClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["denial", "level_number"]

    def __str__(self) -> str:
        return f"{self.level} of denial {self.denial_id}"

    @property
    def late(self) -> bool:
        return self.filed_on > self.due_by

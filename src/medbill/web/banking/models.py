"""Bank files, their deposits, and which 835 payment each deposit is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from medbill.web.practice.base import AppendOnlyModel, AppendOnlyQuerySet, PracticeOwned
from medbill.web.practice.fields import MoneyField

__all__ = ["BankFile", "Deposit", "DepositMatch", "DepositUnmatch"]


class BankFile(PracticeOwned, AppendOnlyModel):
    """One bank file as received; its sha256 makes a second import of it a no-op."""

    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=4)  # bai2, csv
    size = models.PositiveIntegerField(default=0)
    deposits_read = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True, help_text="debits left out, in words")
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "sha256"], name="bank_file_once")
        ]

    def __str__(self) -> str:
        return self.name


class Deposit(PracticeOwned, AppendOnlyModel):
    """Money in the practice's account, as the bank reported it.

    ``fingerprint`` is the deposit's identity (``medbill.core.bank.BankStatement``): a
    statement that overlaps an earlier one adds only the deposits that are new.
    """

    file = models.ForeignKey(BankFile, on_delete=models.PROTECT, related_name="deposits")
    deposit_date = models.DateField(db_index=True)
    amount = MoneyField()
    account = models.CharField(max_length=40, blank=True)
    type_code = models.CharField(max_length=3, blank=True)
    bank_reference = models.CharField(max_length=80, blank=True)
    customer_reference = models.CharField(max_length=80, blank=True)
    text = models.CharField(max_length=500, blank=True)
    traces = models.JSONField(default=list, help_text="trace numbers it carries, best first")
    line = models.PositiveIntegerField(default=0, help_text="line in the bank file")
    fingerprint = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["-deposit_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "fingerprint"], name="deposit_once")
        ]

    def __str__(self) -> str:
        return f"deposit {self.amount} on {self.deposit_date}"


class DepositMatch(PracticeOwned, AppendOnlyModel):
    """A deposit paired with the 835 payment it carries.

    A pair is undone by a ``DepositUnmatch`` (the pair itself stays as it was), and the
    deposit and the payment may then be paired again. A deposit and a payment each stand
    in one pair at most, and the database holds to it: a pair's turns count the earlier
    pairs of its deposit and of its payment that were undone, and each (deposit, turn)
    and (payment, turn) is unique, so a second pair made while one stands has the turn
    of the standing one and is refused.
    """

    class How(models.TextChoices):
        TRACE = "trace", "Trace number and amount (CORE rule)"
        SUGGESTED = "suggested", "Amount and date, confirmed by the biller"
        MANUAL = "manual", "Matched by hand"

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="matches")
    remittance = models.ForeignKey(
        "billing.Remittance", on_delete=models.PROTECT, related_name="deposit_matches"
    )
    deposit_turn = models.PositiveIntegerField(
        default=0, help_text="how many pairs of the deposit were undone before this one"
    )
    remittance_turn = models.PositiveIntegerField(
        default=0, help_text="how many pairs of the payment were undone before this one"
    )
    how = models.CharField(max_length=10, choices=How.choices)
    reason = models.CharField(max_length=300, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["-matched_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "deposit_turn"], name="deposit_paired_once_at_a_time"
            ),
            models.UniqueConstraint(
                fields=["remittance", "remittance_turn"], name="payment_paired_once_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return f"deposit {self.deposit_id} = remittance {self.remittance_id}"


class DepositUnmatch(PracticeOwned, AppendOnlyModel):
    """A pair undone by the biller, with why: the deposit and the payment are unmatched
    again. A pair is undone once (one-to-one), and the rule never pairs the two again by
    itself; the biller may, by hand."""

    match = models.OneToOneField(DepositMatch, on_delete=models.PROTECT, related_name="undone")
    reason = models.CharField(max_length=300)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]  # the append-only scope

    class Meta:
        ordering = ["-undone_at", "-id"]

    def __str__(self) -> str:
        return f"pair {self.match_id} undone"

"""Open balances kept by the database: one row per claim and side of the ledger.

``Balance`` is derived data. The database writes it: an AFTER INSERT trigger on the
ledger (``billing_entry``, see migration ``0010_balances``) adds every new entry's amount
to the row of its claim, patient, payer and responsibility, so the row always equals the
sum of those entries. Entries are never updated or deleted (the ledger is append-only in
the database), so inserts are the only change the trigger has to follow. The application
never writes these rows; reports read them instead of summing the whole ledger.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from medbill.core.money import Money
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.tenancy import PracticeScopedQuerySet

__all__ = ["KEPT_SUMS", "Balance", "balance_amount", "ledger_sums"]

_CENT = Decimal("0.01")
_DERIVED: Any = {"on_delete": models.DO_NOTHING, "db_constraint": False, "db_index": False}


def balance_amount(value: Any) -> Decimal:
    """An amount read back from the summary (or summed over it) as exact cents.

    SQLite keeps the trigger's sums as binary floats (``10.3``, ``-5.551115123125783e-17``
    summed across rows), which are within far less than a cent of the whole-cent value;
    PostgreSQL returns ``Decimal``. Either way the result is a ``Decimal`` with cents.
    """
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float):
        return (Decimal(round(value * 100)) / 100).quantize(_CENT)
    return Decimal(value).quantize(_CENT)


# The sums a ``Balance`` row keeps of its entries.
KEPT_SUMS = ("amount", "charges", "payments", "contractual")


def ledger_sums() -> dict[str, MoneySum]:
    """The sums of ``KEPT_SUMS`` over ledger entries, as the trigger adds them up (every
    amount, the charges, the payments, the contractual adjustments: group CO), named
    ``sum_<name>`` apart from the ledger's own ``amount``. For ``aggregate`` or
    ``annotate`` over ``Entry`` rows."""
    return {
        "sum_amount": MoneySum("amount"),
        "sum_charges": MoneySum("amount", filter=Q(kind="charge")),
        "sum_payments": MoneySum("amount", filter=Q(kind="payment")),
        "sum_contractual": MoneySum("amount", filter=Q(kind="adjustment", group_code="CO")),
    }


class Balance(models.Model):
    """The sum of a claim's ledger entries on one side (payer or patient), kept by a trigger.

    Entries without a claim (payments on account, desk copays before a claim) have their
    row per patient with ``claim`` empty. ``payer`` is the entries' payer (a transfer to a
    secondary payer opens a row of its own). ``charges``, ``payments`` and ``contractual``
    are the parts of ``amount`` that the key numbers need, signed as in the ledger.
    """

    # Derived from the ledger, whose own keys guard these references: no constraints and
    # no index per column here, as each would be written again on every posting.
    practice = models.ForeignKey("practice.Practice", related_name="+", **_DERIVED)
    responsibility = models.CharField(max_length=7)
    claim = models.ForeignKey("billing.Claim", null=True, blank=True, related_name="+", **_DERIVED)
    patient = models.ForeignKey("frontdesk.Patient", related_name="+", **_DERIVED)
    payer = models.ForeignKey("practice.Payer", null=True, blank=True, related_name="+", **_DERIVED)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    charges = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    payments = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    contractual = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    first_date = models.DateField(help_text="The earliest effective date of its entries.")

    objects = PracticeScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            # The trigger's ON CONFLICT names these expressions: an empty claim or payer is
            # a key value of its own (NULLs would never conflict).
            models.UniqueConstraint(
                F("practice"),
                F("responsibility"),
                Coalesce(F("claim"), Value(0)),
                F("patient"),
                Coalesce(F("payer"), Value(0)),
                name="balance_key",
            )
        ]
        indexes = [
            # Most claims are settled: reports read the open ones alone.
            models.Index(
                fields=["practice", "responsibility"],
                condition=~Q(amount=0),
                name="balance_open",
            ),
            models.Index(fields=["practice", "patient"], name="balance_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.responsibility} {self.money}"

    @property
    def money(self) -> Money:
        return Money(balance_amount(self.amount))

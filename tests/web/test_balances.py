"""The open balances the database keeps (``Balance``) equal the ledger's sums, whatever
was posted: 835 payments with their adjustments and transfers to the patient and the
secondary payer, a reversal and its corrected payment, desk payments on account and
amounts that binary floats cannot hold. Runs on SQLite and on PostgreSQL (their triggers
differ)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from test_era_claim_events import file_of, negate
from test_era_import import era_for
from test_secondary_after_reversal import corrected

from medbill.core.money import Money
from medbill.core.x12.m835 import read_835
from medbill.web.billing import era, reports
from medbill.web.billing.models import Balance, Claim, Entry, balance_amount
from medbill.web.billing.services import balance_of, balances_of, post_payment

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")


def ledger_sums() -> dict[tuple, dict[str, object]]:
    """The summary worked out in Python from every entry, in ``Decimal``."""
    out: dict[tuple, dict[str, object]] = defaultdict(
        lambda: {
            "amount": Decimal(0),
            "charges": Decimal(0),
            "payments": Decimal(0),
            "contractual": Decimal(0),
            "first_date": datetime.date.max,
        }
    )
    for e in Entry.objects.all():
        row = out[(e.practice_id, e.responsibility, e.claim_id, e.patient_id, e.payer_id)]
        row["amount"] += e.amount
        if e.kind == Entry.Kind.CHARGE:
            row["charges"] += e.amount
        if e.kind == Entry.Kind.PAYMENT:
            row["payments"] += e.amount
        if e.kind == Entry.Kind.ADJUSTMENT and e.group_code == "CO":
            row["contractual"] += e.amount
        row["first_date"] = min(row["first_date"], e.effective_date)
    return dict(out)


def summary() -> dict[tuple, dict[str, object]]:
    out = {}
    for b in Balance.objects.all():
        key = (b.practice_id, b.responsibility, b.claim_id, b.patient_id, b.payer_id)
        assert key not in out, f"two summary rows for {key}"
        out[key] = {
            "amount": balance_amount(b.amount),
            "charges": balance_amount(b.charges),
            "payments": balance_amount(b.payments),
            "contractual": balance_amount(b.contractual),
            "first_date": b.first_date,
        }
    return out


def assert_summary_matches_ledger() -> None:
    expected, actual = ledger_sums(), summary()
    assert actual.keys() == expected.keys()
    for key, row in expected.items():
        assert actual[key] == row, key


def test_summary_follows_payments_transfers_adjustments_and_reversals(world):
    site, biller = world.a, world.users["biller"]
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    data = era_for(site.claim, seed=21)
    assert era.import_era(biller, site.practice, data, "primary.835").sets[0].status == "posted"
    (rem,) = read_835(data)
    original = rem.claims[0]
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert {"charge", "payment", "adjustment", "transfer"} <= kinds, kinds
    assert_summary_matches_ledger()

    # The payer takes its payment back and pays again, less, in two more files.
    era.import_era(
        biller, site.practice, file_of(rem, [negate(original)], "TRACE-R", 2), "reversal.835"
    )
    # The payment taken back: a payment entry that raises the balance.
    assert Entry.objects.filter(kind=Entry.Kind.PAYMENT, amount__gt=0).exists()
    assert_summary_matches_ledger()
    era.import_era(
        biller, site.practice, file_of(rem, [corrected(original)], "TRACE-C", 3), "fixed.835"
    )
    assert_summary_matches_ledger()

    # Desk payments on account (no claim) and amounts a binary float cannot hold: ten
    # payments of 0.10 against a 1.00 charge leave exactly nothing open.
    patient = site.patient
    post_payment(biller, patient, "12.34", method="cash", memo="on account")
    Entry.objects.create(
        practice=site.practice,
        patient=patient,
        kind=Entry.Kind.CHARGE,
        amount=Decimal("1.00"),
        responsibility=Entry.Responsibility.PATIENT,
        memo="copy of records",
        effective_date=datetime.date(2020, 1, 2),
    )
    for _ in range(10):
        post_payment(biller, patient, "0.10", method="cash", memo="coins")
    assert_summary_matches_ledger()

    # The services and reports read the summary: exact cents, as Money.
    for responsibility in (None, "patient", "payer"):
        rows = Entry.objects.filter(patient=patient)
        if responsibility:
            rows = rows.filter(responsibility=responsibility)
        owed = Money(sum((e.amount for e in rows), Decimal(0)))
        assert balance_of(patient, responsibility) == owed
        assert balances_of(site.practice, responsibility)[patient.pk] == owed
        assert balance_of(patient, responsibility).amount.as_tuple().exponent == -2
    opened = balances_of(site.practice, "patient", open_only=True)
    assert opened.get(patient.pk, Money(0)) == balance_of(patient, "patient")
    # The claim-less patient-side row is settled to the cent, so no report sees it open.
    (on_account,) = Balance.objects.filter(patient=patient, claim=None, responsibility="patient")
    assert balance_amount(on_account.amount) == Decimal("-12.34")
    totals = reports.ar_aging(site.practice, "patient").rows[-1]
    assert Money(totals[-1]) == balance_of(patient, "patient") + sum(
        (
            balance_of(p, "patient")
            for p in type(patient).objects.filter(practice=site.practice).exclude(pk=patient.pk)
        ),
        Money(0),
    )


def test_a_settled_balance_is_exactly_zero(world):
    """Whole cents added in the database: 0.10 + 0.20 - 0.30 is 0, not 5.55e-17, so the
    row leaves the index of open balances."""
    site = world.a
    for amount in ("0.10", "0.20", "-0.30"):
        Entry.objects.create(
            practice=site.practice,
            patient=site.patient,
            kind=Entry.Kind.ADJUSTMENT,
            amount=Decimal(amount),
            responsibility=Entry.Responsibility.PATIENT,
        )
    (row,) = Balance.objects.filter(patient=site.patient, claim=None)
    assert balance_amount(row.amount) == Decimal("0.00")
    assert not Balance.objects.filter(pk=row.pk).exclude(amount=0).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT amount FROM billing_balance WHERE id = %s", [row.pk])
        (raw,) = cursor.fetchone()
    assert raw == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (10.3, "10.30"),
        (0.1 + 0.2, "0.30"),
        (-5.551115123125783e-17, "0.00"),
        (Decimal("89.83"), "89.83"),
        (None, "0.00"),
        (123456789.07, "123456789.07"),
    ],
)
def test_amounts_read_back_from_the_summary_are_exact_cents(raw, expected):
    value = balance_amount(raw)
    assert isinstance(value, Decimal) and value == Decimal(expected)
    assert value.as_tuple().exponent == -2

"""Billing reports from the ledger: A/R aging, denials, days in A/R, first-pass and
net collection rates. Read-only; each returns a ``Table`` (header + rows of text) that
the CLI writes as CSV and the web app shows with a chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Count
from django.utils import timezone

from medbill.core.ledger.aging import (
    BUCKETS,
    age_balances,
    days_in_ar,
    net_collection_rate,
    rate,
)
from medbill.core.money import ZERO, Money
from medbill.web.billing.models import Balance, Entry
from medbill.web.billing.remittance_models import DenialItem, RemittanceClaim
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.models import Payer

__all__ = ["REPORTS", "Table", "ar_aging", "denials", "kpis"]


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: list[tuple[str, float]] = field(default_factory=list)  # label, value
    money: set[int] = field(default_factory=set)  # the columns of amounts, for the pages
    note: str = ""  # how to read the table, shown under it


def _money(value: Any) -> Money:
    return Money(value) if value is not None else ZERO


# Open balances come from the summary the database keeps (``Balance``), through its index
# of the rows that are not zero: a few thousand rows, not the practice's whole ledger. The
# date of service is looked up per open balance (index reads) rather than joined.
_OPEN_BALANCES = """
    SELECT b.claim_id, b.patient_id, b.payer_id, ROUND(b.amount * 100), b.first_date,
           (SELECT v.scheduled_at FROM billing_claim c
            JOIN frontdesk_visit v ON v.id = c.visit_id WHERE c.id = b.claim_id)
    FROM billing_balance b
    WHERE b.practice_id = %s AND b.responsibility = %s AND NOT (b.amount = 0)
"""


def _open_balances(practice: Any, responsibility: str) -> list[dict[str, Any]]:
    """Per claim (or per patient for entries without a claim): the open balance.

    Only balances that are not zero come back (most claims of a practice are settled), with
    the date of service of their claim: one query over the summary, in whole cents.
    """
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_BALANCES, [getattr(practice, "pk", practice), responsibility])
        rows = cursor.fetchall()
    dates = models.DateField()
    return [
        {
            "claim_id": claim,
            "patient_id": patient,
            "payer_id": payer,
            "balance": Decimal(int(cents)) / 100,
            "first": dates.to_python(first) if first is not None else None,
            "dos": _aware(dos),
        }
        for claim, patient, payer, cents, first, dos in rows
    ]


def _aware(value: Any) -> datetime.datetime | None:
    """A timestamp from a raw query (SQLite gives text) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def _service_date(row: dict[str, Any]) -> datetime.date | None:
    if row["dos"] is not None:
        return timezone.localtime(row["dos"]).date()
    return row["first"]


def ar_aging(practice: Any, by: str = "payer", as_of: datetime.date | None = None) -> Table:
    """Open A/R aged from the date of service, per payer (insurance) or per patient."""
    as_of = as_of or timezone.localdate()
    if by == "payer":
        rows = _open_balances(practice, Entry.Responsibility.PAYER)
        names = dict(
            Payer.objects.filter(pk__in={r["payer_id"] for r in rows}).values_list("pk", "name")
        )
        items = [
            (
                r["payer_id"],
                names.get(r["payer_id"], "(no payer)"),
                _service_date(r),
                _money(r["balance"]),
            )
            for r in rows
        ]
    elif by == "patient":
        from medbill.web.frontdesk.models import Patient

        rows = _open_balances(practice, Entry.Responsibility.PATIENT)
        people = {
            pk: f"{last}, {first} ({account})"
            for pk, last, first, account in Patient.objects.filter(
                pk__in={r["patient_id"] for r in rows}
            ).values_list("pk", "last_name", "first_name", "account_number")
        }
        items = [
            (
                r["patient_id"],
                people.get(r["patient_id"], "?"),
                _service_date(r),
                _money(r["balance"]),
            )
            for r in rows
        ]
    else:
        raise ValueError("by: expected payer or patient")
    # Amounts owed are aged; credits (overpayments, payments on account) are not, but they
    # count: each row's total is the net balance the accounts list and ledger show.
    aged = age_balances(items, as_of)
    credits: dict[Any, Decimal] = {}
    names: dict[Any, str] = {}
    for key, name, _, amount in items:
        if amount.amount < 0:
            credits[key] = credits.get(key, Decimal(0)) + amount.amount
            names[key] = name
    out = []
    for row in aged:
        credit = Money(credits.pop(row.key, Decimal(0)))
        out.append([*row.as_list()[:-1], str(credit), str(row.total + credit)])
    for key, credit_amount in sorted(credits.items(), key=lambda kv: (kv[1], names[kv[0]])):
        credit = Money(credit_amount)
        out.append([names[key], *(str(ZERO) for _ in BUCKETS), str(credit), str(credit)])
    table = Table(f"A/R aging by {by} as of {as_of}", [by, *BUCKETS, "credits", "total"], out)
    totals = {b: sum((r.buckets[b] for r in aged), ZERO) for b in BUCKETS}
    credit_total = sum((Money(r[-2]) for r in out), ZERO)
    table.rows.append(
        [
            "TOTAL",
            *(str(totals[b]) for b in BUCKETS),
            str(credit_total),
            str(sum(totals.values(), ZERO) + credit_total),
        ]
    )
    table.chart = [(b, float(totals[b].amount)) for b in BUCKETS]
    table.money = set(range(1, len(BUCKETS) + 3))
    table.note = (
        "Amounts owed are aged from the date of service; credits (overpayments and "
        "payments not yet applied) are not aged and are subtracted, so each total is the "
        "net balance the accounts list shows."
    )
    return table


def denials(practice: Any) -> Table:
    """Denials by payer and reason (CARC), with counts and amounts, largest first."""
    grouped: dict[tuple[str, str, str], list[Any]] = {}
    rows = DenialItem.objects.for_practice(practice).values_list(
        "payer__name", "reasons", "reason_words", "amount", "status"
    )
    for payer, reasons, reason_words, amount, status in rows.iterator(chunk_size=5000):
        reason = "/".join("-".join(r) for r in reasons)
        key = (payer or "(no payer)", reason, "; ".join(reason_words))
        entry = grouped.setdefault(key, [0, ZERO, 0])
        entry[0] += 1
        entry[1] += Money(amount)
        entry[2] += status == DenialItem.Status.OPEN
    out = sorted(grouped.items(), key=lambda kv: (-kv[1][1].amount, kv[0]))
    table = Table(
        "Denials by payer and reason", ["payer", "reason", "in words", "count", "amount", "open"]
    )
    table.rows = [[p, r, w, str(n), str(a), str(o)] for (p, r, w), (n, a, o) in out]
    table.money = {4}
    table.chart = [(f"{p} {r}", float(a.amount)) for (p, r, _), (_, a, _) in out[:10]]
    return table


# Each claim's first answer (its earliest remittance, by when it was posted), counted in
# the database rather than read into Python claim by claim.
_FIRST_ANSWERS = """
    SELECT outcome, COUNT(*) FROM (
        SELECT rc.outcome, ROW_NUMBER() OVER (
            PARTITION BY rc.claim_id ORDER BY r.posted_at, rc.id) AS n
        FROM billing_remittanceclaim rc
        JOIN billing_remittance r ON r.id = rc.remittance_id
        WHERE rc.practice_id = %s AND r.practice_id = %s AND rc.claim_id IS NOT NULL
    ) answers
    WHERE n = 1
    GROUP BY outcome
"""


def _first_pass(practice: Any) -> tuple[int, int]:
    """Claims paid on their first remittance without a denial, and claims adjudicated."""
    with connection.cursor() as cursor:
        pk = getattr(practice, "pk", practice)
        cursor.execute(_FIRST_ANSWERS, [pk, pk])
        counts = dict(cursor.fetchall())
    return counts.get(RemittanceClaim.Outcome.POSTED.value, 0), sum(counts.values())


def kpis(practice: Any, as_of: datetime.date | None = None, period_days: int = 90) -> Table:
    """Days in A/R, first-pass rate and net collection rate."""
    as_of = as_of or timezone.localdate()
    since = as_of - datetime.timedelta(days=period_days)
    # All-time sums from the summary the database keeps (one row per claim and side); the
    # last period's charges from the ledger's entries of those days (``entry_day``).
    sums = Balance.objects.for_practice(practice).aggregate(
        total=MoneySum("amount"),
        charges=MoneySum("charges"),
        payments=MoneySum("payments"),
        contractual=MoneySum("contractual"),
    )
    period = (
        Entry.objects.for_practice(practice)
        .filter(kind=Entry.Kind.CHARGE, effective_date__gt=since)
        .aggregate(t=MoneySum("amount"))
    )
    total_ar, charges_period = _money(sums["total"]), _money(period["t"])
    charges = _money(sums["charges"])
    payments, contractual = -_money(sums["payments"]), -_money(sums["contractual"])
    clean, answered = _first_pass(practice)
    dar = days_in_ar(total_ar, charges_period, period_days)
    fpr = rate(clean, answered)
    ncr = net_collection_rate(payments, charges, contractual)
    denied = DenialItem.objects.for_practice(practice).aggregate(n=Count("id"))["n"]
    table = Table(f"Key numbers as of {as_of}", ["measure", "value", "how"])
    table.rows = [
        ["total A/R", str(total_ar), "sum of every open ledger balance"],
        [
            "days in A/R",
            "" if dar is None else str(dar),
            f"A/R / average daily charges of the last {period_days} days",
        ],
        [
            "first-pass rate %",
            "" if fpr is None else str(fpr),
            f"{clean} of {answered} adjudicated claims paid on the first remittance",
        ],
        [
            "net collection rate %",
            "" if ncr is None else str(ncr),
            "payments / (charges - contractual adjustments)",
        ],
        ["charges", str(charges), "all time"],
        ["payments", str(payments), "all time, insurance and patients"],
        ["contractual adjustments", str(contractual), "CO adjustments"],
        ["denials", str(denied), "denied claims and lines"],
    ]
    table.chart = [("first pass %", float(fpr or 0)), ("net collection %", float(ncr or 0))]
    return table


REPORTS = {"ar-aging": ar_aging, "denials": denials, "kpis": kpis}

"""Billing reports from the ledger: A/R aging, denials, days in A/R, first-pass and
net collection rates. Read-only; each returns a ``Table`` (header + rows of text) that
the CLI writes as CSV and the web app shows with a chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from medbill.core.ledger.aging import (
    BUCKETS,
    age_cents,
    days_in_ar,
    net_collection_rate,
    rate,
)
from medbill.core.money import ZERO, Money
from medbill.web.billing.ar_balances import ledger_totals, open_balances
from medbill.web.billing.era_bulk import one_of
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import DenialItem, RemittanceClaim
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.models import Payer
from medbill.web.practice.tenancy import PracticeRef, practice_pk

__all__ = ["REPORTS", "Table", "ar_aging", "denials", "kpis"]


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: list[tuple[str, float]] = field(default_factory=list)  # label, value
    money: set[int] = field(default_factory=set)  # the columns of amounts, for the pages
    # Amounts in a column that also holds other figures: (the row's first cell, column).
    money_cells: set[tuple[str, int]] = field(default_factory=set)
    note: str = ""  # how to read the table, shown under it

    def is_money(self, row: list[str], column: int) -> bool:
        """Whether the page shows this cell as an amount (``$1,234.56``)."""
        return column in self.money or (str(row[0]), column) in self.money_cells


def _money(value: Any) -> Money:
    return Money(value) if value is not None else ZERO


def _text(cents: int) -> str:
    """Whole cents as ``str(Money)`` writes them (``-12.05``)."""
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def ar_aging(practice: PracticeRef, by: str = "payer", as_of: datetime.date | None = None) -> Table:
    """Open A/R aged from the date of service, per payer (insurance) or per patient, as it
    stood at the end of ``as_of`` (today when not given): only what was posted on or
    before that day, aged to that day.

    Worked in whole cents: a practice has thousands of open balances.
    """
    as_of = as_of or timezone.localdate()
    names: dict[Any, str]
    if by == "payer":
        rows = open_balances(practice, Entry.Responsibility.PAYER, as_of)
        names = dict(
            Payer.objects.filter(pk__in={r.payer_id for r in rows}).values_list("pk", "name")
        )
        items = [
            (r.payer_id, names.get(r.payer_id, "(no payer)"), r.date_of_service, r.cents)
            for r in rows
        ]
    elif by == "patient":
        from medbill.web.frontdesk.models import Patient

        rows = open_balances(practice, Entry.Responsibility.PATIENT, as_of)
        names = {
            pk: f"{last}, {first} ({account})"
            # Thousands of ids: one array parameter (one_of), not one parameter each.
            for pk, last, first, account in Patient.objects.filter(
                one_of("pk", {r.patient_id for r in rows})
            ).values_list("pk", "last_name", "first_name", "account_number")
        }
        items = [
            (r.patient_id, names.get(r.patient_id, "?"), r.date_of_service, r.cents) for r in rows
        ]
    else:
        raise ValueError("by: expected payer or patient")
    # Amounts owed are aged; credits (overpayments, payments on account) are not, but they
    # count: each row's total is the net balance the accounts list and ledger show.
    aged = age_cents(items, as_of)
    credits: dict[Any, int] = {}
    credit_names: dict[Any, str] = {}
    for key, name, _, cents in items:
        if cents < 0:
            credits[key] = credits.get(key, 0) + cents
            credit_names[key] = name
    out = []
    totals = [0] * len(BUCKETS)
    credit_total = 0
    for aged_key, name, buckets in aged:
        credit = credits.pop(aged_key, 0)
        credit_total += credit
        for i, cents in enumerate(buckets):
            totals[i] += cents
        out.append([name, *map(_text, buckets), _text(credit), _text(sum(buckets) + credit)])
    zero = _text(0)
    for key, credit in sorted(credits.items(), key=lambda kv: (kv[1], credit_names[kv[0]])):
        credit_total += credit
        out.append([credit_names[key], *(zero for _ in BUCKETS), _text(credit), _text(credit)])
    table = Table(f"A/R aging by {by} as of {as_of}", [by, *BUCKETS, "credits", "total"], out)
    table.rows.append(
        [
            "TOTAL",
            *map(_text, totals),
            _text(credit_total),
            _text(sum(totals) + credit_total),
        ]
    )
    table.chart = [(b, float(Decimal(c).scaleb(-2))) for b, c in zip(BUCKETS, totals, strict=True)]
    table.money = set(range(1, len(BUCKETS) + 3))
    table.note = (
        "Amounts owed are aged from the date of service (a secondary payer's share too: it "
        "is owed on the secondary claim, which bills the same visit); credits (overpayments "
        "and payments not yet applied) are not aged and are subtracted, so each total is "
        "the net balance the accounts list shows."
    )
    return table


def denials(practice: PracticeRef, items: QuerySet[DenialItem] | None = None) -> Table:
    """Denials by payer and reason (CARC), with counts and amounts, largest first: every
    denial of the practice, or those of ``items`` (the financial dashboard's months)."""
    grouped: dict[tuple[str, str, str], list[Any]] = {}
    items = DenialItem.objects.for_practice(practice) if items is None else items
    rows = items.values_list("payer__name", "reasons", "reason_words", "amount", "status")
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
          AND (r.payment_date <= %s OR (r.payment_date IS NULL AND r.posted_at < %s))
    ) answers
    WHERE n = 1
    GROUP BY outcome
"""


def _day_after(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` ends, in the current time zone (the practice's on its pages)."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _first_pass(practice: PracticeRef, as_of: datetime.date) -> tuple[int, int]:
    """Claims paid on their first remittance without a denial, and claims adjudicated, by
    the remittances dated (their payment date, as their ledger entries) up to ``as_of``."""
    with connection.cursor() as cursor:
        pk = practice_pk(practice)
        cursor.execute(_FIRST_ANSWERS, [pk, pk, as_of, _day_after(as_of)])
        counts = dict(cursor.fetchall())
    return counts.get(RemittanceClaim.Outcome.POSTED.value, 0), sum(counts.values())


def kpis(practice: PracticeRef, as_of: datetime.date | None = None, period_days: int = 90) -> Table:
    """Days in A/R, first-pass rate and net collection rate."""
    as_of = as_of or timezone.localdate()
    since = as_of - datetime.timedelta(days=period_days)
    # The sums up to the end of ``as_of`` (the summary the database keeps, less what was
    # posted later); the last period's charges from the ledger's entries of those days
    # (``entry_day``).
    sums = ledger_totals(practice, as_of)
    period = (
        Entry.objects.for_practice(practice)
        .filter(kind=Entry.Kind.CHARGE, effective_date__gt=since, effective_date__lte=as_of)
        .aggregate(t=MoneySum("amount"))
    )
    total_ar, charges_period = sums.amount, _money(period["t"])
    charges, payments, contractual = sums.charges, -sums.payments, -sums.contractual
    clean, answered = _first_pass(practice, as_of)
    dar = days_in_ar(total_ar, charges_period, period_days)
    fpr = rate(clean, answered)
    ncr = net_collection_rate(payments, charges, contractual)
    # Denials by the date of the remittance that denied them, as the first-pass rate.
    dated = Q(remittance_claim__remittance__payment_date__lte=as_of) | Q(
        remittance_claim__remittance__payment_date__isnull=True,
        remittance_claim__remittance__posted_at__lt=_day_after(as_of),
    )
    denied = DenialItem.objects.for_practice(practice).filter(dated).aggregate(n=Count("id"))["n"]
    table = Table(f"Key numbers as of {as_of}", ["measure", "value", "how"])
    table.rows = [
        ["total A/R", str(total_ar), f"sum of every open ledger balance at the end of {as_of}"],
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
        ["charges", str(charges), f"dated up to {as_of}"],
        ["payments", str(payments), f"dated up to {as_of}, insurance and patients"],
        ["contractual adjustments", str(contractual), "CO adjustments"],
        ["denials", str(denied), f"denied claims and lines, by remittances dated up to {as_of}"],
    ]
    table.money_cells = {
        (name, 1) for name in ("total A/R", "charges", "payments", "contractual adjustments")
    }
    table.chart = [("first pass %", float(fpr or 0)), ("net collection %", float(ncr or 0))]
    return table


REPORTS = {"ar-aging": ar_aging, "denials": denials, "kpis": kpis}

"""Billing reports from the ledger: A/R aging, denials, days in A/R, first-pass and
net collection rates. Read-only; each returns a ``Table`` (header + rows of text) that
the CLI writes as CSV and the web app shows with a chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from medbill.core.ledger.aging import (
    BUCKETS,
    age_balances,
    days_in_ar,
    net_collection_rate,
    rate,
)
from medbill.core.money import ZERO, Money
from medbill.web.billing.models import Entry
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


def _money(value: Any) -> Money:
    return Money(value) if value is not None else ZERO


def _open_balances(practice: Any, responsibility: str) -> list[dict[str, Any]]:
    """Per claim (or per patient for entries without a claim): the open balance."""
    return list(
        Entry.objects.for_practice(practice)
        .filter(responsibility=responsibility)
        .values("claim_id", "patient_id", "payer_id")
        .annotate(balance=MoneySum("amount"), first=Min("effective_date"),
                  dos=Min("claim__visit__scheduled_at"))
    )


def _service_date(row: dict[str, Any]) -> datetime.date | None:
    if row["dos"] is not None:
        return timezone.localtime(row["dos"]).date()
    return row["first"]


def ar_aging(practice: Any, by: str = "payer", as_of: datetime.date | None = None) -> Table:
    """Open A/R aged from the date of service, per payer (insurance) or per patient."""
    as_of = as_of or timezone.localdate()
    if by == "payer":
        rows = _open_balances(practice, Entry.Responsibility.PAYER)
        names = dict(Payer.objects.filter(pk__in={r["payer_id"] for r in rows})
                     .values_list("pk", "name"))
        items = [(r["payer_id"], names.get(r["payer_id"], "(no payer)"), _service_date(r),
                  _money(r["balance"])) for r in rows]
    elif by == "patient":
        from medbill.web.frontdesk.models import Patient

        rows = _open_balances(practice, Entry.Responsibility.PATIENT)
        people = {p.pk: f"{p.last_name}, {p.first_name} ({p.account_number})"
                  for p in Patient.objects.filter(pk__in={r["patient_id"] for r in rows})}
        items = [(r["patient_id"], people.get(r["patient_id"], "?"), _service_date(r),
                  _money(r["balance"])) for r in rows]
    else:
        raise ValueError("by: expected payer or patient")
    aged = age_balances(items, as_of)
    table = Table(f"A/R aging by {by} as of {as_of}", [by, *BUCKETS, "total"],
                  [r.as_list() for r in aged])
    totals = {b: sum((r.buckets[b] for r in aged), ZERO) for b in BUCKETS}
    table.rows.append(["TOTAL", *(str(totals[b]) for b in BUCKETS),
                       str(sum(totals.values(), ZERO))])
    table.chart = [(b, float(totals[b].amount)) for b in BUCKETS]
    return table


def denials(practice: Any) -> Table:
    """Denials by payer and reason (CARC), with counts and amounts, largest first."""
    grouped: dict[tuple[str, str, str], list[Any]] = {}
    for item in DenialItem.objects.for_practice(practice).select_related("payer"):
        reason = "/".join("-".join(r) for r in item.reasons)
        words = "; ".join(item.reason_words)
        key = (item.payer.name if item.payer else "(no payer)", reason, words)
        entry = grouped.setdefault(key, [0, ZERO, 0])
        entry[0] += 1
        entry[1] += Money(item.amount)
        entry[2] += item.status == DenialItem.Status.OPEN
    out = sorted(grouped.items(), key=lambda kv: (-kv[1][1].amount, kv[0]))
    table = Table("Denials by payer and reason", ["payer", "reason", "in words", "count",
                                                   "amount", "open"])
    table.rows = [[p, r, w, str(n), str(a), str(o)] for (p, r, w), (n, a, o) in out]
    table.chart = [(f"{p} {r}", float(a.amount)) for (p, r, _), (_, a, _) in out[:10]]
    return table


def kpis(practice: Any, as_of: datetime.date | None = None, period_days: int = 90) -> Table:
    """Days in A/R, first-pass rate and net collection rate."""
    as_of = as_of or timezone.localdate()
    entries = Entry.objects.for_practice(practice)
    total_ar = _money(entries.aggregate(t=MoneySum("amount"))["t"])
    since = as_of - datetime.timedelta(days=period_days)
    charges_period = _money(entries.filter(kind=Entry.Kind.CHARGE, effective_date__gt=since)
                            .aggregate(t=MoneySum("amount"))["t"])
    charges = _money(entries.filter(kind=Entry.Kind.CHARGE)
                     .aggregate(t=MoneySum("amount"))["t"])
    payments = -_money(entries.filter(kind=Entry.Kind.PAYMENT)
                       .aggregate(t=MoneySum("amount"))["t"])
    contractual = -_money(entries.filter(kind=Entry.Kind.ADJUSTMENT, group_code="CO")
                          .aggregate(t=MoneySum("amount"))["t"])
    first = {}
    for rc in (RemittanceClaim.objects.for_practice(practice).exclude(claim=None)
               .order_by("remittance__posted_at", "id").values("claim_id", "outcome")):
        first.setdefault(rc["claim_id"], rc["outcome"])
    clean = sum(1 for o in first.values() if o == RemittanceClaim.Outcome.POSTED)
    dar = days_in_ar(total_ar, charges_period, period_days)
    fpr = rate(clean, len(first))
    ncr = net_collection_rate(payments, charges, contractual)
    denied = DenialItem.objects.for_practice(practice).aggregate(n=Count("id"))["n"]
    table = Table(f"Key numbers as of {as_of}", ["measure", "value", "how"])
    table.rows = [
        ["total A/R", str(total_ar), "sum of every open ledger balance"],
        ["days in A/R", "" if dar is None else str(dar),
         f"A/R / average daily charges of the last {period_days} days"],
        ["first-pass rate %", "" if fpr is None else str(fpr),
         f"{clean} of {len(first)} adjudicated claims paid on the first remittance"],
        ["net collection rate %", "" if ncr is None else str(ncr),
         "payments / (charges - contractual adjustments)"],
        ["charges", str(charges), "all time"],
        ["payments", str(payments), "all time, insurance and patients"],
        ["contractual adjustments", str(contractual), "CO adjustments"],
        ["denials", str(denied), "denied claims and lines"],
    ]
    table.chart = [("first pass %", float(fpr or 0)), ("net collection %", float(ncr or 0))]
    return table


REPORTS = {"ar-aging": ar_aging, "denials": denials, "kpis": kpis}

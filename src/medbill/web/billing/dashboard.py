"""The financial dashboard's numbers: month by month from the ledger and the remittances.

Each function returns a ``reports.Table`` (header, rows of text for the page and the CSV,
and chart points). The ledger is read grouped by month in SQL: one query gives charges,
payments, adjustments and the net change of A/R per month, one more the balance before
the first month (from the open balances the database keeps, ``Balance``); sums go
through ``MoneySum`` so no amount passes through a float.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from medbill.core.ledger.aging import days_in_ar, net_collection_rate, rate
from medbill.core.money import ZERO, Money
from medbill.web.billing.era_bulk import one_of
from medbill.web.billing.models import Balance, Claim, ClaimLine, Entry
from medbill.web.billing.remittance_models import DenialItem, RemittanceClaim
from medbill.web.billing.reports import Table, denials
from medbill.web.practice.fields import CountSum, MoneySum
from medbill.web.practice.models import Payer
from medbill.web.practice.tenancy import PracticeRef, practice_pk

__all__ = [
    "DENIAL_RATE_MEANING",
    "DenialCounts",
    "Months",
    "collections_by_month",
    "days_in_ar_by_month",
    "denial_rate_by_month",
    "denial_rate_by_payer",
    "denials_answered_between",
    "denials_by_cause_by_month",
    "denials_in",
    "ledger_by_month",
    "months_ending",
    "payer_mix",
]


@dataclass(frozen=True)
class Months:
    """The months shown: ``first`` .. ``last`` (first days of the months), oldest first."""

    starts: tuple[datetime.date, ...]
    # The day the figures are as of, within the last month (its end when not given).
    as_of: datetime.date | None = None

    @property
    def first(self) -> datetime.date:
        return self.starts[0]

    @property
    def end(self) -> datetime.date:
        """The last day of the last month."""
        last = self.starts[-1]
        return last.replace(day=calendar.monthrange(last.year, last.month)[1])

    @staticmethod
    def label(start: datetime.date) -> str:
        return start.strftime("%b %Y")


def months_ending(as_of: datetime.date | None = None, count: int = 12) -> Months:
    """The ``count`` calendar months up to and including the month of ``as_of``."""
    as_of = as_of or timezone.localdate()
    year, month = as_of.year, as_of.month
    starts = []
    for _ in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return Months(tuple(reversed(starts)), as_of)


def _month(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


Ledger = dict[datetime.date, dict[str, Money]]


def ledger_by_month(practice: PracticeRef, months: Months) -> Ledger:
    """Per month: charges, payments, contractual and other adjustments, net A/R change.

    Covers the two months before ``months`` too (days in A/R averages three months of
    charges), so one query serves every ledger chart; pass the result to them.
    """
    months = months_ending(months.end, len(months.starts) + 2)
    rows = (
        Entry.objects.for_practice(practice)
        .filter(effective_date__gte=months.first, effective_date__lte=months.end)
        .annotate(month=TruncMonth("effective_date"))
        .values("month", "kind", "group_code")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    out: dict[datetime.date, dict[str, Money]] = defaultdict(
        lambda: {k: ZERO for k in ("charges", "payments", "contractual", "other", "refunds", "net")}
    )
    for row in rows:
        cell = out[_month(row["month"])]
        amount = Money(row["total"] or 0)
        cell["net"] += amount
        if row["kind"] == Entry.Kind.CHARGE:
            cell["charges"] += amount
        elif row["kind"] == Entry.Kind.PAYMENT:
            cell["payments"] -= amount
        elif row["kind"] == Entry.Kind.REFUND:
            cell["refunds"] += amount
        elif row["kind"] == Entry.Kind.ADJUSTMENT:
            if row["group_code"] == "CO":
                cell["contractual"] -= amount
            else:
                cell["other"] -= amount
    return out


def collections_by_month(
    practice: PracticeRef, months: Months, ledger: Ledger | None = None
) -> Table:
    """Charges, payments, adjustments and the net collection rate of each month."""
    ledger = ledger if ledger is not None else ledger_by_month(practice, months)
    table = Table(
        "Charges, payments and adjustments by month",
        [
            "month",
            "charges",
            "payments",
            "contractual adjustments",
            "other adjustments",
            "net collection %",
        ],
    )
    for start in months.starts:
        m = ledger[start]
        ncr = net_collection_rate(m["payments"] - m["refunds"], m["charges"], m["contractual"])
        table.rows.append(
            [
                Months.label(start),
                str(m["charges"]),
                str(m["payments"]),
                str(m["contractual"]),
                str(m["other"]),
                "" if ncr is None else str(ncr),
            ]
        )
    return table


def days_in_ar_by_month(
    practice: PracticeRef, months: Months, ledger: Ledger | None = None
) -> Table:
    """Total A/R at each month's end and days in A/R over the three months before it."""
    ledger = ledger if ledger is not None else ledger_by_month(practice, months)
    # The balance before the first month: today's total A/R (the sums the database keeps
    # per claim) less what was posted from that month on, which is far fewer entries than
    # every one before it.
    now = Balance.objects.for_practice(practice).aggregate(t=MoneySum("amount"))["t"]
    since = (
        Entry.objects.for_practice(practice)
        .filter(effective_date__gte=months.first)
        .aggregate(t=MoneySum("amount"))["t"]
    )
    opening = Money(now or 0) - Money(since or 0)
    # Charges of the two months before the window, for the first months' 90-day average.
    before = months_ending(months.first - datetime.timedelta(days=1), 2)
    charges = [ledger[s]["charges"] for s in before.starts]
    days = [_days_in(s) for s in before.starts]
    table = Table(
        "Days in A/R at the end of each month",
        ["month", "A/R at month end", "charges of the last 3 months", "days in A/R"],
    )
    balance = opening
    as_of = months.as_of or months.end
    for start in months.starts:
        balance += ledger[start]["net"]
        charges = [*charges[-2:], ledger[start]["charges"]]
        # The month of the as-of day counts its days so far, as the key numbers' average
        # does: its charges are only those so far.
        so_far = as_of.day if (start.year, start.month) == (as_of.year, as_of.month) else None
        days = [*days[-2:], so_far or _days_in(start)]
        period = sum(charges, ZERO)
        dar = days_in_ar(balance, period, sum(days))
        table.rows.append(
            [Months.label(start), str(balance), str(period), "" if dar is None else str(dar)]
        )
    return table


def _days_in(start: datetime.date) -> int:
    return calendar.monthrange(start.year, start.month)[1]


# What a payer's answer to a claim is, for the denial rate: an adjudication we posted. A
# reversal takes an earlier answer back, an unmatched or held claim payment is not posted.
ANSWERED = (
    RemittanceClaim.Outcome.POSTED,
    RemittanceClaim.Outcome.DENIED,
    RemittanceClaim.Outcome.PARTIAL,
)

DENIAL_RATE_MEANING = (
    "Denial rate by lines = service lines denied ÷ service lines the payers answered; by "
    "dollars = amount denied ÷ charges the payers answered. Each answer counts in the month "
    "of its remittance (the payer's payment date, else the day it was posted); a reversal "
    "is not an answer. A claim denied as a whole counts all its lines."
)


def denials_answered_between(
    practice: PracticeRef, first: datetime.date, end: datetime.date
) -> QuerySet[Any]:  # denial items, each with an ``answered_on`` date
    """The practice's denials whose payer's answer falls from ``first`` to ``end``, each
    with ``answered_on``: every report that counts denials by month dates them so."""
    items = DenialItem.objects.for_practice(practice)
    return answered_between(items, practice, first, end, "remittance_claim__")


def answered_between(
    qs: Any, practice: PracticeRef, first: datetime.date, end: datetime.date, prefix: str = ""
) -> Any:
    """``qs`` (remittance claims, or rows reached through ``prefix``) kept to the answers
    from ``first`` to ``end``, annotated with ``answered_on``: the remittance's payment date
    (BPR16), else the day it was posted."""
    answered_on = Coalesce(
        f"{prefix}remittance__payment_date", TruncDate(f"{prefix}remittance__posted_at")
    )
    return (
        # The remittances' practice too, so only this practice's remittances are read.
        qs.filter(
            **{
                f"{prefix}remittance__practice_id": practice_pk(practice),
                f"{prefix}outcome__in": ANSWERED,
            }
        )
        .annotate(answered_on=answered_on)
        .filter(answered_on__gte=first, answered_on__lte=end)
    )


def denials_in(practice: PracticeRef, months: Months) -> Table:
    """Denials by payer and reason (``reports.denials``) of the answers in ``months`` only,
    so the chart covers the period the page shows, not every month since the first."""
    table = denials(practice, denials_answered_between(practice, months.first, months.end))
    table.title = (
        f"Denials by payer and reason, {Months.label(months.first)} to "
        f"{Months.label(months.starts[-1])}"
    )
    return table


def _lines_of_claim(claim: str) -> Any:
    """How many service lines the claim named by ``claim`` (a column of the outer query)
    has, as a subquery."""
    return Coalesce(
        Subquery(
            ClaimLine.objects.filter(claim_id=OuterRef(claim))
            .order_by()
            .values("claim_id")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        0,
    )


@dataclass
class DenialCounts:
    """What the payers answered in a period and what of it they denied."""

    claims: int = 0
    claims_denied: int = 0
    lines: int = 0
    lines_denied: int = 0
    charges: Money = ZERO
    denied: Money = ZERO

    @property
    def by_lines(self) -> Decimal | None:
        return rate(self.lines_denied, self.lines)

    @property
    def by_dollars(self) -> Decimal | None:
        return rate(self.denied, self.charges)

    def row(self) -> list[str]:
        """The table's cells after the month or payer."""
        return [
            str(self.claims),
            str(self.claims_denied),
            str(self.lines),
            str(self.lines_denied),
            _pct(self.by_lines),
            str(self.charges),
            str(self.denied),
            _pct(self.by_dollars),
        ]


DENIAL_HEADER = [
    "claims answered",
    "claims denied",
    "lines answered",
    "lines denied",
    "denial rate by lines %",
    "charges answered",
    "amount denied",
    "denial rate by dollars %",
]
# The columns of amounts in a denial-rate table (after its first column).
DENIAL_MONEY = {6, 7}


def _pct(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _denial_counts(practice: PracticeRef, months: Months, by: str) -> dict[Any, DenialCounts]:
    """What was answered and denied in ``months``, per ``by`` ("month" or "payer").

    Two grouped queries: the answers (claims, their lines through a count per claim,
    their charges) and the denials of those answers (a line each, or every line of a claim
    denied as a whole; their amounts). Amounts are summed in cents (``MoneySum``).
    """

    def grouped(qs: Any, prefix: str) -> Any:
        qs = answered_between(qs, practice, months.first, months.end, prefix)
        if by == "month":
            return qs.annotate(key=TruncMonth("answered_on")).values("key")
        payer = Coalesce(f"{prefix}remittance__payer__name", f"{prefix}remittance__payer_name")
        return qs.annotate(key=payer).values("key")

    answers = grouped(RemittanceClaim.objects.for_practice(practice), "").annotate(
        claims=Count("id"),
        claims_denied=Count("id", filter=Q(outcome=RemittanceClaim.Outcome.DENIED)),
        lines=CountSum(_lines_of_claim("claim_id")),
        charges=MoneySum("charge"),
    )
    denials = grouped(DenialItem.objects.for_practice(practice), "remittance_claim__").annotate(
        lines=CountSum(
            Case(
                When(claim_line__isnull=False, then=Value(1)),
                default=_lines_of_claim("claim_id"),
            )
        ),
        denied=MoneySum("amount"),
    )
    out: dict[Any, DenialCounts] = defaultdict(DenialCounts)
    for r in answers.order_by():
        key = _month(r["key"]) if by == "month" else r["key"] or "(no payer)"
        c = out[key]
        c.claims, c.claims_denied = r["claims"], r["claims_denied"]
        c.lines, c.charges = r["lines"] or 0, Money(r["charges"] or 0)
    for r in denials.order_by():
        key = _month(r["key"]) if by == "month" else r["key"] or "(no payer)"
        c = out[key]
        c.lines_denied, c.denied = r["lines"] or 0, Money(r["denied"] or 0)
    return out


def denial_rate_by_month(practice: PracticeRef, months: Months) -> Table:
    """What the payers answered each month (by the remittance's payment date, else the
    day it was posted) and what they denied: by service lines and by dollars."""
    counts = _denial_counts(practice, months, "month")
    table = Table(
        "Denial rate by month, by lines and by dollars",
        ["month", *DENIAL_HEADER],
        money=DENIAL_MONEY,
        note=DENIAL_RATE_MEANING,
    )
    for start in months.starts:
        table.rows.append([Months.label(start), *counts.get(start, DenialCounts()).row()])
    return table


def denials_by_cause_by_month(practice: PracticeRef, months: Months, top: int = 5) -> Table:
    """Denials each month by root cause (``medbill.core.denial_causes``, the biller's call
    where made): the ``top`` causes of the period by name, the rest together."""
    from medbill.core.denial_causes import category_for
    from medbill.web.billing.denial_causes import cause_of

    counts: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for d in (
        denials_answered_between(practice, months.first, months.end)
        .only("reasons", "remark_words", "root_cause")
        .iterator(chunk_size=2000)
    ):
        key = cause_of(d)
        counts[d.answered_on.replace(day=1)][key] += 1
        totals[key] += 1
    shown = [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    rest = len(totals) > len(shown)
    table = Table(
        "Denials by root cause",
        ["month", *(category_for(k).label for k in shown), *(["other causes"] if rest else [])],
    )
    for month in months.starts:
        row = counts.get(month, {})
        other = sum(n for k, n in row.items() if k not in shown)
        table.rows.append(
            [
                Months.label(month),
                *(str(row.get(k, 0)) for k in shown),
                *([str(other)] if rest else []),
            ]
        )
    return table


def denial_rate_by_payer(practice: PracticeRef, months: Months) -> Table:
    """What each payer answered in the months shown and what it denied, by lines and by
    dollars; the worst by dollars first."""
    counts = _denial_counts(practice, months, "payer")
    table = Table(
        "Denial rate by payer, by lines and by dollars",
        ["payer", *DENIAL_HEADER],
        money=DENIAL_MONEY,
        note=DENIAL_RATE_MEANING,
    )
    order = sorted(counts.items(), key=lambda kv: (-(kv[1].by_dollars or 0), kv[0]))
    for name, c in order:
        table.rows.append([name, *c.row()])
    return table


def payer_mix(practice: PracticeRef, months: Months) -> Table:
    """Charges of the months shown by the claim's payer (no claim: self-pay)."""
    # Summed per claim over the months' entries first (the date index), then per payer
    # through each claim: joining every entry to its claim read the whole claims table.
    per_claim = (
        Entry.objects.for_practice(practice)
        .filter(
            kind=Entry.Kind.CHARGE, effective_date__gte=months.first, effective_date__lte=months.end
        )
        .values("claim_id")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    charged = {r["claim_id"]: r["total"] or 0 for r in per_claim}
    ids = [pk for pk in charged if pk is not None]
    payer_of: dict[Any, Any] = dict(
        Claim.objects.filter(one_of("pk", ids)).values_list("pk", "payer_id")
    )
    names: dict[Any, str] = dict(
        Payer.objects.filter(pk__in=set(payer_of.values())).values_list("pk", "name")
    )
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for claim_id, amount in charged.items():
        sums[names.get(payer_of.get(claim_id), "Self-pay")] += amount
    totals = {name: Money(amount) for name, amount in sums.items()}
    whole = sum(totals.values(), ZERO)
    table = Table(
        f"Payer mix: charges {Months.label(months.first)} to {Months.label(months.starts[-1])}",
        ["payer", "charges", "share %"],
    )
    for name, amount in sorted(totals.items(), key=lambda kv: (-kv[1].amount, kv[0])):
        share = rate(amount, whole)
        table.rows.append([name, str(amount), "" if share is None else str(share)])
    return table

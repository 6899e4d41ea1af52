"""The financial dashboard for managers and billers: charts, their tables and CSV files."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from medbill.core.ledger.aging import BUCKETS, NET_COLLECTION_MEANING
from medbill.web.billing import charts, dashboard, reports
from medbill.web.billing.reports import Table
from medbill.web.practice import audit
from medbill.web.practice.pages import query_date
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import PracticeRef

MONTHS_SHOWN = (6, 12, 24)


def _d(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


def _column(table: Table, index: int) -> list[Decimal | None]:
    return [_d(row[index]) for row in table.rows]


def _sections(practice: PracticeRef, months: dashboard.Months) -> list[dict[str, Any]]:
    """Each chart with its table; ``money`` lists the table's amount columns."""
    labels = [dashboard.Months.label(m) for m in months.starts]
    short = [m.strftime("%b") if len(labels) <= 12 else m.strftime("%m/%y") for m in months.starts]
    ledger = dashboard.ledger_by_month(practice, months)
    coll = dashboard.collections_by_month(practice, months, ledger)
    dar = dashboard.days_in_ar_by_month(practice, months, ledger)
    rate = dashboard.denial_rate_by_month(practice, months)
    by_payer = dashboard.denial_rate_by_payer(practice, months)
    causes = dashboard.denials_by_cause_by_month(practice, months)
    denied = dashboard.denials_in(practice, months)
    mix = dashboard.payer_mix(practice, months)
    aging = reports.ar_aging(
        practice, "payer", months.end if months.end < timezone.localdate() else None
    )
    totals = aging.rows[-1] if aging.rows else ["TOTAL", *["0.00"] * (len(BUCKETS) + 1)]

    def svg_columns(table: Table, cols: list[tuple[str, int]]) -> SafeString:
        return charts.columns(table.title, short, [(name, _column(table, i)) for name, i in cols])

    return [
        {
            "key": "collections",
            "table": coll,
            "money": {1, 2, 3, 4},
            "chart": svg_columns(
                coll, [("Charges", 1), ("Payments", 2), ("Contractual adj.", 3), ("Other adj.", 4)]
            ),
            "chart2": charts.lines(
                "Net collection rate by month",
                short,
                [("Net collection %", _column(coll, 5))],
                unit="%",
            ),
            "note": NET_COLLECTION_MEANING,
        },
        {
            "key": "denial-rate",
            "table": rate,
            "money": rate.money,
            "chart": charts.lines(
                rate.title,
                short,
                [
                    ("Denial rate by lines %", _column(rate, 5)),
                    ("Denial rate by dollars %", _column(rate, 8)),
                ],
                unit="%",
            ),
            "note": rate.note,
        },
        {
            "key": "denial-causes",
            "table": causes,
            "money": set(),
            "chart": charts.columns(
                causes.title,
                short,
                [(name, _column(causes, i)) for i, name in enumerate(causes.header[1:], 1)],
                unit="",
            ),
            "note": "Each denial under the step that let it through; see Denial causes for "
            "where each cause clusters and the check that prevents it.",
        },
        {
            "key": "denial-rate-payer",
            "table": by_payer,
            "money": by_payer.money,
            "chart": charts.bars(
                "Denial rate by payer, by lines",
                [(r[0], Decimal(r[5] or 0)) for r in by_payer.rows],
                unit="%",
            ),
            "chart2": charts.bars(
                "Denial rate by payer, by dollars",
                [(r[0], Decimal(r[8] or 0)) for r in by_payer.rows],
                unit="%",
            ),
            "captions": ("By lines", "By dollars"),
            "note": by_payer.note,
        },
        {
            "key": "denials",
            "table": denied,
            "money": {4},
            "chart": charts.bars(
                denied.title, [(f"{r[0]} {r[1]}", Decimal(r[4])) for r in denied.rows[:10]]
            ),
            "note": "The denials of the months shown; every denial since the first, with its "
            "CSV, is under A/R reports.",
            "more": (reverse("show_reports") + "#denials", "All denials (A/R reports)"),
        },
        {
            "key": "days-in-ar",
            "table": dar,
            "money": {1, 2},
            "chart": charts.lines(dar.title, short, [("Days in A/R", _column(dar, 3))], unit=" d"),
        },
        {
            "key": "payer-mix",
            "table": mix,
            "money": {1},
            "chart": charts.bars(mix.title, [(r[0], Decimal(r[1])) for r in mix.rows]),
        },
        {
            "key": "ar-aging",
            "table": aging,
            "money": aging.money,
            "chart": charts.bars(
                aging.title, [(b, Decimal(v)) for b, v in zip(BUCKETS, totals[1:], strict=False)]
            ),
        },
    ]


@requires("view_reports")
def show_financials(request: PracticeRequest) -> HttpResponse:
    """Month-by-month charges, collections, denials, days in A/R, payer mix and aging."""
    as_of = query_date(request, "as_of")
    try:
        count = int(request.GET.get("months", 12))
    except ValueError:
        count = 12
    count = count if count in MONTHS_SHOWN else 12
    months = dashboard.months_ending(as_of, count)
    sections = _sections(request.practice, months)
    wanted = request.GET.get("csv")
    for section in sections:
        if section["key"] == wanted:
            return _csv(request, section)
    for section in sections:
        section["rows"] = [
            [(cell, i in section["money"]) for i, cell in enumerate(row)]
            for row in section["table"].rows
        ]
    return render(
        request,
        "billing/financials.html",
        {
            "sections": sections,
            "as_of": as_of,
            "count": count,
            "choices": MONTHS_SHOWN,
            "months": months,
        },
    )


def _csv(request: PracticeRequest, section: dict[str, Any]) -> HttpResponse:
    table: Table = section["table"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    # Totals per month or payer carry no patient, but the file leaves the system: note it.
    audit.record(
        request.practice,
        "export",
        user=request.user,
        source="web dashboard",
        detail={"report": section["key"], "rows": len(table.rows)},
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{section["key"]}.csv"'
    return response

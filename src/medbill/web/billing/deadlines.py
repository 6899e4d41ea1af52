"""Deadlines: each claim's timely-filing clock, each open denial's appeal clock, the work
list sorted by days left, and the daily warning. The arithmetic is ``medbill.core.deadlines``;
this module finds the dates in the database.

A claim is on file with the payer from the day it was first sent, unless the payer or the
clearinghouse rejected it (a rejected claim was never received, so its clock still runs).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from medbill.core.deadlines import Clock, appeal_clock, filing_clock
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import DenialItem
from medbill.web.practice import audit
from medbill.web.practice.pages import paginate, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import PracticeRef

__all__ = [
    "appeal_clock_of",
    "deadlines_context",
    "filing_clock_of",
    "list_deadlines",
    "warn_of_deadlines",
]

# Claims the payer does not have: never sent, or sent and turned back.
NOT_ON_FILE = (Claim.Status.DRAFT, Claim.Status.SCRUBBED, Claim.Status.REJECTED)
WARN_DAYS = 14  # the daily job warns this many days ahead


def filing_clock_of(claim: Claim, today: datetime.date) -> Clock:
    limits = claim.payer.deadline_limits()
    filed = None
    if claim.submitted_at is not None and claim.status not in NOT_ON_FILE:
        filed = timezone.localdate(claim.submitted_at)
    return filing_clock(claim.visit.date_of_service, limits, today, filed)


def _decided(denial: DenialItem) -> datetime.date:
    """The date of the payer's decision: the remittance's payment date, else when it came."""
    remittance = denial.remittance_claim.remittance
    return remittance.payment_date or timezone.localdate(denial.created_at)


def appeal_clock_of(denial: DenialItem, today: datetime.date) -> tuple[str, Clock]:
    """The first appeal level of the denial's payer, and its clock."""
    payer = denial.payer or denial.claim.payer
    level = payer.deadline_limits().appeals[0]
    return level.name, appeal_clock(_decided(denial), level, today)


def deadlines_context(request: PracticeRequest, claim: Claim) -> dict[str, Any]:
    """What the claim page shows: its filing clock (and the limit it is measured by) and the
    appeal clock of each open denial."""
    today = timezone.localdate()
    clock = filing_clock_of(claim, today)
    limits = claim.payer.deadline_limits()
    appeals = []
    for denial in claim.denials.filter(status=DenialItem.Status.OPEN).select_related(
        "payer", "remittance_claim__remittance", "claim_line"
    ):
        level, appeal = appeal_clock_of(denial, today)
        appeals.append((denial, level, appeal, appeal.words("Appeal", "Appealed")))
    return {
        "filing_clock": clock,
        "filing_words": clock.words("File", "Filed"),
        "filing_rule": f"{claim.payer.name}: {limits.filing_words()} ({limits.basis})",
        "appeal_clocks": appeals,
    }


@dataclass
class Row:
    what: str  # "file" or "appeal"
    clock: Clock
    words: str
    claim: Claim
    denial: DenialItem | None = None
    level: str = ""


def _open_claims(practice: PracticeRef) -> QuerySet[Claim]:
    return (
        Claim.objects.for_practice(practice)
        .filter(status__in=NOT_ON_FILE)
        .select_related("payer", "visit", "patient")
    )


def _open_denials(practice: PracticeRef) -> QuerySet[DenialItem]:
    return (
        DenialItem.objects.for_practice(practice)
        .filter(status=DenialItem.Status.OPEN)
        .select_related("payer", "claim__payer", "claim__patient", "remittance_claim__remittance")
    )


def due_rows(practice: PracticeRef, today: datetime.date, within: int) -> list[Row]:
    """Claims to file and denials to appeal whose deadline is within ``within`` days (or
    past), the nearest first."""
    rows = []
    for claim in _open_claims(practice):
        clock = filing_clock_of(claim, today)
        if clock.state == "overdue" or clock.days <= within:
            rows.append(Row("file", clock, clock.words("File", "Filed"), claim))
    for denial in _open_denials(practice):
        level, clock = appeal_clock_of(denial, today)
        if clock.state == "overdue" or clock.days <= within:
            words = clock.words(level, "Appealed")
            rows.append(Row("appeal", clock, words, denial.claim, denial, level))
    rows.sort(key=lambda r: (r.clock.deadline, r.what, r.claim.pk))
    return rows


@requires("view_claims")
def list_deadlines(request: PracticeRequest) -> HttpResponse:
    text = request.GET.get("within", "").strip() or "30"
    error = ""
    if not text.isdigit() or not 0 <= int(text) <= 730:
        error = "Enter a number of days from 0 to 730."
        text = "30"
    within = int(text)
    rows = due_rows(request.practice, timezone.localdate(), within)
    page = paginate(request, rows)
    audit.record_list(
        [r.claim for r in page], user=request.user, source="web deadlines", action="list"
    )
    return render(
        request,
        "billing/deadlines.html",
        {
            "page": page,
            "within": within,
            "error": error,
            "query": query_without_page(request),
            "overdue": sum(1 for r in rows if r.clock.state == "overdue"),
        },
        status=422 if error else 200,
    )


def warn_of_deadlines(practice: PracticeRef, day: datetime.date) -> dict[str, Any]:
    """The daily job: what must be filed or appealed within ``WARN_DAYS`` days, and what is
    already past its limit."""
    rows = due_rows(practice, day, WARN_DAYS)
    soon = [r for r in rows if r.clock.state == "open"]
    late = [r for r in rows if r.clock.state == "overdue"]
    return {
        "file_soon": sum(1 for r in soon if r.what == "file"),
        "appeal_soon": sum(1 for r in soon if r.what == "appeal"),
        "file_late": sum(1 for r in late if r.what == "file"),
        "appeal_late": sum(1 for r in late if r.what == "appeal"),
        "within": WARN_DAYS,
    }

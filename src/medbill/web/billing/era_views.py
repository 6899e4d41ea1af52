"""Money-in pages: ERA review and import, posting results, the denial queue, patient
accounts and the A/R reports (tables with charts, CSV downloads)."""

from __future__ import annotations

import csv
import datetime
import io

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.web.billing import plans, reports
from medbill.web.billing.deadlines import appeal_clock_of
from medbill.web.billing.denials import write_off_denial
from medbill.web.billing.models import Balance, Entry
from medbill.web.billing.remittance_models import (
    DenialItem,
    EraImportRun,
    PaymentPlan,
    Remittance,
    Statement,
    UnmatchedPayment,
)
from medbill.web.billing.services import balance_of
from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.pages import paginate, query_date, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404


@requires("view_claims")
def list_remittances(request: PracticeRequest) -> HttpResponse:
    rows = (
        Remittance.objects.for_user(request.user, request.practice)
        .select_related("file")
        .annotate(claim_count=Count("claims"))
        .order_by("-posted_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in Remittance.Status.values:
        rows = rows.filter(status=status)
    work = (
        UnmatchedPayment.objects.for_user(request.user, request.practice)
        .filter(resolved=False)
        .select_related("remittance_claim__remittance")
    )
    return render(
        request,
        "billing/era_list.html",
        {
            "page": paginate(request, rows),
            "query": query_without_page(request),
            "statuses": Remittance.Status.choices,
            "status": status,
            "work": work[:50],
            "import_running": EraImportRun.objects.for_user(request.user, request.practice)
            .filter(status__in=("queued", "running"))
            .first(),
        },
    )


@requires("view_claims")
def show_remittance(request: PracticeRequest, remittance_id: int) -> HttpResponse:
    rem = get_scoped_or_404(
        Remittance.objects.select_related("file", "payer"),
        request.user,
        request.practice,
        pk=remittance_id,
    )
    claims = rem.claims.select_related("claim").prefetch_related("denials")
    # Through a subquery, not a join: a claim paid twice in the set (a reversal and its
    # corrected payment) would count every entry twice.
    audit.record(
        rem,
        "view",
        user=request.user,
        patients=[c.claim.patient_id for c in claims if c.claim is not None],
        detail={"claim_ids": [c.claim_id for c in claims if c.claim_id]},
    )
    entries = (
        Entry.objects.filter(
            source="era",
            claim_id__in=rem.claims.values("claim_id"),
            source_ref__startswith=f"835 {rem.file.sha256[:16]}",
        )
        .values("kind", "responsibility")
        .annotate(total=MoneySum("amount"))
        .order_by("kind", "responsibility")
    )
    return render(
        request,
        "billing/era_detail.html",
        {
            "rem": rem,
            "claims": claims,
            "entries": entries,
            "plb": rem.provider_adjustments.all(),
            "deposit": rem.deposit_matches.filter(undone__isnull=True)
            .select_related("deposit")
            .first(),
        },
    )


@requires("view_claims")
def list_denials(request: PracticeRequest) -> HttpResponse:
    rows = DenialItem.objects.for_user(request.user, request.practice).select_related(
        "claim__payer",
        "claim__patient",
        "claim__visit",
        "payer",
        "claim_line",
        "remittance_claim__remittance",
    )
    status = request.GET.get("status", DenialItem.Status.OPEN)
    if status in DenialItem.Status.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows)
    today = timezone.localdate()
    for item in page:
        _level, clock = appeal_clock_of(item, today)
        item.appeal_clock = clock
    audit.record_list(list(page), request.user)
    return render(
        request,
        "billing/denial_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "statuses": DenialItem.Status.choices,
            "status": status,
        },
    )


@requires("post_adjustment")
@require_POST
def work_denial(request: PracticeRequest, denial_id: int) -> HttpResponse:
    """Mark a denial corrected, appealed or resolved; writing it off posts an adjustment."""
    item = get_scoped_or_404(
        DenialItem.objects.select_related("claim"), request.user, request.practice, pk=denial_id
    )
    status = request.POST.get("status", "")
    if status not in DenialItem.Status.values or status == DenialItem.Status.OPEN:
        messages.error(
            request, "Choose what was done: corrected, appealed, written off or resolved"
        )
        return redirect("list_denials")
    if status == DenialItem.Status.WRITTEN_OFF and item.status != status:
        try:
            item = write_off_denial(request.user, item, request.POST.get("reason", ""))
        except ServiceError as exc:
            messages.error(request, in_words(exc))
            return redirect("list_denials")
    else:
        with transaction.atomic(), audit.acting_as(request.user):
            item.status = status
            item.save()
    messages.success(request, f"Denial on {item.claim} marked {item.get_status_display()}.")
    return redirect("list_denials")


@requires("view_ledger")
def list_accounts(request: PracticeRequest) -> HttpResponse:
    # The patient's balance and the insurers' side by side, never netted: a patient's
    # credit does not pay what an insurer still owes (the sums ``balances_of`` gives).
    patient_side = Q(responsibility=Entry.Responsibility.PATIENT)
    payer_side = Q(responsibility=Entry.Responsibility.PAYER)
    # Sums per patient of the open balances the database keeps per claim (``Balance``);
    # names are read for the page's patients only.
    rows = (
        Balance.objects.for_user(request.user, request.practice)
        .exclude(amount=0)
        .values("patient_id")
        .annotate(
            patient_owes=MoneySum("amount", filter=patient_side),
            insurance_owes=MoneySum("amount", filter=payer_side),
        )
        .exclude(
            Q(patient_owes=0) | Q(patient_owes__isnull=True),
            Q(insurance_owes=0) | Q(insurance_owes__isnull=True),
        )
        .order_by(
            F("patient_owes").desc(nulls_last=True),
            F("insurance_owes").desc(nulls_last=True),
            "patient_id",
        )
    )
    page = paginate(request, rows)
    people = Patient.objects.in_bulk([r["patient_id"] for r in page])
    for row in page:
        person = people[row["patient_id"]]
        row.update(
            patient__last_name=person.last_name,
            patient__first_name=person.first_name,
            patient__account_number=person.account_number,
        )
    audit.record_list(list(people.values()), request.user)
    return render(
        request, "billing/account_list.html", {"page": page, "query": query_without_page(request)}
    )


@requires("view_ledger")
def show_account(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = get_scoped_or_404(Patient, request.user, request.practice, pk=patient_id)
    audit.record_view(patient, request.user)
    entries = Entry.objects.filter(patient=patient).select_related("payer", "claim")
    return render(
        request,
        "billing/account_detail.html",
        {
            "patient": patient,
            "entries": entries.order_by("posted_at", "id"),
            "patient_balance": balance_of(patient, Entry.Responsibility.PATIENT),
            "insurance_balance": balance_of(patient, Entry.Responsibility.PAYER),
            "statements": Statement.objects.filter(patient=patient)[:20],
            "sent_today": Statement.objects.filter(
                patient=patient, statement_date=timezone.localdate()
            ).exists(),
            "plans": [
                plans.plan_standing(p, timezone.localdate())
                for p in PaymentPlan.objects.filter(patient=patient).order_by("-created_at")
            ],
            "intervals": plans.INTERVALS,
            "today": timezone.localdate(),
            "denials": DenialItem.objects.filter(
                claim__patient=patient, status=DenialItem.Status.OPEN
            ),
        },
    )


def _as_of(request: PracticeRequest) -> datetime.date | None:
    if not request.GET.get("as_of", "").strip():
        return None
    return query_date(request, "as_of")


@requires("view_reports")
def show_reports(request: PracticeRequest) -> HttpResponse:
    as_of = _as_of(request)
    tables = {
        "ar-payer": reports.ar_aging(request.practice, "payer", as_of),
        "ar-patient": reports.ar_aging(request.practice, "patient", as_of),
        "denials": reports.denials(request.practice),
        "kpis": reports.kpis(request.practice, as_of),
    }
    wanted = request.GET.get("csv")
    if wanted in tables:
        table = tables[wanted]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(table.header)
        writer.writerows(table.rows)
        if wanted == "ar-patient":  # names and balances of patients
            audit.record(
                request.practice,
                "export",
                user=request.user,
                source="web report",
                detail={"report": wanted, "rows": max(len(table.rows) - 1, 0)},
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{wanted}.csv"'
        return response
    sections = []
    for key, table in tables.items():
        top = max((abs(v) for _, v in table.chart), default=0) or 1
        bars = [
            (label, f"{value:,.2f}", round(100 * abs(value) / top)) for label, value in table.chart
        ]
        rows = [
            [(cell, table.is_money(r, i)) for i, cell in enumerate(r)] for r in _shown_rows(table)
        ]
        sections.append((key, table, bars, rows))
    return render(
        request, "billing/reports.html", {"sections": sections, "as_of": as_of, "shown": SHOWN_ROWS}
    )


# A page shows the largest rows of a report; its CSV holds every row.
SHOWN_ROWS = 100


def _shown_rows(table: reports.Table) -> list[list[str]]:
    rows = table.rows
    if len(rows) <= SHOWN_ROWS + 1:
        return rows
    total = rows[-1] if rows[-1] and rows[-1][0] == "TOTAL" else None
    return rows[:SHOWN_ROWS] + ([total] if total else [])

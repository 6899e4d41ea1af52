"""Money-in pages: ERA review and import, posting results, the denial queue, patient
accounts and the A/R reports (tables with charts, CSV downloads)."""

from __future__ import annotations

import csv
import datetime
import io

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.web.billing import plans, reports
from medbill.web.billing.denials import write_off_denial
from medbill.web.billing.era import import_era
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import (
    DenialItem,
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
from medbill.web.practice.pages import paginate, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404

MAX_UPLOAD = 20 * 1024 * 1024


@requires("view_claims")
def list_remittances(request: PracticeRequest) -> HttpResponse:
    rows = (Remittance.objects.for_user(request.user, request.practice)
            .select_related("file").annotate(claim_count=Count("claims"))
            .order_by("-posted_at", "-id"))
    status = request.GET.get("status", "")
    if status in Remittance.Status.values:
        rows = rows.filter(status=status)
    work = UnmatchedPayment.objects.for_user(request.user, request.practice).filter(
        resolved=False).select_related("remittance_claim__remittance")
    return render(request, "billing/era_list.html", {
        "page": paginate(request, rows), "query": query_without_page(request),
        "statuses": Remittance.Status.choices, "status": status, "work": work[:50]})


@requires("import_remittance")
@require_POST
def upload_remittance(request: PracticeRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_UPLOAD:
        messages.error(request, "file: choose an 835 file (at most 20 MB)")
        return redirect("list_remittances")
    try:
        result = import_era(request.user, request.practice, upload.read(), upload.name,
                            post=request.POST.get("post") == "1",
                            same_payment=request.POST.get("same_payment") == "1")
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("list_remittances")
    if result.already_imported:
        messages.info(request, f"{upload.name} was imported before; nothing was posted.")
    for s in result.sets:
        text = (f"{s.payer} trace {s.trace_number}: {s.status} — {len(s.posted)} claim(s) "
                f"posted, {len(s.denied)} denied, {len(s.unmatched)} unmatched")
        (messages.warning if s.status in ("held", "repeat", "duplicate") else messages.success)(
            request, text)
        for reason in s.reasons[:5]:
            messages.warning(request, reason)
    return redirect("list_remittances")


@requires("view_claims")
def show_remittance(request: PracticeRequest, remittance_id: int) -> HttpResponse:
    rem = get_scoped_or_404(Remittance.objects.select_related("file", "payer"), request.user,
                            request.practice, pk=remittance_id)
    claims = rem.claims.select_related("claim").prefetch_related("denials")
    # Through a subquery, not a join: a claim paid twice in the set (a reversal and its
    # corrected payment) would count every entry twice.
    audit.record(rem, "view", user=request.user,
                 patients=[c.claim.patient_id for c in claims if c.claim is not None],
                 detail={"claim_ids": [c.claim_id for c in claims if c.claim_id]})
    entries = (Entry.objects.filter(source="era", claim_id__in=rem.claims.values("claim_id"),
                                    source_ref__startswith=f"835 {rem.file.sha256[:16]}")
               .values("kind", "responsibility").annotate(total=MoneySum("amount"))
               .order_by("kind", "responsibility"))
    return render(request, "billing/era_detail.html", {
        "rem": rem, "claims": claims, "entries": entries,
        "plb": rem.provider_adjustments.all()})


@requires("view_claims")
def list_denials(request: PracticeRequest) -> HttpResponse:
    rows = DenialItem.objects.for_user(request.user, request.practice).select_related(
        "claim", "payer", "claim_line")
    status = request.GET.get("status", DenialItem.Status.OPEN)
    if status in DenialItem.Status.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows)
    audit.record_list(list(page), request.user)
    return render(request, "billing/denial_list.html", {
        "page": page, "query": query_without_page(request),
        "statuses": DenialItem.Status.choices, "status": status})


@requires("post_adjustment")
@require_POST
def work_denial(request: PracticeRequest, denial_id: int) -> HttpResponse:
    """Mark a denial corrected, appealed or resolved; writing it off posts an adjustment."""
    item = get_scoped_or_404(DenialItem.objects.select_related("claim"), request.user,
                             request.practice, pk=denial_id)
    status = request.POST.get("status", "")
    if status not in DenialItem.Status.values or status == DenialItem.Status.OPEN:
        messages.error(request, "Choose what was done: corrected, appealed, written off or "
                                "resolved")
        return redirect("list_denials")
    if status == DenialItem.Status.WRITTEN_OFF and item.status != status:
        try:
            item = write_off_denial(request.user, item)
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
    rows = (Entry.objects.for_user(request.user, request.practice)
            .values("patient_id", "patient__last_name", "patient__first_name",
                    "patient__account_number")
            .annotate(total=MoneySum("amount"),
                      patient_owes=MoneySum("amount", filter=Q(responsibility="patient")),
                      insurance_owes=MoneySum("amount", filter=Q(responsibility="payer")))
            .exclude(total=0).order_by("-total"))
    page = paginate(request, rows)
    audit.record_list(list(Patient.objects.filter(pk__in=[r["patient_id"] for r in page])),
                      request.user)
    return render(request, "billing/account_list.html", {
        "page": page, "query": query_without_page(request)})


@requires("view_ledger")
def show_account(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = get_scoped_or_404(Patient, request.user, request.practice, pk=patient_id)
    audit.record_view(patient, request.user)
    entries = Entry.objects.filter(patient=patient).select_related("payer", "claim")
    return render(request, "billing/account_detail.html", {
        "patient": patient, "entries": entries.order_by("posted_at", "id"),
        "patient_balance": balance_of(patient, Entry.Responsibility.PATIENT),
        "insurance_balance": balance_of(patient, Entry.Responsibility.PAYER),
        "statements": Statement.objects.filter(patient=patient)[:20],
        "plans": [plans.plan_standing(p, timezone.localdate())
                  for p in PaymentPlan.objects.filter(patient=patient).order_by("-created_at")],
        "intervals": plans.INTERVALS, "today": timezone.localdate(),
        "denials": DenialItem.objects.filter(claim__patient=patient,
                                             status=DenialItem.Status.OPEN)})


def _as_of(request: PracticeRequest) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return None


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
            audit.record(request.practice, "export", user=request.user, source="web report",
                         detail={"report": wanted, "rows": max(len(table.rows) - 1, 0)})
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{wanted}.csv"'
        return response
    sections = []
    for key, table in tables.items():
        top = max((abs(v) for _, v in table.chart), default=0) or 1
        bars = [(label, f"{value:,.2f}", round(100 * abs(value) / top))
                for label, value in table.chart]
        sections.append((key, table, bars))
    return render(request, "billing/reports.html", {"sections": sections, "as_of": as_of})

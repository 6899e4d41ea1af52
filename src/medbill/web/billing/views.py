"""Claims and payments."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from medbill.core.forms.superbill import dotted_icd
from medbill.core.ledger.entry_checks import looks_like_card_number
from medbill.web.billing import attachment_views, deadlines, scrub_views, services
from medbill.web.billing.claim_money import claim_money
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import ScrubRun
from medbill.web.claims_out import status_views
from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import errors_by_input
from medbill.web.practice.pages import paginate, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404
from medbill.web.risk import views as risk_views


@requires("view_claims")
def list_claims(request: PracticeRequest) -> HttpResponse:
    claims = Claim.objects.for_user(request.user, request.practice).select_related(
        "patient", "payer", "visit"
    )
    statuses = [s for s in request.GET.getlist("status") if s in Claim.Status.values]
    if statuses:
        claims = claims.filter(status__in=statuses)
    q = request.GET.get("q", "").strip()
    if q:
        claims = claims.filter(patient_control_number__icontains=q)
    page = paginate(request, claims)
    audit.record_list(list(page), request.user, search=q)
    return render(
        request,
        "billing/claim_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "statuses": Claim.Status.choices,
            "selected": statuses,
            "q": q,
            "drafts": Claim.objects.for_user(request.user, request.practice)
            .filter(status=Claim.Status.DRAFT)
            .count(),
            "scrub_running": ScrubRun.objects.for_user(request.user, request.practice)
            .filter(status__in=("queued", "running"))
            .first(),
        },
    )


@requires("view_claims")
def show_claim(request: PracticeRequest, claim_id: int) -> HttpResponse:
    claim = get_scoped_or_404(
        Claim.objects.select_related("patient", "payer", "coverage", "visit"),
        request.user,
        request.practice,
        pk=claim_id,
    )
    audit.record_view(claim, request.user)
    findings = scrub_views.findings_context(request, claim)
    warnings = tuple(f.code for f in findings["scrub"].findings if f.severity != "error")
    money = claim_money(claim)
    lines = list(claim.lines.all())
    return render(
        request,
        "billing/claim_detail.html",
        {
            "claim": claim,
            # Stored as sent on the 837 (I495); people read them with the point (I49.5).
            "diagnoses": [dotted_icd(code) for code in claim.diagnoses or []],
            "lines": lines,
            "line_money": [(line, money.lines.get(line.pk)) for line in lines],
            "money": money,
            "entries": claim.ledger_entries.select_related("payer").order_by("posted_at", "id"),
            **findings,
            **attachment_views.attachments_context(request, claim),
            **status_views.history_context(request, claim),
            **deadlines.deadlines_context(request, claim),
            **risk_views.risk_context(request, claim, warnings),
        },
    )


@requires("post_payment")
def post_payment(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = get_scoped_or_404(Patient, request.user, request.practice, pk=patient_id)
    claims = Claim.objects.for_practice(request.practice).filter(patient=patient)
    form = {
        "amount": "",
        "method": "cash",
        "reference": "",
        "memo": "",
        "claim": "",
        "effective_date": "",
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        claim = None
        try:
            if form["claim"]:
                claim = claims.filter(pk=form["claim"]).first() if form["claim"].isdigit() else None
                if claim is None:
                    raise ServiceError("claim", "no such claim for this patient")
            date_text = form["effective_date"]
            try:
                effective = datetime.date.fromisoformat(date_text) if date_text else None
            except ValueError:
                raise ServiceError("effective_date", "expected a date as YYYY-MM-DD") from None
            entry = services.post_payment(
                request.user,
                patient,
                form["amount"],
                method=form["method"],
                reference=form["reference"],
                memo=form["memo"],
                claim=claim,
                effective_date=effective,
                source="desk",
            )
        except ServiceError as exc:
            errors = errors_by_input(exc, {name: name for name in form})
            # Never echo a card number back into the page.
            form = {k: "" if looks_like_card_number(v) else v for k, v in form.items()}
        else:
            messages.success(request, f"Payment of {(-entry.money).format()} posted.")
            return redirect("show_patient", patient_id=patient.pk)
    return render(
        request,
        "billing/payment_form.html",
        {
            "patient": patient,
            "claims": claims,
            "form": form,
            "errors": errors,
            "methods": services.PAYMENT_METHODS,
        },
        status=422 if errors else 200,
    )

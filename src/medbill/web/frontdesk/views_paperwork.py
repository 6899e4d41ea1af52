"""Paperwork pages: the kiosk (no login, a one-time code), staff completion, signed PDFs,
self-pay estimates and the desk settings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medbill.core.frontdesk.paperwork import DOCUMENTS
from medbill.core.frontdesk.signing import DOCUMENT_TEXT, Signature
from medbill.web.frontdesk import estimates, paperwork, services
from medbill.web.frontdesk.forms import DeskSettingsForm, PayerEndpointForm
from medbill.web.frontdesk.models import (
    DeskSettings,
    PaperworkSignature,
    PayerEndpoint,
    SelfPayEstimate,
    Visit,
)
from medbill.web.frontdesk.views_desk import _patient, _pdf, _visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.models import Payer
from medbill.web.practice.pages import parse_date
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import MiddlewareRequest, PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404

RELATIONSHIPS = ("self", "parent", "guardian", "spouse", "representative")


def client_ip(request: MiddlewareRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _packet_rows(visit: Visit) -> list[dict[str, Any]]:
    status = paperwork.paperwork_status(visit)
    todo = set(status.missing) | set(status.expired)
    rows = []
    for item in paperwork.packet_for(visit.practice_id):
        if item.for_insured_only and not any(
            c.is_in_effect(visit.date_of_service) for c in visit.patient.coverages.all()
        ):
            continue
        rows.append(
            {
                "key": item.document,
                "title": DOCUMENTS[item.document],
                "text": DOCUMENT_TEXT.get(item.document, ()),
                "needs_signature": item.needs_signature,
                "todo": item.document in todo,
            }
        )
    return rows


def _signature(request: MiddlewareRequest) -> Signature:
    return paperwork.signature_from_form(
        request.POST.get("method", ""),
        request.POST.get("signer_name", ""),
        typed=request.POST.get("typed_signature", ""),
        drawn=request.POST.get("drawn_signature", ""),
        ip=client_ip(request),
        relationship=request.POST.get("relationship", "self")
        if request.POST.get("relationship") in RELATIONSHIPS
        else "self",
    )


# -- kiosk (no staff login) ---------------------------------------------------------------


KIOSK_SESSION = "medbill_kiosk_pass"
BAD_CODE = "That code is not valid or has expired. Please ask the front desk."


def _open_kiosk(request: MiddlewareRequest, code: str) -> HttpResponse | None:
    """Trade a valid code for the tablet's session, so the code leaves the address bar."""
    found = paperwork.find_kiosk_pass(code)
    if found is None:
        return None
    request.session.cycle_key()
    request.session[KIOSK_SESSION] = found.pk
    return redirect("kiosk_packet")


def kiosk_start(request: MiddlewareRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        code = "".join(ch for ch in request.POST.get("code", "").upper() if ch.isalnum())
        opened = _open_kiosk(request, code)
        if opened is not None:
            return opened
        error = BAD_CODE
    return render(request, "frontdesk/kiosk_start.html", {"error": error})


def kiosk_link(request: MiddlewareRequest, code: str) -> HttpResponse:
    """The one-time link printed or texted to the patient: ``/kiosk/<code>/``."""
    opened = _open_kiosk(request, code)
    if opened is not None:
        return opened
    return render(request, "frontdesk/kiosk_start.html", {"error": BAD_CODE}, status=404)


def kiosk_packet(request: MiddlewareRequest) -> HttpResponse:
    pass_id = request.session.get(KIOSK_SESSION)
    kiosk = paperwork.kiosk_pass_by_id(pass_id) if pass_id else None
    if kiosk is None:
        request.session.pop(KIOSK_SESSION, None)
        return render(request, "frontdesk/kiosk_start.html", {"error": BAD_CODE}, status=404)
    visit = kiosk.visit
    patient = visit.patient
    error = None
    if request.method == "POST":
        try:
            signature = _signature(request)
            # Spending the pass and filing the packet commit together: a refused packet
            # leaves the code usable, a packet sent twice is filed once.
            with transaction.atomic():
                if not paperwork.spend_kiosk_pass(kiosk):
                    raise ServiceError("code", "this code was already used")
                services.update_contact(
                    None,
                    patient,
                    {k: request.POST[k] for k in services.CONTACT_FIELDS if k in request.POST},
                    kiosk=True,
                )
                paperwork.record_paperwork(
                    None, visit, request.POST.getlist("documents"), signature, "kiosk"
                )
        except ServiceError as exc:
            error = in_words(exc)
        else:
            request.session.pop(KIOSK_SESSION, None)
            return render(request, "frontdesk/kiosk_done.html", {"patient": patient})
    response = render(
        request,
        "frontdesk/kiosk_packet.html",
        {
            "patient": patient,
            "visit": visit,
            "rows": _packet_rows(visit),
            "error": error,
            "practice": visit.practice,
        },
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


# -- staff ------------------------------------------------------------------------------------


@require_POST
@requires("check_in")
def issue_kiosk_code(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    try:
        code = paperwork.issue_kiosk_pass(request.user, visit)
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        request.session[f"kiosk_code_{visit.pk}"] = code
    return redirect("check_in_visit", visit_id=visit.pk)


@requires("edit_patients")
def complete_paperwork(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    error = None
    if request.method == "POST":
        try:
            paperwork.record_paperwork(
                request.user,
                visit,
                request.POST.getlist("documents"),
                _signature(request),
                "staff",
            )
        except ServiceError as exc:
            error = in_words(exc)
        else:
            messages.success(request, "Paperwork filed.")
            return redirect("check_in_visit", visit_id=visit.pk)
    return render(
        request,
        "frontdesk/paperwork_form.html",
        {"visit": visit, "patient": visit.patient, "rows": _packet_rows(visit), "error": error},
    )


@requires("view_patients")
def signed_document_pdf(request: PracticeRequest, signature_id: int) -> HttpResponse:
    row = get_scoped_or_404(PaperworkSignature, request.user, request.practice, pk=signature_id)
    audit.record_view(row.patient, request.user)
    return _pdf(bytes(row.pdf), f"{row.document}-{row.pk}.pdf")


# -- self-pay estimates ---------------------------------------------------------------------


def _services(text: str) -> list[tuple[str, int]]:
    out = []
    for i, part in enumerate(p for p in text.replace(";", ",").split(",") if p.strip()):
        code, _, units = part.strip().partition("x")
        code = code.strip().upper()
        try:
            count = int(units.strip()) if units.strip() else 1
        except ValueError:
            raise ServiceError(
                f"services[{i}]", f"{part.strip()}: units must be a number"
            ) from None
        out.append((code, count))
    return out


@requires("edit_patients")
def new_estimate(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    upcoming = patient.visits.filter(status=Visit.Status.SCHEDULED).order_by("scheduled_at")
    form = {"services": "", "diagnoses": "", "service_date": "", "visit": "", "deposit": ""}
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            visit = None
            if form["visit"].isdigit():
                visit = upcoming.filter(pk=int(form["visit"])).first()
            when = parse_date(form["service_date"]) or (visit.date_of_service if visit else None)
            est = estimates.create_estimate(
                request.user,
                patient,
                _services(form["services"]),
                when,
                form["diagnoses"].replace(";", ",").split(","),
                visit,
                deposit=form["deposit"] or None,
            )
        except (ServiceError, InvalidOperation) as exc:
            error = in_words(exc)
        else:
            return redirect("show_estimate", estimate_id=est.pk)
    return render(
        request,
        "frontdesk/estimate_form.html",
        {
            "patient": patient,
            "form": form,
            "error": error,
            "upcoming": upcoming,
            "discount": services.desk_settings(request.practice).self_pay_discount,
        },
    )


@requires("view_patients")
def show_estimate(request: PracticeRequest, estimate_id: int) -> HttpResponse:
    est = get_scoped_or_404(
        SelfPayEstimate.objects.select_related("patient"),
        request.user,
        request.practice,
        pk=estimate_id,
    )
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "deposit":
                entry = estimates.collect_deposit(
                    request.user,
                    est,
                    services.parse_amount(request.POST.get("amount", "")),
                    request.POST.get("pay_method", ""),
                    request.POST.get("reference", ""),
                )
                messages.success(request, f"Deposit of {(-entry.money).format()} received.")
            else:
                estimates.sign_estimate(est, _signature(request), request.user)
                messages.success(request, "The estimate is signed.")
        except ServiceError as exc:
            error = in_words(exc)
        else:
            return redirect("show_estimate", estimate_id=est.pk)
    audit.record_view(est.patient, request.user)
    deposits = est.patient.ledger_entries.filter(source="desk", source_ref="deposit")
    return render(
        request,
        "frontdesk/estimate_detail.html",
        {"est": est, "patient": est.patient, "error": error, "deposits": deposits},
    )


@requires("view_patients")
def estimate_pdf(request: PracticeRequest, estimate_id: int) -> HttpResponse:
    est = get_scoped_or_404(
        SelfPayEstimate.objects.select_related("patient", "practice"),
        request.user,
        request.practice,
        pk=estimate_id,
    )
    audit.record_view(est.patient, request.user)
    return _pdf(estimates.estimate_pdf(est), f"{est.number}.pdf")


# -- settings -----------------------------------------------------------------------------


@requires("manage_master_data")
def desk_settings_page(request: PracticeRequest) -> HttpResponse:
    practice = request.practice
    current = DeskSettings.objects.for_practice(practice).first() or DeskSettings(practice=practice)
    payers = Payer.objects.for_user(request.user, practice)
    form = DeskSettingsForm(request.POST or None, instance=current, prefix="s")
    endpoint_form = PayerEndpointForm(None, payers=payers, prefix="e")
    error = None
    if request.method == "POST":
        with audit.acting_as(request.user):
            if request.POST.get("part") == "endpoint":
                existing = (
                    PayerEndpoint.objects.for_practice(practice)
                    .filter(payer_id=request.POST.get("e-payer") or 0)
                    .first()
                )
                endpoint_form = PayerEndpointForm(
                    request.POST, instance=existing, payers=payers, prefix="e"
                )
                if endpoint_form.is_valid():
                    row = endpoint_form.save(commit=False)
                    if existing is not None and not endpoint_form.cleaned_data["password"]:
                        row.password = PayerEndpoint.objects.get(pk=existing.pk).password
                    row.practice = practice
                    row.save()
                    messages.success(request, f"Eligibility endpoint for {row.payer} saved.")
                    return redirect("desk_settings")
            else:
                chosen = [d for d in request.POST.getlist("packet") if d in DOCUMENTS]
                if form.is_valid():
                    row = form.save(commit=False)
                    row.practice = practice
                    row.packet = chosen
                    try:
                        if not Decimal(0) <= row.self_pay_discount < 1:
                            raise ServiceError("self_pay_discount", "a fraction from 0 up to 1")
                    except ServiceError as exc:
                        error = in_words(exc)
                    else:
                        row.save()
                        messages.success(request, "Desk settings saved.")
                        return redirect("desk_settings")
    packet = {i.document for i in paperwork.packet_for(practice)}
    return render(
        request,
        "frontdesk/desk_settings.html",
        {
            "form": form,
            "endpoint_form": endpoint_form,
            "error": error,
            "documents": DOCUMENTS,
            "packet": packet,
            "endpoints": PayerEndpoint.objects.for_practice(practice).select_related("payer"),
        },
    )

"""Front-desk pages: registration, coverage, eligibility, check-in and out, desk money.

Views stay thin: they read the form, call a use case (``services``, ``eligibility``,
``estimates``) and render. Every page that shows a patient record is audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.core.frontdesk.paperwork import DOCUMENTS, SHORT_NAMES
from medbill.core.ledger.entry_checks import looks_like_card_number
from medbill.core.money import Money
from medbill.core.msp import MEDICARE_TYPES
from medbill.core.roles import can
from medbill.web.billing.models import Entry
from medbill.web.frontdesk import eligibility, scheduler, services
from medbill.web.frontdesk.forms import CoverageForm, GuarantorForm, PatientForm
from medbill.web.frontdesk.models import (
    Coverage,
    EligibilityCheck,
    EligibilityRun,
    Guarantor,
    InsuranceCard,
    PaperworkSignature,
    Patient,
    Visit,
)
from medbill.web.frontdesk.paperwork import paperwork_status
from medbill.web.frontdesk.receipts import receipt_pdf
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import errors_by_input, in_words
from medbill.web.practice.models import Location, Payer, Provider
from medbill.web.practice.pages import parse_date, query_date
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404

# Which input of the page holds each field the booking and check-out services name.
BOOKING_INPUTS = {
    "on": "on",
    "at": "at",
    "provider": "provider",
    "location": "location",
    "duration_minutes": "minutes",
    "reason": "reason",
}
CHECK_OUT_INPUTS = {
    "desk_note": "desk_note",
    "follow_up_on": "follow_up_on",
    "follow_up_time": "follow_up_time",
    "follow_up_at": "follow_up_on",
    "follow_up_reason": "follow_up_reason",
}
PAY_INPUTS = {"amount": "amount", "method": "method", "kind": "kind", "reference": "reference"}
PAY_KINDS = (("copay", "Copay"), ("balance", "Balance"), ("deposit", "Deposit"))


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _patient(request: PracticeRequest, patient_id: int) -> Patient:
    return get_scoped_or_404(Patient, request.user, request.practice, pk=patient_id)


def _visit(request: PracticeRequest, visit_id: int) -> Visit:
    return get_scoped_or_404(
        Visit.objects.select_related("patient", "provider", "location", "practice"),
        request.user,
        request.practice,
        pk=visit_id,
    )


# -- registration -------------------------------------------------------------------------


def _patient_page(request: PracticeRequest, patient: Patient | None) -> HttpResponse:
    guarantor = Guarantor.objects.filter(patient=patient).first() if patient else None
    form = PatientForm(request.POST or None, instance=patient)
    gform = GuarantorForm(request.POST or None, instance=guarantor, prefix="g")
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid() and gform.is_valid():
        candidate = form.save(commit=False)
        candidate.practice = request.practice
        if not request.POST.get("not_a_duplicate"):
            duplicates = services.possible_duplicates(request.practice, candidate)
        if not duplicates:
            try:
                if patient is None:
                    saved = services.register_patient(request.user, request.practice, candidate)
                else:
                    saved = services.update_patient(request.user, candidate)
                g = gform.save(commit=False)
                services.save_guarantor(request.user, saved, g)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.problem)
            else:
                messages.success(
                    request, f"{saved.full_name} saved, account {saved.account_number}."
                )
                if patient is None:
                    return redirect("add_coverage", patient_id=saved.pk)
                return redirect("show_patient", patient_id=saved.pk)
    return render(
        request,
        "frontdesk/patient_form.html",
        {"form": form, "gform": gform, "patient": patient, "duplicates": duplicates},
    )


@requires("edit_patients")
def register_patient(request: PracticeRequest) -> HttpResponse:
    return _patient_page(request, None)


@requires("edit_patients")
def edit_patient(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    audit.record_view(patient, request.user)
    return _patient_page(request, patient)


def _save_coverage_and_cards(
    request: PracticeRequest, patient: Patient, form: CoverageForm
) -> Coverage:
    saved = services.save_coverage(request.user, patient, form.save(commit=False))
    for side in ("front", "back"):
        upload = request.FILES.get(f"card_{side}")
        if upload is not None:
            services.save_card_image(
                request.user, saved, side, upload.content_type or "", upload.read()
            )
    return saved


def _coverage_page(
    request: PracticeRequest, patient: Patient, coverage: Coverage | None
) -> HttpResponse:
    payers = Payer.objects.for_user(request.user, request.practice).filter(active=True)
    form = CoverageForm(
        request.POST or None, request.FILES or None, instance=coverage, payers=payers
    )
    if coverage is None and request.method != "POST":
        taken = set(patient.coverages.filter(active=True).values_list("order", flat=True))
        order = next((o for o in ("primary", "secondary", "tertiary") if o not in taken), "primary")
        form.initial["order"] = order
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused card image keeps the coverage unsaved too
                saved = _save_coverage_and_cards(request, patient, form)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.problem)
        else:
            messages.success(request, f"{saved.get_order_display()} coverage saved.")
            if request.POST.get("another"):
                return redirect("add_coverage", patient_id=patient.pk)
            return redirect("show_patient", patient_id=patient.pk)
    cards = (
        {
            c.side: c
            for c in InsuranceCard.objects.filter(coverage=coverage).only(
                "side", "uploaded_at", "coverage_id"
            )
        }
        if coverage
        else {}
    )
    return render(
        request,
        "frontdesk/coverage_form.html",
        {
            "form": form,
            "patient": patient,
            "coverage": coverage,
            "cards": cards,
            "medicare_types": MEDICARE_TYPES,
        },
    )


@requires("edit_patients")
def add_coverage(request: PracticeRequest, patient_id: int) -> HttpResponse:
    return _coverage_page(request, _patient(request, patient_id), None)


@requires("edit_patients")
def edit_coverage(request: PracticeRequest, coverage_id: int) -> HttpResponse:
    coverage = get_scoped_or_404(Coverage, request.user, request.practice, pk=coverage_id)
    return _coverage_page(request, coverage.patient, coverage)


@requires("view_patients")
def show_card_image(request: PracticeRequest, coverage_id: int, side: str) -> HttpResponse:
    coverage = get_scoped_or_404(Coverage, request.user, request.practice, pk=coverage_id)
    card = InsuranceCard.objects.filter(coverage=coverage, side=side).first()
    if card is None:
        return HttpResponse("No image of that side.", status=404, content_type="text/plain")
    audit.record_view(card, request.user)
    response = HttpResponse(bytes(card.image), content_type=card.content_type)
    response["Cache-Control"] = "no-store"
    return response


# -- eligibility --------------------------------------------------------------------------


@require_POST
@requires("check_eligibility")
def check_eligibility(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    visit = None
    if request.POST.get("visit", "").isdigit():
        visit = _visit(request, int(request.POST["visit"]))
    on = visit.date_of_service if visit else timezone.localdate()
    coverage_id = request.POST.get("coverage", "")
    coverage = (
        get_scoped_or_404(Coverage, request.user, request.practice, pk=coverage_id, patient=patient)
        if coverage_id.isdigit()
        else eligibility.coverage_to_check(patient, on)
    )
    if coverage is None:
        messages.error(request, "No coverage in effect: the patient is self-pay.")
    else:
        try:
            check = eligibility.check_coverage(request.user, coverage, visit, on)
        except ServiceError as exc:
            messages.error(request, in_words(exc))
        else:
            level = messages.SUCCESS if check.status == "active" else messages.WARNING
            messages.add_message(request, level, f"{coverage.payer.name}: {check.summary}")
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("show_patient", patient_id=patient.pk)


@requires("view_patients")
def show_eligibility(request: PracticeRequest, check_id: int) -> HttpResponse:
    check = get_scoped_or_404(
        EligibilityCheck.objects.select_related("patient", "coverage__payer"),
        request.user,
        request.practice,
        pk=check_id,
    )
    audit.record_view(check.patient, request.user)
    return render(request, "frontdesk/eligibility_detail.html", {"check": check})


# -- the day at the desk ------------------------------------------------------------------


@requires("check_in")
def book_visit(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    providers = Provider.objects.for_user(request.user, request.practice).filter(active=True)
    locations = Location.objects.for_user(request.user, request.practice).filter(active=True)
    now = timezone.localtime()
    form = {
        "on": now.date().isoformat(),
        "at": f"{min(now.hour + 1, 17):02d}:00",
        "provider": "",
        "location": "",
        "reason": "",
        "minutes": "15",
    }
    errors: dict[str, str] = {}
    if request.method == "GET":
        # A slot chosen on the schedule comes with its date, time, provider and location.
        form.update(
            {
                k: request.GET[k].strip()
                for k in ("on", "at", "provider", "location")
                if request.GET.get(k, "").strip()
            }
        )
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            day = parse_date(form["on"])
            if day is None:
                raise ServiceError("on", "expected a date")
            try:
                clock = datetime.time.fromisoformat(form["at"])
            except ValueError:
                raise ServiceError("at", "expected a time as HH:MM") from None
            visit = services.book_visit(
                request.user,
                patient,
                providers.filter(pk=form["provider"] or 0).first(),
                locations.filter(pk=form["location"] or 0).first(),
                timezone.make_aware(datetime.datetime.combine(day, clock)),
                form["reason"],
                int(form["minutes"]) if form["minutes"].isdigit() else 0,
                anyway=request.POST.get("anyway") == "1",
            )
        except ServiceError as exc:
            errors = errors_by_input(exc, BOOKING_INPUTS)
        else:
            messages.success(request, "Appointment booked.")
            if visit.date_of_service == timezone.localdate():
                return redirect("check_in_visit", visit_id=visit.pk)
            return redirect("show_patient", patient_id=patient.pk)
    return render(
        request,
        "frontdesk/book_visit.html",
        {
            "patient": patient,
            "providers": providers,
            "locations": locations,
            "form": form,
            "errors": errors,
        },
    )


@requires("check_in")  # the desk's day, as the navigation offers it
def desk_queue(request: PracticeRequest) -> HttpResponse:
    day = query_date(request, "on")
    visits = list(
        scheduler.appointments_on(request.user, request.practice, day)
        .select_related("patient", "provider")
        .order_by("scheduled_at", "id")
    )
    latest: dict[int, EligibilityCheck] = {}
    for check in (
        EligibilityCheck.objects.for_practice(request.practice)
        .filter(patient_id__in=[v.patient_id for v in visits], service_date=day)
        .order_by("checked_at", "id")
    ):
        latest[check.patient_id] = check
    paid = set(
        Entry.objects.for_practice(request.practice)
        .filter(visit_id__in=[v.pk for v in visits], source="desk", source_ref="copay")
        .values_list("visit_id", flat=True)
    )
    rows = [{"visit": v, "check": latest.get(v.patient_id), "paid": v.pk in paid} for v in visits]
    audit.record_list(visits, request.user)
    return render(
        request,
        "frontdesk/desk_queue.html",
        {
            "day": day,
            "rows": rows,
            "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
            "waiting": sum(1 for v in visits if v.status == Visit.Status.SCHEDULED),
            "in_office": sum(1 for v in visits if v.status == Visit.Status.CHECKED_IN),
            "eligibility_running": EligibilityRun.objects.for_user(request.user, request.practice)
            .filter(day=day, status__in=("queued", "running"))
            .first(),
        },
    )


def _check_in_context(request: PracticeRequest, visit: Visit) -> dict[str, Any]:
    patient = visit.patient
    coverage = eligibility.coverage_to_check(patient, visit.date_of_service)
    check = eligibility.latest_check(coverage, visit.date_of_service)
    copay = services.copay_status(visit)
    payments = list(
        Entry.objects.for_practice(request.practice)
        .filter(visit=visit, source="desk")
        .select_related("created_by")
        .order_by("posted_at", "id")
    )
    for p in payments:
        # What changed hands, as the clerk counts it (read by the template).
        p.received = -Money(p.amount)  # type: ignore[attr-defined]
    refunded = set(
        Entry.objects.for_practice(request.practice)
        .filter(reverses__in=payments)
        .values_list("reverses_id", flat=True)
    )
    status = paperwork_status(visit)
    return {
        "visit": visit,
        "patient": patient,
        "coverage": coverage,
        "coverages": patient.coverages.select_related("payer").filter(active=True),
        "check": check,
        "copay": copay.copay,
        "collected": copay.collected,
        "copay_left": copay.left,
        "payments": payments,
        "refunded": refunded,
        "paperwork": status,
        "paperwork_missing": status.describe(),
        "paperwork_todo": [(SHORT_NAMES.get(d, d), "to sign") for d in status.missing]
        + [(SHORT_NAMES.get(d, d), "expired") for d in status.expired],
        "signed": PaperworkSignature.objects.for_practice(request.practice)
        .filter(patient=patient)
        .only("document", "signed_at", "method", "channel")[:20],
        "documents": DOCUMENTS,
        "gaps": services.billing_gaps(patient, visit.date_of_service),
        "balance": services.account_balance(patient),
        "kiosk_code": request.session.pop(f"kiosk_code_{visit.pk}", None),
        "self_pay": coverage is None,
        "estimates": patient.estimates.all()[:5],
        "may_refund": can(request.role, "post_adjustment"),
        "pay_kinds": PAY_KINDS,
        "pay_form": {},
        "pay_errors": {},
    }


@requires("check_in")
def check_in_visit(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    if request.method == "POST":
        if services.check_in(request.user, visit):
            messages.success(request, f"{visit.patient.full_name} is checked in.")
        else:
            messages.warning(request, "This visit was not waiting to be checked in.")
        return redirect("check_in_visit", visit_id=visit.pk)
    audit.record_view(visit.patient, request.user)
    return render(request, "frontdesk/check_in.html", _check_in_context(request, visit))


@require_POST
@requires("post_payment")
def collect_payment(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    typed = {k: request.POST.get(k, "").strip() for k in ("amount", "method", "kind", "reference")}
    try:
        entry = services.collect_payment(
            request.user,
            visit.patient,
            services.parse_amount(typed["amount"]),
            typed["method"],
            kind=typed["kind"] or "copay",
            reference=typed["reference"],
            visit=visit,
        )
    except ServiceError as exc:
        # The page again, the problem beside its field and what was typed kept, except a
        # card number, which never goes back into a page.
        typed = {k: "" if looks_like_card_number(v) else v for k, v in typed.items()}
        context = _check_in_context(request, visit)
        context["pay_form"] = typed
        context["pay_errors"] = errors_by_input(exc, PAY_INPUTS)
        return render(request, "frontdesk/check_in.html", context, status=422)
    else:
        messages.success(
            request, f"{(-entry.money).format()} received. Receipt R{entry.pk:07d} is ready."
        )
    return redirect("check_in_visit", visit_id=visit.pk)


@requires("view_ledger")
def show_receipt(request: PracticeRequest, entry_id: int) -> HttpResponse:
    entry = get_scoped_or_404(
        Entry.objects.select_related("patient", "created_by"),
        request.user,
        request.practice,
        pk=entry_id,
        source="desk",
    )
    audit.record_view(entry.patient, request.user)
    return _pdf(receipt_pdf(entry), f"receipt-R{entry.pk:07d}.pdf")


@require_POST
@requires("post_adjustment")
def refund_payment(request: PracticeRequest, entry_id: int) -> HttpResponse:
    entry = get_scoped_or_404(Entry, request.user, request.practice, pk=entry_id)
    try:
        refund = services.refund_payment(request.user, entry, request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        messages.success(request, f"Refunded {refund.money.format()}.")
    if entry.visit_id:
        return redirect("check_in_visit", visit_id=entry.visit_id)
    return redirect("show_patient", patient_id=entry.patient_id)


@requires("post_payment")  # the cash drawer's day: for those who take money at the desk
def desk_report(request: PracticeRequest) -> HttpResponse:
    day = query_date(request, "on")
    result = services.desk_day(request.practice, day)
    # As the drawer counts it, like the totals: money in is positive, a refund negative.
    rows = [(e, -Money(e.amount)) for e in result.entries]
    return render(
        request,
        "frontdesk/desk_report.html",
        {"day": day, "result": result, "report": result.report, "rows": rows},
    )


@requires("check_in")
def check_out_visit(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    errors: dict[str, str] = {}
    form = {
        "desk_note": visit.desk_note,
        "follow_up_on": "",
        "follow_up_time": "",
        "follow_up_reason": "",
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            when = None
            if form["follow_up_on"]:
                day = parse_date(form["follow_up_on"])
                if day is None:
                    raise ServiceError("follow_up_on", "expected a date")
                try:
                    clock = datetime.time.fromisoformat(form["follow_up_time"] or "09:00")
                except ValueError:
                    raise ServiceError("follow_up_time", "expected a time as HH:MM") from None
                when = timezone.make_aware(datetime.datetime.combine(day, clock))
            follow_up = services.check_out(
                request.user, visit, form["desk_note"], when, form["follow_up_reason"]
            )
        except ServiceError as exc:
            errors = errors_by_input(exc, CHECK_OUT_INPUTS)
        else:
            text = f"{visit.patient.full_name} is checked out; the visit is in the coding queue."
            if follow_up is not None:
                when_text = f"{timezone.localtime(follow_up.scheduled_at):%Y-%m-%d %H:%M}"
                text += f" Follow-up booked for {when_text}."
            messages.success(request, text)
            # Back to the day the visit was on, which is not always today.
            back = reverse("desk_queue")
            if visit.date_of_service != timezone.localdate():
                back += f"?on={visit.date_of_service.isoformat()}"
            return redirect(back)
    return render(
        request,
        "frontdesk/check_out.html",
        {
            "visit": visit,
            "patient": visit.patient,
            "form": form,
            "errors": errors,
            "paperwork_missing": paperwork_status(visit).describe(),
            "gaps": services.billing_gaps(visit.patient, visit.date_of_service),
        },
    )

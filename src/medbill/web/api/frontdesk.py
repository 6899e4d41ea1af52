"""``/api/frontdesk/``: registration, eligibility, paperwork, check-in money, check-out,
self-pay estimates and the desk report. Same tenancy and roles as the web pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema

from medbill.core.money import Money
from medbill.web.api._status import Status
from medbill.web.api.common import (
    acting_user,
    get_or_404,
    practice_or_404,
    require_role,
    scope,
)
from medbill.web.api.schemas import ErrorOut, PatientOut
from medbill.web.billing.models import Entry
from medbill.web.frontdesk import eligibility, estimates, paperwork, services
from medbill.web.frontdesk.models import Coverage, EligibilityCheck, Patient, Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError

router = Router(tags=["front desk"])

ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PatientIn(Schema):
    practice_id: int
    last_name: str
    first_name: str
    date_of_birth: datetime.date
    sex: str = "U"
    middle_name: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    phone: str = ""
    email: str = ""
    account_number: str = ""
    not_a_duplicate: bool = False


class DuplicateOut(Schema):
    patient_id: int
    account_number: str
    score: int
    reasons: list[str]


class RegisteredOut(Schema):
    patient: PatientOut | None = None
    duplicates: list[DuplicateOut] = []


class EligibilityIn(Schema):
    coverage_id: int | None = None
    visit_id: int | None = None
    service_date: datetime.date | None = None


class EligibilityOut(Schema):
    id: int
    patient_id: int
    coverage_id: int
    visit_id: int | None
    service_date: datetime.date
    checked_at: datetime.datetime
    status: str
    summary: str
    plan_name: str
    copay: Decimal | None
    problems: list[str]
    error: str


class PaymentIn(Schema):
    amount: Decimal
    method: str
    kind: str = "copay"
    reference: str = ""


class PaymentOut(Schema):
    id: int
    receipt_number: str
    kind: str
    amount: Decimal
    method: str
    reference: str
    visit_id: int | None
    posted_at: datetime.datetime

    @staticmethod
    def resolve_receipt_number(obj: Any) -> str:
        return f"R{obj.pk:07d}"

    @staticmethod
    def resolve_amount(obj: Any) -> Decimal:
        return Money(obj.amount).amount


class RefundIn(Schema):
    reason: str


class CheckOutIn(Schema):
    desk_note: str = ""
    follow_up_at: datetime.datetime | None = None
    follow_up_reason: str = ""


class VisitStateOut(Schema):
    id: int
    status: str
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    desk_note: str
    follow_up_id: int | None = None


class PaperworkOut(Schema):
    complete: bool
    missing: list[str]
    expired: list[str]
    described: list[str]


class KioskCodeOut(Schema):
    code: str
    url: str


class ServiceIn(Schema):
    code: str
    units: int = 1


class EstimateIn(Schema):
    services: list[ServiceIn]
    diagnoses: list[str] = []
    service_date: datetime.date | None = None
    visit_id: int | None = None


class EstimateOut(Schema):
    id: int
    number: str
    issued_on: datetime.date
    valid_until: datetime.date
    total: Decimal
    discount_rate: Decimal
    services: list[dict]
    diagnoses: list[str]


class QueueRowOut(Schema):
    visit_id: int
    patient_id: int
    scheduled_at: datetime.datetime
    status: str
    eligibility: str | None
    copay: Decimal | None


class DeskReportOut(Schema):
    day: datetime.date
    by_method: dict[str, Decimal]
    by_user: dict[str, dict[str, Decimal]]
    refunds: Decimal
    total: Decimal
    count: int


@router.post("/patients", response={201: RegisteredOut, 409: RegisteredOut, **ERRORS})
def register_patient(request: HttpRequest, payload: PatientIn):
    """Register a patient. Likely duplicates come back (409) unless ``not_a_duplicate``."""
    practice = practice_or_404(request, payload.practice_id)
    require_role(request, practice, "edit_patients")
    data = payload.dict(exclude={"practice_id", "not_a_duplicate"})
    candidate = Patient(practice=practice, **data)
    candidate.zip = candidate.zip.replace("-", "")
    candidate.state = candidate.state.upper()
    try:
        candidate.full_clean(exclude=["practice", "account_number"], validate_constraints=False)
    except ValidationError as exc:
        field, problems = next(iter(exc.message_dict.items()))
        raise ServiceError(field, problems[0]) from None
    if not payload.not_a_duplicate:
        found = services.possible_duplicates(practice, candidate)
        if found:
            return Status(
                409,
                {
                    "duplicates": [
                        {
                            "patient_id": p.pk,
                            "account_number": p.account_number,
                            "score": c.score,
                            "reasons": list(c.reasons),
                        }
                        for p, c in found
                    ]
                },
            )
    saved = services.register_patient(acting_user(request), practice, candidate)
    return Status(201, {"patient": saved})


@router.post("/patients/{patient_id}/eligibility", response={200: EligibilityOut, **ERRORS})
def check_eligibility(request: HttpRequest, patient_id: int, payload: EligibilityIn):
    """Ask the payer now (270/271) and keep the answer; the primary coverage by default."""
    patient = get_or_404(request, Patient, pk=patient_id)
    require_role(request, patient, "check_eligibility")
    visit = None
    if payload.visit_id is not None:
        visit = get_or_404(request, Visit, pk=payload.visit_id, patient=patient)
    on = payload.service_date or (visit.date_of_service if visit else timezone.localdate())
    coverage: Coverage | None
    if payload.coverage_id is not None:
        coverage = get_or_404(request, Coverage, pk=payload.coverage_id, patient=patient)
    else:
        coverage = eligibility.coverage_to_check(patient, on)
    if coverage is None:
        raise ServiceError("coverage_id", "no coverage in effect: the patient is self-pay")
    return eligibility.check_coverage(acting_user(request), coverage, visit, on, source="api")


@router.get("/patients/{patient_id}/eligibility", response={200: list[EligibilityOut], **ERRORS})
def list_eligibility(request: HttpRequest, patient_id: int, limit: int = 20):
    """The patient's eligibility checks, newest first."""
    patient = get_or_404(request, Patient, pk=patient_id)
    require_role(request, patient, "view_patients")
    audit.record_view(patient, acting_user(request), source="api")
    return EligibilityCheck.objects.for_practice(patient.practice_id).filter(patient=patient)[
        : max(1, min(limit, 100))
    ]


@router.get("/queue", response=list[QueueRowOut])
def queue(request: HttpRequest, on: datetime.date | None = None):
    """Appointments of a day (today by default) with the latest eligibility answer."""
    day = on or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    booked = (
        scope(request, Visit)
        .filter(scheduled_at__gte=start, scheduled_at__lt=start + datetime.timedelta(days=1))
        .order_by("scheduled_at", "id")
    )
    checks: dict[int, EligibilityCheck] = {}
    for c in scope(request, EligibilityCheck).filter(service_date=day).order_by("checked_at"):
        checks[c.patient_id] = c
    visits = list(booked)
    audit.record_list(visits, acting_user(request), source="api")
    return [
        {
            "visit_id": v.pk,
            "patient_id": v.patient_id,
            "scheduled_at": v.scheduled_at,
            "status": v.status,
            "eligibility": checks[v.patient_id].status if v.patient_id in checks else None,
            "copay": checks[v.patient_id].copay if v.patient_id in checks else None,
        }
        for v in visits
    ]


def _visit(request: HttpRequest, visit_id: int, action: str) -> Visit:
    visit = get_or_404(request, Visit, pk=visit_id)
    require_role(request, visit, action)
    return visit


@router.post("/visits/{visit_id}/check-in", response={200: VisitStateOut, **ERRORS})
def check_in(request: HttpRequest, visit_id: int):
    """Mark the patient as arrived (a visit that is not scheduled is a 422)."""
    visit = _visit(request, visit_id, "check_in")
    if not services.check_in(acting_user(request), visit):
        raise ServiceError("status", "the visit is not waiting to be checked in")
    return visit


@router.post("/visits/{visit_id}/payments", response={201: PaymentOut, **ERRORS})
def take_payment(request: HttpRequest, visit_id: int, payload: PaymentIn):
    """Take a copay, deposit or payment on balance at the desk; returns the receipt number."""
    visit = _visit(request, visit_id, "post_payment")
    entry = services.collect_payment(
        acting_user(request),
        visit.patient,
        str(payload.amount),
        payload.method,
        kind=payload.kind,
        reference=payload.reference,
        visit=visit,
    )
    return Status(201, entry)


@router.post("/payments/{entry_id}/refund", response={201: PaymentOut, **ERRORS})
def refund(request: HttpRequest, entry_id: int, payload: RefundIn):
    """Give back a desk payment (a reversing entry; role: may post refunds)."""
    entry = get_or_404(request, Entry, pk=entry_id)
    require_role(request, entry, "post_adjustment")
    return Status(201, services.refund_payment(acting_user(request), entry, payload.reason))


@router.post("/visits/{visit_id}/check-out", response={200: VisitStateOut, **ERRORS})
def check_out(request: HttpRequest, visit_id: int, payload: CheckOutIn):
    """Finish the visit and send it to coding; optionally book the follow-up."""
    visit = _visit(request, visit_id, "check_in")
    follow_up = services.check_out(
        acting_user(request),
        visit,
        payload.desk_note,
        payload.follow_up_at,
        payload.follow_up_reason,
    )
    visit.refresh_from_db()
    return {
        "id": visit.pk,
        "status": visit.status,
        "checked_in_at": visit.checked_in_at,
        "checked_out_at": visit.checked_out_at,
        "desk_note": visit.desk_note,
        "follow_up_id": follow_up.pk if follow_up else None,
    }


@router.get("/visits/{visit_id}/paperwork", response={200: PaperworkOut, **ERRORS})
def paperwork_status(request: HttpRequest, visit_id: int):
    """What of the intake packet is missing or expired for the visit."""
    visit = _visit(request, visit_id, "view_patients")
    audit.record_view(visit, acting_user(request), source="api paperwork")
    status = paperwork.paperwork_status(visit)
    return {
        "complete": status.complete,
        "missing": list(status.missing),
        "expired": list(status.expired),
        "described": status.describe(),
    }


@router.post("/visits/{visit_id}/kiosk-code", response={201: KioskCodeOut, **ERRORS})
def kiosk_code(request: HttpRequest, visit_id: int):
    """A one-time code for the waiting-room tablet (shown once; only its hash is kept)."""
    visit = _visit(request, visit_id, "check_in")
    code = paperwork.issue_kiosk_pass(acting_user(request), visit)
    return Status(201, {"code": code, "url": reverse("kiosk_link", args=[code])})


@router.post("/patients/{patient_id}/estimates", response={201: EstimateOut, **ERRORS})
def create_estimate(request: HttpRequest, patient_id: int, payload: EstimateIn):
    """A good-faith estimate priced from the fee schedule with the self-pay discount."""
    patient = get_or_404(request, Patient, pk=patient_id)
    require_role(request, patient, "edit_patients")
    visit = None
    if payload.visit_id is not None:
        visit = get_or_404(request, Visit, pk=payload.visit_id, patient=patient)
    est = estimates.create_estimate(
        acting_user(request),
        patient,
        [(s.code, s.units) for s in payload.services],
        payload.service_date,
        payload.diagnoses,
        visit,
    )
    return Status(201, est)


@router.get("/desk-report", response={200: DeskReportOut, **ERRORS})
def desk_report(request: HttpRequest, practice_id: int, on: datetime.date | None = None):
    """Collections at the desk on a day, by method and by user, refunds apart."""
    practice = practice_or_404(request, practice_id)
    require_role(request, practice, "view_ledger")
    day = on or timezone.localdate()
    report = services.desk_day(practice, day).report
    return {
        "day": day,
        "by_method": {k: v.amount for k, v in report.by_method.items()},
        "by_user": {u: {k: v.amount for k, v in m.items()} for u, m in report.by_user.items()},
        "refunds": report.refunds.amount,
        "total": report.total.amount,
        "count": report.count,
    }

"""Eligibility at the desk: ask the payer (270 over CAQH CORE), keep the answer (271).

The network exchange runs outside any database transaction (a payer may take seconds);
the answer is stored afterwards in one short transaction. Every check, answered or
not, leaves an ``EligibilityCheck`` row: status, the five-second summary, the copay,
the 271 as received, and the problems in words.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal

import httpx
from django.db import transaction
from django.utils import timezone

from medbill.connect.realtime import (
    EligibilityEndpoint,
    PayerUnavailable,
    RealtimeError,
    exchange_eligibility,
)
from medbill.core.frontdesk.desk import copay_due
from medbill.core.money import Money
from medbill.core.x12 import X12WriteError
from medbill.core.x12.m270 import EligibilityInquiry, InquiryPerson, InquiryProvider
from medbill.core.x12.m271 import EligibilityResponse, summarize
from medbill.web.frontdesk.models import (
    Coverage,
    EligibilityCheck,
    Patient,
    PayerEndpoint,
    Visit,
)
from medbill.web.frontdesk.services import desk_settings, plan_id_problem
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

STORE_EVERY = 25

__all__ = [
    "check_coverage",
    "check_visits",
    "coverage_to_check",
    "endpoint_of",
    "inquiry_for",
    "is_specialist",
    "latest_check",
    "visits_on",
]


# Provider taxonomies billed as primary care (family, general and internal medicine,
# pediatrics, nurse practitioners, physician assistants); other specialties pay the plan's
# specialist copay.
PRIMARY_CARE = ("207Q", "208D", "208000000X", "207R00000X", "363L", "363A")


def is_specialist(taxonomy: str) -> bool:
    """Whether a visit with a provider of this taxonomy takes the specialist copay."""
    return bool(taxonomy) and not taxonomy.upper().startswith(PRIMARY_CARE)


def endpoint_of(row: PayerEndpoint) -> EligibilityEndpoint:
    return EligibilityEndpoint(
        url=row.url,
        sender_id=row.sender_id,
        receiver_id=row.receiver_id,
        username=row.username or None,
        password=row.password or None,
        envelope=row.envelope,
        timeout=float(row.timeout_seconds),
        usage=row.usage or "P",
    )


def inquiry_for(coverage: Coverage, service_date: datetime.date) -> EligibilityInquiry:
    """The 270 question for one coverage: the subscriber, and the patient as dependant."""
    patient, practice, payer = coverage.patient, coverage.practice, coverage.payer
    patient_person = InquiryPerson(
        last=patient.last_name,
        first=patient.first_name or None,
        dob=patient.date_of_birth,
        sex=patient.sex if patient.sex in ("F", "M") else None,
    )
    if coverage.relationship_to_subscriber == "self":
        subscriber = InquiryPerson(
            last=patient.last_name,
            first=patient.first_name or None,
            member_id=coverage.member_id,
            dob=patient.date_of_birth,
            sex=patient.sex if patient.sex in ("F", "M") else None,
            group_number=coverage.group_number or None,
        )
        dependent = None
    else:
        subscriber = InquiryPerson(
            last=coverage.subscriber_last_name or patient.last_name,
            first=coverage.subscriber_first_name or None,
            member_id=coverage.member_id,
            dob=coverage.subscriber_date_of_birth,
            sex=coverage.subscriber_sex or None,
            group_number=coverage.group_number or None,
        )
        dependent = patient_person
    return EligibilityInquiry(
        trace_number=uuid.uuid4().hex[:20].upper(),
        payer_name=payer.name,
        payer_id=payer.payer_id,
        provider=InquiryProvider(practice.legal_name, practice.group_npi, tin=practice.tin),
        subscriber=subscriber,
        date_of_service=service_date,
        dependent=dependent,
        trace_originator=f"1{practice.tin}"[:10],
    )


def _record_field(coverage: Coverage, field: str) -> str:
    """The record's field a field of the 270 (``fit_inquiry``) came from, for the desk's
    message: the patient's name when they are the subscriber."""
    who, _, part = field.rpartition(".")
    if part in ("member_id", "group_number"):
        return part
    if who == "patient" or (who == "subscriber" and coverage.relationship_to_subscriber == "self"):
        return f"patient_{part}_name"
    if who == "subscriber":
        return f"subscriber_{part}_name"
    return "practice_name" if who == "provider" else field


def coverage_to_check(patient: Patient, on: datetime.date) -> Coverage | None:
    """The primary coverage in effect on ``on`` (else the first one in effect)."""
    rows = [
        c
        for c in patient.coverages.select_related("payer").filter(active=True).order_by("order")
        if c.is_in_effect(on)
    ]
    return rows[0] if rows else None


def _endpoint_row(coverage: Coverage) -> PayerEndpoint:
    row = (
        PayerEndpoint.objects.for_practice(coverage.practice_id)
        .filter(payer_id=coverage.payer_id, active=True)
        .first()
    )
    if row is None:
        raise ServiceError("payer", f"no eligibility endpoint is set up for {coverage.payer.name}")
    return row


def _store(
    coverage: Coverage,
    visit: Visit | None,
    service_date: datetime.date,
    inquiry: EligibilityInquiry,
    user: Actor,
    source: str,
    seconds: float,
    response: EligibilityResponse | None,
    raw: str,
    error: str,
    unreachable: bool = False,
) -> EligibilityCheck:
    check = EligibilityCheck(
        practice_id=coverage.practice_id,
        patient_id=coverage.patient_id,
        coverage=coverage,
        visit=visit,
        service_date=service_date,
        trace_number=inquiry.trace_number,
        seconds=Decimal(f"{seconds:.3f}"),
        source=source,
        checked_by=signed_in(user),
        raw_271=raw,
    )
    if response is None:
        check.status = "error"
        check.summary = (
            unreachable_summary(coverage.payer.name, error)
            if unreachable
            else f"{coverage.payer.name} answered, but not with a usable 271: "
            "coverage is not verified"
        )[:300]
        check.error = error[:2000]
    else:
        check.status = response.status
        specialist = visit is not None and is_specialist(visit.provider.taxonomy)
        check.summary = summarize(response, specialist=specialist)[:300]
        check.plan_name = (response.plan or "")[:80]
        fallback = desk_settings(coverage.practice_id).default_copay
        copay = copay_due(
            response,
            specialist=specialist,
            fallback=Money(fallback) if fallback is not None else None,
        )
        check.copay = copay.amount if copay is not None else None
        problems = [str(r) for r in response.rejections]
        problems += response.corrections(inquiry)
        check.problems = problems
    with transaction.atomic(), audit.acting_as(user):
        check.save()
    return check


def _ask(
    user: Actor,
    coverage: Coverage,
    visit: Visit | None,
    service_date: datetime.date | None,
    source: str,
    client: httpx.Client | None,
) -> tuple:
    """The network half of a check: the 270 out, the 271 (or the failure) back."""
    on = service_date or (visit.date_of_service if visit else timezone.localdate())
    endpoint = endpoint_of(_endpoint_row(coverage))
    # A coverage saved before member ids were checked may hold one the payer cannot be sent.
    problem = plan_id_problem(coverage)
    if problem is not None:
        raise ServiceError(
            problem.field, f"{problem.problem}; correct the coverage, then ask again"
        )
    inquiry = inquiry_for(coverage, on)
    started = time.perf_counter()
    response, raw, error, unreachable = None, "", "", False
    try:
        response, raw = exchange_eligibility(inquiry, endpoint, client)
    except PayerUnavailable as exc:
        error, unreachable = str(exc), True
    except RealtimeError as exc:
        error = str(exc)
    except X12WriteError as exc:
        raise ServiceError(
            _record_field(coverage, exc.field or ""),
            f"{exc.reason}; correct it, then ask again",
        ) from None
    seconds = time.perf_counter() - started
    return (coverage, visit, on, inquiry, user, source, seconds, response, raw, error, unreachable)


def unreachable_summary(payer: str, error: str) -> str:
    """What the desk reads when the payer's eligibility service cannot be reached."""
    why = "did not answer in time" if "did not answer" in error else "could not be reached"
    return (
        f"{payer}'s eligibility service {why}: coverage is not verified. Try again in a "
        "few minutes, or call the payer."
    )


def check_coverage(
    user: Actor,
    coverage: Coverage,
    visit: Visit | None = None,
    service_date: datetime.date | None = None,
    source: str = "web",
    client: httpx.Client | None = None,
    authorised: bool = False,
) -> EligibilityCheck:
    """Ask the coverage's payer whether the patient is covered on the date of service.

    A payer that does not answer still leaves a stored check with status ``error`` and
    the reason (time-out, refused connection, a reply we cannot read). ``authorised``
    skips the role check for the command line and background tasks.
    """
    if not authorised:
        require(user, coverage.practice_id, "check_eligibility")
    return _store(*_ask(user, coverage, visit, service_date, source, client))


def latest_check(
    coverage: Coverage | None, on: datetime.date | None = None
) -> EligibilityCheck | None:
    if coverage is None:
        return None
    rows = EligibilityCheck.objects.for_practice(coverage.practice_id).filter(coverage=coverage)
    if on is not None:
        rows = rows.filter(service_date=on)
    return rows.order_by("-checked_at", "-id").first()


def visits_on(day: datetime.date, practice: PracticeRef | None = None) -> list[Visit]:
    """Scheduled visits of ``day`` (all practices, or one), in time order."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    rows = Visit.objects.filter(
        scheduled_at__gte=start,
        scheduled_at__lt=start + datetime.timedelta(days=1),
        status__in=[Visit.Status.SCHEDULED, Visit.Status.CHECKED_IN],
    )
    if practice is not None:
        rows = rows.filter(practice_id=practice_pk(practice))
    return list(rows.select_related("patient", "practice").order_by("scheduled_at", "id"))


def check_visits(
    visits: Iterable[Visit],
    user: Actor = None,
    source: str = "batch",
    on_each: Callable[[Visit, EligibilityCheck | None], None] | None = None,
    on_skipped: Callable[[Visit, str], None] | None = None,
) -> dict[str, int]:
    """Check every visit's primary coverage; one kept-alive connection for the batch.

    Returns counts by status (``self_pay`` for visits without coverage, ``no_endpoint``
    when the payer has no endpoint set up, ``not_sendable`` when the coverage or patient
    holds a value the payer cannot be sent); ``on_skipped`` hears which of these a visit
    that was not checked is.
    """
    counts: dict[str, int] = {}
    pending: list[tuple[Visit, tuple | None, str]] = []

    def flush() -> None:
        # Answers are stored a few at a time in one transaction: one commit (one disk
        # flush) per group instead of per appointment, and no transaction stays open
        # while a payer is being asked.
        with transaction.atomic():
            stored = [(v, _store(*args) if args else None, key) for v, args, key in pending]
        for visit, check, key in stored:
            key = check.status if check is not None else key
            counts[key] = counts.get(key, 0) + 1
            if check is None and on_skipped is not None:
                on_skipped(visit, key)
            if on_each is not None:
                on_each(visit, check)
        pending.clear()

    with httpx.Client() as http:
        for visit in visits:
            coverage = coverage_to_check(visit.patient, visit.date_of_service)
            if coverage is None:
                pending.append((visit, None, "self_pay"))
            else:
                try:
                    pending.append((visit, _ask(user, coverage, visit, None, source, http), ""))
                except ServiceError as exc:
                    key = "no_endpoint" if exc.field == "payer" else "not_sendable"
                    pending.append((visit, None, key))
            if len(pending) >= STORE_EVERY:
                flush()
        flush()
    return counts

"""Patients and visits: lists and records. Every record view is audited."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from medbill.core.roles import can
from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.services import balance_of
from medbill.web.frontdesk.models import (
    Guarantor,
    InsuranceCard,
    PaperworkSignature,
    Patient,
    Visit,
)
from medbill.web.frontdesk.paperwork import paperwork_status
from medbill.web.frontdesk.services import billing_gaps
from medbill.web.practice import audit
from medbill.web.practice.pages import paginate, parse_date, query_without_page
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404


@requires("view_patients")
def list_patients(request: PracticeRequest) -> HttpResponse:
    patients = Patient.objects.for_user(request.user, request.practice)
    q = request.GET.get("q", "").strip()
    if q:
        words = q.replace(",", " ").split()
        name = Q()
        for word in words:
            name &= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
        match = Q(account_number__iexact=q) | name
        born = parse_date(q)
        if born is not None:
            match |= Q(date_of_birth=born)
        patients = patients.filter(match)
    page = paginate(request, patients)
    audit.record_list(list(page), request.user, search=q)
    return render(
        request,
        "frontdesk/patient_list.html",
        {"page": page, "q": q, "query": query_without_page(request)},
    )


def _desk_facts(request: PracticeRequest, patient: Patient) -> dict:
    """What the front desk adds to the patient page: gaps, eligibility, paperwork, cards."""
    sides = list(
        InsuranceCard.objects.filter(coverage__patient=patient).values_list("coverage_id", "side")
    )
    return {
        "gaps": billing_gaps(patient),
        "checks": patient.eligibility_checks.select_related("coverage__payer")[:5],
        "signed": PaperworkSignature.objects.for_practice(request.practice)
        .filter(patient=patient)
        .only("document", "signed_at", "method", "channel")[:20],
        "estimates": patient.estimates.all()[:5],
        "coverage_rows": [
            (c, [side for cid, side in sides if cid == c.pk])
            for c in patient.coverages.select_related("payer").order_by("-active", "order")
        ],
    }


@requires("view_patients")
def show_patient(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = get_scoped_or_404(Patient, request.user, request.practice, pk=patient_id)
    audit.record_view(patient, request.user)
    entries = (
        Entry.objects.for_practice(request.practice)
        .filter(patient=patient)
        .select_related("payer", "claim")
        .order_by("-posted_at", "-id")[:50]
    )
    return render(
        request,
        "frontdesk/patient_desk.html",
        {
            **_desk_facts(request, patient),
            "patient": patient,
            "guarantor": Guarantor.objects.filter(patient=patient).first(),
            "coverages": patient.coverages.select_related("payer").order_by("-active", "order"),
            "visits": patient.visits.select_related("provider", "location")[:25],
            "claims": Claim.objects.for_practice(request.practice)
            .filter(patient=patient)
            .select_related("payer")[:25],
            "entries": entries,
            "balance": balance_of(patient),
            "patient_balance": balance_of(patient, Entry.Responsibility.PATIENT),
            "insurance_balance": balance_of(patient, Entry.Responsibility.PAYER),
        },
    )


@requires("view_patients")
def list_visits(request: PracticeRequest) -> HttpResponse:
    visits = Visit.objects.for_user(request.user, request.practice).select_related(
        "patient", "provider", "location"
    )
    statuses = [s for s in request.GET.getlist("status") if s in Visit.Status.values]
    if statuses:
        visits = visits.filter(status__in=statuses)
    for key, lookup in (
        ("on", "scheduled_at__date"),
        ("since", "scheduled_at__date__gte"),
        ("until", "scheduled_at__date__lte"),
    ):
        value = parse_date(request.GET.get(key))
        if value is not None:
            visits = visits.filter(**{lookup: value})
    page = paginate(request, visits)
    audit.record_list(list(page), request.user)
    return render(
        request,
        "frontdesk/visit_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "statuses": Visit.Status.choices,
            "selected": statuses,
            "filters": request.GET,
        },
    )


@requires("view_patients")
def show_visit(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = get_scoped_or_404(
        Visit.objects.select_related("patient", "provider", "location"),
        request.user,
        request.practice,
        pk=visit_id,
    )
    audit.record_view(visit, request.user)
    may_read_notes = can(request.role, "view_notes")
    return render(
        request,
        "frontdesk/visit_desk.html",
        {
            "paperwork_missing": paperwork_status(visit).describe(),
            "eligibility": visit.eligibility_checks.order_by("-checked_at", "-id").first(),
            "follow_ups": visit.follow_ups.all(),
            "visit": visit,
            "patient": visit.patient,
            "diagnoses": visit.diagnoses.all(),
            "lines": visit.service_lines.all(),
            "notes": visit.notes.select_related("author") if may_read_notes else None,
            "claims": Claim.objects.for_practice(request.practice)
            .filter(visit=visit)
            .select_related("payer"),
        },
    )

"""The appointment book pages: the day per provider, a provider's week, and the desk's moves."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from medbill.web.frontdesk import scheduler
from medbill.web.frontdesk.models import Patient, Visit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.models import Location, Provider
from medbill.web.practice.pages import parse_date, query_date
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404

__all__ = [
    "cancel_appointment",
    "find_patient_to_book",
    "move_appointment",
    "no_show_appointment",
    "show_schedule",
]


def _back(request: PracticeRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    return redirect(target or "show_schedule")


@requires("check_in")
def show_schedule(request: PracticeRequest) -> HttpResponse:
    day = query_date(request, "on")
    providers = Provider.objects.for_user(request.user, request.practice).filter(active=True)
    locations = Location.objects.for_user(request.user, request.practice).filter(active=True)
    location = locations.filter(pk=request.GET.get("location") or 0).first()
    provider = providers.filter(pk=request.GET.get("provider") or 0).first()
    week = request.GET.get("view") == "week" and provider is not None
    if week and provider is not None:
        grid = scheduler.week_grid(request.user, request.practice, provider, day)
        step = datetime.timedelta(days=7)
    else:
        grid = scheduler.day_grid(request.user, request.practice, day, location)
        step = datetime.timedelta(days=1)
    return render(
        request,
        "frontdesk/schedule.html",
        {
            "grid": grid,
            "day": day,
            "week": week,
            "providers": providers,
            "provider": provider,
            "locations": locations,
            "location": location or locations.first(),
            "previous": day - step,
            "next": day + step,
            "today": timezone.localdate(),
            "now": timezone.now(),
            "here": request.get_full_path(),
        },
    )


@requires("check_in")
def find_patient_to_book(request: PracticeRequest) -> HttpResponse:
    """An empty slot was chosen: find the patient, then book with the slot filled in."""
    q = request.GET.get("q", "").strip()
    patients = Patient.objects.none()
    if q:
        words = q.split()
        match = Q(account_number__iexact=q)
        name = Q()
        for word in words:
            name &= Q(last_name__icontains=word) | Q(first_name__icontains=word)
        patients = (
            Patient.objects.for_user(request.user, request.practice)
            .filter(match | name)
            .order_by("last_name", "first_name")[:20]
        )
    slot = {k: request.GET.get(k, "") for k in ("provider", "location", "on", "at")}
    provider = (
        Provider.objects.for_user(request.user, request.practice)
        .filter(pk=slot["provider"] or 0)
        .first()
    )
    return render(
        request,
        "frontdesk/schedule_book.html",
        {"q": q, "patients": patients, "slot": slot, "provider": provider},
    )


def _visit(request: PracticeRequest, visit_id: int) -> Visit:
    return get_scoped_or_404(
        Visit.objects.select_related("provider", "patient"),
        request.user,
        request.practice,
        pk=visit_id,
    )


@requires("check_in")
@require_POST
def move_appointment(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    day = parse_date(request.POST.get("on"))
    try:
        clock = datetime.time.fromisoformat(request.POST.get("at", ""))
    except ValueError:
        clock = None
    provider = (
        Provider.objects.for_user(request.user, request.practice)
        .filter(pk=request.POST.get("provider") or 0)
        .first()
    )
    try:
        if day is None or clock is None:
            raise ServiceError("when", "give the new date and time (HH:MM)")
        when = timezone.make_aware(datetime.datetime.combine(day, clock))
        scheduler.move_visit(
            request.user, visit, when, provider, anyway=request.POST.get("anyway") == "1"
        )
    except ServiceError as exc:
        messages.error(request, f"{visit.patient.last_name}: {in_words(exc)}")
    else:
        messages.success(
            request,
            f"{visit.patient.last_name} moved to {day:%m/%d} "
            f"{clock:%H:%M} with {visit.provider.last_name}.",
        )
    return _back(request)


@requires("check_in")
@require_POST
def cancel_appointment(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    try:
        scheduler.cancel_visit(request.user, visit, request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, f"{visit.patient.last_name}: {in_words(exc)}")
    else:
        messages.success(request, f"Appointment of {visit.patient.last_name} cancelled.")
    return _back(request)


@requires("check_in")
@require_POST
def no_show_appointment(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    try:
        scheduler.mark_no_show(request.user, visit)
    except ServiceError as exc:
        messages.error(request, f"{visit.patient.last_name}: {in_words(exc)}")
    else:
        messages.success(request, f"{visit.patient.last_name} marked a no-show.")
    return _back(request)

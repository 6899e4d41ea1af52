"""Eligibility for the day's appointments from the desk: start, follow, read the answers."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medbill.web.frontdesk.eligibility_runs import ANSWERS, answers_in_words, start_eligibility_run
from medbill.web.frontdesk.models import EligibilityCheck, EligibilityRun, Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.pages import parse_date
from medbill.web.practice.permissions import requires
from medbill.web.practice.runs import status_of
from medbill.web.practice.tenancy import get_scoped_or_404


@require_POST
@requires("check_eligibility")
def start_eligibility_checks(request: HttpRequest) -> HttpResponse:
    day = parse_date(request.POST.get("on"))
    if day is None:
        messages.error(request, "Date: choose the day whose appointments to check.")
        return redirect("desk_queue")
    try:
        run = start_eligibility_run(request.user, request.practice, day)
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect(f"{reverse('desk_queue')}?on={day:%Y-%m-%d}")
    return redirect("show_eligibility_run", run_id=run.pk)


@requires("check_eligibility")
def show_eligibility_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(EligibilityRun, request.user, request.practice, pk=run_id)
    checks = list(
        EligibilityCheck.objects.for_user(request.user, request.practice)
        .filter(pk__in=run.checks)
        .select_related("patient", "coverage__payer")
        .order_by("patient__last_name", "patient__first_name", "id")
    )
    why = dict((int(visit), key) for visit, key in run.unchecked)
    unchecked = [
        (v, ANSWERS.get(why[v.pk], why[v.pk]))
        for v in Visit.objects.for_user(request.user, request.practice)
        .filter(pk__in=why)
        .select_related("patient")
        .order_by("scheduled_at", "id")
    ]
    audit.record_list([c.patient for c in checks] + [v.patient for v, _ in unchecked], request.user)
    return render(
        request,
        "frontdesk/eligibility_run.html",
        {
            "run": run,
            "checks": checks,
            "unchecked": unchecked,
            "answers": answers_in_words(run.counts),
        },
    )


@requires("check_eligibility")
def eligibility_run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    run = get_scoped_or_404(EligibilityRun, request.user, request.practice, pk=run_id)
    return JsonResponse(status_of(run))

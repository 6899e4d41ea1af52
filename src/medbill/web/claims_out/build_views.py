"""The build-claims page: what the coded visits would become, the build, its progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medbill.core.money import ZERO, Money
from medbill.web.billing.models import Claim
from medbill.web.claims_out.build_runs import start_build_run
from medbill.web.claims_out.models import ClaimBuildRun
from medbill.web.claims_out.services import NO_COVERAGE, build_preview
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.runs import status_of
from medbill.web.practice.tenancy import get_scoped_or_404

SHOWN = 200


@requires("create_claims")
def build_claims_page(request: PracticeRequest) -> HttpResponse:
    candidates = build_preview(request.user, request.practice)
    ready = [c for c in candidates if not c.held]
    held = [c for c in candidates if c.held]
    audit.record_list([c.visit.patient for c in ready[:SHOWN] + held[:SHOWN]], request.user)
    runs = ClaimBuildRun.objects.for_user(request.user, request.practice)
    # A page of a thousand rows helps nobody: the counts are whole, the lists begin.
    return render(
        request,
        "claims_out/build.html",
        {
            "ready": ready,
            "held": held,
            "ready_shown": ready[:SHOWN],
            "held_shown": held[:SHOWN],
            "self_pay": {c.visit.pk for c in held[:SHOWN] if c.held == NO_COVERAGE},
            "ready_more": max(len(ready) - SHOWN, 0),
            "held_more": max(len(held) - SHOWN, 0),
            "runs": runs[:10],
            "running": runs.filter(status__in=("queued", "running")).first(),
        },
    )


@require_POST
@requires("create_claims")
def start_build(request: PracticeRequest) -> HttpResponse:
    try:
        run = start_build_run(request.user, request.practice)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("build_claims")
    return redirect("show_build_run", run_id=run.pk)


@requires("create_claims")
def show_build_run(request: PracticeRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(ClaimBuildRun, request.user, request.practice, pk=run_id)
    claims = list(
        Claim.objects.for_user(request.user, request.practice)
        .filter(pk__in=run.built)
        .select_related("patient", "payer", "visit")
    )
    held_visits = {
        v.pk: v
        for v in Visit.objects.for_user(request.user, request.practice)
        .filter(pk__in=[int(k) for k in run.held])
        .select_related("patient")
    }
    held = [(held_visits.get(int(k)), why) for k, why in run.held.items()]
    audit.record_list(
        [c.patient for c in claims] + [v.patient for v in held_visits.values()], request.user
    )
    return render(
        request, "claims_out/build_run.html", {"run": run, "claims": claims, "held": held}
    )


@requires("create_claims")
def build_run_status(request: PracticeRequest, run_id: int) -> JsonResponse:
    run = get_scoped_or_404(ClaimBuildRun, request.user, request.practice, pk=run_id)
    return JsonResponse(status_of(run))


@requires("create_claims")
@require_POST
def bill_patient(request: PracticeRequest, visit_id: int) -> HttpResponse:
    """A held visit of a patient without insurance, billed to the patient."""
    from medbill.web.billing.self_pay import bill_self_pay

    visit = get_scoped_or_404(Visit, request.user, request.practice, pk=visit_id)
    try:
        entries = bill_self_pay(request.user, visit)
    except ServiceError as exc:
        messages.error(request, f"Visit {visit.pk}: {exc.problem}")
        return redirect("build_claims")
    charged = sum((Money(e.amount) for e in entries if e.kind == "charge"), ZERO)
    discount = -sum((Money(e.amount) for e in entries if e.kind == "adjustment"), ZERO)
    messages.success(
        request,
        f"Visit {visit.pk} billed to {visit.patient}: {charged.format()} charged"
        + (f", less {discount.format()} self-pay discount" if discount else "")
        + "; it goes on the patient's next statement.",
    )
    return redirect("build_claims")

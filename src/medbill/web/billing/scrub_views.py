"""The scrub action of the claim page (the findings show on the page itself), and scrub all:
every draft claim as one run, with its progress and result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medbill.web.billing import scrubbing
from medbill.web.billing.models import Claim, EditWaiver
from medbill.web.billing.remittance_models import ScrubRun
from medbill.web.billing.scrub_runs import start_scrub_run
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.permissions import has_permission, requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.runs import status_of
from medbill.web.practice.tenancy import get_scoped_or_404

SCRUBBABLE = (Claim.Status.DRAFT, Claim.Status.SCRUBBED, Claim.Status.REJECTED)


def findings_context(request: PracticeRequest, claim: Claim) -> dict[str, Any]:
    """What ``billing/claim_findings.html`` needs for ``claim``."""
    result = scrubbing.scrub_claim(request.user, claim)
    return {
        "scrub": result,
        "scrub_warnings": len(result.findings) - len(result.errors),
        # Scrubbing is for claims still to be sent; a sent, paid or denied one is past it.
        "can_scrub": claim.status in SCRUBBABLE
        and has_permission(request.user, claim.practice_id, "create_claims"),
        "can_waive": has_permission(request.user, claim.practice_id, "manage_master_data"),
        "waivers": EditWaiver.objects.filter(
            practice_id=claim.practice_id, payer_id=claim.payer_id, revoked_at__isnull=True
        ),
    }


@requires("create_claims")
def scrub_claim(request: PracticeRequest, claim_id: int) -> HttpResponse:
    claim = get_scoped_or_404(Claim, request.user, request.practice, pk=claim_id)
    if request.method == "POST" and claim.status not in SCRUBBABLE:
        messages.error(
            request, f"This claim is {claim.get_status_display().lower()}: it is past scrubbing."
        )
    elif request.method == "POST":
        result = scrubbing.mark_scrubbed(request.user, claim)
        if result.can_submit:
            messages.success(request, "No errors: the claim is ready to submit.")
        else:
            messages.error(request, f"{len(result.errors)} error(s) to fix before submission.")
    return redirect("show_claim", claim_id=claim.pk)


@requires("manage_master_data")
def waive_edit(request: PracticeRequest, claim_id: int) -> HttpResponse:
    """Waive one edit for the claim's payer (POST ``code`` and ``reason``)."""
    claim = get_scoped_or_404(Claim, request.user, request.practice, pk=claim_id)
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            scrubbing.waive_edit(
                request.user, claim.practice, claim.payer, code, request.POST.get("reason", "")
            )
        except ServiceError as exc:
            messages.error(request, in_words(exc))
        else:
            messages.success(request, f"{code} is waived for {claim.payer.name}.")
    return redirect("show_claim", claim_id=claim.pk)


@require_POST
@requires("create_claims")
def start_scrub_all(request: PracticeRequest) -> HttpResponse:
    try:
        run = start_scrub_run(request.user, request.practice)
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect(f"{reverse('list_claims')}?status=draft")
    return redirect("show_scrub_run", run_id=run.pk)


@requires("create_claims")
def show_scrub_run(request: PracticeRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(ScrubRun, request.user, request.practice, pk=run_id)
    claims = Claim.objects.for_user(request.user, request.practice).select_related("patient")
    by_id = claims.in_bulk([*run.ready, *(c for c, _ in run.with_errors)])
    with_errors = [(by_id[c], why) for c, why in run.with_errors if c in by_id]
    ready = [by_id[c] for c in run.ready if c in by_id]
    audit.record_list([c.patient for c in by_id.values()], request.user)
    return render(
        request, "billing/scrub_run.html", {"run": run, "ready": ready, "with_errors": with_errors}
    )


@requires("create_claims")
def scrub_run_status(request: PracticeRequest, run_id: int) -> JsonResponse:
    run = get_scoped_or_404(ScrubRun, request.user, request.practice, pk=run_id)
    return JsonResponse(status_of(run))

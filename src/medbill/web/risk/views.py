"""Holding a claim out of sending, releasing it, the practice's threshold; the claim page's
risk panel."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from medbill.web.billing.models import Claim
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.permissions import has_permission, requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404
from medbill.web.risk import services
from medbill.web.risk.models import ClaimHold, RiskSettings


def _back(request: PracticeRequest, claim: Claim) -> HttpResponse:
    if request.POST.get("next") == "claim":
        return redirect("show_claim", claim_id=claim.pk)
    return redirect("claims_out_queue")


@require_POST
@requires("submit_claims")
def hold_claim(request: PracticeRequest, claim_id: int) -> HttpResponse:
    claim = get_scoped_or_404(Claim, request.user, request.practice, pk=claim_id)
    prediction = services.predict_claims(request.practice, [claim]).get(claim.pk)
    try:
        services.hold_claim(
            request.user,
            claim,
            request.POST.get("reason", ""),
            prediction.probability if prediction else None,
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        messages.success(
            request, f"Claim {claim.patient_control_number} is held; it will not be sent."
        )
    return _back(request, claim)


@require_POST
@requires("submit_claims")
def release_hold(request: PracticeRequest, hold_id: int) -> HttpResponse:
    hold = get_scoped_or_404(ClaimHold, request.user, request.practice, pk=hold_id)
    try:
        services.release_hold(request.user, hold)
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        messages.success(request, f"Claim {hold.claim.patient_control_number} is released to send.")
    return _back(request, hold.claim)


@require_POST
@requires("manage_master_data")
def set_threshold(request: PracticeRequest) -> HttpResponse:
    text = request.POST.get("threshold", "").strip().rstrip("%")
    try:
        value = Decimal(text) / (100 if Decimal(text) >= 1 else 1)
        if not Decimal("0.01") <= value <= Decimal("0.99"):
            raise InvalidOperation
    except InvalidOperation:
        messages.error(request, "threshold: a chance between 1% and 99%")
    else:
        practice_id = request.practice.pk
        row, _ = RiskSettings.objects.get_or_create(practice_id=practice_id)
        row.threshold = value.quantize(Decimal("0.01"))
        row.save()
        messages.success(request, f"Claims at or above {row.threshold:.0%} are flagged.")
    return redirect("claims_out_queue")


def risk_context(
    request: PracticeRequest, claim: Claim, warnings: tuple[str, ...] = ()
) -> dict[str, Any]:
    """What ``risk/claim_risk.html`` shows on the claim page."""
    practice = request.practice
    prediction = services.predict_claims(practice, [claim], {claim.pk: warnings}).get(claim.pk)
    threshold = services.threshold_of(practice)
    return {
        "risk": prediction,
        "risk_percent": round(prediction.probability * 100) if prediction else None,
        "risk_threshold_percent": round(threshold * 100),
        "risk_flagged": bool(prediction and prediction.probability >= threshold),
        "risk_hold": ClaimHold.objects.filter(claim=claim, released_at__isnull=True).first(),
        "risk_can_hold": claim.status == Claim.Status.SCRUBBED
        and has_permission(request.user, claim.practice_id, "submit_claims"),
    }

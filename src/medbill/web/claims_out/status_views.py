"""Check claim status from the claim page, or for every claim without an answer after N days."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from medbill.core.roles import can
from medbill.web.billing.models import Claim
from medbill.web.claims_out.claim_status import (
    StatusOutcome,
    check_claim_status,
    claims_without_answer,
    status_history,
)
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404

DEFAULT_DAYS = 30
MAX_BATCH = 500
MAX_DAYS = 3650  # the form's limit


def _say(request: PracticeRequest, outcome: StatusOutcome) -> None:
    if outcome.error:
        messages.error(request, f"Claim {outcome.claim_number}: {outcome.error}.")
    elif outcome.moved:
        messages.success(
            request, f"Claim {outcome.claim_number}: {outcome.words} (now {outcome.after})."
        )
    else:
        messages.info(request, f"Claim {outcome.claim_number}: {outcome.words}.")


@require_POST
@requires("check_claim_status")
def check_status(request: PracticeRequest, claim_id: int) -> HttpResponse:
    claim = get_scoped_or_404(Claim, request.user, request.practice, pk=claim_id)
    for outcome in check_claim_status(request.user, request.practice, [claim]):
        _say(request, outcome)
    return redirect("show_claim", claim_id=claim.pk)


@require_POST
@requires("check_claim_status")
def check_status_batch(request: PracticeRequest) -> HttpResponse:
    text = request.POST.get("days", "").strip()
    try:
        days = int(text) if text else DEFAULT_DAYS
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_DAYS:
        messages.error(
            request,
            f"Days waiting: enter a whole number of days from 0 to {MAX_DAYS} "
            f"(not “{text}”); no payer was asked.",
        )
        return redirect("claims_out_queue")
    claims = list(claims_without_answer(request.practice, days)[:MAX_BATCH])
    if not claims:
        messages.info(request, f"No claim has waited more than {days} days for an answer.")
        return redirect("claims_out_queue")
    outcomes = check_claim_status(request.user, request.practice, claims)
    moved = sum(o.moved for o in outcomes)
    failed = [o for o in outcomes if o.error]
    messages.success(
        request,
        f"Asked about {len(outcomes)} claim(s) waiting more than {days} "
        f"days: {moved} moved, {len(outcomes) - moved - len(failed)} "
        f"unchanged, {len(failed)} not answered.",
    )
    for outcome in failed[:10]:
        _say(request, outcome)
    return redirect("claims_out_queue")


def history_context(request: PracticeRequest, claim: Claim) -> dict[str, object]:
    """What the claim page needs for its status history and the Check status button."""
    return {
        "status_history": status_history(claim),
        "can_check_status": can(getattr(request, "role", None), "check_claim_status")
        and claim.status in ("submitted", "accepted"),
    }

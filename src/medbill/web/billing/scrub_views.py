"""The scrub action of the claim page; the findings show on the page itself."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from medbill.web.billing import scrubbing
from medbill.web.billing.models import Claim
from medbill.web.practice.permissions import has_permission, requires
from medbill.web.practice.tenancy import get_scoped_or_404


def findings_context(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    """What ``billing/claim_findings.html`` needs for ``claim``."""
    result = scrubbing.scrub_claim(request.user, claim)
    return {
        "scrub": result,
        "scrub_warnings": len(result.findings) - len(result.errors),
        "can_scrub": has_permission(request.user, claim.practice_id, "create_claims"),
    }


@requires("create_claims")
def scrub_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_scoped_or_404(Claim, request.user, request.practice, pk=claim_id)
    if request.method == "POST":
        result = scrubbing.mark_scrubbed(request.user, claim)
        if result.can_submit:
            messages.success(request, "No errors: the claim is ready to submit.")
        else:
            messages.error(request, f"{len(result.errors)} error(s) to fix before submission.")
    return redirect("show_claim", claim_id=claim.pk)

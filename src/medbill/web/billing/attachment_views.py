"""The attachments card of the claim page: add and remove (POST, billers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from medbill.web.billing.attachments import EDITABLE, add_attachment, remove_attachment
from medbill.web.billing.models import Claim, ClaimAttachment
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.permissions import has_permission, requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404


def attachments_context(request: PracticeRequest, claim: Claim) -> dict[str, Any]:
    """What ``billing/claim_attachments.html`` needs for ``claim``."""
    return {
        "attachments": claim.attachments.select_related("line").order_by("id"),
        "can_attach": claim.status in EDITABLE
        and has_permission(request.user, claim.practice_id, "create_claims"),
        "report_types": ClaimAttachment.REPORT_TYPES,
        "transmissions": ClaimAttachment.TRANSMISSIONS,
    }


@require_POST
@requires("create_claims")
def add_claim_attachment(request: PracticeRequest, claim_id: int) -> HttpResponse:
    claim = get_scoped_or_404(Claim, request.user, request.practice, pk=claim_id)
    line = request.POST.get("line", "").strip()
    try:
        add_attachment(
            request.user,
            claim,
            request.POST.get("report_type", ""),
            request.POST.get("transmission", ""),
            request.POST.get("control_number", ""),
            int(line) if line.isdigit() else None,
        )
        messages.success(request, "Attachment added.")
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    return redirect("show_claim", claim_id=claim.pk)


@require_POST
@requires("create_claims")
def remove_claim_attachment(
    request: PracticeRequest, claim_id: int, attachment_id: int
) -> HttpResponse:
    attachment = get_scoped_or_404(
        ClaimAttachment, request.user, request.practice, pk=attachment_id, claim_id=claim_id
    )
    try:
        remove_attachment(request.user, attachment)
        messages.success(request, "Attachment removed.")
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    return redirect("show_claim", claim_id=claim_id)

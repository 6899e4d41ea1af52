"""``/api/claims/``: claims, their lines and their claim documents."""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja import Router

from medbill.core.claim import dumps
from medbill.web.api.common import acting_user, get_or_404, page, require_role, scope
from medbill.web.api.schemas import ClaimDetailOut, ClaimOut, ErrorOut
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim
from medbill.web.practice import audit

router = Router(tags=["claims"])

MAX_LIMIT = 200


@router.get("", response=list[ClaimOut])
def list_claims(request: HttpRequest, status: str = "", limit: int = 50, offset: int = 0):
    """Claims of your practices, newest first; ``status`` may list several (comma)."""
    rows = scope(request, Claim, "view_claims").prefetch_related("lines")
    if status:
        rows = rows.filter(status__in=status.split(","))
    found = list(page(rows, limit, offset, MAX_LIMIT))
    audit.record_list(found, acting_user(request), source="api")
    return found


@router.get("/{claim_id}", response={200: ClaimDetailOut, 403: ErrorOut, 404: ErrorOut})
def get_claim(request: HttpRequest, claim_id: int):
    """One claim with its lines."""
    claim = get_or_404(request, Claim, pk=claim_id)
    require_role(request, claim, "view_claims")
    audit.record_view(claim, acting_user(request), source="api")
    return claim


@router.get("/{claim_id}/document", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def get_claim_document(request: HttpRequest, claim_id: int):
    """The claim in medbill's claim JSON format (``docs/schemas/claim.schema.json``)."""
    claim = get_or_404(request, Claim, pk=claim_id)
    require_role(request, claim, "view_claims")
    audit.record_view(claim, acting_user(request), source="api")
    return json.loads(dumps(claim_document(claim)))

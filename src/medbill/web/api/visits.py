"""``/api/visits/``: visits and their codes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from medbill.web.api.common import RowId, acting_user, get_or_404, page, require_role, scope
from medbill.web.api.schemas import ErrorOut, VisitCodesIn, VisitDetailOut, VisitOut
from medbill.web.coding.services import set_visit_codes
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import audit

router = Router(tags=["visits"])

MAX_LIMIT = 200


@router.get("", response=list[VisitOut])
def list_visits(
    request: HttpRequest,
    status: str = "",
    patient_id: RowId | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Visits of your practices, newest first; filter by ``status`` or ``patient_id``."""
    rows = scope(request, Visit, "view_patients")
    if status:
        rows = rows.filter(status__in=status.split(","))
    if patient_id is not None:
        rows = rows.filter(patient_id=patient_id)
    found = list(page(rows, limit, offset, MAX_LIMIT))
    audit.record_list(found, acting_user(request), source="api")
    return found


@router.get("/{visit_id}", response={200: VisitDetailOut, 403: ErrorOut, 404: ErrorOut})
def get_visit(request: HttpRequest, visit_id: int):
    """One visit with its diagnoses and service lines. Recorded in the audit trail."""
    visit = get_or_404(request, Visit, pk=visit_id)
    require_role(request, visit, "view_patients")
    audit.record_view(visit, acting_user(request), source="api")
    return visit


@router.put(
    "/{visit_id}/codes", response={200: VisitDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def put_visit_codes(request: HttpRequest, visit_id: int, payload: VisitCodesIn):
    """Replace the visit's diagnoses and service lines (role: may change codes)."""
    visit = get_or_404(request, Visit, pk=visit_id)
    require_role(request, visit, "change_codes")
    lines = [line.dict() for line in payload.lines]
    set_visit_codes(acting_user(request), visit, payload.diagnoses, lines)
    return Visit.objects.get(pk=visit.pk)

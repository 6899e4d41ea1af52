"""``/api/coding/``: the coding queue, suggestions, saving codes, finishing, second review
and provider queries. Same tenancy and roles as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from medbill.web.api._status import Status
from medbill.web.api.common import RowId, acting_user, get_or_404, page, require_role, scope
from medbill.web.api.schemas import ErrorOut
from medbill.web.coding import review as reviewing
from medbill.web.coding import workspace
from medbill.web.coding.models import CodingReview, ProviderQuery
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError

router = Router(tags=["coding"])

MAX_LIMIT = 200


class QueueVisitOut(Schema):
    id: int
    practice_id: int
    patient_id: int
    provider_id: int
    scheduled_at: dt.datetime
    status: str
    state: str
    reason: str


class CodeIn(Schema):
    code: str
    suggested: str = ""


class LineIn(Schema):
    code: str
    modifiers: list[str] = []
    units: str = "1"
    dx_pointers: list[int] = []
    charge: str | None = None
    suggested: str = ""


class SaveCodesIn(Schema):
    diagnoses: list[CodeIn]
    lines: list[LineIn]
    rejected: list[str] = []


class CodesOut(Schema):
    diagnoses: list[str]
    lines: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    can_submit: bool


class FinishOut(Schema):
    status: str
    review_id: int | None
    reasons: list[str]


class ReviewOut(Schema):
    id: int
    visit_id: int
    coder_id: int | None
    reasons: list[str]
    status: str
    reviewer_id: int | None
    reason: str
    codes_before: dict[str, Any]
    codes_after: dict[str, Any]
    created_at: dt.datetime
    decided_at: dt.datetime | None


class ReviewDecisionIn(Schema):
    agree: bool
    reason: str = ""
    diagnoses: list[str] | None = None
    lines: list[LineIn] | None = None


class QueryIn(Schema):
    question: str
    topic: str = "other"


class AnswerIn(Schema):
    answer: str


class QueryOut(Schema):
    id: int
    visit_id: int
    topic: str
    question: str
    asked_by_id: int | None
    asked_at: dt.datetime
    answer: str
    answered_by_id: int | None
    answered_at: dt.datetime | None


def _visit(request: HttpRequest, visit_id: int, action: str) -> Visit:
    visit = get_or_404(request, Visit.objects.select_related("patient"), pk=visit_id)
    require_role(request, visit, action)
    return visit


@router.get("/queue", response=list[QueueVisitOut])
def coding_queue(
    request: HttpRequest,
    provider_id: RowId | None = None,
    payer_id: RowId | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Visits waiting for a coder (checked out or in coding), oldest first."""
    rows = scope(request, Visit, "change_codes").filter(status__in=workspace.QUEUE_STATUSES)
    if provider_id:
        rows = rows.filter(provider_id=provider_id)
    if payer_id:
        rows = rows.filter(
            patient__coverages__payer_id=payer_id, patient__coverages__order="primary"
        ).distinct()
    rows = rows.select_related("coding_work").order_by("scheduled_at", "id")
    found = list(page(rows, limit, offset, MAX_LIMIT))
    audit.record_list(found, acting_user(request), source="api")
    out = []
    for v in found:
        work = getattr(v, "coding_work", None)
        out.append(
            {
                "id": v.pk,
                "practice_id": v.practice_id,
                "patient_id": v.patient_id,
                "provider_id": v.provider_id,
                "scheduled_at": v.scheduled_at,
                "status": v.status,
                "state": work.state if work else "",
                "reason": v.reason,
            }
        )
    return out


@router.get(
    "/visits/{visit_id}/suggestions", response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut}
)
def visit_suggestions(request: HttpRequest, visit_id: int):
    """The engine's diagnoses, services and E/M level for the visit's note, with evidence
    offsets into ``note``."""
    visit = _visit(request, visit_id, "change_codes")
    audit.record_view(visit, acting_user(request), source="api")
    return workspace.suggestions_for(acting_user(request), visit)


@router.put(
    "/visits/{visit_id}/codes",
    response={200: CodesOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def save_codes(request: HttpRequest, visit_id: int, payload: SaveCodesIn):
    """Save the codes; each is recorded as accepted from a suggestion, changed from one, or
    added by hand (``suggested`` names the suggestion an edited code came from)."""
    visit = _visit(request, visit_id, "change_codes")
    user = acting_user(request)
    workspace.save_codes(
        user,
        visit,
        [d.dict() for d in payload.diagnoses],
        [line.dict() for line in payload.lines],
        payload.rejected,
    )
    return {**reviewing.codes_of(visit), **workspace.scrub_draft(user, visit)}


@router.post(
    "/visits/{visit_id}/finish",
    response={200: FinishOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def finish(request: HttpRequest, visit_id: int):
    """Send the visit to billing (``coded``) or, when picked, to second review."""
    visit = _visit(request, visit_id, "change_codes")
    review = reviewing.finish_coding(acting_user(request), visit)
    return {
        "status": visit.status,
        "review_id": review.pk if review else None,
        "reasons": review.reasons if review else [],
    }


@router.get("/reviews", response=list[ReviewOut])
def list_reviews(request: HttpRequest, status: str = "open", limit: int = 50, offset: int = 0):
    """Second reviews of your practices (``status``: open, agreed, changed or all)."""
    rows = scope(request, CodingReview, "review_codes")
    if status != "all":
        rows = rows.filter(status=status)
    found = list(page(rows.order_by("created_at", "id"), limit, offset, MAX_LIMIT))
    audit.record_list(found, acting_user(request), source="api")
    return found


@router.post(
    "/reviews/{review_id}",
    response={200: ReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def decide_review(request: HttpRequest, review_id: int, payload: ReviewDecisionIn):
    """Agree with the coder, or change the codes with a reason (not for your own coding)."""
    review = get_or_404(request, CodingReview, pk=review_id)
    require_role(request, review, "review_codes")
    lines = [line.dict() for line in payload.lines] if payload.lines is not None else None
    return reviewing.decide_review(
        acting_user(request), review, payload.agree, payload.reason, payload.diagnoses, lines
    )


@router.get("/visits/{visit_id}/queries", response={200: list[QueryOut], 404: ErrorOut})
def list_queries(request: HttpRequest, visit_id: int):
    """The documentation questions asked about a visit and their answers."""
    visit = _visit(request, visit_id, "view_notes")
    audit.record_view(visit, acting_user(request), source="api provider queries")
    return ProviderQuery.objects.filter(visit=visit)


@router.post(
    "/visits/{visit_id}/queries",
    response={201: QueryOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def ask_query(request: HttpRequest, visit_id: int, payload: QueryIn):
    """Ask the provider a question; the visit cannot be finished until it is answered."""
    visit = _visit(request, visit_id, "change_codes")
    query = workspace.ask_query(acting_user(request), visit, payload.question, payload.topic)
    return Status(201, query)


@router.post(
    "/queries/{query_id}/answer",
    response={200: QueryOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def answer_query(request: HttpRequest, query_id: int, payload: AnswerIn):
    """Record the provider's answer; the visit goes back to its coder."""
    query = get_or_404(request, ProviderQuery, pk=query_id)
    require_role(request, query, "edit_notes")
    return workspace.answer_query(acting_user(request), query, payload.answer)


class AccuracyOut(Schema):
    coder: str
    reviewed: int
    agreed: int
    rate: float


class LevelOut(Schema):
    code: str
    count: int
    share: float
    practice_share: float
    outlier: bool
    why: str


class ProviderLevelsOut(Schema):
    provider: str
    total: int
    flagged: bool
    levels: list[LevelOut]


class EmReportOut(Schema):
    practice: dict[str, float]
    providers: list[ProviderLevelsOut]


def _one_practice(request: HttpRequest, action: str) -> int:
    """The practice a report is about: ``?practice=``, or the user's only one with the role.
    Another tenant's practice is a 404, one where the role may not see the report a 403."""
    from medbill.web.practice.tenancy import practice_ids_for

    user = acting_user(request)
    member = {r["practice_id"] for r in practice_ids_for(user)}
    allowed = sorted(r["practice_id"] for r in practice_ids_for(user, None, action))
    wanted = request.GET.get("practice", "")
    if wanted:
        if not wanted.isdigit() or int(wanted) not in member:
            raise Http404
        if int(wanted) not in allowed:
            raise PermissionDenied("your role may not see this report")
        return int(wanted)
    if not allowed:
        raise PermissionDenied("your role may not see this report")
    if len(allowed) > 1:
        raise ServiceError("practice", "name one of your practices with ?practice=<id>")
    return allowed[0]


@router.get(
    "/accuracy", response={200: list[AccuracyOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def coder_accuracy(request: HttpRequest, practice: int | None = None):
    """Each coder's agreement rate over decided second reviews of one practice."""
    pk = _one_practice(request, "review_codes")
    rows = reviewing.coder_accuracy(acting_user(request), pk)
    return [
        {"coder": r.coder, "reviewed": r.reviewed, "agreed": r.agreed, "rate": round(r.rate, 1)}
        for r in rows
    ]


@router.get("/em-levels", response={200: EmReportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def em_levels(
    request: HttpRequest,
    practice: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """Office E/M level shares (99211–99215) per provider against the practice's, with the
    levels that stand out flagged for compliance review."""
    pk = _one_practice(request, "view_reports")
    shares, providers = reviewing.em_report(acting_user(request), pk, since, until)
    return {
        "practice": {k: round(v, 1) for k, v in shares.items()},
        "providers": [
            {
                "provider": p.provider,
                "total": p.total,
                "flagged": p.flagged,
                "levels": [
                    {
                        "code": lv.code,
                        "count": lv.count,
                        "share": round(lv.share, 1),
                        "practice_share": round(lv.practice_share, 1),
                        "outlier": lv.outlier,
                        "why": lv.why,
                    }
                    for lv in p.levels
                ],
            }
            for p in providers
        ],
    }

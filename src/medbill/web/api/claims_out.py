"""``/api/claims-out/``: the biller's claim queue, claim building, 837P submissions and
999/277CA acknowledgements, and the queue of rejected claims."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from medbill.web.api.common import (
    acting_user,
    get_or_404,
    practice_or_404,
    require_role,
    scope,
)
from medbill.web.api.schemas import ErrorOut
from medbill.web.billing.models import Claim
from medbill.web.claims_out.acks import import_acknowledgement, resolve_work_item
from medbill.web.claims_out.claim_status import check_claim_status
from medbill.web.claims_out.models import AckImport, ClaimEvent, ClaimWorkItem, Submission
from medbill.web.claims_out.services import (
    build_claims,
    correct_claim,
    record_file_download,
    submit_claims,
)
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError

router = Router(tags=["claims out"])

MAX_LIMIT = 200


class QueueOut(Schema):
    practice: int
    counts: dict[str, int]
    open_rejections: int


class WorkItemOut(Schema):
    id: int
    claim: int
    patient_control_number: str
    source: str
    reason: str
    codes: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None
    resolution: str


class SubmissionOut(Schema):
    id: int
    connection: str
    file_name: str
    sha256: str
    interchange_control: int
    group_control: int
    claim_count: int
    total_charge: str
    status: str
    destination: str
    attempts: int
    error: str
    created_at: datetime.datetime
    claims: list[str]


class AckOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    interchange_control: str
    imported_at: datetime.datetime
    summary: dict[str, Any]
    duplicate: bool = False


class EventOut(Schema):
    from_status: str
    to_status: str
    reason: str
    source: str
    source_ref: str
    created_at: datetime.datetime


class BuildIn(Schema):
    practice: int
    visit_ids: list[int] | None = None


class BuildOut(Schema):
    created: list[str]
    skipped: dict[str, str]


class HeldOut(Schema):
    patient_control_number: str
    field: str
    reason: str


class SubmitOut(Schema):
    submissions: list[SubmissionOut]
    held: list[HeldOut]


class SubmitIn(Schema):
    practice: int
    connection: str
    claim_ids: list[int]


class AckIn(Schema):
    practice: int
    file_name: str
    content: str


class ResolveIn(Schema):
    resolution: str = ""


class CorrectIn(Schema):
    frequency: str
    reason: str = ""


class CorrectOut(Schema):
    id: int
    patient_control_number: str
    frequency_code: str
    original_claim_ref: str
    status: str


def _item(row: ClaimWorkItem) -> dict[str, Any]:
    return {
        "id": row.pk,
        "claim": row.claim_id,
        "patient_control_number": row.claim.patient_control_number,
        "source": row.source,
        "reason": row.reason,
        "codes": row.codes,
        "created_at": row.created_at,
        "resolved_at": row.resolved_at,
        "resolution": row.resolution,
    }


def _submission(row: Submission) -> dict[str, Any]:
    return {
        "id": row.pk,
        "connection": row.connection,
        "file_name": row.file_name,
        "sha256": row.sha256,
        "interchange_control": row.interchange_control,
        "group_control": row.group_control,
        "claim_count": row.claim_count,
        "total_charge": str(row.total_charge),
        "status": row.status,
        "destination": row.destination,
        "attempts": row.attempts,
        "error": row.error,
        "created_at": row.created_at,
        "claims": [c.patient_control_number for c in row.claims.all()],
    }


@router.get("/queue", response={200: QueueOut, 403: ErrorOut, 404: ErrorOut})
def claim_queue(request: HttpRequest, practice: int):
    """How many claims are in each status, and how many rejections wait for the biller."""
    where = practice_or_404(request, practice)
    require_role(request, where, "view_claims")
    counts = {s: 0 for s, _ in Claim.Status.choices}
    for status in Claim.objects.for_practice(where).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    open_items = ClaimWorkItem.objects.for_practice(where).filter(resolved_at=None).count()
    return {"practice": where.pk, "counts": counts, "open_rejections": open_items}


@router.get("/rejections", response=list[WorkItemOut])
def list_rejections(request: HttpRequest, resolved: bool = False, limit: int = 50):
    """Rejected claims waiting for the biller (``resolved=true``: the ones already handled)."""
    rows = scope(request, ClaimWorkItem).select_related("claim")
    rows = rows.exclude(resolved_at=None) if resolved else rows.filter(resolved_at=None)
    found = list(rows[: max(1, min(limit, MAX_LIMIT))])
    audit.record_list(found, acting_user(request), source="api")
    return [_item(r) for r in found]


@router.post(
    "/rejections/{item_id}/resolve",
    response={200: WorkItemOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def resolve_rejection(request: HttpRequest, item_id: int, payload: ResolveIn):
    """Mark a rejection handled; the claim goes back to draft to be fixed and resent."""
    item = get_or_404(request, ClaimWorkItem, pk=item_id)
    item = resolve_work_item(acting_user(request), item, payload.resolution)
    return _item(ClaimWorkItem.objects.select_related("claim").get(pk=item.pk))


@router.post("/build", response={200: BuildOut, 403: ErrorOut, 404: ErrorOut})
def build(request: HttpRequest, payload: BuildIn):
    """Draft claims from coded visits (all of them, or ``visit_ids``)."""
    where = practice_or_404(request, payload.practice)
    result = build_claims(acting_user(request), where, payload.visit_ids)
    return {
        "created": [c.patient_control_number for c in result.created],
        "skipped": {str(k): v for k, v in result.skipped.items()},
    }


@router.post("/submissions", response={200: SubmitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def submit(request: HttpRequest, payload: SubmitIn):
    """Send scrubbed claims to a clearinghouse connection: one record per file, and the
    claims held out of the files with the field at fault and why (the others are sent)."""
    where = practice_or_404(request, payload.practice)
    claims = list(Claim.objects.for_practice(where).filter(pk__in=payload.claim_ids))
    if len(claims) != len(set(payload.claim_ids)):
        raise ServiceError("claim_ids", "a claim does not exist in this practice")
    subs = submit_claims(acting_user(request), where, claims, payload.connection)
    return {
        "submissions": [_submission(Submission.objects.get(pk=s.pk)) for s in subs],
        "held": [
            {"patient_control_number": h.claim_id, "field": h.field or "", "reason": h.reason}
            for h in subs.held
        ],
    }


@router.get("/submissions", response=list[SubmissionOut])
def list_submissions(request: HttpRequest, limit: int = 50):
    """Files sent, newest first."""
    rows = scope(request, Submission).prefetch_related("claims")
    found = list(rows[: max(1, min(limit, MAX_LIMIT))])
    audit.record_list(found, acting_user(request), source="api")
    return [_submission(r) for r in found]


@router.get("/submissions/{submission_id}/file", response={200: None, 403: ErrorOut, 404: ErrorOut})
def submission_file(request: HttpRequest, submission_id: int):
    """The 837P file exactly as it was sent."""
    row = get_or_404(request, Submission, pk=submission_id)
    require_role(request, row, "view_claims")
    record_file_download(acting_user(request), row, source="api 837p download")
    response = HttpResponse(row.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{row.file_name}"'
    return response


@router.post("/acks", response={200: AckOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def import_ack(request: HttpRequest, payload: AckIn):
    """Import a 999 or 277CA (its text); a file sent twice changes nothing the second time."""
    where = practice_or_404(request, payload.practice)
    result = import_acknowledgement(
        acting_user(request), where, payload.content.encode("utf-8"), payload.file_name
    )
    a = result.ack
    return {
        "id": a.pk,
        "kind": a.kind,
        "file_name": a.file_name,
        "sha256": a.sha256,
        "interchange_control": a.interchange_control,
        "imported_at": a.imported_at,
        "summary": a.summary,
        "duplicate": result.duplicate,
    }


@router.get("/acks", response=list[AckOut])
def list_acks(request: HttpRequest, limit: int = 50):
    """Acknowledgements imported, newest first."""
    rows = scope(request, AckImport)[: max(1, min(limit, MAX_LIMIT))]
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "file_name": a.file_name,
            "sha256": a.sha256,
            "interchange_control": a.interchange_control,
            "imported_at": a.imported_at,
            "summary": a.summary,
        }
        for a in rows
    ]


@router.get(
    "/claims/{claim_id}/events", response={200: list[EventOut], 403: ErrorOut, 404: ErrorOut}
)
def claim_events(request: HttpRequest, claim_id: int):
    """A claim's lifecycle: every status change, why, and where it came from."""
    claim = get_or_404(request, Claim, pk=claim_id)
    require_role(request, claim, "view_claims")
    audit.record_view(claim, acting_user(request), source="api claim events")
    return list(ClaimEvent.objects.filter(claim=claim))


class StatusOut(Schema):
    claim: int
    patient_control_number: str
    answered: bool
    words: str
    category: str
    code: str
    before: str
    after: str
    error: str


@router.post("/claims/{claim_id}/status", response={200: StatusOut, 403: ErrorOut, 404: ErrorOut})
def check_status(request: HttpRequest, claim_id: int):
    """Ask the claim's payer where it stands (276/277) and apply the answer."""
    claim = get_or_404(request, Claim, pk=claim_id)
    require_role(request, claim, "check_claim_status")
    (o,) = check_claim_status(acting_user(request), claim.practice_id, [claim])
    return {
        "claim": o.claim_id,
        "patient_control_number": o.claim_number,
        "answered": not o.error,
        "words": o.words,
        "category": o.category,
        "code": o.code,
        "before": o.before,
        "after": o.after or o.before,
        "error": o.error,
    }


@router.post(
    "/claims/{claim_id}/correct",
    response={200: CorrectOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def correct(request: HttpRequest, claim_id: int, payload: CorrectIn):
    """A replacement (frequency 7) or void (8) of a claim the payer holds, as a new draft."""
    claim = get_or_404(request, Claim, pk=claim_id)
    new = correct_claim(acting_user(request), claim, payload.frequency, payload.reason)
    return {
        "id": new.pk,
        "patient_control_number": new.patient_control_number,
        "frequency_code": new.frequency_code,
        "original_claim_ref": new.original_claim_ref,
        "status": new.status,
    }

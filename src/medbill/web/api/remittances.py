"""``/api/remittances/``: import and review 835s, the denial queue, and A/R reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from medbill.web.api.common import (
    acting_user,
    get_or_404,
    practice_or_404,
    require_role,
    scope,
)
from medbill.web.api.schemas import ErrorOut
from medbill.web.billing import reports
from medbill.web.billing.era import import_era
from medbill.web.billing.remittance_models import DenialItem, Remittance
from medbill.web.practice import audit

router = Router(tags=["remittances"])


class RemittanceOut(Schema):
    id: int
    payer_name: str
    payer_identifier: str
    trace_number: str
    total_paid: str
    payment_date: datetime.date | None
    status: str
    held_reasons: list[str]


class ClaimPaymentOut(Schema):
    claim_identifier: str
    claim_id: int | None
    status_code: str
    charge: str
    paid: str
    patient_responsibility: str | None
    outcome: str
    matched_by: str
    position: int


class RemittanceDetailOut(RemittanceOut):
    claims: list[ClaimPaymentOut]
    warnings: list[str]


class SetOut(Schema):
    trace_number: str
    payer: str
    total_paid: str
    status: str
    reasons: list[str]
    posted: list[str]
    denied: list[str]
    unmatched: list[str]
    secondary: list[str]
    deposit: str = Field("", description="the bank deposit paired with it on import")


class ImportOut(Schema):
    name: str
    sha256: str
    already_imported: bool
    sets: list[SetOut]


class DenialOut(Schema):
    id: int
    claim_id: int
    line: int | None
    payer: str
    amount: str
    reasons: list[list[str]]
    reason_words: list[str]
    remark_words: list[str]
    action: str
    status: str


class TableOut(Schema):
    title: str
    header: list[str]
    rows: list[list[str]]


def _rem(r: Remittance) -> dict[str, Any]:
    return {
        "id": r.pk,
        "payer_name": r.payer_name,
        "payer_identifier": r.payer_identifier,
        "trace_number": r.trace_number,
        "total_paid": str(r.total_paid),
        "payment_date": r.payment_date,
        "status": r.status,
        "held_reasons": list(r.held_reasons),
    }


@router.get("/", response=list[RemittanceOut])
def list_remittances(request: HttpRequest):
    """Imported 835 sets, newest first (role: may see claims)."""
    rows = scope(request, Remittance, "view_claims").order_by("-posted_at", "-id")[:200]
    return [_rem(r) for r in rows]


@router.get("/denials", response=list[DenialOut])
def list_denials(request: HttpRequest, status: str = "open"):
    """The denial queue: CARC/RARC in words and the suggested next action."""
    found = scope(request, DenialItem, "view_claims").select_related("payer", "claim_line", "claim")
    if status:
        found = found.filter(status=status)
    rows = list(found.order_by("-created_at", "-id")[:500])
    audit.record_list(rows, acting_user(request), source="api")
    return [
        {
            "id": d.pk,
            "claim_id": d.claim_id,
            "line": d.claim_line.line_number if d.claim_line else None,
            "payer": d.payer.name if d.payer else "",
            "amount": str(d.amount),
            "reasons": d.reasons,
            "reason_words": d.reason_words,
            "remark_words": d.remark_words,
            "action": d.action,
            "status": d.status,
        }
        for d in rows
    ]


@router.get(
    "/reports/{name}", response={200: TableOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def get_report(
    request: HttpRequest,
    name: str,
    practice: int,
    by: str = "payer",
    as_of: datetime.date | None = None,
):
    """``ar-aging`` (by payer or patient), ``denials`` or ``kpis`` for one practice; with
    ``as_of``, the aging and the key numbers as the books stood at the end of that day."""
    where = practice_or_404(request, practice)
    require_role(request, where, "view_reports")
    if name == "ar-aging":
        if by not in ("payer", "patient"):
            raise HttpError(422, "by: expected payer or patient")
        table = reports.ar_aging(where, by, as_of)
    elif name == "denials":
        table = reports.denials(where)
    elif name == "kpis":
        table = reports.kpis(where, as_of)
    else:
        raise HttpError(404, f"no report named {name!r}")
    if name == "ar-aging" and by == "patient":  # names and balances of patients
        audit.record(
            where,
            "export",
            user=acting_user(request),
            source="api report",
            detail={"report": f"{name} by {by}", "rows": len(table.rows) - 1},
        )
    return {"title": table.title, "header": table.header, "rows": table.rows}


@router.get(
    "/{int:remittance_id}", response={200: RemittanceDetailOut, 403: ErrorOut, 404: ErrorOut}
)
def get_remittance(request: HttpRequest, remittance_id: int):
    """One 835 set with its claim payments and what became of each."""
    rem = get_or_404(request, Remittance, pk=remittance_id)
    require_role(request, rem, "view_claims")
    claims = list(rem.claims.select_related("claim"))
    audit.record(
        rem,
        "view",
        user=acting_user(request),
        source="api",
        patients=[c.claim.patient_id for c in claims if c.claim is not None],
        detail={"claim_ids": [c.claim_id for c in claims if c.claim_id]},
    )
    out = _rem(rem)
    out["warnings"] = list(rem.warnings)
    out["claims"] = [
        {
            "claim_identifier": c.claim_identifier,
            "claim_id": c.claim_id,
            "status_code": c.status_code,
            "charge": str(c.charge),
            "paid": str(c.paid),
            "patient_responsibility": None
            if c.patient_responsibility is None
            else str(c.patient_responsibility),
            "outcome": c.outcome,
            "matched_by": c.matched_by,
            "position": c.position,
        }
        for c in claims
    ]
    return out


@router.post("/import", response={200: ImportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def import_remittance(
    request: HttpRequest,
    practice: Form[int],
    file: File[UploadedFile],
    post: Form[bool] = True,
    same_payment: Form[bool] = False,
):
    """Import an 835 (multipart ``file``) for a practice; ``post=false`` only previews."""
    where = practice_or_404(request, practice)
    result = import_era(
        acting_user(request),
        where,
        file.read(),
        file.name or "upload.835",
        post=post,
        same_payment=same_payment,
    )
    return {
        "name": result.name,
        "sha256": result.sha256,
        "already_imported": result.already_imported,
        "sets": [
            {
                "trace_number": s.trace_number,
                "payer": s.payer,
                "total_paid": str(s.total_paid),
                "status": s.status,
                "reasons": s.reasons,
                "posted": [c for c, _, _ in s.posted],
                "denied": [c for c, _ in s.denied],
                "unmatched": [c for c, _ in s.unmatched],
                "secondary": [c for c, _ in s.secondary],
                "deposit": s.deposit,
            }
            for s in result.sets
        ],
    }

"""``/api/scrub/``: the claim edits over claim JSON and over stored claims, and the registry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from medbill.core.claim import ClaimFormatError, loads
from medbill.core.scrubber import REGISTRY, Policy, Scrubber
from medbill.web.api._status import Status
from medbill.web.api.common import acting_user, get_or_404, require_role, scope
from medbill.web.api.schemas import ErrorOut
from medbill.web.billing import scrubbing
from medbill.web.billing.models import Claim, EditWaiver
from medbill.web.practice import audit
from medbill.web.practice.models import Payer, Practice
from medbill.web.practice.tenancy import role_in

router = Router(tags=["scrub"])


class FindingOut(Schema):
    code: str
    kind: str
    severity: str
    line: int | None
    message: str
    citation: str
    fix: dict[str, Any] | None


class ScrubOut(Schema):
    claim_id: str
    can_submit: bool
    findings: list[FindingOut]


class EditOut(Schema):
    code: str
    slug: str
    kind: str
    severity: str
    family: str
    default: bool
    citation: str
    mechanical_fix: str


class WaiverIn(Schema):
    practice: int
    payer: int
    code: str
    reason: str


class WaiverOut(Schema):
    id: int
    practice_id: int
    payer_id: int
    code: str
    reason: str
    waived_by: str | None
    waived_at: Any
    revoked_at: Any

    @staticmethod
    def resolve_waived_by(obj: Any) -> str | None:
        return obj.waived_by.get_username() if obj.waived_by else None


def _out(result: Any) -> dict[str, Any]:
    return result.to_dict()


@router.get("/edits", response=list[EditOut])
def list_edits(request: HttpRequest, select: str = ""):
    """Every registered edit (``select`` keeps codes with that prefix)."""
    return [
        {
            "code": e.code,
            "slug": e.slug,
            "kind": e.kind,
            "severity": e.severity,
            "family": e.family,
            "default": e.default,
            "citation": e.citation,
            "mechanical_fix": e.mechanical_fix,
        }
        for e in REGISTRY
        if e.code.startswith(select.upper())
    ]


@router.post("", response={200: list[ScrubOut], 422: ErrorOut})
def scrub_json(request: HttpRequest, select: str = "", ignore: str = "", extend: str = ""):
    """Scrub claim JSON sent as the body: one claim or a list, in the claim file format.

    ``select``, ``ignore`` and ``extend`` take comma-separated edit code prefixes.
    """
    try:
        claims = loads(request.body)
    except ClaimFormatError as exc:
        raise HttpError(422, str(exc)) from None

    def prefixes(text: str) -> tuple[str, ...]:
        return tuple(p.strip().upper() for p in text.split(",") if p.strip())

    policy = Policy(
        select=prefixes(select) or ("",), ignore=prefixes(ignore), extend=prefixes(extend)
    )
    scrubber = Scrubber(scrubbing._base_refs(), default=policy)
    return [_out(scrubber.scrub(c)) for c in claims]


@router.get("/claims/{claim_id}", response={200: ScrubOut, 403: ErrorOut, 404: ErrorOut})
def scrub_stored_claim(request: HttpRequest, claim_id: int):
    """Scrub a stored claim with its practice's waivers for the payer."""
    claim = get_or_404(request, Claim, pk=claim_id)
    require_role(request, claim, "view_claims")
    audit.record_view(claim, acting_user(request), source="api scrub")
    return _out(scrubbing.scrub_claim(acting_user(request), claim))


@router.get("/waivers", response=list[WaiverOut])
def list_waivers(request: HttpRequest, include_revoked: bool = False):
    """Edits your practices waived for a payer, with the reason and who waived them."""
    rows = scope(request, EditWaiver).select_related("waived_by")
    if not include_revoked:
        rows = rows.filter(revoked_at__isnull=True)
    return rows.order_by("code", "id")


@router.post("/waivers", response={201: WaiverOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def create_waiver(request: HttpRequest, payload: WaiverIn):
    """Waive an edit for one payer of a practice; the reason is required and audited."""
    user = acting_user(request)
    practice = Practice.objects.filter(pk=payload.practice).first()
    if practice is None or role_in(user, practice) is None:
        raise HttpError(404, "not found")  # another tenant's practice looks like none
    payer = Payer.objects.for_user(user, practice).filter(pk=payload.payer).first()
    if payer is None:
        raise HttpError(404, "not found")
    waiver = scrubbing.waive_edit(user, practice, payer, payload.code, payload.reason)
    return Status(201, waiver)


@router.post("/waivers/{waiver_id}/revoke", response={200: WaiverOut, 403: ErrorOut, 404: ErrorOut})
def revoke_waiver(request: HttpRequest, waiver_id: int):
    """End a waiver (the row stays, with who revoked it and when)."""
    waiver = get_or_404(request, EditWaiver, pk=waiver_id)
    return scrubbing.revoke_waiver(acting_user(request), waiver)


__all__ = ["router"]

"""Importing 999 and 277CA acknowledgements: claims move on, rejections join the work queue.

An import is atomic (all of the file or nothing) and idempotent: the same file, or
another file with the same partner control numbers, is recognised and nothing
changes twice.

* 999: a rejected transaction set rejects every claim in it that is still
  submitted, with the errors the 999 names (segment, element, claim) in words.
* 277CA: each claim is accepted (with the payer's claim control number) or
  rejected with the status category and code in words. A file rejected at the
  receiver level rejects every claim of the 837P it answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from medbill.core.x12 import X12ParseError, iter_segments, locate_claims, read_277ca, read_999
from medbill.core.x12.m277ca import Ack277CA
from medbill.core.x12.m999 import Ack999, SegmentError
from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import (
    AckImport,
    ClaimWorkItem,
    ClearinghouseConnection,
    Submission,
)
from medbill.web.claims_out.services import move_claim, require
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

__all__ = ["AckResult", "import_acknowledgement", "resolve_work_item"]


@dataclass
class AckResult:
    ack: AckImport
    duplicate: bool = False
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # claim ids we never sent


def _kind(data: bytes) -> str:
    try:
        for seg in iter_segments(data):
            if seg.id == "ST":
                return {"999": "999", "277": "277CA"}.get(seg[1], seg[1])
    except X12ParseError as exc:
        raise ServiceError("file", f"not an X12 acknowledgement: {exc}") from None
    raise ServiceError("file", "no transaction set in the file")


def import_acknowledgement(
    user: Actor, practice: PracticeRef, data: bytes, file_name: str
) -> AckResult:
    """Import one 999 or 277CA file for ``practice`` (see the module docstring)."""
    require(user, practice, "import_remittance")
    practice_id = practice_pk(practice)
    sha = hashlib.sha256(data).hexdigest()
    existing = AckImport.objects.for_practice(practice_id).filter(sha256=sha).first()
    if existing is not None:
        return AckResult(existing, duplicate=True)
    kind = _kind(data)
    try:
        if kind == "999":
            acks: list[Any] = read_999(data)
            controls = ",".join(a.control_number for a in acks)
        elif kind == "277CA":
            acks = read_277ca(data)
            controls = ",".join(a.control_number for a in acks)
        else:
            raise ServiceError("file", f"a {kind} is not an acknowledgement this imports")
    except X12ParseError as exc:
        raise ServiceError("file", str(exc)) from None
    isa = next(iter_segments(data))
    by = signed_in(user)
    try:
        with transaction.atomic(), audit.acting_as(user):
            row = AckImport.objects.create(
                practice_id=practice_id,
                kind=kind,
                file_name=file_name[:200],
                sha256=sha,
                sender=isa[6].strip()[:15],
                interchange_control=isa[13][:9],
                transaction_controls=controls[:200],
                imported_by=by,
            )
            result = AckResult(row)
            if kind == "999":
                for ack in acks:
                    _apply_999(user, practice_id, ack, result)
            else:
                for ack in acks:
                    _apply_277ca(user, practice_id, ack, result)
            row.summary = {
                "accepted": result.accepted,
                "rejected": result.rejected,
                "unknown": result.unknown,
            }
            row.save()
    except IntegrityError:
        # Same partner control numbers in another file: already imported.
        existing = (
            AckImport.objects.for_practice(practice_id)
            .filter(
                kind=kind,
                sender=isa[6].strip()[:15],
                interchange_control=isa[13][:9],
                transaction_controls=controls[:200],
            )
            .first()
        )
        if existing is None:
            raise
        return AckResult(existing, duplicate=True)
    return result


def _reject(
    user: Actor,
    claim: Claim,
    reason: str,
    codes: str,
    source: str,
    row: AckImport,
    result: AckResult,
) -> None:
    if claim.status not in ("submitted", "accepted"):
        return
    move_claim(
        claim,
        "rejected",
        user=user,
        reason=reason,
        source=source,
        source_ref=f"{row.file_name} {row.sha256[:12]}",
    )
    ClaimWorkItem.objects.create(
        practice_id=claim.practice_id,
        claim=claim,
        source=source,
        reason=reason[:500],
        codes=codes[:120],
        ack=row,
    )
    result.rejected.append(claim.patient_control_number)


def _submission(practice_id: int, partner: str, **number: str) -> Submission | None:
    """The file an acknowledgement answers: by its control number and, when several
    connections used that number, by the connection whose receiver id sent the answer."""
    ((field, value),) = number.items()
    if not value.isdigit():
        return None
    rows = list(
        Submission.objects.for_practice(practice_id)
        .filter(**{field: int(value)})
        .order_by("-created_at")
    )
    if len(rows) > 1:
        names = {
            c.name
            for c in ClearinghouseConnection.objects.for_practice(practice_id)
            if str(c.settings.get("receiver_id", "")).strip() == partner
        }
        rows = [r for r in rows if r.connection in names] or rows
    return rows[0] if rows else None


def _apply_999(user: Actor, practice_id: int, ack: Ack999, result: AckResult) -> None:
    for group in ack.groups:
        sub = _submission(practice_id, ack.sender, group_control=group.group_control)
        if sub is None:
            result.unknown.append(f"group {group.group_control}")
            continue
        locate_claims(sub.content, ack)
        claims = list(
            Claim.objects.select_for_update()
            .filter(pk__in=sub.items.values("claim_id"))
            .order_by("id")
        )
        for tx in group.transactions:
            if tx.status != "rejected":
                result.accepted += [
                    c.patient_control_number for c in claims if c.status == "submitted"
                ]
                continue
            named: dict[str, list[SegmentError]] = {}
            for err in tx.errors:
                named.setdefault(err.claim_id or "", []).append(err)
            general = (
                "; ".join(e.words() for e in named.get("", []))
                or "; ".join(tx.reasons)
                or "the clearinghouse rejected the file"
            )
            for claim in claims:
                own = named.get(claim.patient_control_number, [])
                reason = (
                    "; ".join(e.words() for e in own)
                    if own
                    else f"rejected with its file: {general}"
                )
                codes = ",".join(f"{e.segment_id}:{e.code}" for e in own) or ",".join(tx.codes)
                _reject(user, claim, f"999: {reason}", codes, "999", result.ack, result)


def _apply_277ca(user: Actor, practice_id: int, ack: Ack277CA, result: AckResult) -> None:
    claims_qs = Claim.objects.for_practice(practice_id).select_for_update()
    if ack.file_rejected:
        reason = "; ".join(s.words() for s in ack.file_statuses if s.rejected)
        ref = ack.batch_reference
        sub = _submission(practice_id, ack.sender, interchange_control=ref)
        if sub is not None:
            for sent in claims_qs.filter(pk__in=sub.items.values("claim_id")).order_by("id"):
                codes = ",".join(f"{s.category}:{s.code}" for s in ack.file_statuses)
                _reject(user, sent, f"277CA: {reason}", codes, "277CA", result.ack, result)
    for c in ack.claims:
        claim = claims_qs.filter(patient_control_number=c.claim_id).first()
        if claim is None:
            result.unknown.append(c.claim_id)
            continue
        codes = ",".join(f"{s.category}:{s.code}" for s in c.statuses)
        if c.rejected:
            _reject(user, claim, f"277CA: {c.reason()}", codes, "277CA", result.ack, result)
        elif c.accepted and claim.status == "submitted":
            move_claim(
                claim,
                "accepted",
                user=user,
                reason=c.reason(),
                source="277CA",
                source_ref=f"{result.ack.file_name} {result.ack.sha256[:12]}",
                payer_claim_number=(c.payer_claim_number or claim.payer_claim_number or "")[:50],
            )
            result.accepted.append(claim.patient_control_number)


def resolve_work_item(user: Actor, item: ClaimWorkItem, resolution: str) -> ClaimWorkItem:
    """Close a rejection: the claim goes back to draft to be fixed and sent again."""
    require(user, item.practice_id, "create_claims")
    from django.utils import timezone

    with transaction.atomic(), audit.acting_as(user):
        item = ClaimWorkItem.objects.select_for_update().get(pk=item.pk)
        if item.resolved_at is not None:
            raise ServiceError("item", "this rejection is already resolved")
        claim = Claim.objects.select_for_update().get(pk=item.claim_id)
        if claim.status == "rejected":
            move_claim(
                claim,
                "draft",
                user=user,
                reason=resolution or "fixed after rejection",
                source="manual",
            )
        item.resolved_at = timezone.now()
        item.resolved_by = signed_in(user)
        item.resolution = resolution[:200]
        item.save()
    return item

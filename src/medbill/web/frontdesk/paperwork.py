"""Intake paperwork: the practice's packet, signatures with their PDFs, kiosk passes.

A kiosk pass lets a tablet in the waiting room complete one visit's packet without a
staff login: the desk issues a short code (shown once, stored only as its SHA-256),
valid for a few hours and spent when the packet is sent.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from medbill.core.frontdesk.paperwork import (
    DEFAULT_PACKET,
    DOCUMENTS,
    ClaimIndicators,
    Completeness,
    PacketItem,
    SignedDocument,
    check_packet,
    claim_indicators,
)
from medbill.core.frontdesk.signing import (
    DOCUMENT_TEXT,
    Signature,
    SignatureError,
    decode_drawn_signature,
    render_signed_pdf,
)
from medbill.web.frontdesk.models import Coverage, KioskPass, PaperworkSignature, Patient, Visit
from medbill.web.frontdesk.services import desk_settings
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, signed_in

__all__ = [
    "CODE_ALPHABET",
    "find_kiosk_pass",
    "indicators_for",
    "indicators_from",
    "signatures_on_file",
    "issue_kiosk_pass",
    "kiosk_pass_by_id",
    "packet_for",
    "paperwork_holds",
    "paperwork_status",
    "record_paperwork",
    "signature_from_form",
]

# No 0/O, 1/I/L: a code read aloud or typed on a tablet is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def packet_for(practice: PracticeRef) -> tuple[PacketItem, ...]:
    """The practice's intake packet (its own choice of documents, or the standard one)."""
    chosen = desk_settings(practice).packet or []
    items = []
    for entry in chosen:
        name = entry.get("document") if isinstance(entry, dict) else str(entry)
        if name not in DOCUMENTS:
            continue
        base = next((i for i in DEFAULT_PACKET if i.document == name), PacketItem(name))
        if isinstance(entry, dict):
            base = PacketItem(
                name,
                needs_signature=bool(entry.get("needs_signature", base.needs_signature)),
                renew_every_days=entry.get("renew_every_days", base.renew_every_days),
                for_insured_only=bool(entry.get("for_insured_only", base.for_insured_only)),
            )
        items.append(base)
    return tuple(items) or DEFAULT_PACKET


def _on_file(patient_id: int, practice_id: int) -> list[SignedDocument]:
    rows = PaperworkSignature.objects.for_practice(practice_id).filter(patient_id=patient_id)
    return [
        SignedDocument(r.document, timezone.localtime(r.signed_at).date(), r.signed)
        for r in rows.only("document", "signed_at", "method")
    ]


def _insured(visit: Visit) -> bool:
    on = visit.date_of_service
    return any(c.is_in_effect(on) for c in visit.patient.coverages.all())


def paperwork_status(visit: Visit) -> Completeness:
    """What of the packet is missing or expired for this visit (empty: ready to bill)."""
    return check_packet(
        packet_for(visit.practice_id),
        _on_file(visit.patient_id, visit.practice_id),
        visit.date_of_service,
        _insured(visit),
    )


def paperwork_hold(visit: Visit) -> str:
    """Why the visit's claim must wait for paperwork, or "" when it may be billed.

    Follows the practice's ``hold_claims_for_paperwork`` setting: by default only a
    patient whose paperwork is kept here and is incomplete is held.
    """
    return paperwork_holds(visit.practice_id, [visit])[visit.pk]


def paperwork_holds(practice: PracticeRef, visits: Iterable[Visit]) -> dict[int, str]:
    """``paperwork_hold`` for many visits of one practice in a few queries (claim builds)."""
    visits = list(visits)
    mode = desk_settings(practice).hold_claims_for_paperwork
    if mode == "off" or not visits:
        return {v.pk: "" for v in visits}
    patient_ids = {v.patient_id for v in visits}
    on_file = signatures_on_file(patient_ids)
    coverages: dict[int, list[Coverage]] = {}
    for cov in Coverage.objects.filter(patient_id__in=patient_ids):
        coverages.setdefault(cov.patient_id, []).append(cov)
    packet = packet_for(practice)
    out = {}
    for visit in visits:
        signed = on_file.get(visit.patient_id, [])
        if not signed and mode != "always":
            out[visit.pk] = ""
            continue
        day = visit.date_of_service
        insured = any(c.is_in_effect(day) for c in coverages.get(visit.patient_id, []))
        status = check_packet(packet, signed, day, insured)
        out[visit.pk] = (
            ""
            if status.complete
            else ("intake paperwork is not complete (" + "; ".join(status.describe()) + ")")
        )
    return out


def signatures_on_file(patient_ids: Iterable[int]) -> dict[int, list[SignedDocument]]:
    """Paperwork on file for many patients in one query (claim batches)."""
    out: dict[int, list[SignedDocument]] = {}
    rows = PaperworkSignature.objects.filter(patient_id__in=list(patient_ids)).only(
        "patient_id", "document", "signed_at", "method"
    )
    for r in rows:
        out.setdefault(r.patient_id, []).append(
            SignedDocument(r.document, timezone.localtime(r.signed_at).date(), r.signed)
        )
    return out


def indicators_from(on_file: list[SignedDocument] | None, on: datetime.date) -> ClaimIndicators:
    """Claim indicators from signatures on file; empty (the claim's defaults) without any."""
    return claim_indicators(on_file, on) if on_file else {}


def indicators_for(patient_id: int, practice_id: int, on: datetime.date) -> ClaimIndicators | None:
    """Claim indicators from the signatures on file, or ``None`` with no paperwork on file.

    ``None`` leaves the claim's defaults: a patient registered before the practice kept
    its paperwork here has signatures on paper that we cannot see.
    """
    on_file = _on_file(patient_id, practice_id)
    if not on_file:
        return None
    return claim_indicators(on_file, on)


def signature_from_form(
    method: str,
    signer: str,
    typed: str = "",
    drawn: str = "",
    ip: str | None = None,
    relationship: str = "self",
) -> Signature:
    """A signature from the kiosk or desk form (typed name, or a canvas PNG data URL)."""
    signer = signer.strip()
    if not signer:
        raise ServiceError("signer_name", "who is signing?")
    try:
        if method == "typed":
            if typed.strip().lower() != signer.lower():
                raise ServiceError("typed_signature", "type your name exactly as above to sign")
            return Signature(signer, timezone.now(), "typed", ip, None, relationship)
        if method == "drawn":
            png = decode_drawn_signature(drawn, "drawn_signature")
            return Signature(signer, timezone.now(), "drawn", ip, png, relationship)
    except SignatureError as exc:
        raise ServiceError(exc.field, exc.problem) from None
    raise ServiceError("method", "sign by typing your name or by drawing")


def record_paperwork(
    user: Actor,
    visit: Visit,
    documents: Iterable[str],
    signature: Signature,
    channel: str,
) -> list[PaperworkSignature]:
    """File the documents the patient completed for ``visit``, each with its signed PDF.

    ``user`` is the staff member (channel staff) or ``None`` for the kiosk, which is
    authorised by its pass instead.
    """
    if channel == "staff":
        require(user, visit.practice_id, "edit_patients")
    elif channel != "kiosk":
        raise ServiceError("channel", "expected kiosk or staff")
    packet = {i.document: i for i in packet_for(visit.practice_id)}
    chosen = [d for d in documents if d]
    if not chosen:
        raise ServiceError("documents", "tick at least one document")
    unknown = [d for d in chosen if d not in packet]
    if unknown:
        raise ServiceError("documents", f"not in the practice's packet: {', '.join(unknown)}")
    patient: Patient = visit.patient
    practice_name = visit.practice.name if hasattr(visit, "practice") else ""
    rows = []
    with (
        transaction.atomic(),
        audit.acting_as(user, source="kiosk" if channel == "kiosk" else None),
    ):
        for name in chosen:
            needs = packet[name].needs_signature
            pdf = render_signed_pdf(
                practice_name,
                patient.full_name,
                DOCUMENTS[name],
                DOCUMENT_TEXT.get(name, (DOCUMENTS[name],)),
                signature if needs else None,
            )
            rows.append(
                PaperworkSignature.objects.create(
                    practice_id=visit.practice_id,
                    patient=patient,
                    visit=visit,
                    document=name,
                    signer_name=signature.signer,
                    signer_relationship=signature.relationship,
                    method=signature.method if needs else "none",
                    signature_png=signature.image if needs else None,
                    signed_at=signature.signed_at,
                    ip_address=signature.ip_address,
                    channel=channel,
                    recorded_by=signed_in(user),
                    pdf=pdf,
                )
            )
    return rows


def _hash(code: str) -> str:
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()


def issue_kiosk_pass(user: Actor, visit: Visit) -> str:
    """A new one-time kiosk code for ``visit`` (earlier unused ones stop working)."""
    require(user, visit.practice_id, "check_in")
    if visit.status not in (Visit.Status.SCHEDULED, Visit.Status.CHECKED_IN):
        raise ServiceError("visit", "paperwork is completed before or at check-in")
    hours = desk_settings(visit.practice_id).kiosk_link_hours or 4
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic(), audit.acting_as(user):
        for old in KioskPass.objects.for_practice(visit.practice_id).filter(
            visit=visit, used_at__isnull=True
        ):
            old.used_at = now
            old.save(update_fields=["used_at"])
        KioskPass.objects.create(
            practice_id=visit.practice_id,
            visit=visit,
            code_hash=_hash(code),
            expires_at=now + datetime.timedelta(hours=hours),
            created_by=signed_in(user),
        )
    return code


def find_kiosk_pass(code: str) -> KioskPass | None:
    """The usable pass for ``code`` (None when unknown, spent or expired)."""
    if not code or len(code) > 40:
        return None
    found = (
        KioskPass.objects.select_related("visit", "visit__patient", "visit__practice")
        .filter(code_hash=_hash(code))
        .first()
    )
    if found is None or not found.usable():
        return None
    return found


def kiosk_pass_by_id(pk: int) -> KioskPass | None:
    """The pass a kiosk session holds, while it is still usable."""
    found = (
        KioskPass.objects.select_related("visit", "visit__patient", "visit__practice")
        .filter(pk=pk)
        .first()
    )
    return found if found is not None and found.usable() else None


def spend_kiosk_pass(kiosk: KioskPass) -> bool:
    """Mark the pass used; False when it was used meanwhile (sent twice)."""
    with audit.acting_as(None, source="kiosk"):
        return audit.update_where(KioskPass, kiosk.pk, {"used_at": None}, used_at=timezone.now())

"""Our visits as FHIR R4 ``Encounter`` resources and the clearinghouse's and payer's
verdicts on our claims (999 and 277CA acknowledgements) as ``ClaimResponse`` resources,
for the read API. ``fhir_out.py`` holds the other resources and the shared helpers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from medbill.web.claims_out.models import ClaimEvent, ClaimWorkItem
from medbill.web.frontdesk.models import Visit
from medbill.web.interfaces.fhir_out import PCN, X12_PAYER, instant, meta

__all__ = ["ACK_SOURCES", "claim_response", "encounter"]

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
NPI = "http://hl7.org/fhir/sid/us-npi"
VISIT_ID = "urn:medbill:visit"
EHR_VISIT = "urn:medbill:ehr-visit-number"  # the EHR's own id of the visit (PV1-19, Encounter)
EHR_APPOINTMENT = "urn:medbill:ehr-appointment-id"  # SCH-2
ACK = "urn:medbill:acknowledgement"  # the acknowledgement file: name and hash
PAYER_CLAIM = "urn:medbill:payer-claim-number"  # the payer's claim control number (REF*1K)
STATUS_CATEGORY = "https://x12.org/codes/claim-status-category-codes"
STATUS_CODE = "https://x12.org/codes/claim-status-codes"
SYNTAX_ERROR = "urn:medbill:x12-999-error"  # segment id and the 999's error code

# A claim acknowledgement is an event of the claim's lifecycle from one of these.
ACK_SOURCES = ("999", "277CA")

_STATUS: dict[str, str] = {
    Visit.Status.SCHEDULED: "planned",
    Visit.Status.CHECKED_IN: "arrived",
    Visit.Status.CANCELLED: "cancelled",
    # A no-show never happened: R4 has no "noshow" encounter status (R5 does).
    Visit.Status.NO_SHOW: "cancelled",
}


def _period(visit: Visit) -> dict[str, str]:
    """From the visit's date and time of service (``scheduled_at``), never from when the
    row was checked in or imported: an EHR visit imported today, or an appointment checked
    in a day late, still happened when it was booked. It ends at check-out when that was
    on the day of service, else at the booked end (a visit not yet finished has no end)."""
    start = visit.scheduled_at
    end = visit.checked_out_at
    if end is not None and timezone.localtime(end).date() != visit.date_of_service:
        end = visit.ends_at
    if end is None and visit.status == Visit.Status.SCHEDULED:
        end = visit.ends_at
    out = {"start": instant(start)}
    if end is not None and end >= start:
        out["end"] = instant(end)
    return out


def encounter(row: Visit) -> dict[str, Any]:
    """A visit: who saw the patient where and when, and how far it got (planned, arrived,
    finished, cancelled); the EHR's own visit number and appointment id when it sent them."""
    identifiers = [{"system": VISIT_ID, "value": str(row.pk)}]
    for link in row.ehr_links.all():
        system = {"visit": EHR_VISIT, "appointment": EHR_APPOINTMENT}.get(link.kind)
        # ``msg:`` links stand in for a charge message without a visit number.
        if system and not link.ehr_id.startswith("msg:"):
            identifiers.append({"system": system, "value": link.ehr_id})
    provider = row.provider
    individual: dict[str, Any] = {"display": str(provider)}
    if provider.npi:
        individual["identifier"] = {"system": NPI, "value": provider.npi}
    out: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(row.pk),
        "meta": meta(row),
        "identifier": identifiers,
        "status": _STATUS.get(row.status, "finished"),
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": {"reference": f"Patient/{row.patient_id}"},
        "participant": [
            {
                "type": [
                    {
                        "coding": [
                            {
                                "system": PARTICIPATION,
                                "code": "PPRF",
                                "display": "primary performer",
                            }
                        ]
                    }
                ],
                "individual": individual,
            }
        ],
        "period": _period(row),
        "location": [{"location": {"display": row.location.name}}],
        "serviceProvider": {"display": row.practice.name},
    }
    if row.reason:
        out["reasonCode"] = [{"text": row.reason}]
    return out


def _work_item(row: ClaimEvent) -> ClaimWorkItem | None:
    """The rejection a 999 or 277CA raised with this event: its codes. The event names the
    acknowledgement file as ``<file name> <first 12 of its hash>``."""
    sha = row.source_ref.rsplit(" ", 1)[-1]
    if len(sha) != 12:
        return None
    return (
        ClaimWorkItem.objects.filter(
            claim_id=row.claim_id, source=row.source, ack__sha256__startswith=sha
        )
        .order_by("id")
        .first()
    )


def _errors(row: ClaimEvent, reason: str) -> list[dict[str, Any]]:
    item = _work_item(row)
    codes = [c for c in (item.codes.split(",") if item is not None else []) if c]
    out = []
    for code in codes:
        left, _, right = code.partition(":")
        if row.source == "277CA" and right:
            coding = [
                {"system": STATUS_CATEGORY, "code": left},
                {"system": STATUS_CODE, "code": right},
            ]
        else:
            coding = [{"system": SYNTAX_ERROR, "code": code}]
        out.append({"code": {"coding": coding, "text": reason}})
    # A rejection without codes (a whole file turned away) still says why.
    return out or [{"code": {"text": reason}}]


def claim_response(row: ClaimEvent) -> dict[str, Any]:
    """One verdict of a 999 or 277CA on one of our claims: a rejection (outcome ``error``,
    with the status category and code, or the 999's segment and error code) or a 277CA
    acceptance for adjudication (outcome ``queued``: the payer has not decided yet)."""
    claim = row.claim
    rejected = row.to_status == "rejected"
    reason = row.reason or ("rejected" if rejected else "accepted for adjudication")
    identifiers = [{"system": ACK, "value": row.source_ref or row.source}]
    if not rejected and claim.payer_claim_number:
        identifiers.append({"system": PAYER_CLAIM, "value": claim.payer_claim_number})
    out: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": str(row.pk),
        "meta": {"lastUpdated": instant(row.created_at)},
        "identifier": identifiers,
        "status": "active",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "professional",
                }
            ]
        },
        "use": "claim",
        "patient": {"reference": f"Patient/{claim.patient_id}"},
        "created": instant(row.created_at),
        "insurer": {
            "display": claim.payer.name,
            "identifier": {"system": X12_PAYER, "value": claim.payer.payer_id},
        },
        "request": {
            "reference": f"Claim/{claim.pk}",
            "identifier": {
                "system": PCN,
                "value": claim.patient_control_number,
            },
        },
        "outcome": "error" if rejected else "queued",
        "disposition": f"{row.source}: {reason}" if not reason.startswith(row.source) else reason,
    }
    if rejected:
        out["error"] = _errors(row, reason)
    return out

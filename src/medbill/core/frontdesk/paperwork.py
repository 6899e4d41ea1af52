"""The intake packet: which documents a visit needs signed before it can be billed.

A practice configures its packet (the documents, and which ones must be
signed). Signatures on file drive the claim's indicators: release of
information (CLM09 Y/I) and assignment of benefits (CLM08).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

__all__ = [
    "DOCUMENTS",
    "DEFAULT_PACKET",
    "Completeness",
    "PacketItem",
    "SHORT_NAMES",
    "ClaimIndicators",
    "SignedDocument",
    "check_packet",
    "claim_indicators",
]

# The documents a practice can put in its packet, with what each one is for.
DOCUMENTS = {
    "demographics": "Patient information: name, date of birth, address, phone, emergency contact",
    "insurance": "Insurance information and a copy of the card, front and back",
    "hipaa_notice": "Acknowledgement of the notice of privacy practices (HIPAA)",
    "consent": "Consent to treatment",
    "assignment_of_benefits": "Assignment of benefits: the plan pays the practice directly",
    "release_of_information": "Release of information to the patient's insurers for billing",
    "financial_policy": "Financial policy: copays, self-pay, missed appointments, balances",
}


# The same documents as the desk names them in a list.
SHORT_NAMES = {
    "demographics": "Patient information",
    "insurance": "Insurance",
    "hipaa_notice": "HIPAA notice",
    "consent": "Consent to treatment",
    "assignment_of_benefits": "Assignment of benefits",
    "release_of_information": "Release of information",
    "financial_policy": "Financial policy",
}


@dataclass(frozen=True, slots=True)
class PacketItem:
    document: str
    needs_signature: bool = True
    renew_every_days: int | None = 365  # None: once is enough
    for_insured_only: bool = False


DEFAULT_PACKET = (
    PacketItem("demographics", needs_signature=False),
    PacketItem("insurance", needs_signature=False, for_insured_only=True),
    PacketItem("hipaa_notice", renew_every_days=None),
    PacketItem("consent"),
    PacketItem("assignment_of_benefits", for_insured_only=True),
    PacketItem("release_of_information", for_insured_only=True),
    PacketItem("financial_policy"),
)


@dataclass(frozen=True, slots=True)
class SignedDocument:
    document: str
    completed_on: date
    signed: bool


@dataclass(frozen=True, slots=True)
class Completeness:
    missing: tuple[str, ...]
    expired: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.expired

    def describe(self) -> list[str]:
        out = [f"missing: {DOCUMENTS.get(d, d)}" for d in self.missing]
        out += [f"expired, sign again: {DOCUMENTS.get(d, d)}" for d in self.expired]
        return out


def check_packet(
    packet: Iterable[PacketItem], on_file: Iterable[SignedDocument], visit_date: date, insured: bool
) -> Completeness:
    """What is missing or out of date for a visit on ``visit_date``."""
    latest: dict[str, SignedDocument] = {}
    for doc in on_file:
        current = latest.get(doc.document)
        if current is None or doc.completed_on > current.completed_on:
            latest[doc.document] = doc
    missing, expired = [], []
    for item in packet:
        if item.for_insured_only and not insured:
            continue
        signed = latest.get(item.document)
        if signed is None or (item.needs_signature and not signed.signed):
            missing.append(item.document)
        elif item.renew_every_days is not None and (
            (visit_date - signed.completed_on).days > item.renew_every_days
        ):
            expired.append(item.document)
    return Completeness(tuple(missing), tuple(expired))


class ClaimIndicators(TypedDict, total=False):
    """The claim fields the signatures on file decide (empty: the claim's defaults)."""

    release_of_information: str
    benefits_assigned: bool


def claim_indicators(on_file: Iterable[SignedDocument], visit_date: date) -> ClaimIndicators:
    """Claim indicators from the signatures on file as of the visit.

    ``release_of_information`` is "Y" with a signed release and "I" (informed
    consent only, HIPAA-permitted) otherwise; ``benefits_assigned`` needs a
    signed assignment of benefits.
    """
    signed = {d.document for d in on_file if d.signed and d.completed_on <= visit_date}
    return {
        "release_of_information": "Y" if "release_of_information" in signed else "I",
        "benefits_assigned": "assignment_of_benefits" in signed,
    }

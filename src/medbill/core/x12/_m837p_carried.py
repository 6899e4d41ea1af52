"""What an 837P can carry of a claim document."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from medbill.core.claim import Claim, Patient, Provider
from medbill.core.x12._m837p_check import FILING_INDICATORS, other_medicare_is_secondary
from medbill.core.x12._m837p_fit import fit_claim
from medbill.core.x12._m837p_read import _FILING

__all__ = ["as_carried_by_837p"]


def as_carried_by_837p(claim: Claim, created: date | None = None) -> Claim:
    """The claim as an 837P carries it: what ``read_837p`` returns for ``write_837p(claim)``.

    The 837P has no place for a provider's credential, the patient's account
    number, a dependent's subscriber demographics or fields outside the
    document; it repeats the subscriber as the patient when they are the same
    person; and dates and places of service shared by every line sit on the
    claim; its text is fitted to the elements (``fit_claim``). ``created`` is the
    file's creation date (BHT04).
    """
    claim = fit_claim(claim).claim

    def kind(t: str | None) -> str | None:
        return _FILING.get(FILING_INDICATORS.get(t or "", ""), t)

    def prov(p: Provider | None) -> Provider | None:
        return None if p is None else replace(p, credential=None)

    bp = claim.billing_provider
    billing = replace(
        bp,
        pay_to_address=None if bp.pay_to_address == bp.address else bp.pay_to_address,
        contact_name=bp.contact_name if bp.contact_name and bp.contact_phone else None,
        contact_phone=bp.contact_phone if bp.contact_name and bp.contact_phone else None,
    )
    sub = claim.subscriber
    if claim.patient.is_subscriber:
        patient = Patient(
            name=sub.name,
            dob=sub.dob,
            sex=sub.sex,
            relationship_to_subscriber="self",
            address=sub.address,
        )
    else:
        sub = replace(sub, dob=None, sex=None)
        patient = replace(claim.patient, account_number=None)
    effective = [ln.date_of_service or claim.date_of_service for ln in claim.lines]
    claim_date = min((d for d in effective if d), default=None)
    lines = []
    for ln, day in zip(claim.lines, effective, strict=True):
        lines.append(
            replace(
                ln,
                date_of_service=None if day == claim_date else day,
                date_of_service_end=None
                if ln.date_of_service_end == day
                else ln.date_of_service_end,
                place_of_service=None
                if ln.place_of_service == claim.place_of_service
                else ln.place_of_service,
                rendering_provider=None
                if ln.rendering_provider == claim.rendering_provider
                else prov(ln.rendering_provider),
            )
        )
    others = []
    for oc in sorted(claim.other_coverage, key=lambda c: c.order):
        adj = oc.adjudication
        if adj is not None and adj.lines:
            adj = replace(
                adj,
                paid_date=None,
                lines=tuple(
                    replace(la, paid_date=la.paid_date or adj.paid_date) for la in adj.lines
                ),
            )
        others.append(
            replace(
                oc,
                payer=replace(oc.payer, type=kind(oc.payer.type)),
                subscriber=replace(
                    oc.subscriber,
                    dob=None,
                    sex=None,
                    # 2320 SBR05 is sent only for Medicare after another payer.
                    medicare_secondary_type=oc.subscriber.medicare_secondary_type
                    if other_medicare_is_secondary(oc)
                    else None,
                ),
                adjudication=adj,
            )
        )
    rendering = prov(claim.rendering_provider)
    if rendering is not None and rendering.npi == bp.npi:
        rendering = None
    amb = claim.ambulance
    return replace(
        claim,
        submission_date=created if created is not None else claim.submission_date,
        date_of_service=claim_date,
        billing_provider=billing,
        payer=replace(claim.payer, type=kind(claim.payer.type)),
        subscriber=sub,
        patient=patient,
        lines=tuple(lines),
        original_claim_ref=claim.original_claim_ref if claim.frequency_code in ("7", "8") else None,
        rendering_provider=rendering,
        referring_provider=prov(claim.referring_provider),
        other_coverage=tuple(others),
        accident_state=claim.accident_state if "AA" in claim.related_causes else None,
        ambulance=replace(amb, conditions=amb.conditions[:5]) if amb else None,
        extras={},
    )

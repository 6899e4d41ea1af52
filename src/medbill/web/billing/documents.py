"""ORM rows -> core documents: a Claim row becomes a ``medbill.core.claim.Claim``.

This is the one place the database meets the claim document; the scrubber, the X12
writer and the forms all work from what ``claim_document`` returns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medbill.core import claim as doc
from medbill.core.money import Money
from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.frontdesk.models import Coverage, Patient
from medbill.web.practice.models import Location, Payer, Practice, Provider

__all__ = [
    "address_of",
    "billing_provider_of",
    "claim_document",
    "payer_of",
    "provider_of",
    "signature_indicators",
    "subscriber_of",
]


def _address(line1: str, line2: str, city: str, state: str, zip_code: str) -> doc.Address | None:
    if not line1:
        return None
    return doc.Address(
        line1=line1, line2=line2 or None, city=city, state=state, zip=zip_code.replace("-", "")
    )


def address_of(row: Any, prefix: str = "") -> doc.Address | None:
    """The address in ``row``'s ``<prefix>line1 ... <prefix>zip`` fields."""
    return _address(
        *(getattr(row, f"{prefix}{f}") for f in ("line1", "line2", "city", "state", "zip"))
    )


def billing_provider_of(practice: Practice) -> doc.BillingProvider:
    pay_to = address_of(practice, "pay_to_") if practice.has_pay_to_address else None
    return doc.BillingProvider(
        name=practice.legal_name,
        npi=practice.group_npi,
        tin=practice.tin,
        address=address_of(practice, "billing_"),
        taxonomy=practice.taxonomy or None,
        pay_to_address=pay_to,
        contact_name=practice.contact_name or None,
        contact_phone=practice.phone or None,
    )


def provider_of(provider: Provider) -> doc.Provider:
    return doc.Provider(
        name=doc.PersonName(
            last=provider.last_name,
            first=provider.first_name or None,
            middle=provider.middle_name or None,
            suffix=provider.suffix or None,
        ),
        npi=provider.npi,
        credential=provider.credentials or None,
        taxonomy=provider.taxonomy or None,
    )


def payer_of(payer: Payer) -> doc.Payer:
    return doc.Payer(
        name=payer.name,
        payer_id=payer.payer_id,
        type=payer.payer_type or None,
        address=address_of(payer),
    )


def _patient_name(patient: Patient) -> doc.PersonName:
    return doc.PersonName(
        last=patient.last_name,
        first=patient.first_name or None,
        middle=patient.middle_name or None,
        suffix=patient.suffix or None,
    )


def subscriber_of(coverage: Coverage, patient: Patient) -> doc.Subscriber:
    """The policy holder: the patient when the relationship is self, else the subscriber."""
    if coverage.relationship_to_subscriber == "self":
        name, dob, sex = _patient_name(patient), patient.date_of_birth, patient.sex
        address = address_of(patient)
    else:
        name = doc.PersonName(
            last=coverage.subscriber_last_name, first=coverage.subscriber_first_name or None
        )
        dob, sex = coverage.subscriber_date_of_birth, coverage.subscriber_sex or None
        address = address_of(coverage, "subscriber_")
    return doc.Subscriber(
        name=name,
        member_id=coverage.member_id,
        dob=dob,
        sex=sex,
        group_number=coverage.group_number or None,
        group_name=coverage.group_name or None,
        address=address,
    )


def _patient(patient: Patient, coverage: Coverage) -> doc.Patient:
    return doc.Patient(
        name=_patient_name(patient),
        dob=patient.date_of_birth,
        sex=patient.sex,
        relationship_to_subscriber=coverage.relationship_to_subscriber,
        address=address_of(patient),
        account_number=patient.account_number,
    )


def _units(units: Decimal) -> Decimal:
    """``1`` rather than ``1.00`` for whole units, as the claim format writes them."""
    whole = units.to_integral_value()
    return whole if units == whole else units.normalize()


def _line(line: ClaimLine, claim_date: Any) -> doc.ServiceLine:
    # A line dated like the claim carries no date of its own (the claim's applies).
    own_date = line.date_of_service if line.date_of_service != claim_date else None
    return doc.ServiceLine(
        line=line.line_number,
        code=line.code,
        charge=Money(line.charge),
        units=_units(Decimal(line.units)),
        unit_basis=line.unit_basis or "UN",
        modifiers=tuple(line.modifiers or ()),
        dx_pointers=tuple(int(p) for p in line.dx_pointers or ()),
        date_of_service=own_date,
        ndc=line.ndc or None,
        ndc_quantity=_units(Decimal(line.ndc_quantity)) if line.ndc_quantity is not None else None,
        ndc_unit=line.ndc_unit or None,
        line_control_number=line.line_control_number or None,
    )


def _facility(location: Location, practice: Practice) -> doc.Party | None:
    """The service facility, when services were rendered away from the billing address."""
    where = address_of(location)
    if where is None or where == address_of(practice, "billing_"):
        return None
    return doc.Party(name=location.name, address=where, npi=location.npi or None)


def _prior_adjudications(claim: Claim) -> dict[int, doc.Adjudication]:
    """Coverage id -> what that payer decided, for a claim billed after other payers.

    Follows the chain of prior payers (a tertiary claim's secondary, then its primary), so
    each earlier payer's payment and adjustments travel as COB data (837P 2320/2430).
    """
    from medbill.web.billing.remittance_models import SecondaryClaimLink

    found: dict[int, doc.Adjudication] = {}
    current_id = claim.pk
    while True:
        link = (
            SecondaryClaimLink.objects.filter(claim_id=current_id)
            .select_related("prior_claim")
            .first()
        )
        if link is None or link.prior_claim.coverage_id in found:
            return found
        found[link.prior_claim.coverage_id] = doc.Adjudication.from_dict(
            link.adjudication, "adjudication"
        )
        current_id = link.prior_claim_id


def _other_coverage(claim: Claim) -> tuple[doc.OtherCoverage, ...]:
    visit_date = claim.visit.date_of_service
    adjudications = _prior_adjudications(claim)
    others = (
        Coverage.objects.for_practice(claim.practice_id)
        .filter(patient_id=claim.patient_id)
        .exclude(pk=claim.coverage_id)
        .select_related("payer")
        .order_by("order", "id")
    )
    return tuple(
        doc.OtherCoverage(
            payer=payer_of(c.payer),
            subscriber=subscriber_of(c, claim.patient),
            relationship_to_subscriber=c.relationship_to_subscriber,
            order=c.order,
            adjudication=adjudications.get(c.pk),
        )
        for c in others
        if c.is_in_effect(visit_date) or c.pk in adjudications
    )


def claim_document(claim: Claim) -> doc.Claim:
    """The core claim document for ``claim`` (billing provider, rendering provider, payer,
    subscriber and patient from the coverage, diagnoses, lines and other coverages)."""
    claim = Claim.objects.select_related(
        "practice",
        "patient",
        "coverage",
        "payer",
        "visit",
        "visit__provider",
        "visit__location",
    ).get(pk=claim.pk)
    visit = claim.visit
    diagnoses = claim.diagnoses or [d.code for d in visit.diagnoses.order_by("position")]
    return doc.Claim(
        claim_id=claim.patient_control_number,
        date_of_service=visit.date_of_service,
        place_of_service=visit.location.place_of_service or None,
        frequency_code=claim.frequency_code,
        billing_provider=billing_provider_of(claim.practice),
        payer=payer_of(claim.payer),
        subscriber=subscriber_of(claim.coverage, claim.patient),
        patient=_patient(claim.patient, claim.coverage),
        diagnoses=tuple(str(c).upper().replace(".", "") for c in diagnoses),
        lines=tuple(
            _line(line, visit.date_of_service) for line in claim.lines.order_by("line_number")
        ),
        submission_date=claim.submitted_at.date() if claim.submitted_at else None,
        original_claim_ref=claim.original_claim_ref or None,
        rendering_provider=provider_of(visit.provider),
        service_facility=_facility(visit.location, claim.practice),
        other_coverage=_other_coverage(claim),
        prior_authorization=claim.prior_authorization or None,
        **signature_indicators(claim.patient_id, claim.practice_id, visit.date_of_service),
    )


def signature_indicators(patient_id: int, practice_id: int, on: Any) -> dict[str, Any]:
    """Release-of-information and assignment indicators from the paperwork on file.

    Empty (the claim's defaults) when the patient has no paperwork filed here: their
    signatures are on paper the system cannot see.
    """
    from medbill.web.frontdesk.paperwork import indicators_for

    return indicators_for(patient_id, practice_id, on) or {}

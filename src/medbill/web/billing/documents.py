"""ORM rows -> core documents: a Claim row becomes a ``medbill.core.claim.Claim``.

This is the one place the database meets the claim document; the scrubber, the X12
writer and the forms all work from what ``claim_document`` returns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch

from medbill.core import claim as doc
from medbill.core.frontdesk.paperwork import ClaimIndicators
from medbill.core.money import Money
from medbill.web.billing.models import Claim, ClaimAttachment, ClaimLine
from medbill.web.frontdesk.models import Coverage, Patient
from medbill.web.practice.models import Location, Payer, Practice, Provider

__all__ = [
    "address_of",
    "billing_provider_of",
    "claim_document",
    "claim_documents",
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


def address_of(row: models.Model, prefix: str = "") -> doc.Address | None:
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
    dob: date | None
    sex: str | None
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
        medicare_secondary_type=coverage.medicare_secondary_type or None,
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


def _line(line: ClaimLine, claim_date: date, attachments: tuple = ()) -> doc.ServiceLine:
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
        attachments=attachments,
    )


def _facility(location: Location, practice: Practice) -> doc.Party | None:
    """The service facility, when services were rendered away from the billing address."""
    where = address_of(location)
    if where is None or where == address_of(practice, "billing_"):
        return None
    return doc.Party(name=location.name, address=where, npi=location.npi or None)


def _prior_adjudications(claim_ids: Iterable[int]) -> dict[int, dict[int, doc.Adjudication]]:
    """Claim id -> {coverage id: what that payer decided} for claims billed after others.

    Follows each chain of prior payers (a tertiary claim's secondary, then its primary) one
    level per query, so every earlier payer's payment and adjustments travel as COB data
    (837P loops 2320/2430).
    """
    from medbill.web.billing.remittance_models import SecondaryClaimLink

    found: dict[int, dict[int, doc.Adjudication]] = {pk: {} for pk in claim_ids}
    frontier = {pk: pk for pk in found}  # claim asked for -> claim reached in its chain
    while frontier:
        links = {
            link.claim_id: link
            for link in SecondaryClaimLink.objects.filter(
                claim_id__in=set(frontier.values())
            ).select_related("prior_claim")
        }
        reached = {}
        for origin, current in frontier.items():
            link = links.get(current)
            if link is None or link.prior_claim.coverage_id in found[origin]:
                continue
            found[origin][link.prior_claim.coverage_id] = doc.Adjudication.from_dict(
                link.adjudication, "adjudication"
            )
            reached[origin] = link.prior_claim_id
        frontier = reached
    return found


def claim_documents(claims: Iterable[Claim]) -> list[doc.Claim]:
    """The core documents of ``claims``, in the order given, in a handful of queries.

    Billing provider, rendering provider, payer, subscriber and patient from the coverage,
    diagnoses, lines, the patient's other coverages (with each prior payer's adjudication
    on a secondary or tertiary claim) and the indicators the paperwork on file gives.
    A 1,000-claim batch builds in seconds.
    """
    from medbill.web.frontdesk.paperwork import indicators_from, signatures_on_file

    ids = [c.pk for c in claims]
    rows = {
        c.pk: c
        for c in Claim.objects.filter(pk__in=ids)
        .select_related(
            "practice",
            "patient",
            "coverage",
            "payer",
            "visit",
            "visit__provider",
            "visit__location",
        )
        .prefetch_related(
            Prefetch("lines", queryset=ClaimLine.objects.order_by("line_number")),
            Prefetch("attachments", queryset=ClaimAttachment.objects.order_by("id")),
            "visit__diagnoses",
        )
    }
    patients = {c.patient_id for c in rows.values()}
    coverages: dict[int, list[Coverage]] = defaultdict(list)
    for cov in (
        Coverage.objects.filter(patient_id__in=patients)
        .select_related("payer")
        .order_by("order", "id")
    ):
        coverages[cov.patient_id].append(cov)
    signed = signatures_on_file(patients)
    adjudications = _prior_adjudications(ids)
    providers: dict[int, doc.BillingProvider] = {}
    out = []
    for pk in ids:
        claim = rows[pk]
        visit = claim.visit
        day = visit.date_of_service
        diagnoses = claim.diagnoses or [
            d.code for d in sorted(visit.diagnoses.all(), key=lambda d: d.position)
        ]
        if claim.practice_id not in providers:
            providers[claim.practice_id] = billing_provider_of(claim.practice)
        prior = adjudications[pk]
        attached: dict[int | None, tuple[doc.Attachment, ...]] = {}
        for a in claim.attachments.all():
            attached[a.line_id] = (*attached.get(a.line_id, ()), a.document())
        others = tuple(
            doc.OtherCoverage(
                payer=payer_of(c.payer),
                subscriber=subscriber_of(c, claim.patient),
                relationship_to_subscriber=c.relationship_to_subscriber,
                order=c.order,
                adjudication=prior.get(c.pk),
            )
            for c in coverages[claim.patient_id]
            if c.pk != claim.coverage_id
            and c.practice_id == claim.practice_id
            and (c.is_in_effect(day) or c.pk in prior)
        )
        out.append(
            doc.Claim(
                claim_id=claim.patient_control_number,
                date_of_service=day,
                place_of_service=visit.location.place_of_service or None,
                frequency_code=claim.frequency_code,
                billing_provider=providers[claim.practice_id],
                payer=payer_of(claim.payer),
                subscriber=subscriber_of(claim.coverage, claim.patient),
                patient=_patient(claim.patient, claim.coverage),
                diagnoses=tuple(str(c).upper().replace(".", "") for c in diagnoses),
                lines=tuple(
                    _line(line, day, attached.get(line.pk, ())) for line in claim.lines.all()
                ),
                submission_date=claim.submitted_at.date() if claim.submitted_at else None,
                original_claim_ref=claim.original_claim_ref or None,
                rendering_provider=provider_of(visit.provider),
                service_facility=_facility(visit.location, claim.practice),
                other_coverage=others,
                prior_authorization=claim.prior_authorization or None,
                attachments=attached.get(None, ()),
                **indicators_from(signed.get(claim.patient_id), day),
            )
        )
    return out


def claim_document(claim: Claim) -> doc.Claim:
    """The core claim document for one claim (see ``claim_documents``)."""
    (document,) = claim_documents([claim])
    return document


def signature_indicators(patient_id: int, practice_id: int, on: date) -> ClaimIndicators:
    """Release-of-information and assignment indicators from the paperwork on file.

    Empty (the claim's defaults) when the patient has no paperwork filed here: their
    signatures are on paper the system cannot see.
    """
    from medbill.web.frontdesk.paperwork import indicators_for

    return indicators_for(patient_id, practice_id, on) or {}

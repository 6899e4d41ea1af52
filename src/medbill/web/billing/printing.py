"""ORM rows -> the printable documents of ``medbill.core.forms`` (superbill, encounter form).

The claim itself comes from ``documents.claim_document``; this module adds what only
the visit and the practice know: the copay taken at the desk, the practice's own
words for each code (its standard fee schedule), its phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Q

from medbill.core import claim as doc
from medbill.core.forms import CommonDiagnosis, EncounterForm, FeeScheduleItem, Practice, Superbill
from medbill.core.money import Money
from medbill.web.billing.documents import (
    address_of,
    billing_provider_of,
    claim_document,
    payer_of,
    provider_of,
    signature_indicators,
    subscriber_of,
)
from medbill.web.billing.models import Claim, Entry
from medbill.web.frontdesk.models import Coverage, Visit
from medbill.web.practice import models as practice_models
from medbill.web.practice.fields import MoneySum

__all__ = [
    "encounter_form_for",
    "practice_of",
    "superbill_for_visit",
    "visit_claim",
    "visit_document",
]


def practice_of(practice: practice_models.Practice) -> Practice:
    """The letterhead of ``practice``."""
    return Practice(
        name=practice.name,
        address=address_of(practice, "billing_"),
        phone=practice.phone or None,
        npi=practice.group_npi,
        tin=practice.tin,
        taxonomy=practice.taxonomy or None,
    )


def _standard_entries(practice: practice_models.Practice, on: date):
    """The practice's own (not payer-specific) fee schedule entries in force on ``on``."""
    in_force = Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    schedules = practice_models.FeeSchedule.objects.filter(practice=practice, payer__isnull=True)
    schedules = schedules.filter(in_force).order_by("-effective_from")
    schedule = schedules.first()
    if schedule is None:
        return []
    return list(schedule.entries.filter(in_force).order_by("code", "modifier", "-effective_from"))


def _descriptions(practice: practice_models.Practice, on: date) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in _standard_entries(practice, on):
        out.setdefault(entry.code, entry.description)
    return out


def visit_claim(visit: Visit) -> Claim:
    """The claim a superbill shows for ``visit``: its newest claim that is not a void."""
    claim = (
        Claim.objects.filter(visit=visit)
        .exclude(frequency_code="8")
        .order_by("-created_at")
        .first()
    )
    if claim is None:
        raise LookupError(f"visit {visit.pk} has no claim yet; build its claim first")
    return claim


def _units(value: Decimal) -> Decimal:
    whole = value.to_integral_value()
    return whole if value == whole else value.normalize()


def visit_document(visit: Visit) -> doc.Claim:
    """A claim document for a coded visit that has no claim yet (checkout, paper days).

    It bills the primary coverage in effect on the date of service and numbers the
    claim as building the real claim will; nothing is written to the database.
    """
    day = visit.date_of_service
    coverages = [
        c
        for c in Coverage.objects.filter(patient=visit.patient).select_related("payer")
        if c.is_in_effect(day)
    ]
    coverages.sort(key=lambda c: ("primary", "secondary", "tertiary").index(c.order))
    if not coverages or coverages[0].order != "primary":
        raise LookupError(f"visit {visit.pk} has no primary coverage in effect on {day}")
    primary, patient, practice = coverages[0], visit.patient, visit.practice
    return doc.Claim(
        claim_id=f"{practice.short_code}{visit.pk:07d}",
        date_of_service=day,
        place_of_service=visit.location.place_of_service or None,
        frequency_code="1",
        billing_provider=billing_provider_of(practice),
        payer=payer_of(primary.payer),
        subscriber=subscriber_of(primary, patient),
        patient=doc.Patient(
            name=doc.PersonName(
                last=patient.last_name,
                first=patient.first_name or None,
                middle=patient.middle_name or None,
                suffix=patient.suffix or None,
            ),
            dob=patient.date_of_birth,
            sex=patient.sex,
            relationship_to_subscriber=primary.relationship_to_subscriber,
            address=address_of(patient),
            account_number=patient.account_number,
        ),
        diagnoses=tuple(d.code.upper().replace(".", "") for d in visit.diagnoses.all()),
        lines=tuple(
            doc.ServiceLine(
                line=s.position,
                code=s.code,
                charge=Money(s.charge),
                units=_units(s.units),
                modifiers=tuple(s.modifiers or ()),
                dx_pointers=tuple(int(p) for p in s.dx_pointers or ()),
                description=s.description or None,
                ndc=s.ndc or None,
            )
            for s in visit.service_lines.all()
        ),
        rendering_provider=provider_of(visit.provider),
        other_coverage=tuple(
            doc.OtherCoverage(
                payer=payer_of(c.payer),
                subscriber=subscriber_of(c, patient),
                relationship_to_subscriber=c.relationship_to_subscriber,
                order=c.order,
            )
            for c in coverages[1:]
        ),
        **signature_indicators(visit.patient_id, visit.practice_id, day),
    )


def superbill_for_visit(visit: Visit) -> Superbill:
    """The superbill of ``visit``: its claim (or, before there is one, the coded visit),
    the copay paid at the desk and the practice's own words for each code."""
    try:
        claim = claim_document(visit_claim(visit))
    except LookupError:
        claim = visit_document(visit)
    if not claim.lines:
        raise LookupError(f"visit {visit.pk} has no services coded yet")
    paid = Entry.objects.filter(
        visit=visit, kind=Entry.Kind.PAYMENT, responsibility=Entry.Responsibility.PATIENT
    ).aggregate(total=MoneySum("amount"))["total"]
    # Payments lower what is owed, so they are stored negative.
    copay = Money(-paid) if paid else Money(0)
    practice = visit.practice
    return Superbill.from_claim(
        claim,
        practice=practice_of(practice),
        visit_id=str(visit.pk),
        account_number=visit.patient.account_number,
        copay_collected=copay,
        patient_phone=visit.patient.phone or visit.patient.mobile_phone or None,
        service_descriptions=_descriptions(practice, visit.date_of_service),
    )


def encounter_form_for(
    practice: practice_models.Practice,
    *,
    on: date | None = None,
    diagnoses: Iterable[CommonDiagnosis] = (),
) -> EncounterForm:
    """The blank encounter form of ``practice`` from its standard fee schedule."""
    from django.utils import timezone

    on = on or timezone.localdate()
    items = tuple(
        FeeScheduleItem(e.code, e.description, Money(e.price), modifier=e.modifier or None)
        for e in _standard_entries(practice, on)
    )
    providers = tuple(
        " ".join(x for x in (p.first_name, p.last_name) if x)
        + (f", {p.credentials}" if p.credentials else "")
        for p in practice_models.Provider.objects.filter(practice=practice).order_by("last_name")
    )
    return EncounterForm(practice_of(practice), items, tuple(diagnoses), providers=providers)

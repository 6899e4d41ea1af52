"""ORM rows -> the printable documents of ``medbill.core.forms`` (superbill, encounter form).

The claim itself comes from ``documents.claim_document``; this module adds what only
the visit and the practice know: the copay taken at the desk, the practice's own
words for each code (its standard fee schedule), its phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, Sum

from medbill.core.forms import CommonDiagnosis, EncounterForm, FeeScheduleItem, Practice, Superbill
from medbill.core.money import Money
from medbill.web.billing.documents import address_of, claim_document
from medbill.web.billing.models import Claim, Entry
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import models as practice_models

__all__ = ["encounter_form_for", "practice_of", "superbill_for_visit", "visit_claim"]


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


def superbill_for_visit(visit: Visit) -> Superbill:
    """The superbill of ``visit``: its claim, the copay paid at the desk, the practice's words."""
    claim_row = visit_claim(visit)
    claim = claim_document(claim_row)
    paid = Entry.objects.filter(
        visit=visit, kind=Entry.Kind.PAYMENT, responsibility=Entry.Responsibility.PATIENT
    ).aggregate(total=Sum("amount"))["total"]
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

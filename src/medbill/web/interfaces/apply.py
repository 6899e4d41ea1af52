"""Intake records to rows, through the front desk's, the scheduler's and the coder's own
use cases (duplicate check, coverage rules, booking checks, code checks): one rule in one
place. Everything here runs inside the caller's transaction; ``Held`` (or a
``ServiceError`` from a use case) undoes the whole message."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from medbill.core.hl7 import (
    AppointmentRecord,
    CoverageRecord,
    GuarantorRecord,
    Intake,
    PatientRecord,
    ProviderRef,
)
from medbill.web.coding.services import CODABLE_STATUSES, set_visit_codes
from medbill.web.frontdesk import scheduler
from medbill.web.frontdesk import services as desk
from medbill.web.frontdesk.models import ClinicalNote, Coverage, Guarantor, Patient, Visit
from medbill.web.interfaces.models import EhrLink, InterfaceSettings
from medbill.web.practice import audit
from medbill.web.practice.models import Location, Payer, Practice, Provider

__all__ = ["Applied", "Held", "ReplayChoices", "apply_intake"]


class Held(Exception):
    """The message cannot be applied as it is; ``location`` names the segment and field."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"{location} {problem}")
        self.location = location
        self.problem = problem


@dataclass(frozen=True)
class ReplayChoices:
    """What a biller decided when replaying a held message: link the EHR's patient to an
    existing account, or register a new patient although the duplicate check found one."""

    link_account: str = ""
    new_patient: bool = False


@dataclass
class Applied:
    patient: Patient
    visit: Visit | None = None


def apply_intake(practice: Practice, intake: Intake, choices: ReplayChoices) -> Applied:
    """Record ``intake`` for ``practice`` (call inside a transaction)."""
    patient = _patient(practice, intake.patient, choices, update_only=intake.kind == "note")
    if intake.kind == "registration":
        _guarantor(patient, intake.guarantor)
        _coverages(practice, patient, intake.coverages)
        return Applied(patient)
    if intake.kind == "appointment":
        assert intake.appointment is not None
        return Applied(patient, _appointment(practice, patient, intake))
    if intake.kind == "charges":
        _guarantor(patient, intake.guarantor)
        _coverages(practice, patient, intake.coverages)
        return Applied(patient, _charges(practice, patient, intake))
    return Applied(patient, _note(practice, patient, intake))


# -- patients -----------------------------------------------------------------------------


def _link(practice: Practice, kind: str, ehr_id: str) -> EhrLink | None:
    return (
        EhrLink.objects.for_practice(practice)
        .filter(kind=kind, ehr_id=ehr_id)
        .select_related("patient", "visit")
        .first()
    )


def _fill(patient: Patient, rec: PatientRecord) -> None:
    patient.last_name, patient.first_name = rec.name.last, rec.name.first
    patient.middle_name, patient.suffix = rec.name.middle, rec.name.suffix
    patient.date_of_birth, patient.sex = rec.birth_date, rec.sex
    a = rec.address
    if a.line1 or a.city:
        patient.line1, patient.line2, patient.city = a.line1, a.line2, a.city
        patient.state, patient.zip = a.state, a.zip
    patient.phone = rec.phone or patient.phone
    patient.mobile_phone = rec.mobile_phone or patient.mobile_phone
    patient.email = rec.email or patient.email


def _patient(
    practice: Practice, rec: PatientRecord, choices: ReplayChoices, *, update_only: bool
) -> Patient:
    link = _link(practice, EhrLink.Kind.PATIENT, rec.ehr_id)
    if link is not None:
        patient = link.patient
        before = audit.snapshot(patient)
        _fill(patient, rec)
        if audit.snapshot(patient) != before:
            desk.update_patient(None, patient)
        return patient
    if update_only:
        raise Held("PID-3", f"no patient with EHR id {rec.ehr_id} came from the EHR yet")
    if choices.link_account:
        found = Patient.objects.for_practice(practice).filter(account_number=choices.link_account)
        patient = found.first()  # type: ignore[assignment]
        if patient is None:
            raise Held("PID-3", f"no patient with account number {choices.link_account}")
        _fill(patient, rec)
        desk.update_patient(None, patient)
    else:
        patient = Patient(practice=practice)
        _fill(patient, rec)
        if not choices.new_patient:
            found_dups = desk.possible_duplicates(practice, patient)
            if found_dups:
                other, why = found_dups[0]
                raise Held(
                    "PID-5",
                    f"may be patient {other.account_number} already registered "
                    f"({'; '.join(why.reasons)}): link it to that account or register a "
                    "new patient from the interface queue",
                )
        desk.register_patient(None, practice, patient)
    EhrLink.objects.create(
        practice=practice, kind=EhrLink.Kind.PATIENT, ehr_id=rec.ehr_id, patient=patient
    )
    return patient


def _guarantor(patient: Patient, rec: GuarantorRecord | None) -> None:
    if rec is None:
        return
    if rec.relationship == "self":
        desk.save_guarantor(None, patient, None)
        return
    a = rec.address
    desk.save_guarantor(
        None,
        patient,
        Guarantor(
            relationship=rec.relationship,
            last_name=rec.name.last,
            first_name=rec.name.first,
            date_of_birth=rec.birth_date,
            phone=rec.phone,
            line1=a.line1,
            line2=a.line2,
            city=a.city,
            state=a.state,
            zip=a.zip,
        ),
    )


# -- coverages ----------------------------------------------------------------------------


def _payer(practice: Practice, rec: CoverageRecord) -> Payer:
    payers = Payer.objects.filter(organization_id=practice.organization_id, active=True)
    if rec.payer_id:
        by_id = list(payers.filter(payer_id__iexact=rec.payer_id)[:2])
        if len(by_id) == 1:
            return by_id[0]
    if rec.payer_name:
        by_name = list(payers.filter(name__iexact=rec.payer_name)[:2])
        if len(by_name) == 1:
            return by_name[0]
    fhir = rec.where.startswith("Coverage/")
    raise Held(
        rec.where if fhir else f"{rec.where} IN1-3",
        f"payer '{rec.payer_name}' (id '{rec.payer_id}') matches none of the practice's "
        "payers: add it under Practice setup or correct "
        + ("Coverage.payor in the EHR" if fhir else "IN1-3/IN1-4")
        + ", then replay",
    )


def _coverages(practice: Practice, patient: Patient, records: tuple[CoverageRecord, ...]) -> None:
    for rec in records:
        if rec.self_pay:
            continue
        payer = _payer(practice, rec)
        rows = Coverage.objects.for_practice(practice).filter(patient=patient)
        coverage = rows.filter(payer=payer, member_id=rec.member_id).first()
        if coverage is None:
            coverage = Coverage(payer=payer, member_id=rec.member_id)
        # The EHR's insurance of this order replaces the one we had.
        for old in rows.filter(order=rec.order, active=True).exclude(pk=coverage.pk or 0):
            old.active = False
            desk.save_coverage(None, patient, old)
        sub = rec.subscriber
        is_self = rec.relationship == "self"
        a = rec.subscriber_address
        coverage.order, coverage.active = rec.order, True
        coverage.group_number, coverage.group_name = rec.group_number, rec.group_name
        coverage.relationship_to_subscriber = rec.relationship
        coverage.subscriber_last_name = "" if is_self or sub is None else sub.last
        coverage.subscriber_first_name = "" if is_self or sub is None else sub.first
        coverage.subscriber_date_of_birth = None if is_self else rec.subscriber_birth_date
        coverage.subscriber_sex = "" if is_self else rec.subscriber_sex
        coverage.subscriber_line1 = "" if is_self else a.line1
        coverage.subscriber_line2 = "" if is_self else a.line2
        coverage.subscriber_city = "" if is_self else a.city
        coverage.subscriber_state = "" if is_self else a.state
        coverage.subscriber_zip = "" if is_self else a.zip
        coverage.effective_date = rec.effective_date
        coverage.termination_date = rec.termination_date
        desk.save_coverage(None, patient, coverage)


# -- providers, locations, times ----------------------------------------------------------


def _provider(practice: Practice, ref: ProviderRef | None, where: str) -> Provider:
    if ref is None:
        raise Held(where, "no provider named")
    rows = Provider.objects.for_practice(practice).filter(active=True)
    if ref.is_npi and ref.id:
        by_npi = list(rows.filter(npi=ref.id)[:2])
        if len(by_npi) == 1:
            return by_npi[0]
    if ref.last and ref.first:
        by_name = list(rows.filter(last_name__iexact=ref.last, first_name__iexact=ref.first)[:2])
        if len(by_name) == 1:
            return by_name[0]
    raise Held(
        ref.where,
        f"provider '{ref}' matches none of the practice's providers (by NPI or name): "
        "add the provider under Practice setup or correct the "
        + (
            "resource in the EHR, then import again" if "/" in ref.where else "message, then replay"
        ),
    )


def _location(practice: Practice, name: str, where: str) -> Location:
    rows = Location.objects.for_practice(practice).filter(active=True)
    if name:
        found = list(rows.filter(name__iexact=name)[:2])
        if len(found) == 1:
            return found[0]
    only = list(rows[:2])
    if len(only) == 1:
        return only[0]
    raise Held(where, f"location '{name}' matches none of the practice's locations")


def _aware(practice: Practice, when: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(when):
        return when
    return timezone.make_aware(when, practice.zone)


# -- appointments -------------------------------------------------------------------------


def _link_visit(practice: Practice, kind: str, ehr_id: str, visit: Visit) -> None:
    if ehr_id and _link(practice, kind, ehr_id) is None:
        EhrLink.objects.create(
            practice=practice, kind=kind, ehr_id=ehr_id, patient=visit.patient, visit=visit
        )


def _appointment(practice: Practice, patient: Patient, intake: Intake) -> Visit:
    rec: AppointmentRecord = intake.appointment  # type: ignore[assignment]
    link = _link(practice, EhrLink.Kind.APPOINTMENT, rec.ehr_id)
    visit = link.visit if link is not None else None
    if rec.action == "cancel":
        if visit is None:
            raise Held("SCH-2", f"no appointment {rec.ehr_id} came from the EHR to cancel")
        if visit.status == Visit.Status.SCHEDULED:
            scheduler.cancel_visit(None, visit, rec.reason or "cancelled in the EHR")
        return visit
    assert rec.start is not None
    when = _aware(practice, rec.start)
    where = "PV1-3" if intake.visit and intake.visit.location else "AIL-3"
    provider = _provider(practice, rec.provider, "AIP-3")
    if visit is None:
        visit = desk.book_visit(
            None,
            patient,
            provider,
            _location(practice, rec.location, where),
            when,
            rec.reason,
            rec.minutes,
            anyway=True,  # the EHR's book is the practice's; it may double-book
        )
        _link_visit(practice, EhrLink.Kind.APPOINTMENT, rec.ehr_id, visit)
    elif visit.scheduled_at != when or visit.provider_id != provider.pk:
        if visit.status != Visit.Status.SCHEDULED:
            raise Held(
                "SCH-11",
                f"appointment {rec.ehr_id} is {visit.get_status_display().lower()}; "
                "it can no longer move",
            )
        scheduler.move_visit(None, visit, when, provider, anyway=True)
    if intake.visit and intake.visit.visit_number:
        _link_visit(practice, EhrLink.Kind.VISIT, intake.visit.visit_number, visit)
    return visit


# -- charges ------------------------------------------------------------------------------


def _visit_for_charges(practice: Practice, patient: Patient, intake: Intake) -> Visit:
    number = intake.visit.visit_number if intake.visit else ""
    link = _link(practice, EhrLink.Kind.VISIT, number) if number else None
    if link is not None and link.visit is not None:
        visit = link.visit
        if visit.patient_id != patient.pk:
            raise Held("PV1-19", f"visit {number} belongs to another patient")
        return visit
    first = intake.charges[0] if intake.charges else None
    attending = intake.visit.attending if intake.visit else None
    provider = _provider(practice, (first.provider if first else None) or attending, "FT1-20")
    location = _location(practice, intake.visit.location if intake.visit else "", "PV1-3")
    admitted = intake.visit.admitted_at if intake.visit else None
    if intake.charges:
        served = min(c.service_date for c in intake.charges)
    elif admitted is not None:
        served = admitted.date()
    else:
        raise Held("PV1-44", "the visit has no date and no charges to date it")
    if admitted is not None and admitted.date() == served:
        when = _aware(practice, admitted)
    else:
        opens = getattr(practice, "opens_at", None) or datetime.time(8, 0)
        when = timezone.make_aware(datetime.datetime.combine(served, opens), practice.zone)
    visit = desk.book_visit(
        None, patient, provider, location, when, "Charges from the EHR", anyway=True
    )
    if number:
        _link_visit(practice, EhrLink.Kind.VISIT, number, visit)
    return visit


def _desk_note(intake: Intake) -> str:
    if intake.diagnoses or intake.charges:
        note = "Codes from the EHR: confirm them against the note."
    else:
        note = "Visit from the EHR without codes: code it from the note."
    if intake.problems:
        note += " Problems the EHR named in other code sets: " + "; ".join(intake.problems)
    return note[:2000]


def _charges(practice: Practice, patient: Patient, intake: Intake) -> Visit:
    visit = _visit_for_charges(practice, patient, intake)
    if visit.status == Visit.Status.SCHEDULED:
        desk.check_in(None, visit)
    if visit.status == Visit.Status.CHECKED_IN:
        desk.check_out(None, visit, _desk_note(intake))
    if visit.status not in CODABLE_STATUSES:
        raise Held(
            "PV1-19",
            f"the visit is {visit.get_status_display().lower()}; charges for it go through "
            "the biller (a corrected claim), not the EHR",
        )
    codes = [d.code for d in intake.diagnoses]
    lines = []
    for charge in intake.charges:
        pointers = [codes.index(c) + 1 for c in charge.diagnoses if c in codes][:4]
        if not pointers and codes:
            pointers = list(range(1, min(len(codes), 4) + 1))
        lines.append(
            {
                "code": charge.code,
                "modifiers": list(charge.modifiers),
                "units": str(charge.units),
                "charge": str(charge.charge) if charge.charge is not None else None,
                "dx_pointers": pointers,
                "description": charge.description,
            }
        )
    coded = bool(codes or lines)
    if coded:
        set_visit_codes(None, visit, codes, lines)
    link = _link(practice, EhrLink.Kind.VISIT, intake.visit.visit_number) if intake.visit else None
    if not coded:
        # Only problems in words (SNOMED CT): the coder codes the visit from the note.
        return visit
    if link is not None and not link.codes_from_ehr:
        link.codes_from_ehr = True
        link.save(update_fields=["codes_from_ehr"])
    elif link is None:
        EhrLink.objects.create(
            practice=practice,
            kind=EhrLink.Kind.VISIT,
            ehr_id=f"msg:{intake.control_id}"[:80],
            patient=patient,
            visit=visit,
            codes_from_ehr=True,
        )
    settings = InterfaceSettings.objects.for_practice(practice).first()
    if settings is not None and settings.ehr_codes_to_billing:
        audit.update_where(
            Visit, visit.pk, {"status": Visit.Status.CHECKED_OUT}, status=Visit.Status.CODED
        )
        visit.refresh_from_db()
    return visit


# -- notes --------------------------------------------------------------------------------


def _note(practice: Practice, patient: Patient, intake: Intake) -> Visit:
    assert intake.note is not None and intake.visit is not None
    number = intake.visit.visit_number
    link = _link(practice, EhrLink.Kind.VISIT, number)
    if link is None or link.visit is None:
        raise Held(
            "PV1-19",
            f"no visit numbered {number} came from the EHR yet: send its appointment or "
            "charges first, then replay",
        )
    visit = link.visit
    if visit.patient_id != patient.pk:
        raise Held("PV1-19", f"visit {number} belongs to another patient")
    author = None
    if intake.note.author is not None:
        try:
            author = _provider(practice, intake.note.author, "TXA-5")
        except Held:
            author = None  # an unknown author does not stop the note; it is not guessed
    doc = _link(practice, EhrLink.Kind.NOTE, intake.note.document_id)
    if doc is not None and doc.note_id is not None:
        note = ClinicalNote.objects.get(pk=doc.note_id)
        if note.text != intake.note.text:
            note.text = intake.note.text
            note.save(update_fields=["text"])
        return visit
    note = ClinicalNote.objects.create(
        practice=practice,
        visit=visit,
        author=author,
        text=intake.note.text,
        signed_at=timezone.now(),
    )
    EhrLink.objects.create(
        practice=practice,
        kind=EhrLink.Kind.NOTE,
        ehr_id=intake.note.document_id,
        patient=patient,
        visit=visit,
        note=note,
    )
    return visit

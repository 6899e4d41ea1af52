"""Appointments (SIU), charges (DFT, FHIR Encounter) and notes (MDM, ORU, FHIR
DocumentReference) to visits, through the scheduler's, the desk's and the coder's use
cases. Each kind has its ``match_*`` (what it names, found in the practice; nothing
written) and its writing, which ``apply.apply_intake`` runs only once the match found no
problem. Runs inside the caller's transaction (see ``apply.py``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils import timezone

from medbill.core.hl7 import AppointmentRecord, Fault, Intake
from medbill.web.coding.services import CODABLE_STATUSES, set_visit_codes
from medbill.web.frontdesk import scheduler
from medbill.web.frontdesk import services as desk
from medbill.web.frontdesk.models import ClinicalNote, Patient, Visit
from medbill.web.interfaces.apply import Context, Held, aware
from medbill.web.interfaces.models import EhrLink, InterfaceSettings
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Location, Provider

__all__ = [
    "appointment",
    "book_for_ehr",
    "charges",
    "code_visit",
    "match_appointment",
    "match_charges",
    "match_note",
    "note",
    "open_to_charges",
    "own_visit",
]

T = TypeVar("T")


def _link_visit(ctx: Context, kind: str, ehr_id: str, visit: Visit, **values: Any) -> None:
    if ehr_id and ctx.link(kind, ehr_id) is None:
        ctx.add_link(kind=kind, ehr_id=ehr_id, patient=visit.patient, visit=visit, **values)


def _booked(ctx: Context, rec: AppointmentRecord) -> Visit | None:
    link = ctx.link(EhrLink.Kind.APPOINTMENT, rec.ehr_id)
    return link.visit if link is not None else None


def _location_field(intake: Intake) -> str:
    return "PV1-3" if intake.visit and intake.visit.location else "AIL-3"


def match_appointment(ctx: Context, intake: Intake) -> None:
    """The appointment to cancel, else its provider and (for a new one) location."""
    rec = intake.appointment
    if rec is None:
        return  # SCH could not be read
    visit = _booked(ctx, rec)
    if rec.action == "cancel":
        if visit is None:
            ctx.hold(
                "SCH-2",
                f"no appointment {rec.ehr_id} came from the EHR to cancel",
                Fault.UNKNOWN_KEY,
            )
        return
    provider = ctx.collect(lambda: ctx.provider(rec.provider, "AIP-3"))
    if visit is None:
        ctx.collect(lambda: ctx.location(rec.location, _location_field(intake)))
    elif provider is not None and rec.start is not None:
        booked, when = visit, aware(ctx.practice, rec.start)
        ctx.collect(lambda: _moves(booked, rec, when, provider))


def _moves(visit: Visit, rec: AppointmentRecord, when: datetime.datetime, to: Provider) -> bool:
    """Whether the booked ``visit`` moves (to ``when``, or to another provider): held when
    it has begun (checked in, billed, cancelled) and can no longer move."""
    if visit.scheduled_at == when and visit.provider_id == to.pk:
        return False
    if visit.status != Visit.Status.SCHEDULED:
        raise Held(
            "SCH-11",
            f"appointment {rec.ehr_id} is {visit.get_status_display().lower()}; "
            "it can no longer move",
            fault=Fault.LOCKED,
        )
    return True


def appointment(ctx: Context, patient: Patient, intake: Intake) -> Visit | None:
    """Book, move or cancel the appointment the EHR names (SCH-2)."""
    practice = ctx.practice
    rec = intake.appointment
    assert rec is not None
    visit = _booked(ctx, rec)
    if rec.action == "cancel":
        assert visit is not None  # match_appointment holds the message otherwise
        if visit.status == Visit.Status.SCHEDULED:
            scheduler.cancel_visit(None, visit, rec.reason or "cancelled in the EHR")
        return visit
    assert rec.start is not None
    when = aware(practice, rec.start)
    provider = ctx.provider(rec.provider, "AIP-3")
    location = ctx.location(rec.location, _location_field(intake)) if visit is None else None
    if visit is None:
        assert location is not None
        visit = _on_day(
            "SCH-11",
            "appointment start",
            lambda: desk.book_visit(
                None,
                patient,
                provider,
                location,
                when,
                rec.reason,
                rec.minutes,
                anyway=True,  # the EHR's book is the practice's; it may double-book
            ),
        )
        _link_visit(ctx, EhrLink.Kind.APPOINTMENT, rec.ehr_id, visit)
    elif _moves(visit, rec, when, provider):
        moving = visit
        _on_day(
            "SCH-11",
            "appointment start",
            lambda: scheduler.move_visit(None, moving, when, provider, anyway=True),
        )
    if intake.visit and intake.visit.visit_number:
        _link_visit(ctx, EhrLink.Kind.VISIT, intake.visit.visit_number, visit)
    return visit


def _on_day(where: str, label: str, step: Callable[[], T]) -> T:
    """``step()`` (the scheduler's booking or move), its refusal of the day or time (more
    than two years ahead, before the patient was born) named by the message's field."""
    try:
        return step()
    except ServiceError as exc:
        if exc.field in ("on", "at"):
            raise Held(where, f"({label}): {exc.problem}", fault=Fault.DATA_TYPE) from None
        raise


# -- charges ------------------------------------------------------------------------------


def book_for_ehr(
    ctx: Context,
    patient: Patient,
    provider: Provider,
    location: Location,
    served: datetime.date,
    admitted: datetime.datetime | None,
    reason: str,
    where: str = "FT1-4",
    *,
    desk_note: str = "",
) -> Visit:
    """A visit for services the EHR reports, at its admit time (else the practice's
    opening time on the day of service), booked by the desk's use case; with
    ``desk_note``, recorded as taken place (checked in and out, on the coding queue).
    ``where`` names the message's field of the service date."""
    practice = ctx.practice
    if admitted is not None and admitted.date() == served:
        when = aware(practice, admitted)
    else:
        opens = getattr(practice, "opens_at", None) or datetime.time(8, 0)
        when = timezone.make_aware(datetime.datetime.combine(served, opens), practice.zone)
    patient.practice = practice
    if desk_note:
        return _on_day(
            where,
            "service date",
            lambda: desk.record_visit(None, patient, provider, location, when, reason, desk_note),
        )
    return _on_day(
        where,
        "service date",
        lambda: desk.book_visit(None, patient, provider, location, when, reason, anyway=True),
    )


def _linked_visit(ctx: Context, intake: Intake) -> Visit | None:
    number = intake.visit.visit_number if intake.visit else ""
    link = ctx.link(EhrLink.Kind.VISIT, number) if number else None
    return link.visit if link is not None else None


def _charges_provider(ctx: Context, intake: Intake) -> Provider:
    first = intake.charges[0] if intake.charges else None
    attending = intake.visit.attending if intake.visit else None
    return ctx.provider((first.provider if first else None) or attending, "FT1-20")


def _charges_location(ctx: Context, intake: Intake) -> Location:
    return ctx.location(intake.visit.location if intake.visit else "", "PV1-3")


def own_visit(visit: Visit, patient: Patient | None, number: str, where: str = "PV1-19") -> None:
    """Held when the EHR's visit ``number`` is another patient's visit than ``patient``'s
    (None: the patient is not known yet, nothing to compare)."""
    if patient is not None and visit.patient_id != patient.pk:
        raise Held(where, f"visit {number} belongs to another patient", fault=Fault.DUPLICATE_KEY)


def open_to_charges(visit: Visit, where: str, words: str) -> None:
    """Held when ``visit`` takes no more codes from the EHR (billed, cancelled, a no-show):
    ``words`` say where its changes go instead. A booked visit is checked in and out."""
    if visit.status != Visit.Status.SCHEDULED and visit.status not in CODABLE_STATUSES:
        raise Held(
            where,
            f"the visit is {visit.get_status_display().lower()}; {words}",
            fault=Fault.LOCKED,
        )


_TO_THE_BILLER = "charges for it go through the biller (a corrected claim), not the EHR"


def _chargeable(visit: Visit, patient: Patient | None, intake: Intake) -> None:
    own_visit(visit, patient, intake.visit.visit_number if intake.visit else "")
    open_to_charges(visit, "PV1-19", _TO_THE_BILLER)


def match_charges(ctx: Context, patient: Patient | None, intake: Intake) -> None:
    """For charges of a visit seen before: that it is the patient's (``patient``, None
    when not known yet) and open to charges; of a visit not seen before: its provider and
    its location."""
    if "visit" in intake.unread:
        return
    visit = _linked_visit(ctx, intake)
    if visit is not None:
        ctx.collect(lambda: _chargeable(visit, patient, intake))
        return
    number = intake.visit.visit_number if intake.visit else ""
    if number and (EhrLink.Kind.VISIT, number) in ctx.pending:
        return
    ctx.collect(lambda: _charges_provider(ctx, intake))
    ctx.collect(lambda: _charges_location(ctx, intake))
    if ctx.dry and number:
        ctx.pending.add((EhrLink.Kind.VISIT, number))


def _visit_for_charges(ctx: Context, patient: Patient, intake: Intake) -> tuple[Visit, bool]:
    """The visit the charges are for, and whether it was made now."""
    number = intake.visit.visit_number if intake.visit else ""
    visit = _linked_visit(ctx, intake)
    if visit is not None:
        _chargeable(visit, patient, intake)
        return visit, False
    provider = _charges_provider(ctx, intake)
    location = _charges_location(ctx, intake)
    admitted = intake.visit.admitted_at if intake.visit else None
    if intake.charges:
        served = min(c.service_date for c in intake.charges)
    elif admitted is not None:
        served = admitted.date()
    else:
        ctx.hold("PV1-44", "the visit has no date and no charges to date it", Fault.REQUIRED)
    ctx.check()
    visit = book_for_ehr(
        ctx,
        patient,
        provider,
        location,
        served,
        admitted,
        "Charges from the EHR",
        desk_note=_desk_note(intake),
    )
    if number:
        coded = bool(intake.diagnoses or intake.charges)
        _link_visit(ctx, EhrLink.Kind.VISIT, number, visit, codes_from_ehr=coded)
    return visit, True


def _desk_note(intake: Intake) -> str:
    if intake.diagnoses or intake.charges:
        note = "Codes from the EHR: confirm them against the note."
    else:
        note = "Visit from the EHR without codes: code it from the note."
    if intake.problems:
        note += " Problems the EHR named in other code sets: " + "; ".join(intake.problems)
    return note[:2000]


def code_visit(visit: Visit, intake: Intake, *, new: bool = False) -> bool:
    """Give ``visit`` the intake's diagnoses and service lines through the coder's use
    case (each line points at its own diagnoses, else at the first four); False when the
    intake has none (only problems in words, for the coder). ``new``: the visit was made
    by this message."""
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
    if not (codes or lines):
        return False
    set_visit_codes(None, visit, codes, lines, new=new)
    return True


def charges(ctx: Context, patient: Patient, intake: Intake) -> Visit:
    """The visit the charges are for (made, or checked in and out, as needed) with the
    EHR's codes, waiting for the coder marked "codes from the EHR"."""
    practice = ctx.practice
    visit, made = _visit_for_charges(ctx, patient, intake)
    if visit.status == Visit.Status.SCHEDULED:
        desk.check_in(None, visit)
    if visit.status == Visit.Status.CHECKED_IN:
        desk.check_out(None, visit, _desk_note(intake))
    if not code_visit(visit, intake, new=made):
        # Only problems in words (SNOMED CT): the coder codes the visit from the note.
        return visit
    number = intake.visit.visit_number if intake.visit else ""
    link = ctx.link(EhrLink.Kind.VISIT, number) if number else None
    if link is not None and not link.codes_from_ehr:
        link.codes_from_ehr = True
        link.save(update_fields=["codes_from_ehr"])
    elif link is None:
        ctx.add_link(
            kind=EhrLink.Kind.VISIT,
            ehr_id=f"msg:{intake.control_id}"[:200],
            patient=patient,
            visit=visit,
            codes_from_ehr=True,
        )
    settings = InterfaceSettings.objects.for_practice(practice).first()
    if settings is not None and settings.ehr_codes_to_billing:
        audit.update_where(
            Visit,
            visit.pk,
            {"status": Visit.Status.CHECKED_OUT},
            refresh=visit,
            status=Visit.Status.CODED,
        )
    return visit


# -- notes --------------------------------------------------------------------------------


def match_note(ctx: Context, patient: Patient | None, intake: Intake) -> None:
    """The visit the note is of (sent before, or by an earlier part of the message), the
    patient's own (``patient``, None when not known yet)."""
    if "visit" in intake.unread or intake.visit is None:
        return
    number = intake.visit.visit_number
    visit = _linked_visit(ctx, intake)
    if visit is not None:
        ctx.collect(lambda: own_visit(visit, patient, number))
    elif (EhrLink.Kind.VISIT, number) not in ctx.pending:
        ctx.hold(
            "PV1-19",
            f"no visit numbered {number} came from the EHR yet: send its appointment or "
            "charges first, then replay",
            Fault.UNKNOWN_KEY,
        )


def note(ctx: Context, patient: Patient, intake: Intake) -> Visit:
    """The EHR's note of a visit it sent before, as the visit's clinical note."""
    assert intake.note is not None and intake.visit is not None
    practice = ctx.practice
    number = intake.visit.visit_number
    visit = _linked_visit(ctx, intake)
    assert visit is not None  # match_note holds the message otherwise
    own_visit(visit, patient, number)
    author = None
    if intake.note.author is not None:
        try:
            author = ctx.provider(intake.note.author, "TXA-5")
        except Held:
            author = None  # an unknown author does not stop the note; it is not guessed
    doc = ctx.link(EhrLink.Kind.NOTE, intake.note.document_id)
    if doc is not None and doc.note_id is not None:
        existing = ClinicalNote.objects.get(pk=doc.note_id)
        if existing.text != intake.note.text:
            existing.text = intake.note.text
            existing.save(update_fields=["text"])
        return visit
    written = ClinicalNote.objects.create(
        practice=practice,
        visit=visit,
        author=author,
        text=intake.note.text,
        signed_at=timezone.now(),
    )
    ctx.add_link(
        kind=EhrLink.Kind.NOTE,
        ehr_id=intake.note.document_id,
        patient=patient,
        visit=visit,
        note=written,
    )
    return visit

"""Intake records to rows, through the front desk's, the scheduler's and the coder's own
use cases (duplicate check, coverage rules, booking checks, code checks): one rule in one
place. Everything here runs inside the caller's transaction; ``Held`` (or a
``ServiceError`` from a use case) undoes the whole message.

Applying goes in two steps. ``match_intake`` finds in the practice everything the
message names (the patient, or the duplicate check for a new one; every insurance's
payer; the provider, location, visit or claim it is about) and writes nothing; every
problem it finds is collected (``Context.collect``) before the message is held, so that
the biller sees all of them at once. Only then is anything written, the lookups reused.
A message whose mapping found problems is matched too, as far as it could be read, so
that its problems and the practice's are listed together.

This module holds what every kind of message needs (the patient, guarantor, coverages,
providers and locations); ``apply_visits`` the appointments, charges and notes,
``apply_claims`` FHIR claims.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.utils import timezone

from medbill.core.hl7 import (
    CoverageRecord,
    Fault,
    GuarantorRecord,
    HL7MappingError,
    Intake,
    PatientRecord,
    Problem,
    ProviderRef,
)
from medbill.web.frontdesk import services as desk
from medbill.web.frontdesk.models import Coverage, Guarantor, Patient, Visit
from medbill.web.interfaces.models import EhrLink
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Location, Payer, Practice, Provider

__all__ = [
    "Applied",
    "Context",
    "Held",
    "ReplayChoices",
    "apply_intake",
    "aware",
    "coverage_for",
    "location_for",
    "match_intake",
    "payer_for",
    "practice_today",
    "preload_links",
    "problems_of",
    "provider_for",
]

T = TypeVar("T")


class Held(Exception):
    """The message cannot be applied as it is; ``location`` names the segment and field
    (or resource and element) of the first problem, ``fault`` its kind (the ACK's error
    code), ``problems`` lists every one."""

    def __init__(
        self,
        location: str,
        problem: str,
        *,
        fault: Fault | None,
        more: Sequence[Problem] = (),
        text: str = "",
    ) -> None:
        text = text or (f"{location} {problem}" if location else problem)
        super().__init__(text)
        self.location = location
        self.problem = problem
        self.problems: tuple[Problem, ...] = (Problem(location, text, fault), *more)


def problems_of(exc: Held | HL7MappingError | ServiceError) -> list[Problem]:
    """Every problem an error of the intake names."""
    if isinstance(exc, Held | HL7MappingError):
        return list(exc.problems)
    # A use case names its own field (``lines[0].units``), not the message's; what it
    # refuses is a value of the message the mapping let through.
    return [Problem("", str(exc), Fault.DATA_TYPE)]


@dataclass(frozen=True)
class ReplayChoices:
    """What a biller decided when replaying a held message: link the EHR's patient to an
    existing account (``link_account``), or register a new patient although the duplicate
    check found one (``new_patient``). A FHIR bundle may hold several patients: its
    choices are per patient, by the EHR's id of it (``Patient/123``): ``accounts`` (EHR
    id to our account number) and ``new_patients``."""

    link_account: str = ""
    new_patient: bool = False
    accounts: Mapping[str, str] = field(default_factory=dict)
    new_patients: frozenset[str] = frozenset()

    def account_for(self, ehr_id: str) -> str:
        """The account the biller linked the EHR's patient ``ehr_id`` to, else ""."""
        return self.accounts.get(ehr_id, self.link_account)

    def registers_new(self, ehr_id: str) -> bool:
        """Whether the biller chose to register ``ehr_id`` as a new patient."""
        return self.new_patient or ehr_id in self.new_patients


@dataclass
class Applied:
    patient: Patient
    visit: Visit | None = None
    claim_id: int | None = None


@dataclass
class Context:
    """One message being applied: the practice, the biller's choices, the EHR links looked
    up so far (a charge message asks for its visit number three times), the payers,
    providers and locations found so far (``match_intake`` finds them, the writing reuses
    them) and the problems found so far.

    ``dry``: the message is only matched, nothing written (its mapping found problems);
    ``pending`` then holds the EHR ids (kind, id) an earlier part of it would have made,
    so that a later part naming them is not held for their absence."""

    practice: Practice
    choices: ReplayChoices = field(default_factory=ReplayChoices)
    found: list[Problem] = field(default_factory=list)
    # Patients this message registered and gave no coverage yet: none to look up.
    registered: set[int] = field(default_factory=set)
    dry: bool = False
    pending: set[tuple[str, str]] = field(default_factory=set)
    _links: dict[tuple[str, str], EhrLink | None] = field(default_factory=dict)
    _found_rows: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def link(self, kind: str, ehr_id: str) -> EhrLink | None:
        key = (kind, ehr_id)
        if key not in self._links:
            self.preload([key])
        return self._links[key]

    def preload(self, keys: Iterable[tuple[str, str]]) -> None:
        """Look up the EHR links of ``keys`` (kind, EHR id) in one query: what a message
        names (its patient, visit, appointment, document) is asked for together."""
        wanted = {key for key in keys if key[1] and key not in self._links}
        if not wanted:
            return
        kinds = {kind for kind, _ in wanted}
        rows = EhrLink.objects.for_practice(self.practice).filter(
            kind__in=kinds, ehr_id__in={ehr_id for _, ehr_id in wanted}
        )
        # A patient's link needs its patient; the others their visit too.
        related = ["patient"] if kinds == {EhrLink.Kind.PATIENT} else ["patient", "visit"]
        for row in sorted(rows.select_related(*related).order_by(), key=lambda r: r.pk):
            if (row.kind, row.ehr_id) in wanted:
                self._links.setdefault((row.kind, row.ehr_id), row)
        for key in wanted:
            self._links.setdefault(key, None)

    def add_link(self, **values: object) -> EhrLink:
        link = EhrLink.objects.create(practice=self.practice, **values)
        self._links[(link.kind, link.ehr_id)] = link
        return link

    def forget(self) -> None:
        """Drop what was looked up: a savepoint was rolled back under it."""
        self._links.clear()

    def hold(self, location: str, problem: str, fault: Fault) -> None:
        """Keep a problem found (the message will be held with it)."""
        self.found.extend(Held(location, problem, fault=fault).problems)

    def _once(self, key: tuple[Any, ...], find: Callable[[], T]) -> T:
        # ``key`` is what the lookup depends on, not the field naming it: a provider named
        # by every encounter of a bundle is asked for once. What is not found is asked
        # again (a Held is not kept), so that each field names itself in the problem.
        if key not in self._found_rows:
            self._found_rows[key] = find()
        return cast(T, self._found_rows[key])

    def payer(self, rec: CoverageRecord) -> Payer:
        """``payer_for`` the insurance ``rec``, looked up once per message and payer."""
        return self._once(
            ("payer", rec.payer_id, rec.payer_name), lambda: payer_for(self.practice, rec)
        )

    def provider(self, ref: ProviderRef | None, where: str) -> Provider:
        """``provider_for`` ``ref``, looked up once per message and provider."""
        key = ("provider", (ref.id, ref.is_npi, ref.last, ref.first) if ref else None)
        return self._once(key, lambda: provider_for(self.practice, ref, where))

    def location(self, name: str, where: str) -> Location:
        """``location_for`` ``name``, looked up once per message and name."""
        return self._once(("location", name), lambda: location_for(self.practice, name, where))

    def collect(self, step: Callable[[], T]) -> T | None:
        """``step()``; its problems are kept (and None returned) when it is held."""
        try:
            return step()
        except (Held, ServiceError) as exc:
            self.found.extend(problems_of(exc))
            return None

    def check(self) -> None:
        """Hold the message with every problem collected."""
        if not self.found:
            return
        unique = list(dict.fromkeys(self.found))
        first = unique[0]
        raise Held(first.location, first.text, fault=first.fault, more=unique[1:], text=first.text)


def match_intake(ctx: Context, intake: Intake) -> Patient | None:
    """Find in ``ctx.practice`` what ``intake`` names, writing nothing: the patient (None
    for one to register, or one whose record could not be read), every insurance's payer,
    and the provider, location, visit or claim its kind needs. Every problem goes to
    ``ctx.found``; the parts of a partial intake that could not be read
    (``Intake.unread``) are left out."""
    from medbill.web.interfaces import apply_claims, apply_visits

    ctx.preload(_named_links(intake))
    patient = None
    if "patient" not in intake.unread:
        if not intake.patient_by_reference:
            ctx.collect(lambda: _born(ctx, intake))
        patient = ctx.collect(lambda: _find_patient(ctx, intake))
    if intake.kind in ("registration", "charges"):
        for rec in intake.coverages:
            if not rec.self_pay:
                ctx.collect(lambda: ctx.payer(rec))  # noqa: B023
    if intake.kind == "appointment":
        apply_visits.match_appointment(ctx, intake)
    elif intake.kind == "charges":
        apply_visits.match_charges(ctx, patient, intake)
    elif intake.kind == "note":
        apply_visits.match_note(ctx, patient, intake)
    elif intake.kind == "claim":
        apply_claims.match_claim(ctx, patient, intake)
    return patient


def apply_intake(ctx: Context, intake: Intake) -> Applied:
    """Record ``intake`` for ``ctx.practice`` (call inside a transaction): held with every
    problem ``match_intake`` finds, else written."""
    from medbill.web.interfaces import apply_claims, apply_visits

    found = match_intake(ctx, intake)
    ctx.check()
    patient = _save_patient(ctx, intake, found)
    if intake.kind in ("registration", "charges"):
        ctx.collect(lambda: _guarantor(patient, intake.guarantor))
        for rec in intake.coverages:
            ctx.collect(lambda: coverage_for(ctx, patient, rec))  # noqa: B023
    applied = Applied(patient)
    if intake.kind == "appointment":
        applied.visit = apply_visits.appointment(ctx, patient, intake)
    elif intake.kind == "charges":
        applied.visit = apply_visits.charges(ctx, patient, intake)
    elif intake.kind == "note":
        applied.visit = apply_visits.note(ctx, patient, intake)
    elif intake.kind == "claim":
        applied.visit, applied.claim_id = apply_claims.claim(ctx, patient, intake)
    ctx.check()
    return applied


def preload_links(ctx: Context, intakes: Iterable[Intake]) -> None:
    """Look up the EHR links all of ``intakes`` name in one query (a bundle's patients,
    encounters and documents), before the first of them is matched."""
    ctx.preload(key for intake in intakes for key in _named_links(intake))


def _named_links(intake: Intake) -> list[tuple[str, str]]:
    """The EHR ids ``intake`` names, by kind of link."""
    keys: list[tuple[str, str]] = [(EhrLink.Kind.PATIENT, intake.patient.ehr_id)]
    if intake.visit is not None and intake.visit.visit_number:
        keys.append((EhrLink.Kind.VISIT, intake.visit.visit_number))
    if intake.appointment is not None:
        keys.append((EhrLink.Kind.APPOINTMENT, intake.appointment.ehr_id))
    if intake.note is not None:
        keys.append((EhrLink.Kind.NOTE, intake.note.document_id))
    return keys


# -- patients -----------------------------------------------------------------------------


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


def _born(ctx: Context, intake: Intake) -> None:
    """A birth date after the practice's today is refused (as the desk refuses it)."""
    rec = intake.patient
    if rec.birth_date > practice_today(ctx.practice):
        where = "PID-7" if "/" not in rec.ehr_id else f"{rec.ehr_id}.birthDate"
        raise Held(
            where, f"birth date {rec.birth_date:%m/%d/%Y} is in the future", fault=Fault.DATA_TYPE
        )


def _find_patient(ctx: Context, intake: Intake) -> Patient | None:
    """The practice's patient the intake is about: the one the EHR's id is linked to, the
    one it refers to, the account the biller linked it to; None for a new patient (after
    the duplicate check, unless the biller chose to register a new one)."""
    rec = intake.patient
    practice, choices = ctx.practice, ctx.choices
    link = ctx.link(EhrLink.Kind.PATIENT, rec.ehr_id)
    if link is not None:
        patient = link.patient
        patient.practice = practice  # the row's own practice; saves a query per use case
        return patient
    where = "PID-3" if "/" not in rec.ehr_id else rec.ehr_id
    if intake.patient_by_reference:
        return _patient_by_identifier(ctx, intake, where)
    if (EhrLink.Kind.PATIENT, rec.ehr_id) in ctx.pending:
        return None  # an earlier part of the message registers it
    if intake.kind == "note":
        raise Held(
            where,
            f"no patient with EHR id {rec.ehr_id} came from the EHR yet",
            fault=Fault.UNKNOWN_KEY,
        )
    number = choices.account_for(rec.ehr_id)
    if number:
        rows = Patient.objects.for_practice(practice).filter(account_number=number)
        account = rows.first()
        if account is None:
            raise Held(where, f"no patient with account number {number}", fault=Fault.UNKNOWN_KEY)
        return account
    if not choices.registers_new(rec.ehr_id):
        candidate = Patient(practice=practice)
        _fill(candidate, rec)
        found_dups = desk.possible_duplicates(practice, candidate)
        if found_dups:
            other, why = found_dups[0]
            raise Held(
                "PID-5" if "/" not in rec.ehr_id else f"{rec.ehr_id}.name",
                f"may be patient {other.account_number} already registered "
                f"({'; '.join(why.reasons)}): link it to that account or register a "
                "new patient from the interface queue",
                fault=Fault.DUPLICATE_KEY,
            )
    if ctx.dry:
        ctx.pending.add((EhrLink.Kind.PATIENT, rec.ehr_id))
    return None


def _save_patient(ctx: Context, intake: Intake, found: Patient | None) -> Patient:
    """The patient ``_find_patient`` found, brought up to date from the EHR's record (not
    when only referred to), else registered; the EHR's id linked to it."""
    rec = intake.patient
    practice = ctx.practice
    link = ctx.link(EhrLink.Kind.PATIENT, rec.ehr_id)
    if found is not None and (link is not None or intake.patient_by_reference):
        if intake.patient_by_reference:
            return found
        before = audit.snapshot(found)
        _fill(found, rec)
        if audit.snapshot(found) != before:
            desk.update_patient(None, found)
        return found
    if found is not None:  # the account the biller linked the EHR's patient to
        patient = found
        _fill(patient, rec)
        desk.update_patient(None, patient)
    else:
        patient = Patient(practice=practice)
        _fill(patient, rec)
        desk.register_patient(None, practice, patient)
        ctx.registered.add(patient.pk)
    ctx.add_link(kind=EhrLink.Kind.PATIENT, ehr_id=rec.ehr_id, patient=patient)
    return patient


ACCOUNT = "urn:medbill:account-number"  # our account number, as the FHIR API serves it


def _patient_by_identifier(ctx: Context, intake: Intake, where: str) -> Patient:
    """A patient the EHR only referred to (not in the bundle) and that no earlier bundle
    sent under that id: ours by account number. Never registered from a reference alone."""
    for system, value in intake.patient_identifiers:
        if system == ACCOUNT:
            found = Patient.objects.for_practice(ctx.practice).filter(account_number=value).first()
            if found is not None:
                return found
    named = ", ".join(
        [intake.patient.ehr_id, *(f"{s}|{v}" if s else v for s, v in intake.patient_identifiers)]
    )
    raise Held(
        where,
        f"the patient ({named}) is not in the bundle, and no patient of the practice came "
        "from the EHR under that id or has that account number: send the Patient with it",
        fault=Fault.UNKNOWN_KEY,
    )


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


def payer_for(practice: Practice, rec: CoverageRecord) -> Payer:
    """The organization's payer ``rec`` names: by payer id, else by name; never guessed."""
    # Exactly one must match: no order is needed (and none is asked of the database).
    payers = Payer.objects.filter(organization_id=practice.organization_id, active=True).order_by()
    if rec.payer_id:
        by_id = list(payers.filter(payer_id__iexact=rec.payer_id)[:2])
        if len(by_id) == 1:
            return by_id[0]
    if rec.payer_name:
        by_name = list(payers.filter(name__iexact=rec.payer_name)[:2])
        if len(by_name) == 1:
            return by_name[0]
    fhir = rec.where.startswith("Coverage/") or "/" in rec.where
    raise Held(
        rec.where if fhir else f"{rec.where} IN1-3",
        f"payer '{rec.payer_name}' (id '{rec.payer_id}') matches none of the practice's "
        "payers: have a practice manager add it under Practice setup, or correct "
        + ("Coverage.payor in the EHR" if fhir else "IN1-3/IN1-4")
        + ", then replay",
        fault=Fault.TABLE_VALUE,
    )


def coverage_for(ctx: Context, patient: Patient, rec: CoverageRecord) -> Coverage | None:
    """The patient's coverage ``rec`` describes, added or brought up to date (None: self-pay)."""
    if rec.self_pay:
        return None
    payer = ctx.payer(rec)
    rows: list[Coverage] = []
    if patient.pk not in ctx.registered:  # a patient registered just now has none yet
        rows = list(Coverage.objects.for_practice(ctx.practice).filter(patient=patient))
    coverage = next(
        (c for c in rows if c.payer_id == payer.pk and c.member_id == rec.member_id), None
    )
    if coverage is None:
        coverage = Coverage(payer=payer, member_id=rec.member_id)
    # The EHR's insurance of this order replaces the one we had.
    for old in rows:
        if old.order == rec.order and old.active and old.pk != coverage.pk:
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
    ctx.registered.discard(patient.pk)  # it has a coverage now
    return coverage


# -- providers, locations, times ----------------------------------------------------------


def provider_for(practice: Practice, ref: ProviderRef | None, where: str) -> Provider:
    """The practice's active provider ``ref`` names: by NPI, else by exact name."""
    if ref is None:
        raise Held(where, "no provider named", fault=Fault.REQUIRED)
    rows = Provider.objects.for_practice(practice).filter(active=True).order_by()
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
        "have a practice manager add the provider under Practice setup, or correct the "
        + (
            "resource in the EHR, then import again" if "/" in ref.where else "message, then replay"
        ),
        fault=Fault.TABLE_VALUE,
    )


def location_for(practice: Practice, name: str, where: str) -> Location:
    """The practice's location called ``name``, else its only one."""
    rows = Location.objects.for_practice(practice).filter(active=True).order_by()
    if name:
        found = list(rows.filter(name__iexact=name)[:2])
        if len(found) == 1:
            return found[0]
    only = list(rows[:2])
    if len(only) == 1:
        return only[0]
    raise Held(
        where,
        f"location '{name}' matches none of the practice's locations",
        fault=Fault.TABLE_VALUE,
    )


def practice_today(practice: Practice) -> datetime.date:
    """Today where the practice is (a charge dated after it, or a birth date, is refused)."""
    return timezone.localtime(timezone.now(), practice.zone).date()


def aware(practice: Practice, when: datetime.datetime) -> datetime.datetime:
    """``when`` in the practice's time zone when the EHR gave no offset."""
    if timezone.is_aware(when):
        return when
    return timezone.make_aware(when, practice.zone)

"""A read message to an ``Intake``: which segments and fields medbill takes, and the
precise refusals (ICD-9 diagnoses, dates that are not dates, missing identifiers).

See docs/interfaces.md for the table of what maps to what.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from medbill.core.hl7._checks import ChargeChecks, CodeCheck
from medbill.core.hl7._errors import Fault, HL7MappingError, Problem, Problems
from medbill.core.hl7._read import Message, Segment
from medbill.core.hl7._records import (
    Address,
    AppointmentRecord,
    ChargeRecord,
    CoverageRecord,
    DiagnosisRecord,
    GuarantorRecord,
    Intake,
    Name,
    NoteRecord,
    PatientRecord,
    VisitRecord,
)
from medbill.core.hl7._values import (
    address,
    amount,
    date_of,
    datetime_of,
    fit,
    name,
    phones,
    provider,
    relationship,
)

__all__ = ["SUPPORTED", "map_message"]

_REGISTER = {"A01", "A04", "A05", "A28"}
_UPDATE = {"A08", "A31"}
_SIU = {"S12": "book", "S13": "modify", "S14": "modify", "S15": "cancel", "S17": "cancel"}
SUPPORTED = (
    "ADT A01/A04/A05/A28 (register), A08/A31 (update); SIU S12 (book), S13/S14 (modify), "
    "S15/S17 (cancel); DFT P03/P11 (charges); MDM T02 and ORU R01 (a note)"
)

_CODES = {"ADT", "SIU", "DFT", "MDM", "ORU"}  # the message types of SUPPORTED
_VERSION = re.compile(r"^2\.[1-9](?:\.[0-9]+)?$")
_ICD10_SYSTEMS = {"I10", "I10C", "I10CM", "ICD10", "ICD-10", "ICD10CM", "ICD-10-CM"}
_ICD10_OIDS = {"2.16.840.1.113883.6.90", "2.16.840.1.113883.6.3"}
_ICD9_SYSTEMS = {"I9", "I9C", "I9CM", "ICD9", "ICD-9", "ICD9CM", "ICD-9-CM", "I9CDX"}
_ICD9_OIDS = {"2.16.840.1.113883.6.103", "2.16.840.1.113883.6.2"}
_SNOMED = {"SCT", "SNM", "SNM3", "SNOMED", "SNOMEDCT", "SNOMED-CT", "2.16.840.1.113883.6.96"}
_ICD10_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")
_ICD9_SHAPE = re.compile(r"^(?:V[0-9]{2}|E[0-9]{3}|[0-9]{3})(?:\.?[0-9]{1,2})?$")
_PROCEDURE = re.compile(r"^[A-Z0-9]{5}$")
_PROCEDURE_SYSTEMS = {"", "C4", "C5", "CPT", "CPT4", "CPT-4", "HCPCS", "HC", "HCPT", "CPT4-HCPCS"}
_NOTE_TYPES = {"TX", "FT", "ST"}
_UNITS_MINUTES = {
    "": 1,
    "M": 1,
    "MIN": 1,
    "MINUTES": 1,
    "MINUTE": 1,
    "H": 60,
    "HR": 60,
    "HOURS": 60,
}


def map_message(
    message: Message,
    *,
    today: datetime.date | None = None,
    check_code: CodeCheck | None = None,
) -> Intake:
    """What ``message`` asks medbill to record.

    Raises ``HL7MappingError`` naming the segment and field for content medbill refuses
    (``reject`` set for a message type it does not take); its ``problems`` list every
    segment (and every field of the patient) at fault, not only the first, and its
    ``partial`` is the message as far as it could be read.

    ``today`` (the practice's date) refuses a charge dated after it; ``check_code`` is the
    practice's rule for procedure codes (which CPT and HCPCS codes are real on a date).
    """
    code, event = message.message_type
    label = f"{code}^{event}"
    version = message.msh.get(12)
    if version and not _VERSION.match(version):
        raise HL7MappingError(
            "MSH-12",
            f"version '{version}' is not one medbill takes (HL7 v2: 2.1 to 2.9)",
            fault=Fault.VERSION,
            reject=True,
        )
    if code == "ADT" and event in _REGISTER | _UPDATE:
        return _registration(message, label, update=event in _UPDATE)
    if code == "SIU" and event in _SIU:
        return _appointment(message, label, _SIU[event])
    if code == "DFT" and event in ("P03", "P11"):
        return _charges(message, label, ChargeChecks(today, check_code))
    if (code, event) in (("MDM", "T02"), ("ORU", "R01")):
        return _note(message, label)
    known = code in _CODES
    raise HL7MappingError(
        "MSH-9",
        f"{'event' if known else 'message type'} {label} is not one medbill takes ({SUPPORTED})",
        fault=Fault.EVENT if known else Fault.MESSAGE_TYPE,
        reject=True,
    )


def _segment(message: Message, name: str) -> Segment:
    found = message.first(name)
    if found is None:
        raise HL7MappingError(name, "segment is missing", fault=Fault.SEGMENT)
    return found


_NO_NAME = Name("", "")
_NO_DATE = datetime.date(1900, 1, 1)
# The patient of a partial intake whose PID could not be read at all ("patient" unread).
_UNREAD = PatientRecord("", _NO_NAME, _NO_DATE, "U", Address())


def _patient(message: Message, problems: Problems | None = None) -> PatientRecord:
    own = problems is None
    problems = problems or Problems()
    pid = _segment(message, "PID")
    ehr_id = ""
    for value in pid.reps(3):
        if pid.part(value, 5).upper() == "MR":
            ehr_id = pid.part(value, 1)
            break
    if not ehr_id:
        ehr_id = pid.get(3) or pid.get(2) or pid.get(4)

    def identifier() -> str:
        if not ehr_id:
            raise HL7MappingError("PID-3", "patient identifier is missing", fault=Fault.REQUIRED)
        return fit(ehr_id, 40, "PID-3", "patient identifier")

    patient_id = problems.take(identifier, "")
    patient_name = problems.take(lambda: name(pid, 5, "patient name", required=True), None)
    born = problems.take(lambda: date_of(pid, 7, "birth date", required=True), None)
    where = problems.take(lambda: address(pid, 11, "patient address"), Address())
    sex = pid.get(8).upper()
    phone, mobile, email = phones(pid, 13)
    if own:
        problems.check()
    return PatientRecord(
        ehr_id=patient_id,
        name=patient_name or _NO_NAME,
        birth_date=born or _NO_DATE,
        sex=sex if sex in ("F", "M") else "U",
        address=where,
        phone=phone,
        mobile_phone=mobile,
        email=email,
    )


def _visit(message: Message) -> VisitRecord | None:
    pv1 = message.first("PV1")
    if pv1 is None:
        return None
    return VisitRecord(
        visit_number=fit(pv1.get(19), 40, "PV1-19", "visit number"),
        attending=provider(pv1, 7),
        location=pv1.get(3, 1) or pv1.get(3, 4),
        admitted_at=datetime_of(pv1, 44, "admit date"),
    )


def _guarantor(message: Message) -> GuarantorRecord | None:
    gt1 = message.first("GT1")
    if gt1 is None:
        return None
    who = name(gt1, 3, "guarantor name", required=True)
    assert who is not None
    phone, _, _ = phones(gt1, 6)
    return GuarantorRecord(
        name=who,
        relationship=relationship(gt1.get(11)),
        birth_date=date_of(gt1, 8, "guarantor birth date"),
        address=address(gt1, 5, "guarantor address"),
        phone=phone,
    )


_ORDERS = {1: "primary", 2: "secondary", 3: "tertiary"}


def _coverages(message: Message, problems: Problems) -> tuple[CoverageRecord, ...]:
    out: list[CoverageRecord] = []
    segments = message.segments
    position = 0
    for i, in1 in enumerate(segments):
        if in1.name != "IN1":
            continue
        position += 1
        in2 = segments[i + 1] if i + 1 < len(segments) and segments[i + 1].name == "IN2" else None
        found = problems.take(lambda: _coverage(in1, in2, position), None)  # noqa: B023
        if found is not None:
            out.append(found)
    orders = [c.order for c in out if not c.self_pay]
    for order in sorted(set(orders)):
        if orders.count(order) > 1:
            problems.found.append(
                HL7MappingError(
                    "IN1-22", f"two insurances are both {order}", fault=Fault.DUPLICATE_KEY
                )
            )
    return tuple(out)


def _coverage(in1: Segment, in2: Segment | None, position: int) -> CoverageRecord:
    where = f"IN1 #{position}"
    plan = f"{in1.get(2)} {in1.get(2, 2)} {in1.get(4)} {in1.get(15)}".upper()
    self_pay = "SELF PAY" in plan or "SELF-PAY" in plan or in1.get(15).upper() == "SELF"
    priority = in1.get(22)
    rank = (
        int(priority)
        if priority.isdigit()
        else (int(in1.get(1)) if in1.get(1).isdigit() else position)
    )
    if rank not in _ORDERS and not self_pay:
        raise HL7MappingError(
            f"{where} IN1-22", f"priority {rank} is past tertiary", fault=Fault.DATA_TYPE
        )
    member = in1.get(36) or in1.get(49)
    if not member and in2 is not None:
        member = in2.get(6) or in2.get(8)
    if not member and not self_pay:
        raise HL7MappingError(
            f"{where} IN1-36", "policy number (member id) is missing", fault=Fault.REQUIRED
        )
    subscriber = name(in1, 16, "insured's name")
    sub_sex = in1.get(43).upper()
    return CoverageRecord(
        where=where,
        order=_ORDERS.get(rank, "primary"),
        payer_id=in1.get(3),
        payer_name=in1.get(4),
        member_id=fit(member.strip().upper(), 80, f"{where} IN1-36", "policy number"),
        group_number=fit(in1.get(8), 50, f"{where} IN1-8", "group number"),
        group_name=fit(in1.get(9), 60, f"{where} IN1-9", "group name"),
        relationship=relationship(in1.get(17)),
        subscriber=subscriber,
        subscriber_birth_date=date_of(in1, 18, "insured's birth date"),
        subscriber_sex=sub_sex if sub_sex in ("F", "M") else "",
        subscriber_address=address(in1, 19, "insured's address"),
        effective_date=date_of(in1, 12, "plan effective date"),
        termination_date=date_of(in1, 13, "plan expiration date"),
        self_pay=self_pay,
    )


def _registration(message: Message, label: str, update: bool) -> Intake:
    problems = Problems()
    unread: list[str] = []
    patient = problems.read("patient", unread, lambda: _patient(message, problems), _UNREAD)
    guarantor = problems.take(lambda: _guarantor(message), None)
    coverages = _coverages(message, problems)
    visit = problems.read("visit", unread, lambda: _visit(message), None)
    intake = Intake(
        control_id=message.control_id,
        message_type=label,
        kind="registration",
        update=update,
        patient=patient,
        guarantor=guarantor,
        coverages=coverages,
        visit=visit,
        unread=tuple(unread),
    )
    problems.check(partial=intake)
    return intake


def _classify(code: str, system: str, where: str) -> str:
    """icd10, snomed or other for a diagnosis code; ICD-9 is refused here."""
    system = system.strip().upper()
    plain = code.strip().upper()
    if system in _ICD9_SYSTEMS or system in _ICD9_OIDS:
        raise HL7MappingError(
            where,
            f"diagnosis '{plain}' is coded in ICD-9-CM ({system}); medbill takes ICD-10-CM "
            "only (ICD-9-CM ended for services from 2015-10-01): send the ICD-10-CM code",
            fault=Fault.TABLE_VALUE,
        )
    if system in _SNOMED:
        return "snomed"
    if system in _ICD10_SYSTEMS or system in _ICD10_OIDS:
        if not _ICD10_SHAPE.match(plain):
            raise HL7MappingError(
                where, f"diagnosis '{plain}' is not an ICD-10-CM code", fault=Fault.TABLE_VALUE
            )
        return "icd10"
    # No code system, or one outside table 0396: judge by the code's shape.
    if _ICD10_SHAPE.match(plain):
        return "icd10"
    if _ICD9_SHAPE.match(plain):
        raise HL7MappingError(
            where,
            f"diagnosis '{plain}' looks like an ICD-9-CM code; medbill takes ICD-10-CM only: "
            "send the ICD-10-CM code",
            fault=Fault.TABLE_VALUE,
        )
    raise HL7MappingError(
        where,
        f"diagnosis '{plain}' is in a code system medbill does not know ({system or 'none given'})",
        fault=Fault.TABLE_VALUE,
    )


def _as_words(where: str, code: str) -> Problem:
    """The warning for a diagnosis in another code set (SNOMED CT): taken as words."""
    return Problem(
        where,
        f"{where} diagnosis '{code}' is SNOMED CT, not ICD-10-CM: it goes to the coder as "
        "words, not as a diagnosis code of the claim",
        Fault.TABLE_VALUE,
    )


def _diagnoses(
    message: Message, problems: Problems, warnings: list[Problem]
) -> tuple[list[DiagnosisRecord], list[str]]:
    codes: list[DiagnosisRecord] = []
    words: list[str] = []
    for i, dg1 in enumerate(message.all("DG1"), start=1):
        where = f"DG1 #{i} DG1-3"
        code, text = dg1.get(3, 1), dg1.get(3, 2) or dg1.get(4)
        if not code:
            problems.found.append(
                HL7MappingError(where, "diagnosis code is missing", fault=Fault.REQUIRED)
            )
            continue
        system = dg1.get(3, 3) or dg1.get(2)
        kind = problems.take(lambda: _classify(code, system, where), "")  # noqa: B023
        if kind == "snomed":
            words.append(text or code)
            warnings.append(_as_words(where, code))
            continue
        if not kind:
            continue
        plain = code.upper().replace(".", "")
        if all(d.code != plain for d in codes):
            codes.append(DiagnosisRecord(f"DG1 #{i}", plain, text))
    return codes, words


def _procedure(ft1: Segment, where: str) -> tuple[str, str, int]:
    for n in (25, 7):
        code = ft1.get(n).upper()
        if not code:
            continue
        system = ft1.get(n, 3).upper()
        if system not in _PROCEDURE_SYSTEMS:
            if n == 25:
                raise HL7MappingError(
                    f"{where} FT1-25",
                    f"procedure code '{code}' is in {system}, not CPT or HCPCS",
                    fault=Fault.TABLE_VALUE,
                )
            continue
        if _PROCEDURE.match(code):
            return code, ft1.get(n, 2), n
        if n == 25:
            raise HL7MappingError(
                f"{where} FT1-25",
                f"procedure code '{code}' is not a CPT or HCPCS code",
                fault=Fault.TABLE_VALUE,
            )
    raise HL7MappingError(
        f"{where} FT1-25", "no CPT or HCPCS code (FT1-25 or FT1-7)", fault=Fault.REQUIRED
    )


def _charge(
    ft1: Segment,
    position: int,
    found: Problems,
    checks: ChargeChecks,
    born: datetime.date | None,
    warnings: list[Problem],
) -> tuple[ChargeRecord, list[str]]:
    """One FT1; a problem of the procedure code or the date (after today, before the
    patient's birth date ``born``) goes to ``found`` with the other problems of the
    message, so that one replay shows them all."""
    where = f"FT1 #{position}"
    kind = ft1.get(6).upper()
    if kind not in ("", "CG"):
        raise HL7MappingError(
            f"{where} FT1-6",
            f"transaction type '{kind}' is not a charge (CG); medbill takes charges",
            fault=Fault.TABLE_VALUE,
        )
    code, description, code_field = _procedure(ft1, where)
    modifiers: list[str] = []
    for value in ft1.reps(26):
        mod = ft1.part(value, 1).upper()
        if not re.match(r"^[A-Z0-9]{2}$", mod):
            raise HL7MappingError(
                f"{where} FT1-26", f"modifier '{mod}' is not two characters", fault=Fault.DATA_TYPE
            )
        modifiers.append(mod)
    raw_units = ft1.get(10) or "1"
    try:
        units = Decimal(raw_units)
    except InvalidOperation:
        raise HL7MappingError(
            f"{where} FT1-10", f"quantity '{raw_units}' is not a number", fault=Fault.DATA_TYPE
        ) from None
    if not units.is_finite() or units <= 0 or units > 9999:
        raise HL7MappingError(
            f"{where} FT1-10",
            f"quantity '{raw_units}' must be more than zero",
            fault=Fault.DATA_TYPE,
        )
    served = date_of(ft1, 4, "transaction date") or date_of(ft1, 5, "posting date")
    if served is None:
        raise HL7MappingError(
            f"{where} FT1-4", "transaction (service) date is missing", fault=Fault.REQUIRED
        )
    served_where = f"{where} FT1-{4 if ft1.get(4) else 5}"
    misdated = checks.date(served, born, "PID-7")
    if misdated:
        found.found.append(
            HL7MappingError(served_where, f"(transaction date): {misdated}", fault=Fault.DATA_TYPE)
        )
    refused = checks.code(code, served)
    if refused:
        found.found.append(
            HL7MappingError(
                f"{where} FT1-{code_field}", f"(procedure code): {refused}", fault=Fault.TABLE_VALUE
            )
        )
    charge = amount(ft1, 11, "extended amount")
    if charge is None:
        each = amount(ft1, 12, "unit amount")
        charge = (each * units).quantize(Decimal("0.01")) if each is not None else None
    pointers: list[str] = []
    problems: list[str] = []
    for value in ft1.reps(19):
        dx, text, system = ft1.part(value, 1), ft1.part(value, 2), ft1.part(value, 3)
        if not dx:
            continue
        if _classify(dx, system, f"{where} FT1-19") == "snomed":
            problems.append(text or dx)
            warnings.append(_as_words(f"{where} FT1-19", dx))
        else:
            pointers.append(dx.upper().replace(".", ""))
    record = ChargeRecord(
        where=where,
        code=code,
        modifiers=tuple(modifiers),
        units=units,
        service_date=served,
        charge=charge,
        provider=provider(ft1, 20) or provider(ft1, 21),
        diagnoses=tuple(dict.fromkeys(pointers)),
        description=description[:120],
    )
    return record, problems


def _charges(message: Message, label: str, checks: ChargeChecks) -> Intake:
    problems = Problems()
    unread: list[str] = []
    patient = problems.read("patient", unread, lambda: _patient(message, problems), _UNREAD)
    born = patient.birth_date if patient.birth_date != _NO_DATE else None
    warnings: list[Problem] = []
    diagnoses, words = _diagnoses(message, problems, warnings)
    charges: list[ChargeRecord] = []
    for i, ft1 in enumerate(message.all("FT1"), start=1):
        found = problems.take(
            lambda: _charge(ft1, i, problems, checks, born, warnings),  # noqa: B023
            None,
        )
        if found is not None:
            charges.append(found[0])
            words.extend(found[1])
    if not charges and not problems.found:
        problems.found.append(
            HL7MappingError(
                "FT1", "segment is missing: a charge message needs a charge", fault=Fault.SEGMENT
            )
        )
    guarantor = problems.take(lambda: _guarantor(message), None)
    coverages = _coverages(message, problems)
    visit = problems.read("visit", unread, lambda: _visit(message), None)
    known = {d.code for d in diagnoses}
    for charge in charges:
        for code in charge.diagnoses:
            if code not in known:
                diagnoses.append(DiagnosisRecord(f"{charge.where} FT1-19", code, ""))
                known.add(code)
    intake = Intake(
        control_id=message.control_id,
        message_type=label,
        kind="charges",
        patient=patient,
        guarantor=guarantor,
        coverages=coverages,
        visit=visit,
        diagnoses=tuple(diagnoses),
        problems=tuple(dict.fromkeys(words)),
        charges=tuple(charges),
        unread=tuple(unread),
        warnings=tuple(dict.fromkeys(warnings)),
    )
    problems.check(partial=intake)
    return intake


def _minutes(message: Message, sch: Segment) -> int:
    raw, unit = sch.get(9), sch.get(10).upper()
    if raw.isdigit() and unit in _UNITS_MINUTES:
        return int(raw) * _UNITS_MINUTES[unit]
    start = datetime_of(sch, 11, "appointment start", comp=4)
    end = datetime_of(sch, 11, "appointment end", comp=5)
    if start and end and end > start:
        return int((end - start).total_seconds() // 60)
    aip = message.first("AIP") or message.first("AIS")
    if aip is not None and aip.get(9).isdigit():
        return int(aip.get(9)) * _UNITS_MINUTES.get(aip.get(10).upper(), 1)
    return 15


def _appointment(message: Message, label: str, action: str) -> Intake:
    problems = Problems()
    unread: list[str] = []
    patient = problems.read("patient", unread, lambda: _patient(message, problems), _UNREAD)
    booking = problems.take(lambda: _booking(message, action), None)
    visit = problems.read("visit", unread, lambda: _visit(message), None)
    intake = Intake(
        control_id=message.control_id,
        message_type=label,
        kind="appointment",
        patient=patient,
        visit=visit,
        appointment=booking,  # None only in a partial intake
        unread=tuple(unread),
    )
    problems.check(partial=intake)
    return intake


def _booking(message: Message, action: str) -> AppointmentRecord:
    sch = _segment(message, "SCH")
    ehr_id = sch.get(2) or sch.get(1)
    if not ehr_id:
        raise HL7MappingError(
            "SCH-2", "appointment id is missing (SCH-1 and SCH-2 are empty)", fault=Fault.REQUIRED
        )
    start = datetime_of(sch, 11, "appointment start", comp=4)
    tq1 = message.first("TQ1")
    if start is None and tq1 is not None:
        start = datetime_of(tq1, 7, "appointment start")
    aip = message.first("AIP")
    ail = message.first("AIL")
    if start is None:
        for seg in (aip, ail, message.first("AIS")):
            if seg is not None and seg.get(6):
                start = datetime_of(seg, 6, "appointment start")
                break
    if start is None and action != "cancel":
        raise HL7MappingError("SCH-11", "appointment start is missing", fault=Fault.REQUIRED)
    pv1 = message.first("PV1")
    who = (provider(aip, 3) if aip else None) or (provider(pv1, 7) if pv1 else None)
    location = (ail.get(3, 1) or ail.get(3, 4)) if ail else ""
    if not location and pv1 is not None:
        location = pv1.get(3, 1) or pv1.get(3, 4)
    return AppointmentRecord(
        action=action,
        ehr_id=fit(ehr_id, 40, "SCH-2", "appointment id"),
        start=start,
        minutes=max(5, min(_minutes(message, sch), 240)),
        reason=(sch.get(7, 2) or sch.get(7, 1) or sch.get(6, 2) or sch.get(6, 1))[:120],
        provider=who,
        location=location,
    )


def _note(message: Message, label: str) -> Intake:
    problems = Problems()
    unread: list[str] = []
    patient = problems.read("patient", unread, lambda: _patient(message, problems), _UNREAD)
    lines: list[str] = []
    for obx in message.all("OBX"):
        if obx.get(2).upper() not in _NOTE_TYPES:
            continue
        for value in obx.reps(5):
            lines.append(obx.part(value, 1) if obx.get(2).upper() != "FT" else _ft(obx, value))
    text = "\n".join(line for line in lines).strip()
    if not text:
        problems.found.append(
            HL7MappingError(
                "OBX-5", "no note text (OBX of type TX, FT or ST)", fault=Fault.REQUIRED
            )
        )
    visit = problems.read("visit", unread, lambda: _visit(message), None)
    if visit is None or not visit.visit_number:
        problems.found.append(
            HL7MappingError(
                "PV1-19",
                "visit number is missing: a note goes with a visit",
                fault=Fault.REQUIRED,
            )
        )
        unread.append("visit")
    txa = message.first("TXA")
    author = provider(txa, 5) if txa else None
    if author is None:
        first_obx = message.first("OBX")
        author = provider(first_obx, 16) if first_obx else None
    document = (txa.get(12) if txa else "") or message.control_id
    intake = Intake(
        control_id=message.control_id,
        message_type=label,
        kind="note",
        patient=patient,
        visit=visit,
        note=NoteRecord(text=text, author=author, document_id=document[:60]),
        unread=tuple(dict.fromkeys(unread)),
    )
    problems.check(partial=intake)
    return intake


def _ft(seg: Segment, value: str) -> str:
    # Formatted text keeps its components' separators as text.
    return seg.part(value.replace(seg.separators[0], "\\S\\"), 1)

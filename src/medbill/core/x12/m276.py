"""276 claim status request (005010X212): writer and reader.

``write_276`` asks payers where claims stand: one transaction set per payer,
the information receiver (us, 2100B) and the provider (2100C) once, then for
each claim the subscriber (2000D) and, when the patient is not the subscriber,
the dependent (2000E) with the claim's trace number, our claim id (REF*EJ, the
CLM01 we sent), the payer's claim number when known (REF*1K), the billed amount
and the dates of service. ``read_276`` reads a request back, as the payer
simulator does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from medbill.core.charset import to_x12_text
from medbill.core.claim import Claim, PersonName
from medbill.core.money import Money, MoneyError
from medbill.core.x12._m837p_fit import fit_claim
from medbill.core.x12._segments import (
    ControlNumbers,
    Delimiters,
    InterchangeEnvelope,
    Segment,
    SegmentWriter,
    X12WriteError,
    read_interchanges,
)

__all__ = [
    "VERSION_276",
    "ClaimStatusInquiry",
    "InformationReceiver",
    "check_inquiry",
    "fit_receiver",
    "refuse_unwritable",
    "StatusPerson",
    "StatusProvider",
    "inquiry_for_claim",
    "read_276",
    "write_276",
]

VERSION_276 = "005010X212"
_PRINTABLE = re.compile(r"[ -~]+")


@dataclass(frozen=True, slots=True)
class StatusPerson:
    """The subscriber (2100D) or the patient as dependent (2100E)."""

    last: str
    first: str | None = None
    middle: str | None = None
    suffix: str | None = None
    member_id: str | None = None
    dob: date | None = None
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class StatusProvider:
    """The provider who billed the claim (2100C): an organization unless ``first`` is set."""

    name: str
    npi: str
    first: str | None = None


@dataclass(frozen=True, slots=True)
class InformationReceiver:
    """Who asks and receives the answer (2100B): our name and electronic id (ETIN)."""

    name: str
    etin: str


@dataclass(frozen=True, slots=True)
class ClaimStatusInquiry:
    """One question to one payer about one claim."""

    trace_number: str  # TRN02, echoed by the 277
    payer_name: str
    payer_id: str
    provider: StatusProvider
    subscriber: StatusPerson
    patient_control_number: str  # CLM01 as submitted (REF*EJ)
    total_charge: Money | None
    service_from: date | None
    service_to: date | None = None
    dependent: StatusPerson | None = None  # the patient, when not the subscriber
    payer_claim_number: str | None = None  # REF*1K, when the payer told us one


def _person_from(
    name: PersonName, member_id: str | None = None, dob: date | None = None, sex: str | None = None
) -> StatusPerson:
    return StatusPerson(
        name.last,
        name.first,
        name.middle,
        name.suffix,
        member_id,
        dob,
        sex if sex in ("F", "M", "U") else None,
    )


def inquiry_for_claim(
    claim: Claim, trace_number: str, payer_claim_number: str | None = None
) -> ClaimStatusInquiry:
    """The 276 question about a claim document as it was sent.

    Names are fitted to X12 exactly as the 837P writes them (``fit_claim``: the X12
    character set, the TR3 lengths), so the payer is asked about the names it has.
    """
    claim = fit_claim(claim).claim
    sub = claim.subscriber
    patient = claim.patient
    subscriber = _person_from(sub.name, sub.member_id, sub.dob, sub.sex)
    dependent = None
    if not patient.is_subscriber:
        dependent = _person_from(patient.name, None, patient.dob, patient.sex)
    elif subscriber.dob is None:
        subscriber = replace(
            subscriber,
            dob=patient.dob,
            sex=subscriber.sex or (patient.sex if patient.sex in ("F", "M", "U") else None),
        )
    dates = [d for d in claim.line_dates() if d]
    start = min(dates) if dates else claim.date_of_service
    end = max(dates) if dates else claim.date_of_service
    return ClaimStatusInquiry(
        trace_number=trace_number,
        payer_name=claim.payer.name,
        payer_id=claim.payer.payer_id or "",
        provider=StatusProvider(claim.billing_provider.name, claim.billing_provider.npi or ""),
        subscriber=subscriber,
        patient_control_number=claim.claim_id,
        total_charge=claim.total_charge,
        service_from=start,
        service_to=end,
        dependent=dependent,
        payer_claim_number=payer_claim_number,
    )


def check_inquiry(
    inq: ClaimStatusInquiry, index: int = 0, delimiters: Delimiters | None = None
) -> None:
    """Raise ``X12WriteError`` naming the claim and field when the guide's required
    data is missing or a value cannot be written with ``delimiters`` (an id holding a
    separator); ``write_276`` checks every inquiry this way."""
    _check_required(inq, index)
    # Names were fitted as the 837P fits them, identifiers never are: a value still
    # outside the X12 character set (a name in a non-Latin script, an odd id) is refused,
    # as the 837P holds such a claim out.
    refuse_unwritable(inq)
    scratch = SegmentWriter(delimiters or Delimiters())
    with _naming(inq):
        _payer_nm1(scratch, inq.payer_name, inq.payer_id)
        _provider_nm1(scratch, inq.provider)
        _write_claim(scratch, inq, 4, 3)


def refuse_unwritable(inq: ClaimStatusInquiry) -> None:
    """Raise ``X12WriteError`` naming the claim and field when a value of ``inq`` holds a
    character outside the X12 character set (the 277 writer answers with the same values)."""
    people = [("subscriber", inq.subscriber)]
    if inq.dependent is not None:
        people.append(("patient", inq.dependent))
    values = [
        ("trace_number", inq.trace_number, "TRN"),
        ("payer_id", inq.payer_id, "NM1"),
        ("payer_name", inq.payer_name, "NM1"),
        ("provider.npi", inq.provider.npi, "NM1"),
        ("provider.name", inq.provider.name, "NM1"),
        ("provider.first", inq.provider.first, "NM1"),
        ("patient_control_number", inq.patient_control_number, "REF"),
        ("payer_claim_number", inq.payer_claim_number, "REF"),
    ]
    for who, person in people:
        values += [
            (f"{who}.{key}", getattr(person, key), "NM1")
            for key in ("last", "first", "middle", "suffix", "member_id")
        ]
    for field, value, segment in values:
        if value and not _PRINTABLE.fullmatch(value):
            raise X12WriteError(
                "holds a character X12 cannot carry",
                segment=segment,
                claim_id=inq.patient_control_number or "(no id)",
                field=field,
            )


@contextmanager
def _naming(inq: ClaimStatusInquiry) -> Iterator[None]:
    """Name the claim in a write error that came from a value of this inquiry."""
    try:
        yield
    except X12WriteError as exc:
        if exc.claim_id is not None:
            raise
        raise X12WriteError(
            exc.reason,
            segment=exc.segment,
            element=exc.element,
            claim_id=inq.patient_control_number or "(no id)",
        ) from None


def _payer_nm1(w: SegmentWriter, name: str, payer_id: str) -> None:
    w.add("NM1", "PR", "2", name, "", "", "", "", "PI", payer_id)


def _provider_nm1(w: SegmentWriter, provider: StatusProvider) -> None:
    if provider.first:
        w.add("NM1", "1P", "1", provider.name, provider.first, "", "", "", "XX", provider.npi)
    else:
        w.add("NM1", "1P", "2", provider.name, "", "", "", "", "XX", provider.npi)


def fit_receiver(receiver: InformationReceiver) -> InformationReceiver:
    """The information receiver as written: its name in the X12 character set and cut to
    NM103's 60 characters; ``X12WriteError`` when the name or id is missing or the id holds
    a character X12 cannot carry."""
    name = to_x12_text(receiver.name)[:60]
    if not receiver.etin or not name:
        raise X12WriteError(
            "the information receiver's name and id are required", segment="NM1", element=9
        )
    if not _PRINTABLE.fullmatch(receiver.etin):
        raise X12WriteError(
            "the information receiver's id holds a character X12 cannot carry",
            segment="NM1",
            element=9,
        )
    return InformationReceiver(name, receiver.etin)


def _check_required(inq: ClaimStatusInquiry, index: int) -> None:
    def fail(what: str, segment: str, element: int) -> X12WriteError:
        return X12WriteError(
            what,
            segment=segment,
            element=element,
            claim_id=inq.patient_control_number or f"(inquiry {index + 1})",
        )

    if not inq.trace_number:
        raise fail("trace_number is required", "TRN", 2)
    if not inq.payer_id or not inq.payer_name:
        raise fail("the payer's name and id are required", "NM1", 9)
    if not inq.provider.npi or not inq.provider.name:
        raise fail("the billing provider's name and NPI are required", "NM1", 9)
    if not inq.subscriber.member_id:
        raise fail("the subscriber's member id is required", "NM1", 9)
    if not inq.subscriber.last:
        raise fail("the subscriber's last name is required", "NM1", 3)
    if inq.dependent is not None and not inq.dependent.last:
        raise fail("the patient's last name is required", "NM1", 3)
    # 2000D/E DMG is required for the person the claim is about.
    patient = inq.dependent or inq.subscriber
    if patient.dob is None:
        raise fail("the patient's date of birth is required", "DMG", 2)
    if inq.service_from is None:
        raise fail("the date of service is required", "DTP", 3)
    if inq.patient_control_number and not inq.patient_control_number.strip():
        raise fail("our claim id is blank", "REF", 2)
    if inq.payer_claim_number and not inq.payer_claim_number.strip():
        raise fail("the payer's claim number is blank", "REF", 2)
    if not inq.patient_control_number and not inq.payer_claim_number:
        raise fail("our claim id or the payer's claim number is required", "REF", 2)


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def write_276(
    inquiries: Sequence[ClaimStatusInquiry],
    envelope: InterchangeEnvelope,
    control: ControlNumbers,
    receiver: InformationReceiver,
    created: datetime,
    delimiters: Delimiters | None = None,
    line_ending: str = "\n",
) -> bytes:
    """One interchange asking about every claim: one 276 per payer.

    Raises ``X12WriteError`` naming the claim and the field when an inquiry lacks what
    the guide requires or holds a value these delimiters cannot carry (``check_inquiry``
    tells it beforehand, claim by claim).
    """
    if not inquiries:
        raise X12WriteError("no claims to ask about", segment="ST")
    for i, inq in enumerate(inquiries):
        check_inquiry(inq, i, delimiters)
    receiver = fit_receiver(receiver)
    w = SegmentWriter(delimiters or Delimiters(), line_ending)
    w.open_interchange(envelope, control, created, "HR", VERSION_276)
    by_payer: dict[str, list[ClaimStatusInquiry]] = {}
    for inq in inquiries:
        by_payer.setdefault(inq.payer_id, []).append(inq)
    for number, batch in enumerate(by_payer.values(), start=control.transaction):
        w.open_transaction("276", number, VERSION_276)
        w.add(
            "BHT",
            "0010",
            "13",
            f"{control.interchange}-{number}",
            _d8(created),
            created.strftime("%H%M"),
        )
        w.add("HL", "1", "", "20", "1")
        _payer_nm1(w, batch[0].payer_name, batch[0].payer_id)
        w.add("HL", "2", "1", "21", "1")
        w.add("NM1", "41", "2", receiver.name, "", "", "", "", "46", receiver.etin)
        hl = 2
        by_provider: dict[StatusProvider, list[ClaimStatusInquiry]] = {}
        for inq in batch:
            by_provider.setdefault(inq.provider, []).append(inq)
        for provider, items in by_provider.items():
            hl += 1
            provider_hl = hl
            w.add("HL", str(hl), "2", "19", "1")
            _provider_nm1(w, provider)
            for inq in items:
                hl += 1
                hl = _write_claim(w, inq, hl, provider_hl)
        w.close_transaction()
    w.close_interchange()
    return w.bytes()


def _write_claim(w: SegmentWriter, inq: ClaimStatusInquiry, hl: int, parent: int) -> int:
    """The subscriber (and dependent) loops with the claim; returns the last HL number."""
    sub = inq.subscriber
    w.add("HL", str(hl), str(parent), "22", "1" if inq.dependent else "0")
    if inq.dependent is None and sub.dob:
        w.add("DMG", "D8", _d8(sub.dob), sub.sex or "")
    w.add(
        "NM1",
        "IL",
        "1",
        sub.last,
        sub.first or "",
        sub.middle or "",
        "",
        sub.suffix or "",
        "MI",
        sub.member_id,
    )
    if inq.dependent is not None:
        dep = inq.dependent
        subscriber_hl, hl = hl, hl + 1
        w.add("HL", str(hl), str(subscriber_hl), "23")
        if dep.dob:
            w.add("DMG", "D8", _d8(dep.dob), dep.sex or "")
        w.add("NM1", "QC", "1", dep.last, dep.first or "", dep.middle or "", "", dep.suffix or "")
    w.add("TRN", "1", inq.trace_number)
    if inq.payer_claim_number:
        w.add("REF", "1K", inq.payer_claim_number)
    if inq.patient_control_number:
        w.add("REF", "EJ", inq.patient_control_number)
    if inq.total_charge is not None:
        w.add("AMT", "T3", inq.total_charge.x12())
    start = inq.service_from
    end = inq.service_to or start
    assert start is not None  # checked
    if end is not None and end != start:
        w.add("DTP", "472", "RD8", f"{_d8(start)}-{_d8(end)}")
    else:
        w.add("DTP", "472", "D8", _d8(start))
    return hl


# -- reading (the payer's side) -----------------------------------------------------------


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _name(seg: Segment) -> StatusPerson:
    return StatusPerson(
        seg[3],
        seg[4] or None,
        seg[5] or None,
        seg[7] or None,
        seg[9] or None if seg[8] == "MI" else None,
    )


def read_276(data: bytes | str) -> list[ClaimStatusInquiry]:
    """Every claim asked about in a 276 interchange (what a payer answers).

    Raises ``X12ParseError`` naming the segment when the file is not a 276 or a claim
    loop (TRN) comes before the subscriber it belongs to.
    """
    out: list[ClaimStatusInquiry] = []
    for ic in read_interchanges(data):
        for tx in ic.transactions:
            if tx.set_id != "276":
                raise tx.st.error(f"expected a 276 transaction set, found {tx.set_id}", 1)
            out.extend(_read_transaction(tx.segments))
    return out


def _read_transaction(segments: list[Segment]) -> list[ClaimStatusInquiry]:
    out: list[ClaimStatusInquiry] = []
    payer = ("", "")
    provider = StatusProvider("", "")
    subscriber: StatusPerson | None = None
    person_dmg: tuple[date | None, str | None] = (None, None)
    dependent: StatusPerson | None = None
    level = ""
    current: dict[str, Any] | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            out.append(ClaimStatusInquiry(**current))
            current = None

    for seg in segments:
        sid = seg.id
        if sid == "HL":
            flush()
            level, person_dmg = seg[3], (None, None)
            if level == "22":
                subscriber = None
            dependent = None
        elif sid == "DMG":
            person_dmg = (_date(seg[2]), seg[3] or None)
        elif sid == "NM1":
            if seg[1] == "PR":
                payer = (seg[3], seg[9])
            elif seg[1] == "1P":
                provider = StatusProvider(seg[3], seg[9], seg[4] or None if seg[2] == "1" else None)
            elif seg[1] == "IL":
                subscriber = replace(_name(seg), dob=person_dmg[0], sex=person_dmg[1])
            elif seg[1] == "QC":
                if subscriber is None:
                    raise seg.error("a dependent (NM1*QC) without its subscriber", 1)
                dependent = replace(_name(seg), dob=person_dmg[0], sex=person_dmg[1])
        elif sid == "TRN":
            if subscriber is None:
                raise seg.error("a claim (TRN) before its subscriber (NM1*IL)", 2)
            flush()
            current = {
                "trace_number": seg[2],
                "payer_name": payer[0],
                "payer_id": payer[1],
                "provider": provider,
                "subscriber": subscriber,
                "dependent": dependent if level == "23" else None,
                "patient_control_number": "",
                "total_charge": None,
                "service_from": None,
            }
        elif current is None:
            continue
        elif sid == "REF" and seg[1] == "EJ":
            current["patient_control_number"] = seg[2]
        elif sid == "REF" and seg[1] == "1K":
            current["payer_claim_number"] = seg[2]
        elif sid == "AMT" and seg[1] == "T3":
            try:
                current["total_charge"] = Money(seg[2])
            except MoneyError:
                raise seg.error(f"AMT02 {seg[2][:20]!r} is not an amount", 2) from None
        elif sid == "DTP" and seg[1] == "472" and current["service_from"] is None:
            parts = seg[3].split("-")
            current["service_from"] = _date(parts[0])
            current["service_to"] = _date(parts[-1])
    flush()
    return out

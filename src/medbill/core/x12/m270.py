"""270 eligibility and benefit inquiry (005010X279A1): writer and reader.

``write_270`` turns inquiries into an interchange (bytes); ``read_270`` reads
one back, as the payer simulator and the round-trip tests do. Names are written in the
X12 character set as the 837P writes them (``medbill.core.charset``: José Muñoz ->
Jose Munoz); identifiers are sent as they are or refused, never rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypedDict

from medbill.core.x12._segments import (
    Delimiters,
    Segment,
    SegmentWriter,
    X12WriteError,
    read_interchanges,
)
from medbill.core.x12._text import x12_identifier, x12_text

__all__ = [
    "Envelope",
    "EligibilityInquiry",
    "InquiryPerson",
    "InquiryProvider",
    "fit_inquiry",
    "read_270",
    "write_270",
]

VERSION = "005010X279A1"


@dataclass(frozen=True, slots=True)
class InquiryPerson:
    """The subscriber (2100C) or dependent (2100D) asked about."""

    last: str
    first: str | None = None
    middle: str | None = None
    member_id: str | None = None
    dob: date | None = None
    sex: str | None = None
    group_number: str | None = None


@dataclass(frozen=True, slots=True)
class InquiryProvider:
    """The information receiver (2100B): the practice or the provider asking."""

    name: str
    npi: str
    first: str | None = None  # set for a person; None means an organization
    tin: str | None = None


@dataclass(frozen=True, slots=True)
class EligibilityInquiry:
    """One question to one payer about one member on one date."""

    trace_number: str
    payer_name: str
    payer_id: str
    provider: InquiryProvider
    subscriber: InquiryPerson
    date_of_service: date
    dependent: InquiryPerson | None = None
    service_types: tuple[str, ...] = ("30",)
    trace_originator: str = "9MEDBILL00"  # TRN03: "1" + TIN, or "9" + an id of our own


@dataclass(frozen=True, slots=True)
class Envelope:
    """Interchange and group control data for one file."""

    sender_id: str
    receiver_id: str
    interchange_control: int
    group_control: int
    created: datetime
    usage: str = "P"  # P production, T test
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"


def _isa(env: Envelope, d: Delimiters, functional_id: str) -> tuple[str, str]:
    if not 1 <= env.interchange_control <= 999_999_999:
        raise X12WriteError(
            "interchange control number must be 1-999999999", segment="ISA", element=13
        )
    isa = d.element.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            env.sender_qualifier,
            env.sender_id[:15].ljust(15),
            env.receiver_qualifier,
            env.receiver_id[:15].ljust(15),
            env.created.strftime("%y%m%d"),
            env.created.strftime("%H%M"),
            d.repetition or "^",
            "00501",
            f"{env.interchange_control:09d}",
            "0",
            env.usage,
            d.component,
        ]
    )
    return isa, functional_id


def _name_segment(w: SegmentWriter, entity: str, person: InquiryPerson, with_id: bool) -> None:
    w.add(
        "NM1",
        entity,
        "1",
        person.last,
        (person.first or ""),
        (person.middle or ""),
        "",
        "",
        "MI" if with_id and person.member_id else "",
        person.member_id if with_id else "",
    )


def _check(inquiry: EligibilityInquiry, index: int) -> None:
    where = f"inquiry {index + 1} ({inquiry.trace_number or 'no trace'})"
    if not inquiry.trace_number:
        raise X12WriteError(f"{where}: trace_number is required", segment="TRN", element=2)
    if not inquiry.payer_id:
        raise X12WriteError(f"{where}: payer_id is required", segment="NM1", element=9)
    if not inquiry.provider.npi:
        raise X12WriteError(f"{where}: provider NPI is required", segment="NM1", element=9)
    if not inquiry.subscriber.member_id:
        raise X12WriteError(f"{where}: subscriber member_id is required", segment="NM1", element=9)
    if not inquiry.service_types:
        raise X12WriteError(
            f"{where}: at least one service type is required", segment="EQ", element=1
        )


def _fit_person(person: InquiryPerson, at: str) -> InquiryPerson:
    x12_identifier(person.member_id, f"{at}.member_id", "NM1", 9)
    x12_identifier(person.group_number, f"{at}.group_number", "REF", 2)
    return replace(
        person,
        last=x12_text(person.last, f"{at}.last", "NM1", 3, required=True) or "",
        first=x12_text(person.first, f"{at}.first", "NM1", 4),
        middle=x12_text(person.middle, f"{at}.middle", "NM1", 5),
    )


def fit_inquiry(inquiry: EligibilityInquiry) -> EligibilityInquiry:
    """``inquiry`` as the 270 carries it: names, the payer's and the provider's in the X12
    character set. Raises ``X12WriteError`` naming the field (``subscriber.member_id``)
    when a value cannot be written."""
    for field, value, segment, element in (
        ("trace_number", inquiry.trace_number, "TRN", 2),
        ("payer_id", inquiry.payer_id, "NM1", 9),
        ("provider.npi", inquiry.provider.npi, "NM1", 9),
        ("provider.tin", inquiry.provider.tin, "REF", 2),
    ):
        x12_identifier(value, field, segment, element)
    prov = inquiry.provider
    provider = replace(
        prov,
        name=x12_text(prov.name, "provider.name", "NM1", 3, required=True) or "",
        first=x12_text(prov.first, "provider.first", "NM1", 4),
    )
    return replace(
        inquiry,
        payer_name=x12_text(inquiry.payer_name, "payer_name", "NM1", 3, required=True) or "",
        provider=provider,
        subscriber=_fit_person(inquiry.subscriber, "subscriber"),
        dependent=(
            _fit_person(inquiry.dependent, "patient") if inquiry.dependent is not None else None
        ),
    )


def write_270(
    inquiries: Sequence[EligibilityInquiry],
    envelope: Envelope,
    delimiters: Delimiters | None = None,
    line_ending: str = "\n",
) -> bytes:
    """An interchange with one 270 per payer and provider, every inquiry under it.

    Names are written in the X12 character set (``fit_inquiry``); ``X12WriteError``
    names the inquiry and field of a value that cannot be written.
    """
    if not inquiries:
        raise X12WriteError("no inquiries to write", segment="ST")
    for i, inq in enumerate(inquiries):
        _check(inq, i)
    inquiries = [fit_inquiry(inq) for inq in inquiries]
    d = delimiters or Delimiters()
    w = SegmentWriter(d, line_ending)
    isa, _ = _isa(envelope, d, "HS")
    w.add_raw(isa)
    w.add(
        "GS",
        "HS",
        envelope.sender_id,
        envelope.receiver_id,
        envelope.created.strftime("%Y%m%d"),
        envelope.created.strftime("%H%M"),
        str(envelope.group_control),
        "X",
        VERSION,
    )

    groups: dict[tuple[str, str], list[EligibilityInquiry]] = {}
    for inq in inquiries:
        groups.setdefault((inq.payer_id, inq.provider.npi), []).append(inq)

    for st_number, batch in enumerate(groups.values(), start=1):
        start = w.count
        control = f"{st_number:04d}"
        first = batch[0]
        w.add("ST", "270", control, VERSION)
        w.add(
            "BHT",
            "0022",
            "13",
            first.trace_number[:50],
            envelope.created.strftime("%Y%m%d"),
            envelope.created.strftime("%H%M"),
        )
        w.add("HL", "1", "", "20", "1")
        w.add("NM1", "PR", "2", first.payer_name, "", "", "", "", "PI", first.payer_id)
        w.add("HL", "2", "1", "21", "1")
        prov = first.provider
        if prov.first:
            w.add("NM1", "1P", "1", prov.name, prov.first, "", "", "", "XX", prov.npi)
        else:
            w.add("NM1", "1P", "2", prov.name, "", "", "", "", "XX", prov.npi)
        if prov.tin:
            # 2100B allows REF*TJ (federal taxpayer id), not REF*EI, in the 270 guide.
            w.add("REF", "TJ", prov.tin)
        hl = 2
        for inq in batch:
            hl += 1
            sub_hl = hl
            w.add("HL", str(sub_hl), "2", "22", "1" if inq.dependent else "0")
            asking_subscriber = inq.dependent is None
            if asking_subscriber:
                w.add("TRN", "1", inq.trace_number, inq.trace_originator)
            _name_segment(w, "IL", inq.subscriber, with_id=True)
            if inq.subscriber.group_number:
                w.add("REF", "6P", inq.subscriber.group_number)
            if asking_subscriber:
                _demographics_and_question(w, inq.subscriber, inq)
            else:
                sub = inq.subscriber
                if sub.dob:
                    w.add("DMG", "D8", sub.dob.strftime("%Y%m%d"), sub.sex or "")
                dep = inq.dependent
                assert dep is not None
                hl += 1
                w.add("HL", str(hl), str(sub_hl), "23", "0")
                w.add("TRN", "1", inq.trace_number, inq.trace_originator)
                _name_segment(w, "03", dep, with_id=False)
                _demographics_and_question(w, dep, inq)
        w.add("SE", str(w.count - start + 1), control)
    w.add("GE", str(len(groups)), str(envelope.group_control))
    w.add("IEA", "1", f"{envelope.interchange_control:09d}")
    return w.bytes()


def _demographics_and_question(
    w: SegmentWriter, person: InquiryPerson, inq: EligibilityInquiry
) -> None:
    if person.dob:
        w.add("DMG", "D8", person.dob.strftime("%Y%m%d"), person.sex or "")
    w.add("DTP", "291", "D8", inq.date_of_service.strftime("%Y%m%d"))
    for stc in inq.service_types:
        w.add("EQ", stc)


def _d8(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _person(nm1: Segment) -> InquiryPerson:
    return InquiryPerson(
        last=nm1[3],
        first=nm1[4] or None,
        middle=nm1[5] or None,
        member_id=nm1[9] or None if nm1[8] == "MI" else None,
    )


def read_270(data: bytes | str) -> list[EligibilityInquiry]:
    """Every inquiry in a 270 interchange (what a payer would answer)."""
    out: list[EligibilityInquiry] = []
    for interchange in read_interchanges(data):
        for tx in interchange.transactions:
            if tx.set_id != "270":
                raise tx.st.error(f"expected a 270, found {tx.set_id}", 1)
            out.extend(_read_transaction(tx.segments))
    return out


class _Head(TypedDict):
    """The payer and provider of the inquiries that follow."""

    payer_name: str
    payer_id: str
    provider: InquiryProvider


def _read_transaction(segments: list[Segment]) -> list[EligibilityInquiry]:
    out: list[EligibilityInquiry] = []
    head: _Head = {"payer_name": "", "payer_id": "", "provider": InquiryProvider(name="", npi="")}
    subscriber: InquiryPerson | None = None
    current: dict[str, Any] | None = None
    level = ""

    def flush(cur: dict[str, Any] | None) -> None:
        if cur and cur.get("trace"):
            out.append(_finish(cur, head["payer_name"], head["payer_id"], head["provider"]))

    for seg in segments:
        sid = seg.id
        if sid == "HL":
            level = seg[3]
            if level == "22":
                flush(current)
                current = {"subscriber": None, "dependent": None, "stc": []}
                subscriber = None
            elif level == "23" and current and current.get("trace") and current.get("stc"):
                # Another dependent under the same subscriber: a new inquiry.
                flush(current)
                current = {"subscriber": subscriber, "dependent": None, "stc": []}
        elif sid == "NM1" and seg[1] == "PR":
            head["payer_name"], head["payer_id"] = seg[3], seg[9]
        elif sid == "NM1" and seg[1] == "1P":
            head["provider"] = InquiryProvider(
                name=seg[3], npi=seg[9], first=seg[4] or None if seg[2] == "1" else None
            )
        elif sid == "REF" and seg[1] in ("TJ", "EI") and level == "21":  # EI: older files
            prov = head["provider"]
            head["provider"] = InquiryProvider(prov.name, prov.npi, prov.first, seg[2])
        elif current is None:
            continue
        elif sid == "NM1" and seg[1] == "IL":
            subscriber = _person(seg)
            current["subscriber"] = subscriber
        elif sid == "NM1" and seg[1] == "03":
            current["dependent"] = _person(seg)
        elif sid == "TRN":
            current["trace"], current["originator"] = seg[2], seg[3]
        elif sid == "REF" and seg[1] == "6P":
            current["group"] = seg[2]
        elif sid == "DMG":
            key = "dependent" if level == "23" else "subscriber"
            person = current.get(key)
            if person is not None:
                current[key] = InquiryPerson(
                    person.last,
                    person.first,
                    person.middle,
                    person.member_id,
                    _d8(seg[2]),
                    seg[3] or None,
                    person.group_number,
                )
                if key == "subscriber":
                    subscriber = current[key]
        elif sid == "DTP" and seg[1] == "291":
            current["dos"] = _d8(seg[3].split("-")[0])
        elif sid == "EQ":
            current["stc"].extend(seg.repeats(1) or [seg[1]])
    flush(current)
    return out


def _finish(
    cur: dict[str, Any], payer_name: str, payer_id: str, provider: InquiryProvider
) -> EligibilityInquiry:
    sub: InquiryPerson = cur["subscriber"] or InquiryPerson(last="")
    if cur.get("group"):
        sub = InquiryPerson(
            sub.last, sub.first, sub.middle, sub.member_id, sub.dob, sub.sex, cur["group"]
        )
    return EligibilityInquiry(
        trace_number=cur["trace"],
        payer_name=payer_name,
        payer_id=payer_id,
        provider=provider,
        subscriber=sub,
        dependent=cur.get("dependent"),
        date_of_service=cur.get("dos") or date.today(),
        service_types=tuple(cur["stc"]) or ("30",),
        trace_originator=cur.get("originator") or "",
    )

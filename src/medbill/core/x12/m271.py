"""271 eligibility and benefit response (005010X279A1): reader, writer, summary.

``read_271`` gives one ``EligibilityResponse`` per member answered (or per
rejection at the payer or provider level); ``summarize`` says what the front
desk needs in one line: "Active · copay $25.00 · deductible $340.00 of $1,500.00 remaining ·
coinsurance 20%".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from medbill.core.charset import same_in_x12
from medbill.core.money import Money, MoneyError
from medbill.core.x12._eligibility_codes import (
    ACTIVE_CODES,
    BENEFIT_INFO,
    FOLLOW_UP,
    INACTIVE_CODES,
    REJECT_REASONS,
    RELATIONSHIPS,
    SERVICE_TYPES,
    TIME_PERIODS,
)
from medbill.core.x12._segments import (
    Delimiters,
    Repeated,
    Segment,
    SegmentWriter,
    read_interchanges,
)
from medbill.core.x12._text import x12_text
from medbill.core.x12.m270 import VERSION, EligibilityInquiry, Envelope, _d8, _isa

__all__ = [
    "Benefit",
    "EligibilityResponse",
    "Member",
    "Rejection",
    "read_271",
    "summarize",
    "write_271",
]


@dataclass(frozen=True, slots=True)
class Rejection:
    """An AAA segment: the payer could not answer, and why."""

    level: str  # source, receiver, subscriber, dependent, benefit
    code: str
    follow_up: str

    @property
    def reason(self) -> str:
        return REJECT_REASONS.get(self.code, f"Rejection reason {self.code}")

    @property
    def action(self) -> str:
        return FOLLOW_UP.get(self.follow_up, "")

    def __str__(self) -> str:
        return f"{self.reason} ({self.code})" + (f" - {self.action}" if self.action else "")


@dataclass(frozen=True, slots=True)
class Benefit:
    """One EB loop: a coverage fact, a copay, a deductible, a limitation …"""

    info: str
    coverage_level: str | None = None
    service_types: tuple[str, ...] = ()
    insurance_type: str | None = None
    plan: str | None = None
    period: str | None = None
    amount: Money | None = None
    percent: Decimal | None = None  # a fraction: 0.2 is 20%
    quantity_qualifier: str | None = None
    quantity: Decimal | None = None
    authorization_required: str | None = None
    in_network: str | None = None  # Y in network, N out of network, W either, U unknown
    procedure: str | None = None
    messages: tuple[str, ...] = ()
    dates: tuple[tuple[str, str], ...] = ()
    related_entity: str | None = None

    @property
    def label(self) -> str:
        return BENEFIT_INFO.get(self.info, self.info)

    @property
    def period_label(self) -> str:
        return TIME_PERIODS.get(self.period or "", "")

    def applies_to(self, service_type: str) -> bool:
        return not self.service_types or service_type in self.service_types


@dataclass(frozen=True, slots=True)
class Member:
    last: str
    first: str | None = None
    middle: str | None = None
    member_id: str | None = None
    dob: date | None = None
    sex: str | None = None
    address: tuple[str, ...] = ()
    group_number: str | None = None
    plan_number: str | None = None
    relationship: str | None = None
    corrected: bool = False  # INS03/INS04 = 001/25: the payer changed what we sent


@dataclass(frozen=True, slots=True)
class EligibilityResponse:
    trace_number: str | None
    payer_name: str
    payer_id: str
    provider_name: str
    provider_npi: str
    subscriber: Member | None = None
    dependent: Member | None = None
    benefits: tuple[Benefit, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    plan_dates: tuple[tuple[str, str], ...] = ()
    position: int = 0  # segment position of the HL that starts this answer
    # Envelope problems of the transaction set that carried the answer (SE01 count,
    # SE02 control number): the partner's file is malformed, but the answer is read.
    problems: tuple[str, ...] = ()

    @property
    def patient(self) -> Member | None:
        return self.dependent or self.subscriber

    @property
    def status(self) -> str:
        """active, inactive, rejected or unknown."""
        if self.rejections and not self.benefits:
            return "rejected"
        infos = {b.info for b in self.benefits}
        if infos & ACTIVE_CODES:
            return "active"
        if infos & INACTIVE_CODES:
            return "inactive"
        return "unknown"

    @property
    def plan(self) -> str | None:
        for b in self.benefits:
            if b.info in ACTIVE_CODES and b.plan:
                return b.plan
        return None

    def find(
        self,
        info: str,
        service_type: str = "30",
        in_network: bool = True,
        period: str | None = None,
    ) -> list[Benefit]:
        """Benefits of one kind for a service type, in network (or out), in one period."""
        wanted = {"Y", "W", None} if in_network else {"N", "W", None}
        return [
            b
            for b in self.benefits
            if b.info == info
            and b.applies_to(service_type)
            and b.in_network in wanted
            and (period is None or b.period == period)
        ]

    def specialist_copays(self) -> list[Benefit]:
        """The in-network copays for a specialist's visit: service type A0, or a copay
        whose message says "specialist"."""
        return [
            b
            for b in self.benefits
            if b.info == "B"
            and ("A0" in b.service_types or any("specialist" in m.lower() for m in b.messages))
            and b.in_network in ("Y", "W", None)
        ]

    def corrections(self, inquiry: EligibilityInquiry) -> list[str]:
        """What the payer's record says differently from what we asked with."""
        asked = inquiry.dependent or inquiry.subscriber
        got = self.patient
        if got is None:
            return []
        out = []
        if got.corrected:
            out.append("the payer corrected the member's demographics")
        # Compared as the X12 carries them: Muñoz was asked about as Munoz.
        if asked.last and got.last and not same_in_x12(asked.last, got.last):
            out.append("last name differs from the payer's record")
        if asked.first and got.first and not same_in_x12(asked.first, got.first):
            out.append("first name differs from the payer's record")
        if asked.dob and got.dob and asked.dob != got.dob:
            out.append("date of birth differs from the payer's record")
        sub_id = self.subscriber.member_id if self.subscriber else None
        if inquiry.subscriber.member_id and sub_id and inquiry.subscriber.member_id != sub_id:
            out.append("member ID differs from the payer's record")
        if inquiry.dependent and self.dependent is None and self.subscriber is not None:
            out.append(
                "the payer answered for the dependent at the subscriber level: "
                "the patient has a member ID of their own"
            )
        return out


# -- reading --------------------------------------------------------------------------------


def _dec(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    # NaN, Infinity and 1E+999999999 are no percent or quantity either.
    return value if value.is_finite() and -16 < value.adjusted() < 15 else None


def _amount(text: str) -> Money | None:
    """EB07 as money; None, like any other unreadable value, when no amount can hold it."""
    value = _dec(text)
    if value is None:
        return None
    try:
        return Money(value)
    except MoneyError:
        return None


def _benefit(seg: Segment) -> dict[str, Any]:
    return {
        "info": seg[1],
        "coverage_level": seg[2] or None,
        "service_types": tuple(seg.repeats(3)),
        "insurance_type": seg[4] or None,
        "plan": seg[5] or None,
        "period": seg[6] or None,
        "amount": _amount(seg[7]),
        "percent": _dec(seg[8]),
        "quantity_qualifier": seg[9] or None,
        "quantity": _dec(seg[10]),
        "authorization_required": seg[11] or None,
        "in_network": seg[12] or None,
        "procedure": seg[13] or None,
        "messages": [],
        "dates": [],
        "related_entity": None,
    }


def _finish_benefit(b: dict[str, Any]) -> Benefit:
    b["messages"] = tuple(b["messages"])
    b["dates"] = tuple(b["dates"])
    return Benefit(**b)


class _Answer:
    def __init__(self, head: dict[str, Any], position: int) -> None:
        self.head = head
        self.position = position
        self.trace: str | None = None
        self.subscriber: dict[str, Any] | None = None
        self.dependent: dict[str, Any] | None = None
        self.benefits: list[Benefit] = []
        self.rejections: list[Rejection] = []
        self.plan_dates: list[tuple[str, str]] = []

    def build(self) -> EligibilityResponse:
        return EligibilityResponse(
            trace_number=self.trace,
            subscriber=Member(**self.subscriber) if self.subscriber else None,
            dependent=Member(**self.dependent) if self.dependent else None,
            benefits=tuple(self.benefits),
            rejections=tuple(self.head["rejections"]) + tuple(self.rejections),
            plan_dates=tuple(self.plan_dates),
            position=self.position,
            payer_name=self.head["payer_name"],
            payer_id=self.head["payer_id"],
            provider_name=self.head["provider_name"],
            provider_npi=self.head["provider_npi"],
        )


def read_271(data: bytes | str) -> list[EligibilityResponse]:
    """Every answer in a 271 interchange.

    A rejection at the payer (2000A) or provider (2000B) level, with no member
    loop under it, still yields one response so the front desk sees it.
    """
    out: list[EligibilityResponse] = []
    for interchange in read_interchanges(data):
        for tx in interchange.transactions:
            if tx.set_id != "271":
                raise tx.st.error(f"expected a 271, found {tx.set_id}", 1)
            answers = _read_transaction(tx.segments)
            problems = tuple(str(p) for p in interchange.problems if p.position == tx.se.position)
            if problems:
                answers = [replace(a, problems=problems) for a in answers]
            out.extend(answers)
    return out


def _read_transaction(segments: list[Segment]) -> list[EligibilityResponse]:
    out: list[EligibilityResponse] = []
    head: dict[str, Any] = {
        "payer_name": "",
        "payer_id": "",
        "provider_name": "",
        "provider_npi": "",
        "rejections": [],
    }
    answer: _Answer | None = None
    person: dict[str, Any] | None = None
    benefit: dict[str, Any] | None = None
    level = ""
    in_ls = False
    answered_levels = False

    def close_benefit() -> None:
        nonlocal benefit
        if benefit is not None and answer is not None:
            answer.benefits.append(_finish_benefit(benefit))
        benefit = None

    def close_answer() -> None:
        nonlocal answer
        close_benefit()
        if answer is not None:
            out.append(answer.build())
        answer = None

    for seg in segments:
        sid = seg.id
        if sid == "HL":
            level = seg[3]
            if level in ("20", "21"):
                close_answer()
                if level == "20":
                    head = {
                        "payer_name": "",
                        "payer_id": "",
                        "provider_name": "",
                        "provider_npi": "",
                        "rejections": [],
                    }
                else:
                    head = dict(head, rejections=list(head["rejections"]))
            elif level == "22":
                close_answer()
                answered_levels = True
                answer = _Answer(head, seg.position)
                person = None
            elif level == "23":
                close_benefit()
                if answer is None or answer.benefits or answer.dependent is not None:
                    # A second dependent under the same subscriber: a new answer.
                    sub = answer.subscriber if answer else None
                    close_answer()
                    answer = _Answer(head, seg.position)
                    answer.subscriber = sub
                person = None
            continue
        if sid == "LS":
            in_ls = True
            continue
        if sid == "LE":
            in_ls = False
            continue
        if in_ls:
            if sid == "NM1" and benefit is not None:
                benefit["related_entity"] = " ".join(p for p in (seg[4], seg[3]) if p)
            continue
        if sid == "NM1" and seg[1] == "PR":
            head["payer_name"], head["payer_id"] = seg[3], seg[9]
        elif sid == "NM1" and level == "21":
            head["provider_name"] = " ".join(p for p in (seg[4], seg[3]) if p)
            head["provider_npi"] = seg[9]
        elif sid == "AAA" and level in ("20", "21"):
            head["rejections"].append(
                Rejection("source" if level == "20" else "receiver", seg[3], seg[4])
            )
        elif answer is None:
            continue
        elif sid == "TRN" and seg[1] == "2":
            answer.trace = seg[2]
        elif sid == "NM1" and seg[1] in ("IL", "03"):
            person = {
                "last": seg[3],
                "first": seg[4] or None,
                "middle": seg[5] or None,
                "member_id": seg[9] or None if seg[8] == "MI" else None,
            }
            if seg[1] == "IL":
                answer.subscriber = person
            else:
                answer.dependent = person
        elif person is not None and benefit is None and sid in ("N3", "N4", "DMG", "INS", "REF"):
            if sid in ("N3", "N4"):
                person["address"] = person.get("address", ()) + tuple(
                    e for e in seg.elements[1:] if e
                )
            elif sid == "DMG":
                person["dob"], person["sex"] = _d8(seg[2]), seg[3] or None
            elif sid == "INS":
                person["relationship"] = RELATIONSHIPS.get(seg[2], seg[2])
                person["corrected"] = seg[3] == "001" and seg[4] == "25"
            elif sid == "REF" and seg[1] in ("6P", "IG"):
                person["group_number"] = seg[2]
            elif sid == "REF" and seg[1] == "18":
                person["plan_number"] = seg[2]
        elif sid == "DTP" and benefit is None:
            answer.plan_dates.append((seg[1], seg[3]))
        elif sid == "AAA":
            lvl = (
                "benefit"
                if benefit is not None
                else ("dependent" if level == "23" else "subscriber")
            )
            answer.rejections.append(Rejection(lvl, seg[3], seg[4]))
        elif sid == "EB":
            close_benefit()
            benefit = _benefit(seg)
        elif benefit is not None and sid == "MSG":
            benefit["messages"].append(seg[1])
        elif benefit is not None and sid == "DTP":
            benefit["dates"].append((seg[1], seg[3]))
    close_answer()
    if not answered_levels and head["rejections"]:
        out.append(_Answer(head, segments[0].position if segments else 0).build())
    return out


# -- the one-line summary -----------------------------------------------------------------------


def _pick(
    resp: EligibilityResponse, info: str, stcs: Sequence[str], period: str | None = None
) -> Benefit | None:
    for stc in stcs:
        found = [
            b
            for b in resp.find(info, stc, True, period)
            if b.coverage_level in (None, "IND", "EMP")
        ] or resp.find(info, stc, True, period)
        if found:
            return found[0]
    return None


def summarize(resp: EligibilityResponse, service_type: str = "98", specialist: bool = False) -> str:
    """One line a front-desk person reads in five seconds. For a visit with a specialist
    (``specialist``) it names the specialist copay when the plan has one, as the desk
    collects it."""
    if resp.status == "rejected":
        return "Not verified · " + "; ".join(str(r) for r in resp.rejections)
    if resp.status == "inactive":
        return "Inactive coverage"
    parts = ["Active" if resp.status == "active" else "Coverage status unknown"]
    stcs = (service_type, "30") if service_type != "30" else ("30",)
    special = [b.amount for b in resp.specialist_copays() if b.amount is not None]
    copay = _pick(resp, "B", stcs)
    if specialist and special:
        parts.append(f"specialist copay {_dollars(special[0])}")
    elif copay and copay.amount is not None:
        parts.append(f"copay {_dollars(copay.amount)}")
    ded_total = _pick(resp, "C", stcs, "23") or _pick(resp, "C", stcs, "22")
    ded_left = _pick(resp, "C", stcs, "29")
    if ded_left and ded_left.amount is not None and ded_total and ded_total.amount is not None:
        parts.append(
            f"deductible {_dollars(ded_left.amount)} of {_dollars(ded_total.amount)} remaining"
        )
    elif ded_total and ded_total.amount is not None:
        parts.append(f"deductible {_dollars(ded_total.amount)}")
    coins = _pick(resp, "A", stcs)
    if coins and coins.percent is not None:
        pct = (coins.percent * 100).normalize()
        parts.append(f"coinsurance {format(pct, 'f')}%")
    oop_left = _pick(resp, "G", stcs, "29")
    if oop_left and oop_left.amount is not None:
        parts.append(f"out-of-pocket {_dollars(oop_left.amount)} remaining")
    return " · ".join(parts)


def _dollars(amount: Money) -> str:
    # Always with cents: "$0 of $257" read as a rounded guess at the desk.
    return amount.format()


# -- writing (the payer side) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """What a payer answers to one inquiry."""

    inquiry: EligibilityInquiry
    benefits: tuple[Benefit, ...] = ()
    rejection: Rejection | None = None
    subscriber: Member | None = None
    dependent: Member | None = None
    plan_begin: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def write_271(
    answers: Sequence[Answer],
    envelope: Envelope,
    delimiters: Delimiters | None = None,
    line_ending: str = "\n",
) -> bytes:
    """A 271 interchange answering each inquiry (one transaction per inquiry)."""
    d = delimiters or Delimiters()
    w = SegmentWriter(d, line_ending)
    isa, _ = _isa(envelope, d, "HB")
    w.add_raw(isa)
    w.add(
        "GS",
        "HB",
        envelope.sender_id,
        envelope.receiver_id,
        envelope.created.strftime("%Y%m%d"),
        envelope.created.strftime("%H%M"),
        str(envelope.group_control),
        "X",
        VERSION,
    )
    for n, ans in enumerate(answers, start=1):
        inq = ans.inquiry
        start = w.count
        control = f"{n:04d}"
        w.add("ST", "271", control, VERSION)
        w.add(
            "BHT",
            "0022",
            "11",
            inq.trace_number[:50],
            envelope.created.strftime("%Y%m%d"),
            envelope.created.strftime("%H%M"),
        )
        w.add("HL", "1", "", "20", "1")
        payer_name = x12_text(inq.payer_name, "payer_name", "NM1", 3)
        w.add("NM1", "PR", "2", payer_name, "", "", "", "", "PI", inq.payer_id)
        provider_level = ans.rejection is not None and ans.rejection.level in ("source", "receiver")
        w.add("HL", "2", "1", "21", "0" if provider_level else "1")
        prov = inq.provider
        w.add(
            "NM1",
            "1P",
            "1" if prov.first else "2",
            x12_text(prov.name, "provider.name", "NM1", 3),
            x12_text(prov.first, "provider.first", "NM1", 4),
            "",
            "",
            "",
            "XX",
            prov.npi,
        )
        if provider_level:
            assert ans.rejection is not None
            w.add("AAA", "N", "", ans.rejection.code, ans.rejection.follow_up)
            w.add("SE", str(w.count - start + 1), control)
            continue
        dependent = ans.dependent if inq.dependent else None
        w.add("HL", "3", "2", "22", "1" if dependent else "0")
        sub = ans.subscriber or Member(
            last=inq.subscriber.last,
            first=inq.subscriber.first,
            member_id=inq.subscriber.member_id,
            dob=inq.subscriber.dob,
            sex=inq.subscriber.sex,
        )
        # AAA sits in the member loop it is about, after NM1/REF and before DMG/INS.
        rejection = ans.rejection
        if not dependent:
            w.add("TRN", "2", inq.trace_number, inq.trace_originator)
        _write_member(w, "IL", sub, rejection if not dependent else None)
        if dependent:
            w.add("HL", "4", "3", "23", "0")
            w.add("TRN", "2", inq.trace_number, inq.trace_originator)
            _write_member(w, "03", dependent, rejection)
        if rejection is None:
            if ans.plan_begin:
                w.add("DTP", "346", "D8", ans.plan_begin.strftime("%Y%m%d"))
            for b in ans.benefits:
                _write_benefit(w, b)
        w.add("SE", str(w.count - start + 1), control)
    w.add("GE", str(len(answers)), str(envelope.group_control))
    w.add("IEA", "1", f"{envelope.interchange_control:09d}")
    return w.bytes()


def _write_member(
    w: SegmentWriter, entity: str, m: Member, rejection: Rejection | None = None
) -> None:
    """2100C/2100D in TR3 order: NM1, REF, AAA, DMG, INS (a dependent's relationship)."""
    w.add(
        "NM1",
        entity,
        "1",
        x12_text(m.last, f"{entity}.last", "NM1", 3),
        x12_text(m.first, f"{entity}.first", "NM1", 4),
        x12_text(m.middle, f"{entity}.middle", "NM1", 5),
        "",
        "",
        "MI" if entity == "IL" and m.member_id else "",
        m.member_id if entity == "IL" else "",
    )
    if m.group_number:
        w.add("REF", "6P", m.group_number)
    if rejection is not None:
        w.add("AAA", "N", "", rejection.code, rejection.follow_up)
    if m.dob:
        w.add("DMG", "D8", m.dob.strftime("%Y%m%d"), m.sex or "")
    if entity == "03":
        w.add("INS", "N", relationship_code(m.relationship))


def relationship_code(relationship: str | None) -> str:
    """INS02 for a dependent's relationship, in words (``spouse``) or as the code; 21
    (unknown) when the payer's record does not say."""
    if relationship in RELATIONSHIPS:
        return relationship
    return _RELATIONSHIP_CODES.get(relationship or "", "21")


def _write_benefit(w: SegmentWriter, b: Benefit) -> None:
    percent = format(b.percent.normalize(), "f") if b.percent is not None else ""
    w.add(
        "EB",
        b.info,
        b.coverage_level or "",
        Repeated(b.service_types),
        b.insurance_type or "",
        b.plan or "",
        b.period or "",
        b.amount.x12() if b.amount is not None else "",
        percent,
        b.quantity_qualifier or "",
        format(b.quantity, "f") if b.quantity is not None else "",
        b.authorization_required or "",
        b.in_network or "",
        b.procedure or "",
    )
    for qual, value in b.dates:
        w.add("DTP", qual, "RD8" if "-" in value else "D8", value)
    for msg in b.messages:
        w.add("MSG", msg[:264])


SERVICE_TYPE_NAMES = SERVICE_TYPES
_RELATIONSHIP_CODES = {word: code for code, word in RELATIONSHIPS.items()} | {
    "other": "G8",
    "life_partner": "53",
}

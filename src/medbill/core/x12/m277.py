"""277 claim status response (005010X212): reader and writer.

The payer answers each claim of a 276 with one or more STC segments: a status
category (STC01-1: acknowledged A0-A8, pending P0-P5, finalized F0-F4, requests
R0-R16, errors E0-E4), a status code (STC01-2) and maybe the entity it is about
(STC01-3), with the billed and paid amounts and the dates. ``read_277`` turns the
file into ``StatusResponse`` documents whose ``ClaimStatus.words()`` say it in
words; ``write_277`` writes one (the payer simulator's side).

A status above the claims (the receiver or provider level, e.g. ``E0:24:85``: the
provider is not set up for status inquiries) is kept in ``StatusResponse.general``.
A 277CA (005010X214) is an acknowledgement of an 837P: read it with ``read_277ca``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from medbill.core.money import Money, MoneyError
from medbill.core.x12._claim_status_codes import (
    category_group,
    category_words,
    entity_words,
    status_code_words,
)
from medbill.core.x12._segments import (
    ControlNumbers,
    Delimiters,
    InterchangeEnvelope,
    Segment,
    SegmentWriter,
    X12WriteError,
    read_interchanges,
)
from medbill.core.x12.m276 import (
    VERSION_276,
    ClaimStatusInquiry,
    InformationReceiver,
    fit_receiver,
    refuse_unwritable,
)

__all__ = [
    "ClaimStatus",
    "ClaimStatusReport",
    "LineStatus",
    "StatusAnswer",
    "StatusResponse",
    "read_277",
    "write_277",
]


@dataclass(frozen=True, slots=True)
class ClaimStatus:
    """One status composite of an STC segment, with the amounts and dates beside it."""

    category: str
    code: str = ""
    entity: str | None = None
    effective: date | None = None  # STC02: the date the status took effect
    billed: Money | None = None  # STC04
    paid: Money | None = None  # STC05
    finalized: date | None = None  # STC06: adjudication or finalized date
    payment_method: str | None = None  # STC07: ACH, CHK, NON ...
    check_date: date | None = None  # STC08
    check_number: str | None = None  # STC09
    message: str | None = None  # STC12: the payer's free-form text

    @property
    def group(self) -> str:
        """received, rejected, not_found, error, pending, request, finalized, paid, denied
        or unknown (see ``_claim_status_codes.category_group``)."""
        return category_group(self.category)

    def words(self) -> str:
        """The status as a sentence a biller can act on."""
        text = category_words(self.category)
        if self.code:
            text += f": {status_code_words(self.code)}"
        if self.entity:
            text += f" ({entity_words(self.entity)})"
        if self.message:
            text += f' (payer\'s note: "{self.message}")'
        return text


# When one claim carries several statuses, the one that decides most about the claim.
_DECISIVE = (
    "rejected",
    "denied",
    "paid",
    "finalized",
    "request",
    "pending",
    "received",
    "not_found",
    "error",
    "unknown",
)


@dataclass(slots=True)
class LineStatus:
    """The status of one service line (2220D/E)."""

    procedure: str
    modifiers: tuple[str, ...]
    billed: Money | None
    paid: Money | None
    units: str
    statuses: list[ClaimStatus] = field(default_factory=list)
    service_from: date | None = None
    service_to: date | None = None


@dataclass(slots=True)
class ClaimStatusReport:
    """What the payer says about one claim (2200D or 2200E)."""

    trace_number: str  # TRN02: the trace of our 276
    statuses: list[ClaimStatus]
    payer_id: str = ""
    payer_name: str = ""
    provider_npi: str = ""
    member_id: str | None = None
    patient_control_number: str | None = None  # REF*EJ: our CLM01
    payer_claim_number: str | None = None  # REF*1K
    clearinghouse_trace: str | None = None  # REF*D9
    bill_type: str | None = None  # REF*BLT
    service_from: date | None = None
    service_to: date | None = None
    lines: list[LineStatus] = field(default_factory=list)
    dependent: bool = False
    position: int = 0  # the TRN segment's position in the file

    @property
    def status(self) -> ClaimStatus | None:
        """The claim's first (main) status."""
        return self.statuses[0] if self.statuses else None

    @property
    def group(self) -> str:
        """The most decisive group among the claim-level statuses (a rejection beats an
        acknowledgement given beside it); ``unknown`` when there is none."""
        groups = {s.group for s in self.statuses}
        return next((g for g in _DECISIVE if g in groups), "unknown")

    @property
    def billed(self) -> Money | None:
        return next((s.billed for s in self.statuses if s.billed is not None), None)

    @property
    def paid(self) -> Money | None:
        return next((s.paid for s in self.statuses if s.paid is not None), None)

    def words(self) -> str:
        """Every claim-level status in words, joined."""
        return "; ".join(s.words() for s in self.statuses) or "no status given"


@dataclass(slots=True)
class StatusResponse:
    """One 277 transaction set."""

    interchange_control: str
    control_number: str
    reference: str  # BHT03
    sender: str
    claims: list[ClaimStatusReport]
    # Statuses above the claim level: (level code 20/21/19, entity id, status).
    general: list[tuple[str, str, ClaimStatus]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _date(text: str) -> date | None:
    text = text.split("-")[0]
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _money(seg: Segment, index: int) -> Money | None:
    text = seg[index]
    if not text:
        return None
    try:
        return Money(text)
    except MoneyError:
        raise seg.error(f"{seg.id}{index:02d} {text[:20]!r} is not an amount", index) from None


def _statuses(seg: Segment) -> list[ClaimStatus]:
    first = seg.components(1)
    if not first[0]:
        raise seg.error("STC01-1: the status category is missing", 1)
    extra = dict(
        effective=_date(seg[2]),
        billed=_money(seg, 4),
        paid=_money(seg, 5),
        finalized=_date(seg[6]),
        payment_method=seg[7] or None,
        check_date=_date(seg[8]),
        check_number=seg[9] or None,
        message=seg[12] or None,
    )
    out = []
    for index in (1, 10, 11):
        comps = seg.components(index)
        if not comps[0]:
            continue
        out.append(
            ClaimStatus(
                comps[0],
                comps[1] if len(comps) > 1 else "",
                comps[2] if len(comps) > 2 and comps[2] else None,
                **(extra if index == 1 else {"effective": extra["effective"]}),
            )
        )
    return out


def read_277(data: bytes | str) -> list[StatusResponse]:
    """Every 277 claim status response in the file.

    Raises ``X12ParseError`` naming the segment when the file is not a 277, is a 277CA,
    or a claim-level segment comes before the claim (TRN) it belongs to. Envelope count
    mismatches are listed in ``StatusResponse.problems``.
    """
    out = []
    for ic in read_interchanges(data):
        for tx in ic.transactions:
            if tx.set_id != "277":
                raise tx.st.error(f"expected a 277 transaction set, found {tx.set_id}", 1)
            if tx.version.endswith("X214"):
                raise tx.gs.error(
                    "this is a 277CA acknowledgement (005010X214), not a claim status response", 8
                )
            resp = StatusResponse(
                ic.control_number,
                tx.control_number,
                "",
                ic.sender,
                [],
                problems=[str(p) for p in ic.problems],
            )
            _read(tx.segments, resp)
            out.append(resp)
    return out


def _read(body: list[Segment], resp: StatusResponse) -> None:
    level = ""
    payer = ("", "")
    provider = ""
    entity_id = ""
    member: str | None = None
    claim: ClaimStatusReport | None = None
    line: LineStatus | None = None
    for seg in body:
        sid = seg.id
        if sid == "BHT":
            resp.reference = seg[3]
        elif sid == "HL":
            if not seg[3]:
                raise seg.error("HL03: the level code is missing", 3)
            level, claim, line = seg[3], None, None
        elif sid == "NM1":
            entity_id = seg[9]
            if seg[1] == "PR":
                payer = (seg[9], seg[3])
            elif seg[1] in ("1P", "85"):
                provider = seg[9]
            elif seg[1] == "IL":
                member = seg[9] or None
        elif sid == "TRN":
            if level in ("22", "23"):
                claim = ClaimStatusReport(
                    seg[2],
                    [],
                    payer[0],
                    payer[1],
                    provider,
                    member,
                    dependent=level == "23",
                    position=seg.position,
                )
                resp.claims.append(claim)
        elif sid == "STC":
            statuses = _statuses(seg)
            if line is not None:
                line.statuses += statuses
            elif claim is not None:
                claim.statuses += statuses
            elif level in ("22", "23"):
                raise seg.error("STC before the claim's trace number (TRN)", 1)
            else:
                resp.general += [(level, entity_id, s) for s in statuses]
        elif claim is None:
            continue
        elif sid == "REF" and line is None:
            key = {
                "1K": "payer_claim_number",
                "EJ": "patient_control_number",
                "D9": "clearinghouse_trace",
                "BLT": "bill_type",
            }.get(seg[1])
            if key:
                setattr(claim, key, seg[2] or None)
        elif sid == "SVC":
            comps = seg.components(1)
            line = LineStatus(
                comps[1] if len(comps) > 1 else comps[0],
                tuple(c for c in comps[2:6] if c),
                _money(seg, 2),
                _money(seg, 3),
                seg[7] or "1",
            )
            claim.lines.append(line)
        elif sid == "DTP" and seg[1] == "472":
            parts = seg[3].split("-")
            start, end = _date(parts[0]), _date(parts[-1])
            target = line if line is not None else claim
            if start is None:
                raise seg.error(f"DTP03 {seg[3][:20]!r} is not a date", 3)
            target.service_from, target.service_to = start, end
    for claim in resp.claims:
        if not claim.statuses:
            resp.problems.append(
                f"claim {claim.trace_number}: no status (STC) given (segment {claim.position})"
            )


# -- writing (the payer's side) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    """The payer's answer to one 276 inquiry."""

    inquiry: ClaimStatusInquiry
    statuses: tuple[ClaimStatus, ...]
    payer_claim_number: str | None = None


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def _stc(w: SegmentWriter, s: ClaimStatus) -> None:
    w.add(
        "STC",
        [s.category, s.code, s.entity or ""],
        _d8(s.effective) if s.effective else "",
        "",
        s.billed.x12() if s.billed is not None else "",
        s.paid.x12() if s.paid is not None else "",
        _d8(s.finalized) if s.finalized else "",
        s.payment_method or "",
        _d8(s.check_date) if s.check_date else "",
        s.check_number or "",
    )


def write_277(
    answers: Sequence[StatusAnswer],
    envelope: InterchangeEnvelope,
    control: ControlNumbers,
    receiver: InformationReceiver,
    created: datetime,
    delimiters: Delimiters | None = None,
    line_ending: str = "\n",
) -> bytes:
    """One interchange answering every inquiry: one 277 per payer, the claims in the
    order asked. Raises ``X12WriteError`` when there is nothing to answer."""
    if not answers:
        raise X12WriteError("no answers to write", segment="ST")
    for a in answers:
        if not a.statuses:
            raise X12WriteError(
                "an answer needs at least one status",
                segment="STC",
                element=1,
                claim_id=a.inquiry.patient_control_number,
            )
        refuse_unwritable(a.inquiry)
    receiver = fit_receiver(receiver)
    w = SegmentWriter(delimiters or Delimiters(), line_ending)
    w.open_interchange(envelope, control, created, "HN", VERSION_276)
    by_payer: dict[str, list[StatusAnswer]] = {}
    for a in answers:
        by_payer.setdefault(a.inquiry.payer_id, []).append(a)
    for number, batch in enumerate(by_payer.values(), start=control.transaction):
        first = batch[0].inquiry
        w.open_transaction("277", number, VERSION_276)
        w.add(
            "BHT",
            "0010",
            "08",
            f"{control.interchange}-{number}",
            _d8(created),
            created.strftime("%H%M"),
            "DG",
        )
        w.add("HL", "1", "", "20", "1")
        w.add("NM1", "PR", "2", first.payer_name, "", "", "", "", "PI", first.payer_id)
        w.add("HL", "2", "1", "21", "1")
        w.add("NM1", "41", "2", receiver.name, "", "", "", "", "46", receiver.etin)
        hl = 2
        providers: dict[object, list[StatusAnswer]] = {}
        for a in batch:
            providers.setdefault(a.inquiry.provider, []).append(a)
        for items in providers.values():
            hl += 1
            provider_hl = hl
            prov = items[0].inquiry.provider
            w.add("HL", str(hl), "2", "19", "1")
            w.add(
                "NM1",
                "1P",
                "1" if prov.first else "2",
                prov.name,
                prov.first or "",
                "",
                "",
                "",
                "XX",
                prov.npi,
            )
            for a in items:
                hl += 1
                hl = _write_claim(w, a, hl, provider_hl)
        w.close_transaction()
    w.close_interchange()
    return w.bytes()


def _write_claim(w: SegmentWriter, a: StatusAnswer, hl: int, parent: int) -> int:
    inq = a.inquiry
    sub = inq.subscriber
    w.add("HL", str(hl), str(parent), "22", "1" if inq.dependent else "0")
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
        sub.member_id or "",
    )
    if inq.dependent is not None:
        dep = inq.dependent
        hl += 1
        w.add("HL", str(hl), str(hl - 1), "23")
        w.add("NM1", "QC", "1", dep.last, dep.first or "", dep.middle or "", "", dep.suffix or "")
    w.add("TRN", "2", inq.trace_number)
    for status in a.statuses:
        _stc(w, status)
    if a.payer_claim_number:
        w.add("REF", "1K", a.payer_claim_number)
    if inq.patient_control_number:
        w.add("REF", "EJ", inq.patient_control_number)
    if inq.service_from:
        end = inq.service_to or inq.service_from
        if end != inq.service_from:
            w.add("DTP", "472", "RD8", f"{_d8(inq.service_from)}-{_d8(end)}")
        else:
            w.add("DTP", "472", "D8", _d8(inq.service_from))
    return hl

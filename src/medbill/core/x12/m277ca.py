"""277CA claim acknowledgement (005010X214) reader.

A 277CA tells, claim by claim, whether the clearinghouse or payer took the
claims of an 837P into adjudication (categories A1, A2 ...) or rejected them
(A3, A6, A7, A8 ...), with a status code that says why and the payer's own
claim control number for accepted claims. Statuses at the receiver or
provider level apply to every claim below them; a file rejected at that level
may list no claims at all. Code descriptions are in our own words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from medbill.core.money import Money, MoneyError
from medbill.core.x12._claim_status_codes import (
    ENTITIES,
    category_words,
    status_code_words,
)
from medbill.core.x12._segments import Segment, read_interchanges

__all__ = [
    "Ack277CA",
    "ClaimAck",
    "Status",
    "category_words",
    "read_277ca",
    "status_code_words",
]

REJECTED = {
    "A3",
    "A4",
    "A6",
    "A7",
    "A8",
    "DR03",
    "DR04",
    "DR05",
    "DR06",
    "DR07",
    "DR08",
    "E0",
    "E3",
    "E4",
}
PENDING_CATEGORIES = {"A5", "E1", "E2"}


@dataclass(slots=True)
class Status:
    """One STC composite: category, code and the entity it is about."""

    category: str
    code: str
    entity: str | None = None
    effective: date | None = None
    action: str | None = None
    amount: Money | None = None

    @property
    def rejected(self) -> bool:
        return self.category in REJECTED

    def words(self) -> str:
        """The status as a sentence a biller can act on."""
        text = (
            f"{category_words(self.category)}: {status_code_words(self.code)}"
            if self.code
            else category_words(self.category)
        )
        if self.entity:
            text += f" ({ENTITIES.get(self.entity, 'entity ' + self.entity)})"
        return text


@dataclass(slots=True)
class ClaimAck:
    """What the 277CA says about one of our claims."""

    claim_id: str  # our CLM01, echoed in TRN02
    statuses: list[Status]
    payer_claim_number: str | None = None  # REF*1K
    clearinghouse_trace: str | None = None  # REF*D9
    member_id: str | None = None
    billed: Money | None = None
    service_from: date | None = None
    service_to: date | None = None
    line_statuses: list[tuple[str, Status]] = field(default_factory=list)
    position: int = 0

    @property
    def accepted(self) -> bool:
        return (
            bool(self.statuses)
            and not any(s.rejected for s in self.statuses)
            and not any(s.category in PENDING_CATEGORIES for s in self.statuses)
        )

    @property
    def rejected(self) -> bool:
        return any(s.rejected for s in self.statuses)

    def reason(self) -> str:
        """Why the claim was rejected (or its status), in words."""
        statuses = [s for s in self.statuses if s.rejected] or self.statuses
        parts = [s.words() for s in statuses]
        parts += [f"line {code}: {s.words()}" for code, s in self.line_statuses if s.rejected]
        return "; ".join(parts)


@dataclass(slots=True)
class Ack277CA:
    interchange_control: str
    control_number: str
    reference: str  # BHT03
    source: str  # the clearinghouse or payer that answers (2100A)
    file_statuses: list[Status]  # information receiver level (2200B): the whole file
    claims: list[ClaimAck]
    problems: list[str] = field(default_factory=list)
    # Billing provider level (2200C): (provider id, status); a rejected provider may
    # have no claims listed at all.
    provider_statuses: list[tuple[str, Status]] = field(default_factory=list)
    batch_reference: str = ""  # 2200B TRN02: the BHT03 of the 837P this answers
    sender: str = ""  # ISA06 of the interchange: who answered

    @property
    def file_rejected(self) -> bool:
        return any(s.rejected for s in self.file_statuses)

    def rejected_providers(self) -> list[str]:
        return sorted({pid for pid, s in self.provider_statuses if s.rejected})


def _date(seg: Segment, index: int) -> date | None:
    text = seg[index].split("-")[0]
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _money(text: str) -> Money | None:
    if not text:
        return None
    try:
        return Money(text)
    except MoneyError:
        return None


def _statuses(seg: Segment) -> list[Status]:
    out = []
    for index in (1, 10, 11):
        comps = seg.components(index)
        if not comps[0]:
            continue
        out.append(
            Status(
                comps[0],
                comps[1] if len(comps) > 1 else "",
                comps[2] if len(comps) > 2 and comps[2] else None,
                _date(seg, 2),
                seg[3] or None,
                _money(seg[4]),
            )
        )
    return out


def read_277ca(data: bytes | str | Iterable[Segment]) -> list[Ack277CA]:
    """Every 277CA in the file (text before the ISA and a byte-order mark are skipped)."""
    out = []
    for ic in read_interchanges(data):
        for tx in ic.transactions:
            if tx.set_id != "277":
                raise tx.st.error(f"expected a 277 transaction set, found {tx.set_id}", 1)
            ack = _read(
                tx.segments, ic.control_number, tx.control_number, [str(p) for p in ic.problems]
            )
            ack.sender = ic.sender
            out.append(ack)
    return out


def _read(body: list[Segment], isa13: str, st02: str, problems: list[str]) -> Ack277CA:
    ack = Ack277CA(isa13, st02, "", "", [], [], problems)
    level = ""
    claim: ClaimAck | None = None
    member_id: str | None = None
    provider_id = ""
    line_code: str | None = None
    for seg in body:
        sid = seg.id
        if sid == "BHT":
            ack.reference = seg[3]
        elif sid == "HL":
            level, claim, line_code = seg[3], None, None
        elif sid == "NM1":
            if level == "20":
                ack.source = seg[3]
            elif level == "19":
                provider_id = seg[9] or seg[3]
            elif level == "PT":
                member_id = seg[9] or None
        elif sid == "TRN" and level == "21":
            ack.batch_reference = seg[2]
        elif sid == "TRN" and level == "PT":
            claim = ClaimAck(seg[2], [], member_id=member_id, position=seg.position)
            ack.claims.append(claim)
        elif sid == "STC":
            statuses = _statuses(seg)
            if claim is not None and line_code is not None:
                claim.line_statuses += [(line_code, s) for s in statuses]
            elif claim is not None:
                claim.statuses += statuses
                if claim.billed is None and seg[4]:
                    claim.billed = _money(seg[4])
            elif level == "21":
                ack.file_statuses += statuses
            elif level == "19":
                ack.provider_statuses += [(provider_id, s) for s in statuses]
        elif sid == "REF" and claim is not None and line_code is None:
            if seg[1] == "1K":
                claim.payer_claim_number = seg[2]
            elif seg[1] == "D9":
                claim.clearinghouse_trace = seg[2]
        elif sid == "DTP" and claim is not None and seg[1] == "472" and line_code is None:
            claim.service_from = _date(seg, 3)
            parts = seg[3].split("-")
            claim.service_to = _date(Segment(["DTP", "", "", parts[-1]]), 3)
            if claim.service_from is not None and claim.service_from.year < 1900:
                ack.problems.append(
                    f"DTP03 {seg[3]!r} is not a plausible date of service (segment {seg.position})"
                )
                claim.service_from = claim.service_to = None
        elif sid == "SVC" and claim is not None:
            line_code = seg.component(1, 2) or seg[1]
    return ack

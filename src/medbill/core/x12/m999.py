"""999 implementation acknowledgement (005010X231A1): reader and writer.

A 999 answers one functional group we sent: per transaction set (AK2) it says
accepted, accepted with errors or rejected (IK5), and names each bad segment
(IK3) and element (IK4). ``locate_claims`` maps the segment positions back to
the claims of the 837P we sent, so a rejection lands on the right claim.
Descriptions are written in our own words. ``write_999`` produces one (the payer
simulator's answer to an 837P, and tests): accepted, accepted with errors or
rejected, with IK3/IK4 and the claim (CTX*CLM01) for each error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

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
    "Ack999",
    "GroupAck",
    "SegmentError",
    "TransactionAck",
    "ack_status_words",
    "locate_claims",
    "read_999",
    "write_999",
]

VERSION_999 = "005010X231A1"

STATUS = {
    "A": "accepted",
    "E": "accepted_with_errors",
    "P": "partially_accepted",
    "R": "rejected",
    "M": "rejected",  # message authentication failed
    "W": "rejected",  # assurance failed validity tests
    "X": "rejected",  # content could not be analysed after decryption
}

SEGMENT_ERRORS = {
    "1": "segment id not recognised",
    "2": "segment not expected here",
    "3": "a required segment is missing",
    "4": "a loop repeats more often than allowed",
    "5": "a segment repeats more often than allowed",
    "6": "segment is not part of this transaction set",
    "7": "segment is out of order",
    "8": "segment has errors in its elements",
    "I4": "a segment the guide marks 'not used' is present",
    "I6": "a segment the guide requires in this situation is missing",
    "I7": "a loop occurs fewer times than the guide requires",
    "I8": "a segment occurs fewer times than the guide requires",
    "I9": "a segment the guide forbids in this situation is present",
}

ELEMENT_ERRORS = {
    "1": "a required element is missing",
    "2": "an element required by another element is missing",
    "3": "too many elements",
    "4": "value is too short",
    "5": "value is too long",
    "6": "value has a character that is not allowed",
    "7": "code is not one of the allowed values",
    "8": "date is not valid",
    "9": "time is not valid",
    "10": "element is present although another element excludes it",
    "12": "element repeats too often",
    "13": "composite has too many components",
    "I6": "code is valid in X12 but not in this implementation guide",
    "I9": "an element the guide requires in this situation is missing",
    "I10": "an element the guide marks 'not used' is present",
    "I11": "element repeats fewer times than the guide requires",
    "I12": "value does not match the pattern the guide requires",
    "I13": "an element the guide forbids in this situation is present",
}

TRANSACTION_ERRORS = {
    "1": "the receiver does not support this transaction set",
    "2": "the SE trailer is missing",
    "3": "ST02 and SE02 control numbers differ",
    "4": "SE01 does not match the number of segments",
    "5": "one or more segments have errors",
    "6": "the transaction set identifier is missing or wrong",
    "7": "the transaction set control number is missing or wrong",
    "18": "the transaction set is not inside a functional group",
    "19": "the implementation guide reference (ST03) is wrong",
    "23": "the control number is used twice in the group",
    "I5": "one or more segments break the implementation guide",
    "I6": "the receiver does not support this implementation guide",
}

GROUP_ERRORS = {
    "1": "the receiver does not support this functional group",
    "2": "the receiver does not support this version",
    "3": "the GE trailer is missing",
    "4": "GS06 and GE02 control numbers differ",
    "5": "GE01 does not match the number of transaction sets",
    "6": "the group control number is not valid",
    "19": "the receiver could not process the group",
    "23": "the group control number was used before",
}


@dataclass(slots=True)
class SegmentError:
    """One IK3 (and its IK4s): what was wrong where, and for which claim."""

    segment_id: str
    position: int | None  # segment position within the transaction set, ST = 1
    loop: str | None
    code: str
    description: str
    element: int | None = None
    component: int | None = None
    element_ref: str | None = None
    element_code: str | None = None
    element_description: str | None = None
    bad_value: str | None = None
    claim_id: str | None = None  # from CTX*CLM01, or located in the 837P we sent
    context: list[str] = field(default_factory=list)

    def words(self) -> str:
        """The error in a sentence a biller can act on."""
        where = f"{self.segment_id}"
        if self.element:
            where += f"{self.element:02d}"
        text = f"{where}: {self.element_description or self.description}"
        if self.bad_value:
            text += f" (value {self.bad_value!r})"
        return text


@dataclass(slots=True)
class TransactionAck:
    """AK2..IK5: the verdict on one transaction set we sent."""

    set_id: str
    control_number: str
    version: str | None
    status: str  # accepted, accepted_with_errors, rejected
    codes: list[str] = field(default_factory=list)
    errors: list[SegmentError] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [TRANSACTION_ERRORS.get(c, f"transaction error {c}") for c in self.codes]


@dataclass(slots=True)
class GroupAck:
    """AK1..AK9: the verdict on one functional group we sent."""

    functional_id: str
    group_control: str
    version: str | None
    status: str
    included: int
    received: int
    accepted: int
    codes: list[str] = field(default_factory=list)
    transactions: list[TransactionAck] = field(default_factory=list)


@dataclass(slots=True)
class Ack999:
    """One 999 transaction set and where it came from."""

    interchange_control: str
    sender: str
    receiver: str
    control_number: str
    groups: list[GroupAck]
    problems: list[str] = field(default_factory=list)


def ack_status_words(status: str) -> str:
    return status.replace("_", " ")


def _int(value: str) -> int | None:
    # ASCII digits only: int() takes other scripts' digits and refuses superscripts.
    return int(value) if 0 < len(value) <= 9 and value.isascii() and value.isdigit() else None


def read_999(data: bytes | str | Iterable[Segment]) -> list[Ack999]:
    """Every 999 in the file (text before the ISA and a byte-order mark are skipped)."""
    acks = []
    for ic in read_interchanges(data):
        problems = [str(p) for p in ic.problems]
        for tx in ic.transactions:
            if tx.set_id != "999":
                raise tx.st.error(f"expected a 999 transaction set, found {tx.set_id}", 1)
            acks.append(
                Ack999(
                    ic.control_number,
                    ic.sender,
                    ic.receiver,
                    tx.control_number,
                    _groups(tx.segments),
                    problems,
                )
            )
    return acks


def _groups(segments: list[Segment]) -> list[GroupAck]:
    groups: list[GroupAck] = []
    group: GroupAck | None = None
    tx: TransactionAck | None = None
    error: SegmentError | None = None
    for seg in segments:
        sid = seg.id
        if sid == "AK1":
            group = GroupAck(seg[1], seg[2], seg[3] or None, "", 0, 0, 0)
            groups.append(group)
        elif sid == "AK2":
            if group is None:
                raise seg.error("AK2 before AK1")
            tx = TransactionAck(seg[1], seg[2], seg[3] or None, "")
            group.transactions.append(tx)
            error = None
        elif sid == "IK3":
            if tx is None:
                raise seg.error("IK3 outside an AK2 loop")
            error = SegmentError(
                seg[1],
                _int(seg[2]),
                seg[3] or None,
                seg[4],
                SEGMENT_ERRORS.get(seg[4], f"segment error {seg[4]}"),
            )
            tx.errors.append(error)
        elif sid == "IK4":
            if error is None:
                raise seg.error("IK4 without an IK3")
            if error.element is not None:
                error = SegmentError(
                    error.segment_id,
                    error.position,
                    error.loop,
                    error.code,
                    error.description,
                    claim_id=error.claim_id,
                    context=list(error.context),
                )
                assert tx is not None
                tx.errors.append(error)
            error.element = _int(seg.component(1, 1))
            error.component = _int(seg.component(1, 2))
            error.element_ref = seg[2] or None
            error.element_code = seg[3]
            error.element_description = ELEMENT_ERRORS.get(seg[3], f"element error {seg[3]}")
            error.bad_value = seg[4] or None
        elif sid == "CTX":
            target = error
            if target is None:
                continue
            first = seg.components(1)
            if first[0] == "CLM01" and len(first) > 1:
                target.claim_id = first[1]
            else:
                target.context.append(seg.delimiters.element.join(seg.elements[1:]))
        elif sid == "IK5":
            if tx is None:
                raise seg.error("IK5 outside an AK2 loop")
            tx.status = STATUS.get(seg[1], "rejected")
            tx.codes = [e for e in seg.elements[2:7] if e]
            error = None
        elif sid == "AK9":
            if group is None:
                raise seg.error("AK9 before AK1")
            group.status = STATUS.get(seg[1], "rejected")
            group.included = _int(seg[2]) or 0
            group.received = _int(seg[3]) or 0
            group.accepted = _int(seg[4]) or 0
            group.codes = [e for e in seg.elements[5:10] if e]
            tx = error = None
    return groups


def locate_claims(submitted: bytes | str, ack: Ack999) -> None:
    """Fill ``claim_id`` of every error from the 837P file the 999 answers.

    An error at a segment between a subscriber's HL and the next HL belongs
    to the claim in that subtree; errors in the billing provider loop belong
    to no single claim and stay ``None``.
    """
    claims_by_set: dict[str, list[str | None]] = {}
    for ic in read_interchanges(submitted):
        for tx in ic.transactions:
            claims_by_set[tx.control_number] = _claim_per_position(tx.segments)
    for group in ack.groups:
        for answer in group.transactions:
            owners = claims_by_set.get(answer.control_number)
            if owners is None:
                continue
            for err in answer.errors:
                if (
                    err.claim_id is None
                    and err.position is not None
                    and 0 <= err.position - 2 < len(owners)
                ):
                    err.claim_id = owners[err.position - 2]


def _claim_per_position(body: list[Segment]) -> list[str | None]:
    """For each segment after ST (position 2 onwards), the claim it belongs to."""
    owners: list[str | None] = [None] * len(body)
    pending: list[int] = []
    current: str | None = None
    shared = True  # the header and billing provider loops belong to every claim below them
    for i, seg in enumerate(body):
        if seg.id == "HL":
            current, pending = None, []
            shared = seg[3] == "20"
        if shared:
            continue
        if seg.id == "CLM":
            current = seg[1]
            for j in pending:
                owners[j] = current
            pending = []
        if current is None:
            pending.append(i)
        else:
            owners[i] = current
    return owners


# -- writing ------------------------------------------------------------------------------------

_STATUS_CODES = {
    "accepted": "A",
    "accepted_with_errors": "E",
    "partially_accepted": "P",
    "rejected": "R",
}


def write_999(
    groups: Iterable[GroupAck],
    envelope: InterchangeEnvelope,
    control: ControlNumbers,
    created: datetime,
    *,
    delimiters: Delimiters | None = None,
    line_ending: str = "\n",
) -> bytes:
    """One interchange with one 999 answering ``groups`` (AK1 each).

    Per transaction set, ``status`` (accepted, accepted_with_errors, rejected) and
    ``codes`` go to IK5, and each error to IK3 (segment, position, loop, code) with
    a CTX*CLM01 naming the claim when known, and IK4 (element, component, code, bad
    value) when it names an element. Consecutive errors of one segment share an IK3,
    as ``read_999`` splits them. Counts in AK9 are the caller's.
    """
    groups = list(groups)
    if not groups:
        raise X12WriteError("a 999 answers at least one functional group", segment="AK1")
    w = SegmentWriter(delimiters or Delimiters(), line_ending)
    w.open_interchange(envelope, control, created, "FA", VERSION_999)
    w.open_transaction("999", control.transaction, VERSION_999)
    for group in groups:
        w.add("AK1", group.functional_id, group.group_control, group.version)
        for tx in group.transactions:
            w.add("AK2", tx.set_id, tx.control_number, tx.version)
            _write_errors(w, tx.errors)
            w.add("IK5", _status(tx.status, "IK5"), *tx.codes[:5])
        w.add(
            "AK9",
            _status(group.status, "AK9"),
            str(group.included),
            str(group.received),
            str(group.accepted),
            *group.codes[:5],
        )
    w.close_transaction()
    w.close_interchange()
    return w.bytes()


def _status(status: str, segment: str) -> str:
    code = _STATUS_CODES.get(status)
    if code is None:
        raise X12WriteError(
            f"status {status!r} must be accepted, accepted_with_errors, "
            "partially_accepted or rejected",
            segment=segment,
            element=1,
        )
    return code


def _write_errors(w: SegmentWriter, errors: list[SegmentError]) -> None:
    previous: tuple[object, ...] | None = None
    for err in errors:
        key = (err.segment_id, err.position, err.loop, err.code, err.claim_id, tuple(err.context))
        if key != previous:
            # IK303 has at most 4 characters: the loop's number without its letters.
            loop = err.loop[:4] if err.loop else None
            w.add("IK3", err.segment_id, str(err.position or ""), loop, err.code)
            if err.claim_id:
                w.add("CTX", ["CLM01", err.claim_id])
            for context in err.context:
                w.add("CTX", *context.split(w.delimiters.element))
            previous = key
        if err.element is not None:
            position = [str(err.element), str(err.component) if err.component else ""]
            w.add("IK4", position, err.element_ref, err.element_code, err.bad_value)

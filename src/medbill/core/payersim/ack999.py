"""The simulated clearinghouse's 999: did each 837P transaction set arrive intact?

A 999 answers the syntax of a file, not its claims: a transaction set whose
trailer counts or control numbers are off, or that cannot be read as an 837P, is
rejected with the segment (IK3) and element (IK4) at fault; the others are
accepted. Claims are judged later, in the 277CA and the 835.
"""

from __future__ import annotations

from datetime import datetime

from medbill.core.x12._segments import (
    ControlNumbers,
    InterchangeEnvelope,
    X12ParseError,
    read_interchanges,
)
from medbill.core.x12.m837p import read_837p
from medbill.core.x12.m999 import GroupAck, SegmentError, TransactionAck, write_999

__all__ = ["acknowledge_837p"]


def acknowledge_837p(data: bytes, control: ControlNumbers, created: datetime) -> bytes:
    """A 999 for every functional group of the 837P interchange ``data``."""
    interchanges = read_interchanges(data)
    unreadable: X12ParseError | None = None
    try:
        read_837p(data)
    except X12ParseError as exc:
        unreadable = exc
    groups: dict[str, GroupAck] = {}
    first = interchanges[0]
    for ic in interchanges:
        for tx in ic.transactions:
            group = groups.get(tx.gs[6])
            if group is None:
                group = groups[tx.gs[6]] = GroupAck("HC", tx.gs[6], tx.gs[8], "", 0, 0, 0)
            ack = TransactionAck(tx.set_id, tx.control_number, tx.st[3] or None, "accepted")
            for problem in ic.problems:
                if problem.position == tx.se.position and problem.element in (1, 2):
                    ack.codes.append("4" if problem.element == 1 else "3")
            last = tx.se.position
            if (
                unreadable is not None
                and unreadable.position is not None
                and tx.st.position <= unreadable.position <= last
            ):
                ack.codes.append("5")
                ack.errors.append(
                    SegmentError(
                        unreadable.segment or "",
                        unreadable.position - tx.st.position + 1,
                        None,
                        "8" if unreadable.element else "2",
                        unreadable.message,
                        element=unreadable.element,
                        element_code="7" if unreadable.element else None,
                    )
                )
            ack.status = "rejected" if ack.codes else "accepted"
            group.transactions.append(ack)
    for group in groups.values():
        group.included = group.received = len(group.transactions)
        group.accepted = sum(t.status == "accepted" for t in group.transactions)
        group.status = (
            "accepted"
            if group.accepted == group.included
            else "rejected"
            if not group.accepted
            else "partially_accepted"
        )
    envelope = InterchangeEnvelope(
        first.receiver or "PAYERSIM", first.sender or "MEDBILL", usage=first.isa[15] or "P"
    )
    return write_999(groups.values(), envelope, control, created)

"""The simulated payer answers claim status inquiries (276 in, 277 out).

It remembers what it decided (``ClaimBook.record`` takes a ``SimulationResult``):
claims it rejected at the front door answer with the 277CA's category and code
(A6/A7/A8), claims it adjudicated answer finalized (F1 paid, F2 denied, F3 for a
reversal) with the amounts and the check, or F0:3 (adjudicated, waiting for the
payment cycle) before the payment date; a claim it never saw is A4:35 (not found).
The book is the caller's state: the simulator keeps one per payer process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from medbill.core.money import ZERO, Money
from medbill.core.payersim.adjudicate import SimulationResult
from medbill.core.x12._segments import ControlNumbers, InterchangeEnvelope, iter_segments
from medbill.core.x12.m276 import ClaimStatusInquiry, InformationReceiver, read_276
from medbill.core.x12.m277 import ClaimStatus, StatusAnswer, write_277

__all__ = ["ClaimBook", "ClaimRecord"]


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """What the payer decided about one claim."""

    claim_id: str
    charge: Money
    category: str
    code: str
    entity: str | None = None
    paid: Money = ZERO
    payer_claim_number: str | None = None
    decided: date | None = None
    payment_date: date | None = None
    payment_method: str | None = None
    check_number: str | None = None


class ClaimBook:
    """The claims one simulated payer has seen, by payer id and our claim id (CLM01)."""

    def __init__(self) -> None:
        self._claims: dict[tuple[str, str], ClaimRecord] = {}

    def __len__(self) -> int:
        return len(self._claims)

    def add(self, payer_id: str, record: ClaimRecord) -> None:
        self._claims[(payer_id, record.claim_id)] = record

    def record(self, result: SimulationResult, decided: date) -> None:
        """Remember every decision of one adjudication run (rejections and 835 claims)."""
        for rej in result.rejections:
            self.add(
                rej.claim.payer.payer_id or "",
                ClaimRecord(
                    rej.claim.claim_id,
                    rej.claim.total_charge,
                    rej.category,
                    rej.status,
                    rej.entity or None,
                    decided=decided,
                ),
            )
        for remit in result.remittances:
            payer_id = remit.payer.id
            for cp in remit.claims:
                category, code = _decision(cp.status, cp.paid)
                self.add(
                    payer_id,
                    ClaimRecord(
                        cp.claim_id,
                        cp.charge,
                        category,
                        code,
                        None,
                        cp.paid,
                        cp.payer_claim_number or None,
                        decided,
                        remit.payment_date,
                        remit.method,
                        remit.trace_number,
                    ),
                )

    def answer(self, inquiry: ClaimStatusInquiry, today: date) -> StatusAnswer:
        """The payer's answer to one inquiry on ``today``."""
        rec = self._claims.get((inquiry.payer_id, inquiry.patient_control_number))
        billed = inquiry.total_charge if inquiry.total_charge is not None else ZERO
        if rec is None:
            return StatusAnswer(inquiry, (ClaimStatus("A4", "35", None, today, billed, ZERO),))
        if rec.category.startswith("F") and rec.payment_date and today < rec.payment_date:
            status = ClaimStatus("F0", "3", None, rec.decided, rec.charge, rec.paid, rec.decided)
        elif rec.category.startswith("F"):
            paid_out = rec.paid > ZERO
            status = ClaimStatus(
                rec.category,
                rec.code,
                None,
                rec.decided,
                rec.charge,
                rec.paid,
                rec.decided,
                rec.payment_method if paid_out else "NON",
                rec.payment_date if paid_out else None,
                rec.check_number if paid_out else None,
            )
        else:
            status = ClaimStatus(rec.category, rec.code, rec.entity, rec.decided, rec.charge, ZERO)
        return StatusAnswer(inquiry, (status,), rec.payer_claim_number)

    def answer_276(
        self,
        data: bytes | str,
        *,
        payer_id: str,
        requester: str,
        control: int,
        today: date,
        created: datetime,
    ) -> bytes:
        """The 277 for a 276 file: every claim asked about, answered from the book.

        Raises ``X12ParseError`` when the 276 cannot be read.
        """
        inquiries = read_276(data)
        answers = [self.answer(inq, today) for inq in inquiries]
        receiver = _receiver(data)
        return write_277(
            answers,
            InterchangeEnvelope(payer_id, requester),
            ControlNumbers(control, control),
            receiver,
            created,
            line_ending="",
        )

    def records(self) -> Iterable[ClaimRecord]:
        return self._claims.values()


def _decision(clp02: str, paid: Money) -> tuple[str, str]:
    if clp02 == "22":
        return "F3", "101"  # reversal of an earlier payment
    if clp02 == "4" or paid <= ZERO:
        return "F2", "1"  # denied: the remittance advice says why
    return "F1", "65"


def _receiver(data: bytes | str) -> InformationReceiver:
    for seg in iter_segments(data):
        if seg.id == "NM1" and seg[1] == "41":
            return InformationReceiver(seg[3] or "PROVIDER", seg[9] or "UNKNOWN")
    return InformationReceiver("PROVIDER", "UNKNOWN")

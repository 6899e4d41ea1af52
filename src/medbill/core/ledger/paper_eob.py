"""A paper EOB as the remittance an 835 would have carried.

The biller types what the paper says (payer, check number and date, the check's total,
and per claim what was paid, the adjustments as group + CARC + amount, what the patient
owes); ``eob_remittance`` turns it into the same ``Remittance`` document the 835 reader
returns, so it is balanced, matched and posted by the same rules. What cannot be an EOB
(a claim whose charge is not what was paid plus its adjustments, a claim on two lines, a
check that is not the sum of its claims, an amount in fractions of a cent) is refused
before anything is written, every problem at once (``eob_problems``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from medbill.core.ledger.entry_checks import MAX_PAYMENT, EntryProblem, typed_amount
from medbill.core.money import ZERO, Money
from medbill.core.submission.lifecycle import NOT_SENT
from medbill.core.x12._remittance import (
    GROUP_CODES,
    Adjustment,
    ClaimPayment,
    Contact,
    EntityName,
    Party,
    Remittance,
)

__all__ = [
    "EobError",
    "PaperClaim",
    "PaperEob",
    "check_claim_named",
    "check_claim_sent",
    "claim_problems",
    "eob_amount",
    "eob_problems",
    "eob_remittance",
    "parse_adjustments",
    "repeated_claims",
    "total_problem",
]


class EobError(ValueError):
    """What the biller typed that cannot be an EOB; ``field`` names the input."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class PaperClaim:
    claim_id: str  # our patient control number (CLP01)
    charge: Money  # what we billed
    paid: Money
    adjustments: tuple[Adjustment, ...] = ()
    patient_responsibility: Money | None = None
    member_id: str = ""
    patient_last: str = ""
    patient_first: str = ""
    secondary: bool = False  # the payer paid as the second payer (CLP02 2)


@dataclass(frozen=True, slots=True)
class PaperEob:
    payer_name: str
    payer_id: str
    payee_npi: str
    check_number: str
    check_date: date
    check_total: Money
    claims: tuple[PaperClaim, ...]
    payee_name: str = ""


def eob_amount(value: object, field: str) -> Money:
    """An amount copied from a paper EOB (the check total, what a claim was paid, what the
    patient owes): zero or more, whole cents, at most ``MAX_PAYMENT``. A taken-back
    payment is an adjustment on the EOB, never a negative amount here."""
    try:
        money = typed_amount(value, ceiling=MAX_PAYMENT, field=field, what="one paper EOB amount")
    except EntryProblem as exc:
        raise EobError(field, exc.problem) from None
    if money < ZERO:
        raise EobError(field, "must not be negative; enter what the EOB shows (0.00 when nothing)")
    return money


def check_claim_sent(claim_id: str, status: str, field: str = "claim") -> None:
    """Refuse an EOB line for a claim no payer has: one still in draft or ready to send,
    or one the clearinghouse or payer rejected before adjudication (it was never read)."""
    if status in NOT_SENT:
        raise EobError(
            field,
            f"{claim_id} has not been sent to a payer yet; post a payment at the desk "
            "or send the claim first",
        )
    if status == "rejected":
        raise EobError(
            field,
            f"{claim_id} was rejected before the payer adjudicated it, so no EOB can be for "
            "it; correct and resend the claim, or check the claim number on the EOB",
        )


def check_claim_named(claim_id: str, field: str = "claim") -> None:
    """Refuse a line with amounts and no claim number: what it paid would belong to no
    claim (and a form that skipped the line would post the check without it)."""
    if not claim_id.strip():
        raise EobError(
            field,
            "an amount without a claim: enter the claim number the EOB gives for it, or "
            "clear the amounts",
        )


def _in_words(numbers: list[int]) -> str:
    """1, 3 and 5."""
    head = ", ".join(str(n) for n in numbers[:-1])
    return f"{head} and {numbers[-1]}" if head else str(numbers[-1])


def repeated_claims(numbered: Iterable[tuple[int, str]], noun: str = "line") -> dict[int, str]:
    """The places of ``numbered`` (place, claim number as typed) whose claim is on an
    earlier place of the same EOB, each with the problem naming every place the claim is
    on ("claim KHR0000547 is on rows 1 and 3: one row a claim"). One check posts a claim
    once: a claim on two lines would be paid and adjusted twice, and nothing later (the
    paid-claim guard looks at earlier remittances) would catch it."""
    places: dict[str, list[int]] = {}
    for place, claim_id in numbered:
        if claim_id.strip():
            places.setdefault(claim_id.strip(), []).append(place)
    return {
        place: (
            f"claim {claim_id} is on {noun}s {_in_words(where)}: one {noun} a claim "
            f"(enter what the EOB says of it once, on one {noun})"
        )
        for claim_id, where in places.items()
        if len(where) > 1
        for place in where[1:]
    }


_ADJ = re.compile(r"^([A-Za-z]{2})\s*-?\s*([A-Za-z0-9]{1,5})\s+(-?\$?[0-9,]*\.?[0-9]*)$")


def parse_adjustments(text: str, field: str = "adjustments") -> tuple[Adjustment, ...]:
    """``CO-45 20.00; PR-2 10.00`` (or one per line) as adjustments; ``EobError`` names
    the one that cannot be read."""
    out: list[Adjustment] = []
    for number, part in enumerate(re.split(r"[;\n]", text), start=1):
        item = part.strip().rstrip(",")
        if not item:
            continue
        found = _ADJ.match(item)
        if found is None:
            raise EobError(
                field,
                f"adjustment {number} {item!r}: write group, reason code and amount, "
                "as in CO-45 20.00",
            )
        group, reason, amount = found.group(1).upper(), found.group(2).upper(), found.group(3)
        if group not in GROUP_CODES or group == "OI":
            raise EobError(
                field,
                f"adjustment {number}: {group} is not a group code (CO, PR, OA, PI, CR)",
            )
        try:
            # Typed, not rounded: 20.005 is refused like any amount with more than cents.
            money = typed_amount(
                amount.replace("$", "", 1),
                ceiling=MAX_PAYMENT,
                field=field,
                what="one paper EOB amount",
            )
        except EntryProblem as exc:
            raise EobError(field, f"adjustment {number} ({group}-{reason}) {exc.problem}") from None
        out.append(Adjustment(group, reason, money))
    return tuple(out)


def claim_problems(pc: PaperClaim) -> list[EobError]:
    """What is wrong with one claim of a paper EOB, every problem at once, each naming the
    part of the claim it is about (``paid``, ``patient responsibility``, ``adjustments``):
    amounts that cannot be on an EOB, a charge that is not what was paid plus the
    adjustments, and what the patient owes when it is not the PR adjustments."""
    problems = []
    for part, amount in (("paid", pc.paid), ("patient responsibility", pc.patient_responsibility)):
        if amount is None:
            continue
        try:
            eob_amount(amount, part)
        except EobError as exc:
            problems.append(exc)
    if problems:  # the sums below would only repeat it
        return problems
    adjusted = sum((a.amount for a in pc.adjustments), ZERO)
    gap = pc.charge - pc.paid - adjusted
    if gap != ZERO:
        problems.append(
            EobError(
                "adjustments",
                f"charge {pc.charge.format()}, paid {pc.paid.format()} + adjustments "
                f"{adjusted.format()} = {(pc.paid + adjusted).format()}; "
                f"{abs(gap).format()} {'is not accounted for' if gap > ZERO else 'too much'} "
                "(enter every adjustment the EOB lists: CO-45 for the contract's write-down, "
                "PR-1/2/3 for what the patient owes)",
            )
        )
    pr = sum((a.amount for a in pc.adjustments if a.group == "PR"), ZERO)
    if pc.patient_responsibility is not None and pc.patient_responsibility != pr:
        problems.append(
            EobError(
                "patient responsibility",
                f"{pc.patient_responsibility.format()} differs from its PR adjustments "
                f"({pr.format()}): enter what the patient owes as PR adjustments (PR-1 "
                "deductible, PR-2 coinsurance, PR-3 copay)",
            )
        )
    return problems


def total_problem(check_total: Money, paid: list[Money]) -> EobError | None:
    """The check's total when it is not the sum of what its claims were paid."""
    claims = sum(paid, ZERO)
    if claims == check_total:
        return None
    return EobError(
        "check total",
        f"check total {check_total.format()} is not the claims' payments {claims.format()} "
        f"(a difference of {abs(check_total - claims).format()}: a claim missing from the "
        "entry, or a provider-level adjustment on the EOB)",
    )


def eob_problems(eob: PaperEob) -> list[EobError]:
    """Everything that keeps ``eob`` from being a remittance, all at once, in the order of
    the paper: the check, then each claim (``claim <id> <part>``; a claim without its
    number, or on an earlier line too), then the check's total against its claims.
    Nothing here decides whether the payer's figures are right: what adds up is posted
    by the 835 rules."""
    problems = []
    if not eob.check_number.strip():
        problems.append(
            EobError("check number", "the check number is required (it names the payment)")
        )
    if not eob.claims:
        problems.append(EobError("claims", "enter at least one claim the check pays"))
    try:
        eob_amount(eob.check_total, "check total")
    except EobError as exc:
        return [*problems, exc]
    repeated = repeated_claims((n, pc.claim_id) for n, pc in enumerate(eob.claims, 1))
    for number, pc in enumerate(eob.claims, start=1):
        try:
            check_claim_named(pc.claim_id, f"claim {number}")
        except EobError as exc:
            problems.append(exc)
        if number in repeated:
            problems.append(EobError(f"claim {pc.claim_id}", repeated[number]))
        problems += [
            EobError(f"claim {pc.claim_id} {e.field}", e.problem) for e in claim_problems(pc)
        ]
    total = total_problem(eob.check_total, [pc.paid for pc in eob.claims])
    return problems if total is None else [*problems, total]


def eob_remittance(eob: PaperEob) -> Remittance:
    """The ``Remittance`` an 835 for this check would carry (paid by check, CHK).

    Raises ``EobError`` with the first of ``eob_problems``; ask that for every one."""
    problems = eob_problems(eob)
    if problems:
        raise problems[0]
    claims = []
    for position, pc in enumerate(eob.claims, start=1):
        pr = sum((a.amount for a in pc.adjustments if a.group == "PR"), ZERO)
        patient = pc.patient_responsibility if pc.patient_responsibility is not None else pr
        denied = not pc.paid and not patient and bool(pc.adjustments)
        names = []
        if pc.patient_last or pc.member_id:
            names.append(
                EntityName(
                    "QC",
                    "1",
                    pc.patient_last or "PATIENT",
                    pc.patient_first,
                    id_qualifier="MI" if pc.member_id else "",
                    id=pc.member_id,
                )
            )
        claims.append(
            ClaimPayment(
                claim_id=pc.claim_id,
                status="4" if denied else ("2" if pc.secondary else "1"),
                charge=pc.charge,
                paid=pc.paid,
                patient_responsibility=patient,
                filing_indicator="CI",
                adjustments=pc.adjustments,
                names=tuple(names),
                position=position,
            )
        )
    trace = eob.check_number.strip()[:50]
    return Remittance(
        control_number="0001",
        handling="C",
        total_paid=eob.check_total,
        credit_debit="C",
        method="CHK" if eob.check_total else "NON",
        payment_date=eob.check_date,
        trace_number=trace,
        # TRN03 names who paid; a paper check has none, so the payer's id stands in
        # (two payers' checks with one number are two payments).
        trace_originator=f"P{eob.payer_id}"[:10],
        payer=Party(
            "PR",
            eob.payer_name[:60] or "PAYER",
            "XV",
            eob.payer_id,
            # The guide asks for the payer's technical contact; the paper names none.
            contacts=(Contact("BL", "PAPER EOB", (("TE", "0000000000"),)),),
        ),
        payee=Party("PE", eob.payee_name[:60] or "PAYEE", "XX", eob.payee_npi),
        claims=tuple(claims),
    )

"""A paper EOB entered by the biller, posted as the 835 it stands for.

The entry becomes the core ``Remittance`` document (``medbill.core.ledger.paper_eob``),
written as an 835 and handed to ``billing.era.import_era``: the same balance checks,
claim matching, posting rules, duplicate and idempotency guards as an electronic
remittance. One that does not balance is held with its reason, like an 835 that does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from medbill.core.ledger import entry_checks
from medbill.core.ledger.paper_eob import (
    EobError,
    PaperClaim,
    PaperEob,
    check_claim_named,
    check_claim_sent,
    claim_problems,
    eob_remittance,
    repeated_claims,
    total_problem,
)
from medbill.core.money import Money
from medbill.core.x12 import X12WriteError
from medbill.core.x12.m835 import write_835
from medbill.web.billing.era import ImportResult, import_era
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import RemittanceClaim
from medbill.web.billing.services import books_begin
from medbill.web.practice.errors import ServiceError, ServiceErrors
from medbill.web.practice.models import Payer, Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk

__all__ = ["CheckedEob", "EobLine", "check_paper_eob", "claims_by_number", "post_paper_eob"]


@dataclass(frozen=True)
class EobLine:
    """One claim of the EOB as typed: our claim number and what the paper says."""

    claim_number: str
    paid: Money
    adjustments: tuple[Any, ...]  # core Adjustment values
    patient_responsibility: Money | None = None


def claims_by_number(practice: PracticeRef, numbers: list[str]) -> dict[str, Claim]:
    """The practice's claims among ``numbers`` (our claim numbers, as typed), by number;
    a number the practice has no claim of is left out."""
    wanted = {n.strip() for n in numbers if n.strip()}
    rows = (
        Claim.objects.for_practice(practice)
        .filter(patient_control_number__in=wanted)
        .select_related("patient", "coverage", "payer")
    )
    return {c.patient_control_number: c for c in rows}


def _already_paid(claim: Claim) -> RemittanceClaim | None:
    """The payer's last answer on ``claim`` when it paid every line (and no reversal
    followed). A claim with lines denied may yet be paid for them (an appeal won)."""
    last = (
        RemittanceClaim.objects.for_practice(claim.practice_id)
        .filter(claim=claim)
        .exclude(outcome__in=[RemittanceClaim.Outcome.UNMATCHED, RemittanceClaim.Outcome.HELD])
        .select_related("remittance")
        .order_by("-remittance__posted_at", "-pk")
        .first()
    )
    return last if last is not None and last.outcome == RemittanceClaim.Outcome.POSTED else None


def _claims(
    practice: Practice, payer: Payer | None, lines: Sequence[EobLine]
) -> tuple[list[PaperClaim], list[ServiceError]]:
    """The EOB's claims as the paper has them, and every problem of every line, each
    naming its line (``claims[<index>].<part>``). A claim on two lines is refused on the
    later one, naming both (lines counted from 1, as the paper has them)."""
    claims, problems = [], []
    found = claims_by_number(practice, [line.claim_number for line in lines])
    repeated = repeated_claims((i, line.claim_number) for i, line in enumerate(lines, 1))
    for index, line in enumerate(lines):
        where = f"claims[{index}].claim"
        try:
            check_claim_named(line.claim_number, where)
        except EobError as exc:
            problems.append(ServiceError(exc.field, exc.problem))
            continue
        if index + 1 in repeated:
            problems.append(ServiceError(where, repeated[index + 1]))
        claim = found.get(line.claim_number.strip())
        if claim is None:
            problems.append(ServiceError(where, f"no claim {line.claim_number!r} in this practice"))
            continue
        try:
            check_claim_sent(claim.patient_control_number, claim.status, where)
        except EobError as exc:
            problems.append(ServiceError(exc.field, exc.problem))
            continue
        if payer is not None and claim.payer_id != payer.pk:
            problems.append(
                ServiceError(
                    where,
                    f"{claim.patient_control_number} was billed to {claim.payer.name}, not "
                    f"{payer.name}: check the claim number, or choose the payer that sent "
                    "this check",
                )
            )
            continue
        paid = _already_paid(claim)
        if paid is not None:
            when = paid.remittance.payment_date or paid.remittance.posted_at.date()
            problems.append(
                ServiceError(
                    where,
                    f"{claim.patient_control_number} is already paid by {claim.payer.name} "
                    f"({when:%m/%d/%Y}, check or trace {paid.remittance.trace_number}): is "
                    "this EOB a copy? A second payment on a paid claim comes with the "
                    "payer's correction of the first (reversal and new payment), as its 835 "
                    "sends it",
                )
            )
            continue
        pc = PaperClaim(
            claim_id=claim.patient_control_number,
            charge=claim.total_charge,
            paid=line.paid,
            adjustments=tuple(line.adjustments),
            patient_responsibility=line.patient_responsibility,
            member_id=claim.coverage.member_id if claim.coverage_id else "",
            patient_last=claim.patient.last_name,
            patient_first=claim.patient.first_name,
            secondary=hasattr(claim, "prior_payer_link"),
        )
        problems += [
            ServiceError(f"claims[{index}].{e.field.replace(' ', '_')}", e.problem)
            for e in claim_problems(pc)
        ]
        claims.append(pc)
    return claims, problems


@dataclass(frozen=True)
class CheckedEob:
    claims: list[PaperClaim]  # the lines whose claims were found, as the paper has them
    problems: list[ServiceError]  # every problem of the entry


def check_paper_eob(
    user: Actor,
    practice: Practice,
    payer: Payer | None,
    check_date: date | None,
    check_total: Money | None,
    lines: Sequence[EobLine],
) -> CheckedEob:
    """Every problem of a paper EOB's entry at once, each naming the line and part it is
    about (``claims[1].adjustments``) or the check (``check date``, ``check total``);
    nothing is written. What is not known yet is not checked: the claims' payer without
    ``payer``, the date without ``check_date``, the check's total against its claims
    without ``check_total`` (a form passes None while one of them cannot be read)."""
    require(user, practice, "import_remittance")
    problems = []
    if check_date is not None:
        try:
            entry_checks.payment_date(
                check_date,
                today=timezone.localdate(),
                earliest=books_begin(practice_pk(practice)),
                field="check date",
            )
        except entry_checks.EntryProblem as exc:
            problems.append(ServiceError(exc.field, exc.problem))
    claims, wrong = _claims(practice, payer, lines)
    problems += wrong
    if check_total is not None:
        total = total_problem(check_total, [line.paid for line in lines])
        if total is not None:
            problems.append(ServiceError(total.field, total.problem))
    return CheckedEob(claims, problems)


def post_paper_eob(
    user: Actor,
    practice: Practice,
    payer: Payer,
    check_number: str,
    check_date: date,
    check_total: Money,
    lines: list[EobLine],
) -> ImportResult:
    """Post (or hold) a paper EOB. Raises ``ServiceError`` (``ServiceErrors`` for several
    at once: ``check_paper_eob``) for a claim that is not the practice's, was never sent,
    was rejected unread, is paid already or is on two lines, a line without its claim
    number, a line that does not add up, a check dated in
    the future or before the practice's books begin, or one that is not its claims'
    payments."""
    checked = check_paper_eob(user, practice, payer, check_date, check_total, lines)
    if checked.problems:
        raise ServiceErrors.of(checked.problems)
    eob = PaperEob(
        payer_name=payer.name,
        payer_id=payer.payer_id,
        payee_npi=practice.group_npi,
        payee_name=practice.name,
        check_number=check_number,
        check_date=check_date,
        check_total=check_total,
        claims=tuple(checked.claims),
    )
    try:
        data = write_835(eob_remittance(eob), sender="PAPEREOB", receiver="MEDBILL")
    except EobError as exc:
        raise ServiceError(exc.field, exc.problem) from None
    except X12WriteError as exc:
        raise ServiceError("", f"this entry cannot be written as a remittance: {exc}") from None
    name = f"paper EOB {payer.name} check {check_number.strip()} {check_date:%Y-%m-%d}"
    return import_era(user, practice, data, name[:200])

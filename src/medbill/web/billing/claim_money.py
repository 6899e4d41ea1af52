"""A claim's money as its ledger has it: what was charged, what each payer and the patient
paid, the adjustments, what moved to the patient or to the next payer's claim, and what is
left owed, on the payer's side and the patient's.

Every part is a sum of the claim's entries, signed as the ledger signs them (a payment
lowers what is owed), so the parts of each side add up to that side's balance. The
balances themselves are the A/R's (``ar_balances.open_balances``), so the claim page and
the aging never disagree about a claim.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from medbill.core.money import ZERO, Money
from medbill.core.submission.lifecycle import NOT_SENT
from medbill.web.billing.ar_balances import open_balances
from medbill.web.billing.models import Claim, Entry
from medbill.web.practice.fields import MoneySum

__all__ = ["ClaimMoney", "LineMoney", "MoneyRow", "claim_money"]

PAYER, PATIENT = Entry.Responsibility.PAYER, Entry.Responsibility.PATIENT


@dataclass(frozen=True, slots=True)
class MoneyRow:
    """One part of the claim's balance, on each side (signed as in the ledger)."""

    label: str
    payer: Money = ZERO
    patient: Money = ZERO

    @property
    def total(self) -> Money:
        return self.payer + self.patient


@dataclass(frozen=True, slots=True)
class LineMoney:
    """What the remittances did to one claim line (amounts as the office reads them:
    positive paid, positive adjusted)."""

    paid: Money = ZERO
    adjusted: Money = ZERO
    to_patient: Money = ZERO


@dataclass(frozen=True)
class ClaimMoney:
    rows: tuple[MoneyRow, ...]  # the parts, charges first
    payer_balance: Money  # what the claim's payer side owes (the A/R by payer)
    patient_balance: Money  # what the patient owes on this claim (the A/R by patient)
    lines: dict[int, LineMoney] = field(default_factory=dict)  # by claim line id
    # What the remittances posted to the claim and to none of its lines: all of it when the
    # payer answered for the claim as a whole (a paper EOB, an 835 without service lines).
    claim_level: LineMoney | None = None
    charges_note: str = ""  # why no charge is posted on this claim, when none is

    @property
    def balance(self) -> MoneyRow:
        return MoneyRow("Balance", self.payer_balance, self.patient_balance)

    @property
    def adds_up(self) -> bool:
        """Whether the parts add up to the balances (they do unless the summary the
        database keeps differs from the ledger, which the nightly check reports)."""
        payer = sum((r.payer for r in self.rows), ZERO)
        patient = sum((r.patient for r in self.rows), ZERO)
        return (payer, patient) == (self.payer_balance, self.patient_balance)


# The parts, in the order the page lists them.
_CHARGES, _PAID, _CONTRACTUAL, _OTHER, _TO_PATIENT, _MOVED, _REFUNDS = (
    "Charged",
    "Paid by {payer}",
    "Contractual adjustments (CO)",
    "Other adjustments and write-offs",
    "Patient responsibility",
    "Next payer's share (moved between claims)",
    "Refunds",
)


def _part() -> Case:
    return Case(
        When(kind=Entry.Kind.CHARGE, then=Value(_CHARGES)),
        When(kind=Entry.Kind.PAYMENT, then=Value(_PAID)),
        When(kind=Entry.Kind.ADJUSTMENT, group_code="CO", then=Value(_CONTRACTUAL)),
        When(kind=Entry.Kind.ADJUSTMENT, then=Value(_OTHER)),
        When(kind=Entry.Kind.TRANSFER, then=Value(_MOVED)),
        default=Value(_REFUNDS),
        output_field=CharField(),
    )


def _balance(claim: Claim, side: str) -> Money:
    rows = open_balances(claim.practice_id, side, claim=claim.pk)
    return Money.from_cents(sum(r.cents for r in rows))


def claim_money(claim: Claim) -> ClaimMoney:
    """The money of ``claim`` from its ledger entries, with the A/R's balances."""
    entries = Entry.objects.for_practice(claim.practice_id).filter(claim=claim).order_by()
    sums = entries.values("responsibility", "payer__name", part=_part()).annotate(
        total=MoneySum("amount")
    )
    cells: dict[str, dict[str, Money]] = defaultdict(lambda: {PAYER: ZERO, PATIENT: ZERO})
    cells[_CHARGES] = {PAYER: ZERO, PATIENT: ZERO}  # shown before any charge is posted
    for s in sums:
        label = s["part"]
        if label == _PAID:
            payer_side = s["responsibility"] == PAYER
            who = (s["payer__name"] or "the payer") if payer_side else "the patient"
            label = label.format(payer=who)
        cells[label][s["responsibility"]] += Money(s["total"] or 0)
    # A transfer to the patient is a pair: the payer side gives what the patient side
    # takes. The rest of the payer side's transfers move the next payer's share.
    to_patient = cells.pop(_MOVED, {PAYER: ZERO, PATIENT: ZERO})
    taken = to_patient[PATIENT]
    if taken:
        cells[_TO_PATIENT] = {PAYER: -taken, PATIENT: taken}
    if to_patient[PAYER] + taken:
        cells[_MOVED] = {PAYER: to_patient[PAYER] + taken, PATIENT: ZERO}
    order = [_CHARGES, _PAID, _CONTRACTUAL, _OTHER, _TO_PATIENT, _MOVED, _REFUNDS]
    by_patient = _PAID.format(payer="the patient")

    def rank(label: str) -> tuple[int, bool, str]:
        if label.startswith("Paid by "):  # the payers by name, then the patient
            return (order.index(_PAID), label == by_patient, label)
        return (order.index(label), False, label)

    rows = tuple(
        MoneyRow(label, cells[label][PAYER], cells[label][PATIENT])
        for label in sorted(cells, key=rank)
        if cells[label][PAYER] or cells[label][PATIENT] or label == _CHARGES
    )
    lines = _lines(entries)
    return ClaimMoney(
        rows,
        _balance(claim, PAYER),
        _balance(claim, PATIENT),
        lines={k: v for k, v in lines.items() if k is not None},
        charges_note="" if cells[_CHARGES][PAYER] else _no_charges(claim),
        claim_level=lines.get(None),
    )


def _no_charges(claim: Claim) -> str:
    """Why ``claim`` has no charge on the ledger: a visit is charged once, at the date of
    service, when its first claim is submitted (``claims_out.services.move_claim``); a
    secondary claim or a replacement bills the charges already there."""
    elsewhere = (
        Entry.objects.for_practice(claim.practice_id)
        .filter(visit_id=claim.visit_id, kind=Entry.Kind.CHARGE)
        .exclude(claim=claim)
        .values_list("claim__patient_control_number", flat=True)
        .first()
    )
    if elsewhere:
        return f"the visit's charges are posted on claim {elsewhere}"
    if claim.status in NOT_SENT:
        return "not sent yet: the charges go on the ledger when the claim is submitted"
    # Sent before charges went on at submission: the first remittance posts them.
    return "not posted yet: the visit's charges post with the claim's first remittance"


def _lines(entries: QuerySet[Entry]) -> dict[int | None, LineMoney]:
    """Per claim line (None: the claim, no line): paid, adjusted and moved to the patient,
    from its entries. A line nothing was posted to but its charge has none: it shows no
    amounts rather than 0.00 paid."""
    per_line = (
        entries.filter(
            Q(kind__in=(Entry.Kind.PAYMENT, Entry.Kind.ADJUSTMENT))
            | Q(kind=Entry.Kind.TRANSFER, responsibility=PATIENT)
        )
        .values("claim_line_id")
        .annotate(
            paid=MoneySum("amount", filter=Q(kind=Entry.Kind.PAYMENT)),
            adjusted=MoneySum("amount", filter=Q(kind=Entry.Kind.ADJUSTMENT)),
            to_patient=MoneySum(
                "amount", filter=Q(kind=Entry.Kind.TRANSFER, responsibility=PATIENT)
            ),
        )
    )
    return {
        r["claim_line_id"]: LineMoney(
            -Money(r["paid"] or 0), -Money(r["adjusted"] or 0), Money(r["to_patient"] or 0)
        )
        for r in per_line
    }

"""Posting rules: a balanced remittance becomes ledger entries, denials and work items.

Pure functions over values: ``post_remittance(remittance, index)`` matches each
claim payment to one of our claims (``ClaimIndex``) and applies the rules below.
Nothing here touches a database; the billing app stores what comes back.

Entries are signed from the account's point of view (negative lowers what is
owed), with a ``responsibility`` of ``payer`` or ``patient``:

* CLP04/SVC03 paid → ``payment`` −paid (payer);
* PR (deductible 1, coinsurance 2, copay 3, other) → ``transfer`` −x payer, +x patient;
  with coverage after this payer the +x goes to the next payer instead, and a
  secondary claim is requested with the COB data (the billing app moves that share,
  ``ClaimPosting.next_payer_share``, onto the secondary claim once it exists);
* CO/OA/PI contractual and other adjustments → ``adjustment`` −x (payer);
* OA-23 (prior payer's impact) on a claim we sent as secondary → informational only,
  the primary's posting already moved that money;
* a line or claim paid nothing for a denial reason → no entry: the balance stays
  open with the payer and a ``DenialItem`` (CARC/RARC in words, next action) is queued.
  Each line is judged on its own CAS (the claim as a whole only on CLP02 = 4 or its own
  claim-level CAS): a line the payer allowed and applied to the deductible is not denied
  because another line of the claim was;
* a claim is ``denied_in_full`` when the payer refused every line (or the whole claim)
  for a denial reason, whoever is left to pay (PR-50 after an ABN is still a refusal), or
  paid nothing, left the patient nothing and refused a line;
* CLP02=22 (reversal) → the same rules with the payer's negative amounts, so every
  entry reverses one of the original posting; the corrected claim that follows posts
  normally;
* CLP02=19/20/21 (forwarded to the next payer) → a secondary claim record marked as
  crossed over (the payer sent it on; we do not transmit it again);
* PLB → provider-level entries (not on any patient's account);
* a claim payment we cannot match → ``UnmatchedItem`` for the work queue, never dropped.

Every entry keeps the 835 segment position it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from medbill.core.ledger.balance import hold_reasons
from medbill.core.ledger.codes import (
    carc_kind,
    carc_words,
    is_denial_reason,
    next_action,
    rarc_words,
)
from medbill.core.money import ZERO, Money
from medbill.core.x12.m835 import Adjustment, ClaimPayment, Remittance, ServicePayment

__all__ = [
    "Account",
    "AccountLine",
    "ClaimIndex",
    "ClaimPosting",
    "DenialItem",
    "PostingEntry",
    "ProviderEntry",
    "RemittancePosting",
    "UnmatchedItem",
    "post_claim",
    "post_remittance",
]


@dataclass(frozen=True, slots=True)
class AccountLine:
    line: int
    code: str
    charge: Money
    modifiers: tuple[str, ...] = ()
    line_control_number: str = ""


@dataclass(frozen=True, slots=True)
class Account:
    """What posting needs to know about one of our claims."""

    claim_id: str
    member_id: str
    date_of_service: date | None
    charge: Money
    lines: tuple[AccountLine, ...] = ()
    has_next_payer: bool = False  # coverage after the payer this claim went to
    is_secondary: bool = False  # sent to a secondary/tertiary payer (OA-23 is informational)
    key: object = None  # the caller's handle (a database id)


@dataclass(frozen=True, slots=True)
class PostingEntry:
    claim_id: str
    line: int | None
    kind: str  # payment, adjustment, transfer
    responsibility: str  # payer or patient
    amount: Money
    group: str = ""
    reason: str = ""
    memo: str = ""
    position: int = 0
    next_payer: bool = False  # the payer side of a transfer to the next coverage
    reversal: bool = False


@dataclass(frozen=True, slots=True)
class DenialItem:
    claim_id: str
    line: int | None
    amount: Money
    reasons: tuple[tuple[str, str], ...]
    reason_words: tuple[str, ...]
    remark_words: tuple[str, ...]
    action: str
    payer_claim_number: str = ""
    position: int = 0


@dataclass(frozen=True, slots=True)
class UnmatchedItem:
    claim_id: str
    member_id: str
    patient_name: str
    charge: Money
    paid: Money
    date_of_service: date | None
    reason: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    """A PLB adjustment: ``amount`` is its effect on the payment (−PLB amount)."""

    provider_id: str
    reason: str
    reference: str
    amount: Money
    fiscal_period_end: date | None
    position: int = 0


@dataclass(frozen=True, slots=True)
class ClaimPosting:
    account: Account
    payment: ClaimPayment
    matched_by: str
    entries: tuple[PostingEntry, ...]
    denials: tuple[DenialItem, ...] = ()
    informational: tuple[Adjustment, ...] = ()
    line_numbers: tuple[int | None, ...] = ()  # our line for each SVC, in order
    secondary: str = ""  # "", "crossed_over" (payer forwarded it) or "send" (we bill it)
    notes: tuple[str, ...] = ()
    denied_in_full: bool = False  # the payer refused every line: the claim is denied

    @property
    def paid(self) -> Money:
        return -sum((e.amount for e in self.entries if e.kind == "payment"), ZERO)

    @property
    def next_payer_share(self) -> Money:
        """What this payment leaves the next payer (the "from prior payer" side of its
        transfers; negative when it reverses a payment that did)."""
        return sum((e.amount for e in self.entries if e.next_payer), ZERO)

    @property
    def patient_share(self) -> Money:
        return sum(
            (
                e.amount
                for e in self.entries
                if e.kind == "transfer" and e.responsibility == "patient"
            ),
            ZERO,
        )


@dataclass(frozen=True, slots=True)
class RemittancePosting:
    remittance: Remittance
    held: bool
    reasons: tuple[str, ...] = ()
    claims: tuple[ClaimPosting, ...] = ()
    unmatched: tuple[UnmatchedItem, ...] = ()
    provider_entries: tuple[ProviderEntry, ...] = ()

    @property
    def entries(self) -> list[PostingEntry]:
        return [e for c in self.claims for e in c.entries]

    @property
    def denials(self) -> list[DenialItem]:
        return [d for c in self.claims for d in c.denials]


class ClaimIndex:
    """Our open claims, found by claim id, or by member id + date of service + charge."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self._by_id: dict[str, Account] = {}
        self._by_member: dict[tuple[str, date | None, Money], list[Account]] = {}
        for account in accounts:
            self.add(account)

    def add(self, account: Account) -> None:
        self._by_id[account.claim_id] = account
        key = (account.member_id.strip().upper(), account.date_of_service, account.charge)
        self._by_member.setdefault(key, []).append(account)

    def match(self, payment: ClaimPayment) -> tuple[Account | None, str]:
        """(our account, how it matched) or (None, why not)."""
        account = self._by_id.get(payment.claim_id)
        members = {n.id.strip().upper() for n in payment.names if n.id}
        member = payment.member_id.strip().upper()
        first, _ = payment.service_dates
        # A reversal carries negative amounts; match on the charge as billed.
        found = self._by_member.get((member, first, abs(payment.charge)), [])
        if account is not None:
            if (
                account.member_id
                and members
                and account.member_id.upper() not in members
                and len(found) == 1
            ):
                # Some payers echo one CLP01 for every claim on a check: trust the member.
                return found[0], "member id, date of service and charge (claim id repeated)"
            return account, "claim id"
        if len(found) == 1:
            return found[0], "member id, date of service and charge"
        if len(found) > 1:
            return None, "several claims have this member id, date of service and charge"
        return None, "no claim with this claim id, nor this member id, date and charge"


def _match_lines(
    services: Sequence[ServicePayment], lines: Sequence[AccountLine]
) -> list[int | None]:
    """Our line number for each SVC: REF*6R, then code + modifiers + charge, then code."""
    free = {line.line: line for line in lines}
    out: list[int | None] = [None] * len(services)
    passes: tuple[Callable[[ServicePayment, AccountLine], bool], ...] = (
        lambda s, a: bool(s.line_control_number) and s.line_control_number == a.line_control_number,
        lambda s, a: (
            s.procedure.code == a.code
            and s.procedure.modifiers == a.modifiers
            and abs(s.charge) == a.charge
        ),
        lambda s, a: s.procedure.code == a.code and abs(s.charge) == a.charge,
        lambda s, a: s.procedure.code == a.code,
    )
    for test in passes:
        for i, svc in enumerate(services):
            if out[i] is not None:
                continue
            for number, line in free.items():
                if test(svc, line):
                    out[i] = number
                    del free[number]
                    break
    return out


def _is_denied(
    paid: Money, charge: Money, adjustments: Sequence[Adjustment], claim_status: str
) -> bool:
    # A reversal (status 22) is judged like the payment it reverses, so what was held
    # open as a denial then is not reversed now.
    if paid or not charge:
        return False
    if claim_status == "4":
        return True
    return any(carc_kind(a.group, a.reason) == "denial" for a in adjustments)


def _is_refused(
    paid: Money, charge: Money, adjustments: Sequence[Adjustment], claim_status: str
) -> bool:
    """The payer paid nothing for a denial reason, whoever it leaves to pay: a line the
    queue holds (``_is_denied``) or one the payer made the patient's for a denial reason."""
    if _is_denied(paid, charge, adjustments, claim_status):
        return True
    return not paid and bool(charge) and any(is_denial_reason(a.reason) for a in adjustments)


def post_claim(
    payment: ClaimPayment, account: Account, matched_by: str = "claim id"
) -> ClaimPosting:
    """Entries, denials and secondary-claim decision for one matched claim payment."""
    reversal = payment.status == "22"
    entries: list[PostingEntry] = []
    denials: list[DenialItem] = []
    info: list[Adjustment] = []
    notes: list[str] = []
    cid = account.claim_id
    memo = f"reversal of payer claim {payment.payer_claim_number}" if reversal else ""
    remarks = tuple(rarc_words(c) for c in payment.remark_codes)

    def post(
        adjs: Sequence[Adjustment], line: int | None, denied: bool, paid: Money, position: int
    ) -> None:
        if paid:
            entries.append(
                PostingEntry(
                    cid,
                    line,
                    "payment",
                    "payer",
                    -paid,
                    memo=memo,
                    position=position,
                    reversal=reversal,
                )
            )
        held: list[Adjustment] = []
        for adj in adjs:
            kind = carc_kind(adj.group, adj.reason)
            if not adj.amount:
                continue
            if kind == "patient":
                words = carc_words(adj.reason)
                if account.has_next_payer:
                    entries.append(
                        PostingEntry(
                            cid,
                            line,
                            "transfer",
                            "payer",
                            -adj.amount,
                            adj.group,
                            adj.reason,
                            f"to next payer: {words}",
                            adj.position,
                            reversal=reversal,
                        )
                    )
                    entries.append(
                        PostingEntry(
                            cid,
                            line,
                            "transfer",
                            "payer",
                            adj.amount,
                            adj.group,
                            adj.reason,
                            f"from prior payer: {words}",
                            adj.position,
                            next_payer=True,
                            reversal=reversal,
                        )
                    )
                else:
                    entries.append(
                        PostingEntry(
                            cid,
                            line,
                            "transfer",
                            "payer",
                            -adj.amount,
                            adj.group,
                            adj.reason,
                            f"to patient: {words}",
                            adj.position,
                            reversal=reversal,
                        )
                    )
                    entries.append(
                        PostingEntry(
                            cid,
                            line,
                            "transfer",
                            "patient",
                            adj.amount,
                            adj.group,
                            adj.reason,
                            words,
                            adj.position,
                            reversal=reversal,
                        )
                    )
            elif kind == "prior_payer" and account.is_secondary:
                info.append(adj)
            elif denied and kind in ("denial", "other", "contractual"):
                held.append(adj)
            else:
                entries.append(
                    PostingEntry(
                        cid,
                        line,
                        "adjustment",
                        "payer",
                        -adj.amount,
                        adj.group,
                        adj.reason,
                        carc_words(adj.reason),
                        adj.position,
                        reversal=reversal,
                    )
                )
        if held and reversal:
            notes.append(
                f"reversal of a denied amount at segment {position}: nothing had been posted for it"
            )
        elif held:
            lq = tuple(rarc_words(code) for qual, code in svc_remarks.get(line, ()))
            reasons = tuple((a.group, a.reason) for a in held)
            denials.append(
                DenialItem(
                    cid,
                    line,
                    sum((a.amount for a in held), ZERO),
                    reasons,
                    tuple(f"{a.group}-{carc_words(a.reason)}" for a in held),
                    lq + remarks,
                    next_action([r for _, r in reasons]),
                    payment.payer_claim_number,
                    position,
                )
            )

    line_numbers = _match_lines(payment.services, account.lines)
    svc_remarks = {n: s.remarks for n, s in zip(line_numbers, payment.services, strict=True)}
    # The claim as a whole is denied by its own status or claim-level CAS; the reasons on
    # its lines decide for each line (judging the claim by all of them held a line's CO-45
    # as a denial when another line was denied and nothing was paid).
    claim_level = payment.adjustments if payment.services else payment.all_adjustments
    claim_denied = _is_denied(payment.paid, payment.charge, claim_level, payment.status)
    refused = [
        claim_denied or _is_refused(svc.paid, svc.charge, svc.adjustments, payment.status)
        for svc in payment.services
    ]
    every_line_refused = (
        all(refused)
        if refused
        else _is_refused(payment.paid, payment.charge, claim_level, payment.status)
    )
    services_paid = ZERO
    for svc, number in zip(payment.services, line_numbers, strict=True):
        if number is None:
            notes.append(
                f"line {svc.procedure.code} {svc.charge} at segment {svc.position} "
                "matches none of our lines; posted to the claim"
            )
        denied = claim_denied or _is_denied(svc.paid, svc.charge, svc.adjustments, payment.status)
        post(svc.adjustments, number, denied, svc.paid, svc.position)
        services_paid += svc.paid
    # Claim-level CAS, and whatever the claim paid beyond its lines (or all of it, when the
    # payer sent no lines).
    post(payment.adjustments, None, claim_denied, payment.paid - services_paid, payment.position)
    secondary = ""
    if not reversal:
        if payment.forwarded:
            secondary = "crossed_over"
        elif account.has_next_payer and any(e.next_payer for e in entries):
            secondary = "send"
    # Refused for a reason: a secondary payer that owes nothing after the primary (CLP02 = 4
    # with only OA-23) has denied nothing.
    # A claim that paid nothing, left the patient nothing and refused a line is denied too,
    # whatever wrote the other lines down (a CO-45 to zero on a $12 line does not make a
    # $205 denial a payment); a line applied to the deductible was processed, not refused.
    nothing_paid = (
        payment.paid == ZERO
        and bool(denials)
        and not any(a.group == "PR" and a.amount > ZERO for a in payment.all_adjustments)
    )
    denied_in_full = (
        not reversal
        and (every_line_refused or nothing_paid)
        and (bool(denials) or any(is_denial_reason(a.reason) for a in payment.all_adjustments))
    )
    return ClaimPosting(
        account,
        payment,
        matched_by,
        tuple(entries),
        tuple(denials),
        tuple(info),
        tuple(line_numbers),
        secondary,
        tuple(notes),
        denied_in_full,
    )


def post_remittance(remittance: Remittance, index: ClaimIndex) -> RemittancePosting:
    """Post a whole 835 set, or hold it (read errors, imbalance) and post nothing."""
    reasons = hold_reasons(remittance)
    if reasons:
        return RemittancePosting(remittance, True, tuple(reasons))
    claims: list[ClaimPosting] = []
    unmatched: list[UnmatchedItem] = []
    for payment in remittance.claims:
        account, how = index.match(payment)
        if account is None:
            patient = payment.patient
            unmatched.append(
                UnmatchedItem(
                    payment.claim_id,
                    payment.member_id,
                    patient.display() if patient else "",
                    payment.charge,
                    payment.paid,
                    payment.service_dates[0],
                    how,
                    payment.position,
                )
            )
            continue
        claims.append(post_claim(payment, account, how))
    plb = tuple(
        ProviderEntry(
            p.provider_id, p.reason, p.reference, -p.amount, p.fiscal_period_end, p.position
        )
        for p in remittance.provider_adjustments
    )
    return RemittancePosting(remittance, False, (), tuple(claims), tuple(unmatched), plb)

"""Writing one balanced 835 set: ledger rows, claim payments, denials, claim statuses.

``Poster`` takes what the core posting rules decided for each claim payment
(``medbill.core.ledger.posting``) and writes it in a few statements per set rather than
per row: ledger entries stream into the database, the claim payments, denials, status
moves and lifecycle events follow. The import (``era.import_era``) owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from medbill.core.ledger.posting import ClaimPosting
from medbill.core.submission.lifecycle import LifecycleError, status_after_remittance
from medbill.core.x12.m835 import Remittance as RemittanceDoc
from medbill.web.billing.era_bulk import CLOSED, insert_rows, update_claims
from medbill.web.billing.era_claims import (
    ClaimRow,
    charge_rows,
    entry_row,
    next_coverage,
    uncharged,
)
from medbill.web.billing.era_secondary import Secondaries
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import DenialItem, Remittance, RemittanceClaim
from medbill.web.claims_out.models import ClaimEvent
from medbill.web.practice.tenancy import Actor, PracticeRef, signed_in

if TYPE_CHECKING:
    from medbill.web.billing.era import SetResult

__all__ = ["Poster"]


class Poster:
    """Writes one balanced set's posting to the database."""

    def __init__(
        self,
        practice: PracticeRef,
        user: Actor,
        sha: str,
        rem: RemittanceDoc,
        row: Remittance,
        claims: dict[Any, ClaimRow],
    ) -> None:
        self.practice, self.user, self.sha, self.rem = practice, user, sha, rem
        self.row, self.claims = row, claims
        self.when = rem.effective_date or timezone.localdate()
        self.now = timezone.now()
        self.method = "check" if rem.method == "CHK" else "eft"
        who = signed_in(user)
        self.created_by_id = who.pk if who is not None else None
        self.claim_rows: list[dict[str, Any]] = []
        self.denials: list[tuple[int, dict[str, Any]]] = []
        self.updates: list[ClaimRow] = []
        self.events: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.secondaries = Secondaries(practice, user, sha, rem.trace_number, self.when, self.now)

    def post(self, postings: Iterable[ClaimPosting], result: SetResult) -> None:
        """Write the postings of one set, in a few statements rather than per row.

        A claim whose charges are not on the ledger yet gets them first, just before
        what the payer did with them.
        """
        postings = list(postings)
        todo = uncharged([self.claims[cp.account.key] for cp in postings])

        def rows() -> Iterable[dict[str, Any]]:
            for cp in postings:
                claim = self.claims[cp.account.key]
                if claim.pk in todo:
                    todo.discard(claim.pk)
                    yield from charge_rows(claim, self.now)
                yield from self.claim_posting(cp, result)

        # The ledger rows stream into the database while later claims are still being
        # worked out; no other statement may run until that COPY ends, so secondary
        # claims are made (or, after a reversal, voided) afterwards, in the same order,
        # and the next payer's share moved onto them.
        insert_rows(Entry, rows())
        result.secondary += self.secondaries.write()
        result.warnings += self.warnings
        self.flush()

    def claim_posting(self, cp: ClaimPosting, result: SetResult) -> list[dict[str, Any]]:
        """Record what ``cp`` does to its claim; return its ledger rows."""
        claim = self.claims[cp.account.key]
        lines = {line.line_number: line for line in claim.lines}
        nxt = next_coverage(claim) if any(e.next_payer for e in cp.entries) else None
        pay = cp.payment
        outcome = (
            RemittanceClaim.Outcome.REVERSED
            if pay.is_reversal
            else RemittanceClaim.Outcome.DENIED
            if cp.denied_in_full
            else RemittanceClaim.Outcome.PARTIAL
            if cp.denials
            else RemittanceClaim.Outcome.POSTED
        )
        rc = dict(
            practice_id=claim.practice_id,
            remittance_id=self.row.pk,
            claim_id=claim.pk,
            claim_identifier=pay.claim_id[:38],
            status_code=pay.status,
            charge=pay.charge,
            paid=pay.paid,
            patient_responsibility=pay.patient_responsibility,
            payer_claim_number=pay.payer_claim_number[:50],
            member_id=pay.member_id[:80],
            matched_by=cp.matched_by[:80],
            outcome=outcome,
            position=pay.position,
            notes=list(cp.notes),
        )
        self.claim_rows.append(rc)
        entries = []
        for e in cp.entries:
            payer_id = nxt.payer_id if (e.next_payer and nxt) else claim.payer_id
            line = lines.get(e.line) if e.line is not None else None
            entries.append(
                entry_row(
                    self.now,
                    practice_id=claim.practice_id,
                    patient_id=claim.patient_id,
                    visit_id=claim.visit_id,
                    claim_id=claim.pk,
                    claim_line_id=line.pk if line is not None else None,
                    payer_id=payer_id,
                    kind=e.kind,
                    amount=e.amount,
                    responsibility=e.responsibility,
                    effective_date=self.when,
                    group_code=e.group,
                    reason_code=e.reason[:5],
                    method=self.method if e.kind == "payment" else "",
                    reference=self.rem.trace_number[:50],
                    memo=e.memo[:200],
                    source="era",
                    source_ref=f"835 {self.sha[:16]} segment {e.position}",
                    created_by_id=self.created_by_id,
                )
            )
        for d in cp.denials:
            line = lines.get(d.line) if d.line is not None else None
            self.denials.append(
                (
                    pay.position,
                    dict(
                        practice_id=claim.practice_id,
                        claim_id=claim.pk,
                        claim_line_id=line.pk if line is not None else None,
                        payer_id=claim.payer_id,
                        amount=d.amount,
                        reasons=[list(r) for r in d.reasons],
                        reason_words=list(d.reason_words),
                        remark_words=list(d.remark_words),
                        action=d.action[:200],
                        status=DenialItem.Status.OPEN,
                        created_at=self.now,
                    ),
                )
            )
            result.denied.append((claim.patient_control_number, "; ".join(d.reason_words)))
        self.move(claim, cp, outcome)
        if pay.is_reversal:
            # A secondary claim built on the payment taken back is voided or flagged; the
            # share the reversal takes from the next payer follows it.
            self.secondaries.add(claim, cp, nxt)
        if cp.secondary and nxt is None:
            nxt = next_coverage(claim)
        if cp.secondary and nxt is not None:
            self.secondaries.add(claim, cp, nxt)
        result.posted.append((claim.patient_control_number, cp.paid, cp.patient_share))
        return entries

    def move(self, claim: ClaimRow, cp: ClaimPosting, outcome: str) -> None:
        """The claim's new status, payer claim number and reason, and its lifecycle event.

        The lifecycle decides the status (``status_after_remittance``), as it does for every
        other move; a move it refuses leaves the status for the biller, with a note, while
        the money still posts.
        """
        if claim.status == CLOSED:
            # A closed claim stays closed: a late 835 for an original that a corrected
            # claim replaced still posts its money, but does not reopen it.
            return
        pay, trace = cp.payment, self.rem.trace_number[:50]
        old = claim.status
        decision = (
            "reversed"
            if pay.is_reversal
            else "denied"
            if outcome == RemittanceClaim.Outcome.DENIED
            else "paid"
        )
        try:
            new = status_after_remittance(old, decision)
        except LifecycleError as exc:
            note = (
                f"claim status left {old}: {exc}; the payment is posted, the status is "
                "for the biller to set"
            )
            self.claim_rows[-1]["notes"].append(note)
            self.warnings.append(f"{claim.patient_control_number}: {note}")
            return
        if pay.is_reversal:
            # The payer took its decision back: the claim waits for the corrected one (often
            # the next claim payment of the same set, which moves it on again).
            claim.status = new
            claim.status_reason = "the payer reversed its payment; a corrected one is due"
            why = f"payment reversed by ERA {trace}; a corrected payment is due"
        else:
            claim.status = new
            claim.payer_claim_number = pay.payer_claim_number[:50] or claim.payer_claim_number
            denied = "; ".join(d.reason_words[0] for d in cp.denials)
            claim.status_reason = denied[:200]
            why = (
                f"denied by ERA {trace}: {denied}"
                if outcome == RemittanceClaim.Outcome.DENIED
                else f"partially paid by ERA {trace}: {cp.paid.format()} paid; denied: {denied}"
                if outcome == RemittanceClaim.Outcome.PARTIAL
                else f"paid by ERA {trace}: {cp.paid.format()} paid"
            )
        self.updates.append(claim)
        if claim.status != old:
            # The ClaimEvent ``move_claim`` writes on the one-by-one paths, as a plain row
            # written with the set's other rows (a model instance per event cost five
            # times as much as inserting it).
            self.events.append(
                dict(
                    practice_id=claim.practice_id,
                    claim_id=claim.pk,
                    from_status=old,
                    to_status=claim.status,
                    reason=why[:300],
                    source="835",
                    source_ref=f"835 {self.sha[:16]} segment {pay.position}",
                    created_at=self.now,
                    created_by_id=self.created_by_id,
                )
            )

    def flush(self) -> None:
        """Write the claim payments, denials, claim statuses and lifecycle events the set
        produced."""
        # Not audited row by row: the import records one audit event for the whole file.
        insert_rows(RemittanceClaim, self.claim_rows)
        if self.denials:
            ids = dict(
                RemittanceClaim.objects.filter(remittance=self.row).values_list("position", "pk")
            )
            for position, denial in self.denials:
                denial["remittance_claim_id"] = ids[position]
            insert_rows(DenialItem, [d for _, d in self.denials])
        update_claims(self.updates)
        insert_rows(ClaimEvent, self.events)

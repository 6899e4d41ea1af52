"""Secondary claims of an 835 import: made from a payer's decision, undone when the payer
reverses it.

A claim payment that leaves a share for the patient's next coverage makes the claim to
that payer, with the prior payer's adjudication on a ``SecondaryClaimLink`` (the COB data
of 837P loops 2320/2430). A later reversal (CLP02 = 22) of that payment takes the ground
from under it:

* a secondary claim not sent yet (draft or scrubbed) is closed, with a ``ClaimEvent`` and
  an audited change saying why; the corrected payment, when it comes, makes a new one from
  its own amounts (numbered ``<prior>-S1-2``, ``-S1-3`` …: the payer never saw the first);
* one already sent, or crossed over by the prior payer, is left as the payer holds it: a
  ``ClaimWorkItem`` asks the biller to compare it with the corrected payment and send a
  corrected claim if they differ.

What the next payer owes goes with its claim. The prior payer's posting leaves the
patient's share to the next payer on the prior claim ("to next payer"); once the secondary
claim exists, a pair of transfers (source ``cob``) moves that share onto it, where the next
payer's own 835 posts, so the A/R shows it once, owed on the claim billed to that payer. A
claim voided by a reversal gives what it carries back to the prior claim; one kept (sent,
crossed over) carries on whatever the reversal and the corrected payment leave that payer.
The moves never change what a patient, a payer or the practice is owed, only the claim.

New claims, their lines, links, lifecycle events and audit events go in with one bulk
statement per table and set, rather than a handful of statements per claim.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from medbill.core.ledger.cob import SecondaryClaimError, secondary_claim
from medbill.core.ledger.posting import ClaimPosting
from medbill.core.money import ZERO, Money
from medbill.web.billing.era_bulk import audit_created, insert_instances, insert_rows, one_of
from medbill.web.billing.models import Claim, ClaimLine, Entry, balance_amount
from medbill.web.billing.remittance_models import SecondaryClaimLink
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.tenancy import Actor, PracticeRef, signed_in

__all__ = ["ORDERS", "SHARE_SOURCE", "Secondaries", "secondary_numbers"]

ORDERS = ("primary", "secondary", "tertiary")
# Claims the payer has not seen: the import may close them when their ground goes.
UNSENT = (Claim.Status.DRAFT, Claim.Status.SCRUBBED)
REBUILDS = 9  # new numbers a prior claim's secondary may take after voided ones
SHARE_SOURCE = "cob"  # ``Entry.source`` of the transfers that move a share between claims
_CLAIM_COLUMNS = (
    "pk",
    "practice_id",
    "visit_id",
    "patient_id",
    "patient_control_number",
    "diagnoses",
)
_LINE_COLUMNS = (
    "line_number",
    "code",
    "modifiers",
    "units",
    "charge",
    "dx_pointers",
    "date_of_service",
    "description",
    "ndc",
    "ndc_quantity",
    "ndc_unit",
    "unit_basis",
    "line_control_number",
)


def secondary_numbers(prior: str, order: str) -> list[str]:
    """The claim numbers a claim to the payer of ``order`` after claim ``prior`` may take, in
    order: ``<prior>-S1``, then ``<prior>-S1-2`` … for one rebuilt after a reversal."""
    index = ORDERS.index(order)
    return [
        f"{prior[:17]}-S{index}",
        *(f"{prior[:15]}-S{index}-{n}" for n in range(2, REBUILDS + 2)),
    ]


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


@dataclass
class _Made:
    """A secondary claim worked out, not written yet."""

    claim: Claim
    lines: list[dict[str, Any]]  # ClaimLine rows for ``insert_rows``
    link: SecondaryClaimLink
    source_ref: str
    how: str


@dataclass
class _Move:
    """The next payer's share moved from one claim of a visit to another, not written yet.

    ``source`` and ``target`` are claims (model instances or plain rows); a claim made in
    this set has its id once it is written."""

    source: Any
    target: Any
    amount: Money
    ref: str  # the 835 claim payment that moved it
    back: bool = False  # a voided claim's share going back to its prior claim


@dataclass
class Secondaries:
    """What one set's claim payments do to secondary claims, written in order.

    ``add`` each claim payment that makes a secondary claim (``cp.secondary``) or reverses
    a payment (one a secondary claim may have been built on); ``write`` then reads what it
    needs in a few queries and writes the outcome. Returns ``(claim number, what
    happened)`` for the import's summary.
    """

    practice: PracticeRef
    user: Actor
    sha: str
    trace: str
    when: datetime.date
    now: datetime.datetime
    steps: list[tuple[Any, ClaimPosting, Any]] = field(default_factory=list)
    unmade: list[tuple[str, str]] = field(default_factory=list)
    moves: list[_Move] = field(default_factory=list)

    def add(self, claim: Any, cp: ClaimPosting, nxt: Any) -> None:
        """A claim payment of the set: one that bills the next coverage ``nxt``, or a
        reversal (``nxt`` the coverage its share went to, if any)."""
        self.steps.append((claim, cp, nxt))

    def write(self) -> list[tuple[str, str]]:
        if not self.steps:
            return []
        self._read()
        out: list[tuple[str, str]] = []
        for claim, cp, nxt in self.steps:
            if cp.payment.is_reversal:
                out += self._undo(claim, cp, nxt)
            else:
                self._make(claim, cp, nxt)
                self._carry(claim, cp, nxt)
        made = list(self.pending.values())
        self._save(made)
        self._write_moves()
        return out + self.unmade + [(m.claim.patient_control_number, m.how) for m in made]

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> None:
        """The prior claims' live secondary claims, and for new ones the prior claims with
        their lines and documents, and the claim numbers taken."""
        from medbill.web.billing.documents import claim_documents

        priors = {c.pk for c, _, _ in self.steps}
        self.live: dict[int, list[SecondaryClaimLink]] = {}
        linked: set[int] = set()
        for link in (
            SecondaryClaimLink.objects.filter(one_of("prior_claim_id", priors))
            .select_related("claim")
            .order_by("id")
        ):
            linked.add(link.prior_claim_id)
            if link.claim.status != Claim.Status.CLOSED:
                self.live.setdefault(link.prior_claim_id, []).append(link)
        wanted = [(c, n) for c, cp, n in self.steps if not cp.payment.is_reversal]
        # Plain rows, not model instances: a secondary claim copies a few of the prior
        # claim's columns and its lines, and instances (snapshotted for the audit trail as
        # they load) cost more than the copying.
        ids = {c.pk for c, _ in wanted}
        self.prior = (
            {
                row["pk"]: SimpleNamespace(**row, lines=[])
                for row in Claim.objects.filter(one_of("pk", ids)).values(*_CLAIM_COLUMNS)
            }
            if ids
            else {}
        )
        if ids:
            for line in (
                ClaimLine.objects.filter(one_of("claim_id", ids))
                .order_by("line_number")
                .values("claim_id", *_LINE_COLUMNS)
            ):
                self.prior[line.pop("claim_id")].lines.append(line)
        numbers = set()
        for c, n in wanted:
            candidates = secondary_numbers(c.patient_control_number, n.order)
            numbers |= set(candidates if c.pk in linked else candidates[:1])
        self.taken = (
            set(
                Claim.objects.filter(
                    one_of("patient_control_number", numbers),
                    practice=self.practice,
                ).values_list("patient_control_number", flat=True)
            )
            if numbers
            else set()
        )
        # The prior claims' documents in one batch, not a handful of queries per claim.
        order = list(dict.fromkeys(c.pk for c, _ in wanted))
        self.documents = (
            dict(
                zip(
                    order,
                    # rows read in one query stand in for the claims: the documents read
                    # only their fields
                    claim_documents(cast(Claim, self.prior[pk]) for pk in order),
                    strict=True,
                )
            )
            if order
            else {}
        )
        self.pending: dict[int, _Made] = {}

    # -- new claims --------------------------------------------------------------------------

    def _make(self, info: Any, cp: ClaimPosting, next_row: Any) -> None:
        if self.live.get(info.pk) or info.pk in self.pending:
            return  # it has its secondary claim already
        claim = self.prior[info.pk]
        nxt = next_row
        pcn = next(
            (
                n
                for n in secondary_numbers(claim.patient_control_number, nxt.order)
                if n not in self.taken
            ),
            None,
        )
        if pcn is None:
            self._cannot(
                claim,
                cp,
                f"every claim number for its {nxt.order} claim is taken "
                f"({REBUILDS + 1} built after reversals)",
            )
            return
        try:
            doc = secondary_claim(
                self.documents[claim.pk], cp.payment, cp.line_numbers, self.when, pcn
            )
        except SecondaryClaimError as exc:
            self._cannot(claim, cp, str(exc))
            return
        crossed = cp.secondary == "crossed_over"
        new = Claim(
            practice_id=claim.practice_id,
            visit_id=claim.visit_id,
            patient_id=claim.patient_id,
            coverage_id=nxt.pk,
            payer_id=nxt.payer_id,
            patient_control_number=pcn,
            status=Claim.Status.SUBMITTED if crossed else Claim.Status.DRAFT,
            diagnoses=claim.diagnoses,
            status_reason="crossed over by the prior payer" if crossed else "",
            created_at=self.now,
            updated_at=self.now,
        )
        lines = [{"practice_id": claim.practice_id, **line} for line in claim.lines]
        prior = doc.other_coverage[0]
        link = SecondaryClaimLink(
            practice_id=claim.practice_id,
            prior_claim_id=claim.pk,
            adjudication=_jsonable(prior.adjudication.to_dict() if prior.adjudication else {}),
            prior_order=prior.order,
            crossed_over=crossed,
            created_at=self.now,
        )
        self.taken.add(pcn)
        self.pending[claim.pk] = _Made(
            new,
            lines,
            link,
            f"835 {self.sha[:16]} segment {cp.payment.position}",
            "crossed over by the payer" if crossed else "ready to send",
        )

    def _cannot(self, claim: Any, cp: ClaimPosting, why: str) -> None:
        """A secondary claim is due but cannot be made: the biller hears of it."""
        from medbill.web.claims_out.models import ClaimWorkItem

        pay = cp.payment
        ClaimWorkItem.objects.create(
            practice_id=claim.practice_id,
            claim_id=claim.pk,
            source="835",
            codes="",
            reason=(
                f"The next payer's claim was not made from this payment (835 trace "
                f"{self.trace[:40]}, payer claim {pay.payer_claim_number[:30]}): {why}. "
                "Bill the next payer by hand."
            )[:500],
        )
        self.unmade.append(
            (
                claim.patient_control_number,
                f"no secondary claim made ({why[:120]}); flagged for the biller",
            )
        )

    def _save(self, made: list[_Made]) -> None:
        """Write the new claims, lines, links, lifecycle and audit events: a COPY (or one
        executemany) per table, and the new ids read back by the keys that name them."""
        from medbill.web.claims_out.models import ClaimEvent

        if not made:
            return
        insert_instances(Claim, [m.claim for m in made])
        ids = dict(
            Claim.objects.filter(
                one_of("patient_control_number", [m.claim.patient_control_number for m in made]),
                practice=self.practice,
            ).values_list("patient_control_number", "pk")
        )
        for m in made:
            m.claim.pk = ids[m.claim.patient_control_number]
            for line in m.lines:
                line["claim_id"] = m.claim.pk
            m.link.claim_id = m.claim.pk
        insert_rows(ClaimLine, [line for m in made for line in m.lines])
        insert_instances(SecondaryClaimLink, [m.link for m in made])
        links = dict(
            SecondaryClaimLink.objects.filter(
                one_of("claim_id", [m.claim.pk for m in made])
            ).values_list("claim_id", "pk")
        )
        for m in made:
            m.link.pk = links[m.claim.pk]
        who = signed_in(self.user)
        by = who.pk if who is not None else None
        insert_rows(
            ClaimEvent,
            [
                dict(
                    practice_id=m.claim.practice_id,
                    claim_id=m.claim.pk,
                    from_status="",
                    to_status=m.claim.status,
                    source="835",
                    source_ref=m.source_ref,
                    reason=f"built from the {m.link.prior_order} payer's payment (835 trace "
                    f"{self.trace[:50]})"
                    + ("; crossed over by that payer" if m.link.crossed_over else ""),
                    created_at=self.now,
                    created_by_id=by,
                )
                for m in made
            ],
        )
        # Each new claim and link is audited as its own create, as a save() would be.
        audit_created([*(m.claim for m in made), *(m.link for m in made)], self.now)

    # -- reversals ---------------------------------------------------------------------------

    def _undo(self, prior: Any, cp: ClaimPosting, nxt: Any) -> list[tuple[str, str]]:
        """Close the unsent secondary claims built on the payment ``cp`` reverses, their
        share going back to the prior claim; flag the sent ones for the biller, the
        reversal's share following them."""
        from medbill.web.claims_out.models import ClaimWorkItem
        from medbill.web.claims_out.services import move_claim

        out = []
        prior_pk = prior.pk
        pending = self.pending.pop(prior_pk, None)
        if pending is not None:  # made earlier in this set: it is simply not written
            self.taken.discard(pending.claim.patient_control_number)
            self.moves = [m for m in self.moves if m.target is not pending.claim]
        pay = cp.payment
        ref = f"835 {self.sha[:16]} segment {pay.position}"
        still = []
        for link in self.live.get(prior_pk, []):
            claim = Claim.objects.select_for_update().get(pk=link.claim_id)
            order = link.prior_order
            if claim.status in UNSENT and not link.crossed_over:
                why = (
                    f"voided: the {order} payer reversed the payment this claim's COB data "
                    f"came from (835 trace {self.trace[:40]}); the corrected payment makes "
                    "a new claim"
                )
                if claim.status == Claim.Status.SCRUBBED:
                    move_claim(
                        claim,
                        Claim.Status.DRAFT,
                        user=self.user,
                        reason=why,
                        source="835",
                        source_ref=ref,
                    )
                move_claim(
                    claim,
                    Claim.Status.CLOSED,
                    user=self.user,
                    reason=why,
                    source="835",
                    source_ref=ref,
                    status_reason=why[:200],
                )
                self._give_back(claim, prior, ref)
                out.append((claim.patient_control_number, "voided: the prior payment was reversed"))
                continue
            sent = (
                "crossed over by that payer"
                if link.crossed_over
                else f"already {claim.get_status_display().lower()}"
            )
            ClaimWorkItem.objects.create(
                practice_id=claim.practice_id,
                claim=claim,
                source="835",
                codes="CLP02 22",
                reason=(
                    f"The {order} payer reversed the payment (835 trace "
                    f"{self.trace[:40]}, payer claim {pay.payer_claim_number[:30]}) whose "
                    f"amounts this claim carries as COB data; the claim is {sent}, so it "
                    "was not changed. Compare it with the corrected payment when that "
                    "comes and send a corrected claim (frequency 7) if they differ."
                )[:500],
            )
            out.append(
                (
                    claim.patient_control_number,
                    f"{sent}: flagged for the biller, the prior payment was reversed",
                )
            )
            still.append(link)
        self.live[prior_pk] = still
        self._carry(prior, cp, nxt)
        return out

    # -- the next payer's share ---------------------------------------------------------------

    def _carry(self, prior: Any, cp: ClaimPosting, nxt: Any) -> None:
        """Move the share ``cp`` left the next payer on ``prior`` to that payer's claim of
        the visit, when there is one (made now, or made before and not voided)."""
        share = cp.next_payer_share
        if not share or nxt is None:
            return
        made = self.pending.get(prior.pk)
        live = [link.claim for link in self.live.get(prior.pk, [])]
        target = made.claim if made is not None else (live[-1] if live else None)
        if target is None or target.payer_id != nxt.payer_id:
            return  # no claim to that payer: the share stays where the 835 put it
        self.moves.append(_Move(prior, target, share, self._ref(cp)))

    def _give_back(self, voided: Claim, prior: Any, ref: str) -> None:
        """What ``voided`` carries of the prior claim's share goes back to it."""
        before = Entry.objects.filter(
            claim_id=voided.pk, source=SHARE_SOURCE, responsibility=Entry.Responsibility.PAYER
        ).aggregate(t=MoneySum("amount"))["t"]
        carried = Money(balance_amount(before)) + sum(
            (m.amount for m in self.moves if m.target.pk == voided.pk),
            ZERO,
        )
        if carried:
            self.moves.append(_Move(voided, prior, carried, ref, back=True))

    def _ref(self, cp: ClaimPosting) -> str:
        return f"835 {self.sha[:16]} segment {cp.payment.position}"

    def _write_moves(self) -> None:
        """The moves as pairs of transfers on the payer side, each pair with the target
        claim's payer, dated and traced like the 835 that caused it."""
        from medbill.web.billing.era_claims import entry_row

        who = signed_in(self.user)
        rows = []
        for m in self.moves:
            if not m.amount:
                continue
            src, dst = m.source, m.target
            words = (
                (
                    f"share back to claim {dst.patient_control_number}: this claim was voided",
                    f"share back from voided claim {src.patient_control_number}",
                )
                if m.back
                else (
                    f"next payer's share moved to claim {dst.patient_control_number}",
                    f"next payer's share from claim {src.patient_control_number}",
                )
            )
            for claim, amount, memo in ((src, -m.amount, words[0]), (dst, m.amount, words[1])):
                rows.append(
                    entry_row(
                        self.now,
                        practice_id=claim.practice_id,
                        patient_id=claim.patient_id,
                        visit_id=claim.visit_id,
                        claim_id=claim.pk,
                        payer_id=(src if m.back else dst).payer_id,
                        kind=Entry.Kind.TRANSFER,
                        amount=amount,
                        responsibility=Entry.Responsibility.PAYER,
                        effective_date=self.when,
                        reference=self.trace[:50],
                        memo=memo[:200],
                        source=SHARE_SOURCE,
                        source_ref=m.ref,
                        created_by_id=who.pk if who is not None else None,
                    )
                )
        insert_rows(Entry, rows)

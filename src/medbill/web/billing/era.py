"""Importing an 835: read, balance, match, post — all or nothing, and only once.

``import_era`` is the one use case. It reads the file with the core reader, holds
any set that does not balance (recording why), and posts the rest with the core
posting rules inside one ``transaction.atomic()``: an error anywhere leaves no
partial posting. A file whose sha256 was imported before posts nothing; a set
whose payment (TRN02 with TRN03, as X12 names it) was already posted is recorded
as a duplicate and posts nothing, and one that repeats a posted payment's amount,
date and payee under another trace is held. Two imports at once post one after
the other (``_lock_postings``). Ledger entries are only ever added.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from medbill.core.collector import collector_paused
from medbill.core.ledger.posting import (
    Account,
    AccountLine,
    ClaimIndex,
    ClaimPosting,
    RemittancePosting,
    post_remittance,
)
from medbill.core.money import ZERO, Money
from medbill.core.submission.lifecycle import LifecycleError, status_after_remittance
from medbill.core.x12 import X12ParseError
from medbill.core.x12.m835 import Remittance as RemittanceDoc
from medbill.core.x12.m835 import read_835
from medbill.web.billing.era_bulk import CLOSED, insert_rows, one_of, update_claims
from medbill.web.billing.era_secondary import ORDERS, Secondaries
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.billing.remittance_models import (
    DenialItem,
    ProviderAdjustment,
    Remittance,
    RemittanceClaim,
    RemittanceFile,
    UnmatchedPayment,
)
from medbill.web.claims_out.models import ClaimEvent
from medbill.web.frontdesk.models import Coverage
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Payer
from medbill.web.practice.permissions import require

__all__ = ["ImportResult", "SetResult", "import_era", "post_charges"]


@dataclass
class SetResult:
    """What happened to one 835 set."""

    trace_number: str
    payer: str
    total_paid: Money
    status: str  # posted, held, repeat, duplicate, preview
    reasons: list[str] = field(default_factory=list)
    posted: list[tuple[str, Money, Money]] = field(default_factory=list)  # claim, paid, patient
    denied: list[tuple[str, str]] = field(default_factory=list)  # claim, reasons in words
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # CLP01, why
    secondary: list[tuple[str, str]] = field(default_factory=list)  # new claim, how
    provider_adjustments: Money = ZERO
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    name: str
    sha256: str
    already_imported: bool = False
    sets: list[SetResult] = field(default_factory=list)
    file_id: int | None = None
    released: bool = False  # a file imported before, whose repeats were now posted


def _payer_for(practice: Any, rem: RemittanceDoc) -> Payer | None:
    ids = {v for q, v in rem.payer.references if q == "2U"} | {rem.payer.id, rem.payer_id}
    ids.discard("")
    rows = Payer.objects.filter(organization_id=practice.organization_id, payer_id__in=ids)
    return rows.first()


class _Row:
    """A row read with ``values_list()``: attribute access without a model instance."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    if TYPE_CHECKING:  # the columns read, whatever they are

        def __getattr__(self, name: str) -> Any: ...

    @classmethod
    def many(cls, query: Any, fields: tuple[str, ...]) -> list[_Row]:
        """``query``'s ``fields`` as rows; ``a__b`` is read as attribute ``a_b``."""
        names = [f.replace("__", "_") for f in fields]
        rows = []
        for values in query.values_list(*fields):
            row = cls.__new__(cls)
            row.__dict__ = dict(zip(names, values, strict=True))
            rows.append(row)
        return rows

    def is_in_effect(self, on: datetime.date) -> bool:
        if not self.active:
            return False
        if self.effective_date and on < self.effective_date:
            return False
        return not (self.termination_date and on > self.termination_date)


_CLAIM_FIELDS = ("pk", "practice_id", "patient_id", "visit_id", "payer_id", "coverage_id",
                 "patient_control_number", "payer_claim_number", "status")


def _claim_rows(query: Any) -> list[_Row]:
    """Our claims as plain rows, with their lines, coverage and the patient's coverages."""
    rows = _Row.many(query, (*_CLAIM_FIELDS, "coverage__member_id", "coverage__order",
                             "visit__scheduled_at"))
    if not rows:
        return rows
    lines: dict[int, list[_Row]] = {}
    line_query = ClaimLine.objects.filter(one_of("claim_id", [c.pk for c in rows]))
    for r in _Row.many(line_query.order_by("line_number"), (
            "pk", "claim_id", "line_number", "code", "charge", "modifiers",
            "line_control_number")):
        lines.setdefault(r.claim_id, []).append(r)
    coverages: dict[int, list[_Row]] = {}
    coverage_query = Coverage.objects.filter(one_of("patient_id", {c.patient_id for c in rows}))
    for r in _Row.many(coverage_query, ("pk", "patient_id", "order", "payer_id", "active",
                                        "effective_date", "termination_date")):
        coverages.setdefault(r.patient_id, []).append(r)
    tz = timezone.get_current_timezone()  # looked up once: localtime() asks settings each call
    for line in (line for group in lines.values() for line in group):
        line.charge = Money(line.charge)
    for c in rows:
        c.lines = lines.get(c.pk, [])
        c.coverages = coverages.get(c.patient_id, [])
        c.date_of_service = c.visit_scheduled_at.astimezone(tz).date()
    return rows


def _accounts(practice: Any, rem: RemittanceDoc) -> tuple[list[Account], dict[int, _Row]]:
    base = Claim.objects.for_practice(practice)
    ours = base.filter(one_of("patient_control_number", {c.claim_id for c in rem.claims}))
    rows = _claim_rows(ours)
    by_pcn = {c.patient_control_number: c for c in rows}
    # Look by member only for payments whose claim id is not ours, or belongs to another
    # member (payers that repeat one CLP01 for every claim on a check).
    members = set()
    for pay in rem.claims:
        found = by_pcn.get(pay.claim_id)
        if pay.member_id and (found is None or found.coverage_member_id.upper() not in {
                n.id.upper() for n in pay.names if n.id}):
            members |= {pay.member_id, pay.member_id.upper()}
    if members:
        seen = {c.pk for c in rows}
        rows += [c for c in _claim_rows(base.filter(coverage__member_id__in=members))
                 if c.pk not in seen]
    accounts, claims = [], {}
    for claim in rows:
        claims[claim.pk] = claim
        lines = tuple(AccountLine(line.line_number, line.code, line.charge,
                                  tuple(line.modifiers or ()), line.line_control_number)
                      for line in claim.lines)
        accounts.append(Account(
            claim.patient_control_number, claim.coverage_member_id, claim.date_of_service,
            sum((line.charge for line in lines), ZERO), lines,
            has_next_payer=_next_coverage(claim) is not None,
            is_secondary=claim.coverage_order != "primary", key=claim.pk))
    return accounts, claims


def post_charges(claim: Claim, effective: datetime.date | None = None) -> list[Entry]:
    """Post the claim's line charges to the ledger unless they already are (idempotent)."""
    # The services of a visit are charged once, whichever claim asks a payer for them: a
    # secondary claim or a replacement bills the same services again, it does not add any.
    if Entry.objects.filter(practice_id=claim.practice_id, kind=Entry.Kind.CHARGE).filter(
            Q(claim=claim) | Q(visit_id=claim.visit_id)).exists():
        return []
    rows = [Entry(practice_id=claim.practice_id, patient_id=claim.patient_id,
                  visit_id=claim.visit_id, claim=claim, claim_line=line, payer_id=claim.payer_id,
                  kind=Entry.Kind.CHARGE, amount=Money(line.charge),
                  responsibility=Entry.Responsibility.PAYER,
                  effective_date=effective or claim.visit.date_of_service,
                  memo=f"{line.code} charge", source="system",
                  source_ref=f"claim {claim.patient_control_number}")
            for line in claim.lines.all()]
    return Entry.objects.bulk_create(rows)


def _uncharged(claims: list[_Row]) -> set[int]:
    """Those of ``claims`` whose visit's charges are not on the ledger yet (``post_charges``'s
    test, for many claims in two statements)."""
    if not claims:
        return set()
    charged = Entry.objects.filter(practice_id=claims[0].practice_id, kind=Entry.Kind.CHARGE)
    done = set(charged.filter(one_of("claim_id", [c.pk for c in claims])).values_list(
        "claim_id", flat=True))
    done_visits = set(charged.filter(one_of("visit_id", {c.visit_id for c in claims}))
                      .values_list("visit_id", flat=True))
    return {c.pk for c in claims if c.pk not in done and c.visit_id not in done_visits}


def _charge_rows(claim: _Row, now: datetime.datetime) -> list[dict[str, Any]]:
    """The ledger rows of ``claim``'s line charges."""
    return [_entry_row(now, practice_id=claim.practice_id, patient_id=claim.patient_id,
                       visit_id=claim.visit_id, claim_id=claim.pk, claim_line_id=line.pk,
                       payer_id=claim.payer_id, kind=Entry.Kind.CHARGE, amount=line.charge,
                       responsibility=Entry.Responsibility.PAYER,
                       effective_date=claim.date_of_service, memo=f"{line.code} charge",
                       source="system", source_ref=f"claim {claim.patient_control_number}")
            for line in claim.lines]


def _entry_row(posted_at: datetime.datetime, **values: Any) -> dict[str, Any]:
    """One ledger row for ``insert_rows``: every column named, so all rows line up.

    ``posted_at`` is taken once per batch by the caller: ``timezone.now()`` per row was a
    measurable part of posting a large file.
    """
    row = {"group_code": "", "reason_code": "", "method": "", "reference": "", "memo": "",
           "source": "era", "source_ref": "", "reverses_id": None, "created_by_id": None,
           "visit_id": None, "claim_id": None, "claim_line_id": None, "payer_id": None,
           "posted_at": posted_at}
    row.update(values)
    return row


def _next_coverage(claim: _Row) -> _Row | None:
    order = ORDERS.index(claim.coverage_order)
    later = sorted((c for c in claim.coverages
                    if c.pk != claim.coverage_id and ORDERS.index(c.order) > order
                    and c.is_in_effect(claim.date_of_service)),
                   key=lambda c: ORDERS.index(c.order))
    return later[0] if later else None


class _Poster:
    """Writes one balanced set's posting to the database."""

    def __init__(self, practice: Any, user: Any, sha: str, rem: RemittanceDoc,
                 row: Remittance, claims: dict[int, _Row]) -> None:
        self.practice, self.user, self.sha, self.rem = practice, user, sha, rem
        self.row, self.claims = row, claims
        self.when = rem.effective_date or timezone.localdate()
        self.now = timezone.now()
        self.method = "check" if rem.method == "CHK" else "eft"
        self.created_by_id = user.pk if getattr(user, "is_authenticated", False) else None
        self.claim_rows: list[dict[str, Any]] = []
        self.denials: list[tuple[int, dict[str, Any]]] = []
        self.updates: list[_Row] = []
        self.events: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.secondaries = Secondaries(practice, user, sha, rem.trace_number, self.when,
                                       self.now)

    def post(self, postings: Iterable[ClaimPosting], result: SetResult) -> None:
        """Write the postings of one set, in a few statements rather than per row.

        A claim whose charges are not on the ledger yet gets them first, just before
        what the payer did with them.
        """
        postings = list(postings)
        uncharged = _uncharged([self.claims[cp.account.key] for cp in postings])

        def rows() -> Iterable[dict[str, Any]]:
            for cp in postings:
                claim = self.claims[cp.account.key]
                if claim.pk in uncharged:
                    uncharged.discard(claim.pk)
                    yield from _charge_rows(claim, self.now)
                yield from self.claim_posting(cp, result)

        # The ledger rows stream into the database while later claims are still being
        # worked out; no other statement may run until that COPY ends, so secondary
        # claims are made (or, after a reversal, voided) afterwards, in the same order.
        insert_rows(Entry, rows())
        result.secondary += self.secondaries.write()
        result.warnings += self.warnings
        self.flush()

    def claim_posting(self, cp: ClaimPosting, result: SetResult) -> list[dict[str, Any]]:
        """Record what ``cp`` does to its claim; return its ledger rows."""
        claim = self.claims[cp.account.key]  # type: ignore[index]
        lines = {line.line_number: line for line in claim.lines}
        nxt = _next_coverage(claim) if any(e.next_payer for e in cp.entries) else None
        pay = cp.payment
        outcome = (RemittanceClaim.Outcome.REVERSED if pay.is_reversal else
                   RemittanceClaim.Outcome.DENIED if cp.denials and not cp.entries else
                   RemittanceClaim.Outcome.PARTIAL if cp.denials else
                   RemittanceClaim.Outcome.POSTED)
        rc = dict(
            practice_id=claim.practice_id, remittance_id=self.row.pk, claim_id=claim.pk,
            claim_identifier=pay.claim_id[:38], status_code=pay.status, charge=pay.charge,
            paid=pay.paid, patient_responsibility=pay.patient_responsibility,
            payer_claim_number=pay.payer_claim_number[:50], member_id=pay.member_id[:80],
            matched_by=cp.matched_by[:80], outcome=outcome, position=pay.position,
            notes=list(cp.notes))
        self.claim_rows.append(rc)
        entries = []
        for e in cp.entries:
            payer_id = nxt.payer_id if (e.next_payer and nxt) else claim.payer_id
            line = lines.get(e.line) if e.line is not None else None
            entries.append(_entry_row(
                self.now, practice_id=claim.practice_id, patient_id=claim.patient_id,
                visit_id=claim.visit_id, claim_id=claim.pk,
                claim_line_id=line.pk if line is not None else None,
                payer_id=payer_id, kind=e.kind, amount=e.amount,
                responsibility=e.responsibility, effective_date=self.when,
                group_code=e.group, reason_code=e.reason[:5],
                method=self.method if e.kind == "payment" else "",
                reference=self.rem.trace_number[:50], memo=e.memo[:200], source="era",
                source_ref=f"835 {self.sha[:16]} segment {e.position}",
                created_by_id=self.created_by_id))
        for d in cp.denials:
            line = lines.get(d.line) if d.line is not None else None
            self.denials.append((pay.position, dict(
                practice_id=claim.practice_id, claim_id=claim.pk,
                claim_line_id=line.pk if line is not None else None,
                payer_id=claim.payer_id, amount=d.amount, reasons=[list(r) for r in d.reasons],
                reason_words=list(d.reason_words), remark_words=list(d.remark_words),
                action=d.action[:200], status=DenialItem.Status.OPEN,
                created_at=self.now)))
            result.denied.append((claim.patient_control_number, "; ".join(d.reason_words)))
        self.move(claim, cp, outcome)
        if pay.is_reversal:
            # A secondary claim built on the payment taken back is voided or flagged.
            self.secondaries.add(claim, cp, None)
        if cp.secondary and nxt is None:
            nxt = _next_coverage(claim)
        if cp.secondary and nxt is not None:
            self.secondaries.add(claim, cp, nxt)
        result.posted.append((claim.patient_control_number, cp.paid, cp.patient_share))
        return entries

    def move(self, claim: _Row, cp: ClaimPosting, outcome: str) -> None:
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
        decision = ("reversed" if pay.is_reversal else
                    "denied" if outcome == RemittanceClaim.Outcome.DENIED else "paid")
        try:
            new = status_after_remittance(old, decision)
        except LifecycleError as exc:
            note = (f"claim status left {old}: {exc}; the payment is posted, the status is "
                    "for the biller to set")
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
            why = (f"denied by ERA {trace}: {denied}" if outcome == RemittanceClaim.Outcome.DENIED
                   else f"partially paid by ERA {trace}: {cp.paid.format()} paid; denied: "
                   f"{denied}" if outcome == RemittanceClaim.Outcome.PARTIAL
                   else f"paid by ERA {trace}: {cp.paid.format()} paid")
        self.updates.append(claim)
        if claim.status != old:
            # The ClaimEvent ``move_claim`` writes on the one-by-one paths, as a plain row
            # written with the set's other rows (a model instance per event cost five
            # times as much as inserting it).
            self.events.append(dict(
                practice_id=claim.practice_id, claim_id=claim.pk, from_status=old,
                to_status=claim.status, reason=why[:300], source="835",
                source_ref=f"835 {self.sha[:16]} segment {pay.position}",
                created_at=self.now, created_by_id=self.created_by_id))

    def flush(self) -> None:
        """Write the claim payments, denials, claim statuses and lifecycle events the set
        produced."""
        # Not audited row by row: the import records one audit event for the whole file.
        insert_rows(RemittanceClaim, self.claim_rows)
        if self.denials:
            ids = dict(RemittanceClaim.objects.filter(remittance=self.row).values_list(
                "position", "pk"))
            for position, denial in self.denials:
                denial["remittance_claim_id"] = ids[position]
            insert_rows(DenialItem, [d for _, d in self.denials])
        update_claims(self.updates)
        insert_rows(ClaimEvent, self.events)


def _record(practice: Any, posting: RemittancePosting, result: SetResult) -> None:
    result.provider_adjustments = sum((p.amount for p in posting.provider_entries), ZERO)
    for u in posting.unmatched:
        result.unmatched.append((u.claim_id, u.reason))


def import_era(user: Any, practice: Any, data: bytes, name: str, *, post: bool = True,
               same_payment: bool = False) -> ImportResult:
    """Import one 835 file for ``practice``; with ``post=False`` only report what would post.

    A set whose payment (TRN02 with TRN03) was posted before posts nothing; one whose
    amount, date and payee repeat a payment posted under another trace is held, unless
    ``same_payment`` says the biller checked it is a separate payment.
    ``user`` None means the system (the command line). Raises ``ServiceError`` for a
    file that is not an 835 and ``PermissionDenied`` for a role that may not import.
    """
    if user is not None:
        require(user, practice, "import_remittance")
    # The collector walking every object was about 40% of the CPU time of posting 5,000
    # claims (medbill.core.collector).
    with collector_paused():
        return _import_file(user, practice, data, name, post, same_payment)


def _import_file(user: Any, practice: Any, data: bytes, name: str, post: bool,
                 same_payment: bool = False) -> ImportResult:
    sha = hashlib.sha256(data).hexdigest()
    result = ImportResult(name, sha)
    try:
        rems = read_835(data)
    except X12ParseError as exc:
        raise ServiceError("file", f"{name}: not a readable 835: {exc}") from None
    if not rems:
        raise ServiceError("file", f"{name}: holds no 835 transaction set")
    if _already_imported(practice, sha, result) and not (same_payment and post):
        return result
    try:
        with transaction.atomic(), audit.acting_as(user, "cli" if user is None else None):
            file_row = None
            if post:
                # Postings of one practice go one file at a time: a second import waits
                # here, then finds what the first posted (the file, its traces, the
                # charges of shared claims) instead of posting it again.
                _lock_postings(practice)
                if _already_imported(practice, sha, result):
                    if same_payment:
                        return _release_repeats(user, practice, sha, rems, name, result)
                    return result
                file_row = RemittanceFile.objects.create(
                    practice=practice, name=name[:200], sha256=sha, size=len(data),
                    imported_by=user if getattr(user, "is_authenticated", False) else None)
                result.file_id = file_row.pk
            for rem in rems:
                result.sets.append(_import_set(practice, user, sha, rem, file_row,
                                               same_payment))
            if file_row is not None:
                audit.record(file_row, "create",
                             {"sets": [s.status for s in result.sets],
                              "claims": sum(len(s.posted) for s in result.sets)})
    except IntegrityError:
        # Only a writer that bypassed the lock (another database client) can get here.
        # Whatever it was, nothing of this file was written.
        result = ImportResult(name, sha)
        if _already_imported(practice, sha, result):
            return result
        raise ServiceError("file", f"{name}: another import posted some of the same "
                                   "payments at the same time; nothing of this file was "
                                   "posted. Import it again to post what is left.") from None
    return result


def _release_repeats(user: Any, practice: Any, sha: str, rems: list[RemittanceDoc],
                     name: str, done: ImportResult) -> ImportResult:
    """Post the sets of a file imported before that were held as repeats of a posted
    payment, now that the biller says they are separate payments. Nothing else of the
    file is touched."""
    file_row = RemittanceFile.objects.get(pk=done.file_id)
    held = {r.position: r for r in Remittance.objects.filter(
        file=file_row, status=Remittance.Status.REPEAT)}
    result = ImportResult(name, sha, file_id=file_row.pk, released=True)
    for rem in rems:
        if rem.position in held:
            result.sets.append(_import_set(practice, user, sha, rem, file_row, True,
                                           held[rem.position]))
    if not result.sets:
        done.released = True
        return done
    audit.record(file_row, "update", {"released": [s.trace_number for s in result.sets],
                                      "sets": [s.status for s in result.sets]})
    return result


def _already_imported(practice: Any, sha: str, result: ImportResult) -> bool:
    done = RemittanceFile.objects.filter(practice=practice, sha256=sha).first()
    if done is not None:
        result.already_imported, result.file_id = True, done.pk
    return done is not None


# The first key of the advisory lock that serializes a practice's ERA postings.
_POSTING_LOCK = 835


def _lock_postings(practice: Any) -> None:
    """Take the practice's posting lock until the transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite already lets one writer at a
    time in, and every transaction begins IMMEDIATE (see settings), so a second writer
    waits at BEGIN and then reads what the first committed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [_POSTING_LOCK, int(getattr(practice, "pk", practice))])


def payment_key(rem: RemittanceDoc) -> tuple[str, str]:
    """What names a payment in X12: TRN03 (the payer's own id) and TRN02 (its trace)."""
    return rem.trace_originator.strip()[:80], rem.trace_number.strip()[:50]


def _same_payment(practice: Any, rem: RemittanceDoc) -> Remittance | None:
    """A payment posted under another trace that this one repeats: the same amount, date
    and payee, paying at least one of the same claims (CLP01).

    Amount, date and payee alone are not enough: a payer often sends two separate checks
    of the same amount on one day (two patients seen for the same visit); a re-sent
    payment carries the claims it paid before.
    """
    if not rem.total_paid or rem.effective_date is None:
        return None  # notices without money repeat amount and date all the time
    candidates = Remittance.objects.filter(
        practice=practice, status=Remittance.Status.POSTED, total_paid=rem.total_paid.amount,
        payment_date=rem.effective_date, payee_identifier=rem.payee.id.strip()[:80],
    ).exclude(trace_number=rem.trace_number.strip()[:50]).order_by("pk")
    ours = {c.claim_id[:38] for c in rem.claims}
    if not ours:
        return candidates.first()
    return candidates.filter(claims__claim_identifier__in=ours).first()


def _import_set(practice: Any, user: Any, sha: str, rem: RemittanceDoc,
                file_row: RemittanceFile | None, same_payment: bool = False,
                held: Remittance | None = None) -> SetResult:
    """Import one set; ``held`` is its row from an earlier import of the same file, held
    as a repeat, that the biller now says is a separate payment."""
    payer = _payer_for(practice, rem)
    result = SetResult(rem.trace_number, rem.payer.name, rem.total_paid, "preview")
    result.warnings = [str(p) for p in rem.problems if p.severity == "warning"]
    originator, trace = payment_key(rem)
    duplicate = Remittance.objects.filter(
        practice=practice, trace_originator=originator, trace_number=trace,
        status=Remittance.Status.POSTED).exists()
    if duplicate:
        # A payment posted before is not worked out again: a re-sent file costs a lookup.
        result.status = "duplicate"
        result.reasons = [f"payment {trace} from {originator or 'an unnamed originator'} "
                          "(TRN02, TRN03) was already posted"]
        if file_row is not None:
            _remittance_row(practice, file_row, payer, rem, result, held)
        return result
    accounts, claims = _accounts(practice, rem)
    posting = post_remittance(rem, ClaimIndex(accounts))
    lookalike = None if same_payment else _same_payment(practice, rem)
    if posting.held:
        result.status, result.reasons = "held", list(posting.reasons)
    elif lookalike is not None:
        result.status = Remittance.Status.REPEAT
        result.reasons = [
            f"{rem.total_paid.format()} paid on {rem.effective_date:%m/%d/%Y} to payee "
            f"{rem.payee.id or '(none named)'} for the same claims repeats payment "
            f"{lookalike.trace_number} posted "
            f"{timezone.localtime(lookalike.posted_at):%m/%d/%Y}; if the bank confirms it is "
            "a separate payment, import the file again saying so (same amount is a separate "
            "payment)"]
    if file_row is None:
        if result.status == "preview":
            for cp in posting.claims:
                result.posted.append((cp.account.claim_id, cp.paid, cp.patient_share))
                result.denied += [(cp.account.claim_id, "; ".join(d.reason_words))
                                  for d in cp.denials]
            _record(practice, posting, result)
        return result
    row = _remittance_row(practice, file_row, payer, rem, result, held)
    if result.status != "preview":
        return result
    result.status = "posted"
    poster = _Poster(practice, user, sha, rem, row, claims)
    poster.post(posting.claims, result)
    for u in posting.unmatched:
        rc = RemittanceClaim.objects.create(
            practice=practice, remittance=row, claim_identifier=u.claim_id[:38],
            status_code=next(c.status for c in rem.claims if c.position == u.position),
            charge=u.charge, paid=u.paid, member_id=u.member_id[:80],
            outcome=RemittanceClaim.Outcome.UNMATCHED, position=u.position,
            notes=[u.reason])
        UnmatchedPayment.objects.create(practice=practice, remittance_claim=rc,
                                        reason=u.reason[:200])
    ProviderAdjustment.objects.bulk_create([ProviderAdjustment(
        practice=practice, remittance=row, provider_identifier=p.provider_id[:50],
        reason=p.reason[:2], reference=p.reference[:50], amount=p.amount,
        fiscal_period_end=p.fiscal_period_end, position=p.position)
        for p in posting.provider_entries])
    _record(practice, posting, result)
    return result


def _remittance_row(practice: Any, file_row: RemittanceFile, payer: Payer | None,
                    rem: RemittanceDoc, result: SetResult,
                    held: Remittance | None = None) -> Remittance:
    """The record of one set as imported: posted (when it is about to be), or why not.
    A set held before keeps its row, with its new status and reasons."""
    status = result.status if result.status != "preview" else Remittance.Status.POSTED
    if held is not None:
        held.status, held.held_reasons = status, result.reasons
        held.posted_at = timezone.now()
        held.save(update_fields=["status", "held_reasons", "posted_at"])
        return held
    originator, trace = payment_key(rem)
    return Remittance.objects.create(
        practice=practice, file=file_row, payer=payer, payer_identifier=rem.payer_id[:80],
        payer_name=rem.payer.name[:60], trace_number=trace, trace_originator=originator,
        payee_identifier=rem.payee.id.strip()[:80],
        control_number=rem.control_number[:9], method=rem.method[:3], total_paid=rem.total_paid,
        payment_date=rem.effective_date, status=status, held_reasons=result.reasons,
        warnings=result.warnings[:50], position=rem.position)


def summary_lines(result: ImportResult) -> Iterable[str]:
    """The import as text: per set, what was posted, held, denied and unmatched."""
    if result.released and not result.sets:
        yield (f"{result.name}: already imported (sha256 {result.sha256[:12]}) and no set of "
               "it is held as a repeat; nothing posted")
        return
    if result.already_imported:
        yield f"{result.name}: already imported (sha256 {result.sha256[:12]}); nothing posted"
        return
    if result.released:
        yield f"{result.name}: posting the sets held as repeats, as separate payments"
    for s in result.sets:
        yield (f"{s.payer} trace {s.trace_number} {s.total_paid.format()}: {s.status.upper()}"
               f" ({len(s.posted)} claim(s) posted, {len(s.denied)} denial(s), "
               f"{len(s.unmatched)} unmatched)")
        for reason in s.reasons:
            yield f"  held: {reason}"
        for claim_id, paid, patient in s.posted:
            yield f"  posted {claim_id}: paid {paid.format()}, patient owes {patient.format()}"
        for claim_id, words in s.denied:
            yield f"  denied {claim_id}: {words}"
        for claim_id, why in s.unmatched:
            yield f"  unmatched {claim_id}: {why}"
        for claim_id, how in s.secondary:
            yield f"  secondary claim {claim_id}: {how}"
        if s.provider_adjustments:
            yield f"  provider-level adjustments: {s.provider_adjustments.format()}"

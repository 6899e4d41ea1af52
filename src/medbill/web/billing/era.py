"""Importing an 835: read, balance, match, post — all or nothing, and only once.

``import_era`` is the one use case. It reads the file with the core reader, holds
any set that does not balance (recording why), and posts the rest with the core
posting rules inside one ``transaction.atomic()``: an error anywhere leaves no
partial posting. A file whose sha256 was imported before posts nothing; a set
whose payment (TRN02 with TRN03, as X12 names it) was already posted is recorded
as a duplicate and posts nothing, and one that repeats a posted payment's amount,
date and payee under another trace is held. Two imports at once post one after
the other (``_lock_postings``). Ledger entries are only ever added. The file's
payments are then paired with bank deposits that arrived before them, by banking's
reassociation rule, in the same transaction.

The claims a set pays are read by ``era_claims`` and a balanced set is written by
``era_poster.Poster``; this module decides what happens to each set.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from medbill.core.collector import collector_paused
from medbill.core.ledger.posting import (
    ClaimIndex,
    RemittancePosting,
    post_remittance,
)
from medbill.core.money import ZERO, Money
from medbill.core.x12 import X12ParseError
from medbill.core.x12.m835 import Remittance as RemittanceDoc
from medbill.core.x12.m835 import read_835
from medbill.web.banking.models import Deposit
from medbill.web.banking.services import match_new_payments
from medbill.web.billing.appeals import answer_appeals
from medbill.web.billing.era_claims import accounts_for, payer_for, post_charges
from medbill.web.billing.era_poster import Poster
from medbill.web.billing.remittance_models import (
    ProviderAdjustment,
    Remittance,
    RemittanceClaim,
    RemittanceFile,
    UnmatchedPayment,
)
from medbill.web.observability import count_postings
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Payer, Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

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
    deposit: str = ""  # the bank deposit it was paired with on import, in words


@dataclass
class ImportResult:
    name: str
    sha256: str
    already_imported: bool = False
    sets: list[SetResult] = field(default_factory=list)
    file_id: int | None = None
    released: bool = False  # a file imported before, whose repeats were now posted


def _record(practice: Practice, posting: RemittancePosting, result: SetResult) -> None:
    result.provider_adjustments = sum((p.amount for p in posting.provider_entries), ZERO)
    for u in posting.unmatched:
        result.unmatched.append((u.claim_id, u.reason))


def import_era(
    user: Actor,
    practice: Practice,
    data: bytes,
    name: str,
    *,
    post: bool = True,
    same_payment: bool = False,
    on_read: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one 835 file for ``practice``; with ``post=False`` only report what would post.

    A set whose payment (TRN02 with TRN03) was posted before posts nothing; one whose
    amount, date and payee repeat a payment posted under another trace is held, unless
    ``same_payment`` says the biller checked it is a separate payment.
    ``user`` None means the system (the command line). Raises ``ServiceError`` for a
    file that is not an 835 and ``PermissionDenied`` for a role that may not import.
    ``on_read`` hears the number of claim payments in the file once it is read, before
    anything is posted.
    """
    if user is not None:
        require(user, practice, "import_remittance")
    # The collector walking every object was about 40% of the CPU time of posting 5,000
    # claims (medbill.core.collector).
    with collector_paused():
        result = _import_file(user, practice, data, name, post, same_payment, on_read)
    if post:
        count_postings("era", sum(len(s.posted) for s in result.sets))
    return result


def _import_file(
    user: Actor,
    practice: Practice,
    data: bytes,
    name: str,
    post: bool,
    same_payment: bool = False,
    on_read: Callable[[int], None] | None = None,
) -> ImportResult:
    sha = hashlib.sha256(data).hexdigest()
    result = ImportResult(name, sha)
    try:
        rems = read_835(data)
    except X12ParseError as exc:
        raise ServiceError("file", f"{name}: not a readable 835: {exc}") from None
    if not rems:
        raise ServiceError("file", f"{name}: holds no 835 transaction set")
    if on_read is not None:
        on_read(sum(len(rem.claims) for rem in rems))
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
                    practice=practice,
                    name=name[:200],
                    sha256=sha,
                    size=len(data),
                    imported_by=signed_in(user),
                )
                result.file_id = file_row.pk
            for rem in rems:
                result.sets.append(_import_set(practice, user, sha, rem, file_row, same_payment))
            if file_row is not None:
                _pair_with_deposits(user, practice, file_row, rems, result)
                audit.record(
                    file_row,
                    "create",
                    {
                        "sets": [s.status for s in result.sets],
                        "claims": sum(len(s.posted) for s in result.sets),
                    },
                )
    except IntegrityError:
        # Only a writer that bypassed the lock (another database client) can get here.
        # Whatever it was, nothing of this file was written.
        result = ImportResult(name, sha)
        if _already_imported(practice, sha, result):
            return result
        raise ServiceError(
            "file",
            f"{name}: another import posted some of the same "
            "payments at the same time; nothing of this file was "
            "posted. Import it again to post what is left.",
        ) from None
    return result


def _pair_with_deposits(
    user: Actor,
    practice: Practice,
    file_row: RemittanceFile,
    rems: list[RemittanceDoc],
    result: ImportResult,
) -> None:
    """Pair the file's payments with deposits already imported from the bank (the EFT
    often arrives before its 835): the same reassociation rule and service as a bank
    import, inside this import's transaction."""
    rows = dict(Remittance.objects.filter(file=file_row).values_list("position", "pk"))
    pairs = match_new_payments(user, practice, list(rows.values()))
    deposits = Deposit.objects.in_bulk([m.deposit_id for m in pairs])
    words = {
        m.remittance_id: f"{Money(deposits[m.deposit_id].amount).format()} deposited on "
        f"{deposits[m.deposit_id].deposit_date:%m/%d/%Y}"
        for m in pairs
    }
    for rem, s in zip(rems, result.sets, strict=True):
        s.deposit = words.get(rows.get(rem.position, 0), "")


def _release_repeats(
    user: Actor,
    practice: Practice,
    sha: str,
    rems: list[RemittanceDoc],
    name: str,
    done: ImportResult,
) -> ImportResult:
    """Post the sets of a file imported before that were held as repeats of a posted
    payment, now that the biller says they are separate payments. Nothing else of the
    file is touched."""
    assert done.file_id is not None  # a file imported before has its row
    file_row = RemittanceFile.objects.get(pk=done.file_id)
    held = {
        r.position: r
        for r in Remittance.objects.filter(file=file_row, status=Remittance.Status.REPEAT)
    }
    result = ImportResult(name, sha, file_id=file_row.pk, released=True)
    for rem in rems:
        if rem.position in held:
            result.sets.append(
                _import_set(practice, user, sha, rem, file_row, True, held[rem.position])
            )
    if not result.sets:
        done.released = True
        return done
    audit.record(
        file_row,
        "update",
        {
            "released": [s.trace_number for s in result.sets],
            "sets": [s.status for s in result.sets],
        },
    )
    return result


def _already_imported(practice: PracticeRef, sha: str, result: ImportResult) -> bool:
    done = RemittanceFile.objects.filter(practice=practice, sha256=sha).first()
    if done is not None:
        result.already_imported, result.file_id = True, done.pk
    return done is not None


# The first key of the advisory lock that serializes a practice's ERA postings.
_POSTING_LOCK = 835


def _lock_postings(practice: PracticeRef) -> None:
    """Take the practice's posting lock until the transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite already lets one writer at a
    time in, and every transaction begins IMMEDIATE (see settings), so a second writer
    waits at BEGIN and then reads what the first committed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_POSTING_LOCK, int(practice_pk(practice))],
            )


def payment_key(rem: RemittanceDoc) -> tuple[str, str]:
    """What names a payment in X12: TRN03 (the payer's own id) and TRN02 (its trace)."""
    return rem.trace_originator.strip()[:80], rem.trace_number.strip()[:50]


def _same_payment(practice: PracticeRef, rem: RemittanceDoc) -> Remittance | None:
    """A payment posted under another trace that this one repeats: the same amount, date
    and payee, paying at least one of the same claims (CLP01).

    Amount, date and payee alone are not enough: a payer often sends two separate checks
    of the same amount on one day (two patients seen for the same visit); a re-sent
    payment carries the claims it paid before.
    """
    if not rem.total_paid or rem.effective_date is None:
        return None  # notices without money repeat amount and date all the time
    candidates = (
        Remittance.objects.filter(
            practice=practice,
            status=Remittance.Status.POSTED,
            total_paid=rem.total_paid.amount,
            payment_date=rem.effective_date,
            payee_identifier=rem.payee.id.strip()[:80],
        )
        .exclude(trace_number=rem.trace_number.strip()[:50])
        .order_by("pk")
    )
    ours = {c.claim_id[:38] for c in rem.claims}
    if not ours:
        return candidates.first()
    return candidates.filter(claims__claim_identifier__in=ours).first()


def _import_set(
    practice: Practice,
    user: Actor,
    sha: str,
    rem: RemittanceDoc,
    file_row: RemittanceFile | None,
    same_payment: bool = False,
    held: Remittance | None = None,
) -> SetResult:
    """Import one set; ``held`` is its row from an earlier import of the same file, held
    as a repeat, that the biller now says is a separate payment."""
    payer = payer_for(practice, rem)
    result = SetResult(rem.trace_number, rem.payer.name, rem.total_paid, "preview")
    result.warnings = [str(p) for p in rem.problems if p.severity == "warning"]
    ahead = _dated_ahead(rem.effective_date)
    if ahead:
        result.warnings.append(ahead)
    originator, trace = payment_key(rem)
    duplicate = Remittance.objects.filter(
        practice=practice,
        trace_originator=originator,
        trace_number=trace,
        status=Remittance.Status.POSTED,
    ).exists()
    if duplicate:
        # A payment posted before is not worked out again: a re-sent file costs a lookup.
        result.status = "duplicate"
        result.reasons = [
            f"payment {trace} from {originator or 'an unnamed originator'} "
            "(TRN02, TRN03) was already posted"
        ]
        if file_row is not None:
            _remittance_row(practice, file_row, payer, rem, result, held)
        return result
    accounts, claims = accounts_for(practice, rem)
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
            "payment)"
        ]
    if file_row is None:
        if result.status == "preview":
            for cp in posting.claims:
                result.posted.append((cp.account.claim_id, cp.paid, cp.patient_share))
                result.denied += [
                    (cp.account.claim_id, "; ".join(d.reason_words)) for d in cp.denials
                ]
            _record(practice, posting, result)
        return result
    row = _remittance_row(practice, file_row, payer, rem, result, held)
    if result.status != "preview":
        return result
    result.status = "posted"
    poster = Poster(practice, user, sha, rem, row, claims)
    poster.post(posting.claims, result)
    answer_appeals(row)
    for u in posting.unmatched:
        rc = RemittanceClaim.objects.create(
            practice=practice,
            remittance=row,
            claim_identifier=u.claim_id[:38],
            status_code=next(c.status for c in rem.claims if c.position == u.position),
            charge=u.charge,
            paid=u.paid,
            member_id=u.member_id[:80],
            outcome=RemittanceClaim.Outcome.UNMATCHED,
            position=u.position,
            notes=[u.reason],
        )
        UnmatchedPayment.objects.create(
            practice=practice, remittance_claim=rc, reason=u.reason[:200]
        )
    ProviderAdjustment.objects.bulk_create(
        [
            ProviderAdjustment(
                practice=practice,
                remittance=row,
                provider_identifier=p.provider_id[:50],
                reason=p.reason[:2],
                reference=p.reference[:50],
                amount=p.amount,
                fiscal_period_end=p.fiscal_period_end,
                position=p.position,
            )
            for p in posting.provider_entries
        ]
    )
    _record(practice, posting, result)
    return result


def _dated_ahead(effective: datetime.date | None) -> str:
    """A word when the payment is dated after today (BPR16: the day the EFT settles, which a
    payer may send days ahead): its entries carry that date, so they count from then."""
    if effective is None:
        return ""
    days = (effective - timezone.localdate()).days
    if days <= 0:
        return ""
    return (
        f"The payment is dated {effective:%m/%d/%Y}, {days} day{'s' if days != 1 else ''} from "
        "today (the day the EFT settles): its entries carry that date, and the deposit "
        "should reach the bank then."
    )


def _remittance_row(
    practice: Practice,
    file_row: RemittanceFile,
    payer: Payer | None,
    rem: RemittanceDoc,
    result: SetResult,
    held: Remittance | None = None,
) -> Remittance:
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
        practice=practice,
        file=file_row,
        payer=payer,
        payer_identifier=rem.payer_id[:80],
        payer_name=rem.payer.name[:60],
        trace_number=trace,
        trace_originator=originator,
        payee_identifier=rem.payee.id.strip()[:80],
        control_number=rem.control_number[:9],
        method=rem.method[:3],
        total_paid=rem.total_paid,
        payment_date=rem.effective_date,
        status=status,
        held_reasons=result.reasons,
        warnings=result.warnings[:50],
        position=rem.position,
    )


def summary_lines(result: ImportResult) -> Iterable[str]:
    """The import as text: per set, what was posted, held, denied and unmatched."""
    if result.released and not result.sets:
        yield (
            f"{result.name}: already imported (sha256 {result.sha256[:12]}) and no set of "
            "it is held as a repeat; nothing posted"
        )
        return
    if result.already_imported:
        yield f"{result.name}: already imported (sha256 {result.sha256[:12]}); nothing posted"
        return
    if result.released:
        yield f"{result.name}: posting the sets held as repeats, as separate payments"
    for s in result.sets:
        yield (
            f"{s.payer} trace {s.trace_number} {s.total_paid.format()}: {s.status.upper()}"
            f" ({len(s.posted)} claim(s) posted, {len(s.denied)} denial(s), "
            f"{len(s.unmatched)} unmatched)"
        )
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
        if s.deposit:
            yield f"  matched to the bank deposit of {s.deposit} (trace and amount)"

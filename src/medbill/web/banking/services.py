"""Use cases of money in the bank: import a bank file, pair deposits with 835 payments,
confirm or make a pair by hand, undo a pair. Each runs in one transaction; pairing after
an 835 import runs inside the import's."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from medbill.core.bank import (
    BankFileError,
    CsvColumns,
    DepositKey,
    EraKey,
    Reassociation,
    read_bank_file,
    reassociate,
)
from medbill.core.money import Money
from medbill.web.banking.models import BankFile, Deposit, DepositMatch, DepositUnmatch
from medbill.web.billing.remittance_models import Remittance
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, signed_in

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

__all__ = [
    "BankImport",
    "confirm_match",
    "import_bank_file",
    "match_deposits",
    "match_new_payments",
    "reassociation",
    "standing_matches",
    "undo_match",
    "undone_pairs",
    "unmatched_deposits",
    "unmatched_remittances",
]

# The first key of the advisory lock that serializes a practice's bank imports and matching.
_BANK_LOCK = 2024


@dataclass
class BankImport:
    name: str
    sha256: str
    format: str = ""
    already_imported: bool = False
    new: int = 0
    seen_before: int = 0
    skipped: list[str] = field(default_factory=list)
    matched: int = 0
    file_id: int | None = None


def _lock(practice: PracticeRef) -> None:
    """Bank imports and matching of one practice go one at a time (PostgreSQL: an advisory
    lock to the end of the transaction; SQLite lets one writer in already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_BANK_LOCK, int(practice_pk(practice))],
            )


def import_bank_file(
    user: Actor, practice: Practice, data: bytes, name: str, columns: CsvColumns | None = None
) -> BankImport:
    """Read a BAI2 or CSV bank file and add its new deposits, then pair them with the
    practice's 835 payments. All or nothing; a file imported before adds nothing, and a
    deposit already imported from another file is not added again. Raises
    ``ServiceError`` naming the line for a file that is refused."""
    if user is not None:
        require(user, practice, "import_remittance")
    sha = hashlib.sha256(data).hexdigest()
    result = BankImport(name, sha)
    try:
        stmt = read_bank_file(data, columns, today=timezone.localdate())
    except BankFileError as exc:
        raise ServiceError("file", f"{name}: refused, nothing imported: {exc}") from None
    result.format, result.skipped = stmt.format, list(stmt.skipped)
    try:
        with transaction.atomic(), audit.acting_as(user, "cli" if user is None else None):
            _lock(practice)
            done = BankFile.objects.filter(practice=practice, sha256=sha).first()
            if done is not None:
                result.already_imported, result.file_id = True, done.pk
                return result
            prints = stmt.fingerprints()
            known = set(
                Deposit.objects.filter(practice=practice, fingerprint__in=prints).values_list(
                    "fingerprint", flat=True
                )
            )
            row = BankFile.objects.create(
                practice=practice,
                name=name[:200],
                sha256=sha,
                format=stmt.format,
                size=len(data),
                deposits_read=len(stmt.deposits),
                skipped=list(stmt.skipped)[:200],
                imported_by=signed_in(user),
            )
            result.file_id = row.pk
            for dep, fingerprint in zip(stmt.deposits, prints, strict=True):
                if fingerprint in known:
                    result.seen_before += 1
                    continue
                Deposit.objects.create(
                    practice=practice,
                    file=row,
                    deposit_date=dep.deposit_date,
                    amount=dep.amount,
                    account=dep.account[:40],
                    type_code=dep.type_code,
                    bank_reference=dep.bank_reference[:80],
                    customer_reference=dep.customer_reference[:80],
                    text=dep.text[:500],
                    traces=list(dep.traces),
                    line=dep.line,
                    fingerprint=fingerprint,
                )
                result.new += 1
            result.matched = len(_match(user, practice).matched)
    except IntegrityError:
        # Another database client imported the same file or deposits at the same time
        # without the lock; nothing of this import was written.
        done = BankFile.objects.filter(practice=practice, sha256=sha).first()
        if done is not None:
            return BankImport(name, sha, stmt.format, True, file_id=done.pk)
        raise ServiceError(
            "file",
            f"{name}: another import added the same deposits at the same time; "
            "nothing was imported. Import it again.",
        ) from None
    return result


def standing_matches(practice: PracticeRef) -> QuerySet[DepositMatch]:
    """The practice's pairs that stand (none undone)."""
    return DepositMatch.objects.for_practice(practice).filter(undone__isnull=True)


def unmatched_deposits(practice: PracticeRef) -> QuerySet[Deposit]:
    return Deposit.objects.for_practice(practice).filter(
        ~Exists(DepositMatch.objects.filter(deposit=OuterRef("pk"), undone__isnull=True))
    )


def unmatched_remittances(practice: PracticeRef) -> QuerySet[Remittance]:
    """835 payments with money that no deposit is paired with now (a duplicate set
    repeats a payment already counted; a notice carries no money)."""
    return (
        Remittance.objects.for_practice(practice)
        .exclude(status=Remittance.Status.DUPLICATE)
        .filter(total_paid__gt=0)
        .filter(
            ~Exists(DepositMatch.objects.filter(remittance=OuterRef("pk"), undone__isnull=True))
        )
    )


def undone_pairs(practice: PracticeRef) -> set[tuple[int, int]]:
    """(deposit, payment) pairs the biller undid: the rule leaves them apart."""
    return set(
        DepositUnmatch.objects.for_practice(practice).values_list(
            "match__deposit_id", "match__remittance_id"
        )
    )


def _keys(
    practice: PracticeRef, remittances: Collection[int] | None = None
) -> tuple[list[DepositKey], list[EraKey]]:
    era_rows = unmatched_remittances(practice)
    dep_rows = unmatched_deposits(practice)
    if remittances is not None:
        # Only these payments: only deposits of their amounts can be theirs.
        era_rows = era_rows.filter(pk__in=list(remittances))
        amounts = {r.total_paid for r in era_rows}
        dep_rows = dep_rows.filter(amount__in=amounts) if amounts else dep_rows.none()
    eras = [EraKey(r.pk, Money(r.total_paid), r.payment_date, r.trace_number) for r in era_rows]
    deps = [DepositKey(d.pk, Money(d.amount), d.deposit_date, tuple(d.traces)) for d in dep_rows]
    return deps, eras


def reassociation(
    practice: PracticeRef, remittances: Collection[int] | None = None
) -> Reassociation:
    """What the rule says of the unmatched deposits and payments now (reads only); of the
    ``remittances`` given only, when given."""
    return reassociate(*_keys(practice, remittances), undone=undone_pairs(practice))


def _turns(practice: PracticeRef, side: str, ids: Collection[int]) -> dict[int, int]:
    """How many pairs of each deposit (``side`` "deposit") or payment were undone."""
    counts = (
        DepositUnmatch.objects.for_practice(practice)
        .filter(**{f"match__{side}_id__in": list(ids)})
        .values_list(f"match__{side}_id")
        .annotate(n=Count("id"))
    )
    return dict(counts)


def _pair(
    user: Actor, practice: Practice, pairs: list[tuple[int, int]], how: str, reason: str = ""
) -> list[DepositMatch]:
    """Write the pairs, each deposit and payment at its next turn: the database refuses a
    pair of a deposit or payment that stands in another (IntegrityError)."""
    dep_turns = _turns(practice, "deposit", [d for d, _ in pairs])
    rem_turns = _turns(practice, "remittance", [r for _, r in pairs])
    by = signed_in(user)
    return [
        DepositMatch.objects.create(
            practice=practice,
            deposit_id=dep_id,
            remittance_id=rem_id,
            deposit_turn=dep_turns.get(dep_id, 0),
            remittance_turn=rem_turns.get(rem_id, 0),
            how=how,
            reason=reason[:300],
            matched_by=by,
        )
        for dep_id, rem_id in pairs
    ]


def _match(
    user: Actor, practice: Practice, remittances: Collection[int] | None = None
) -> Reassociation:
    out = reassociation(practice, remittances)
    _pair(user, practice, out.matched, DepositMatch.How.TRACE)
    return out


def match_deposits(user: Actor, practice: Practice) -> int:
    """Pair every deposit and 835 payment the trace and amount agree on; the number paired."""
    if user is not None:
        require(user, practice, "import_remittance")
    with transaction.atomic(), audit.acting_as(user, "cli" if user is None else None):
        _lock(practice)
        return len(_match(user, practice).matched)


def match_new_payments(
    user: Actor, practice: Practice, remittances: Collection[int]
) -> list[DepositMatch]:
    """Pair 835 payments just imported with the deposits already here, by the same rule
    as a bank import (trace and amount). The 835 import calls it inside its own
    transaction, after checking the same action, so deposit first and 835 later pair as
    835 first and deposit later do. Returns the pairs made."""
    if not remittances:
        return []
    _lock(practice)
    try:
        with transaction.atomic():
            out = reassociation(practice, remittances)
            return _pair(user, practice, out.matched, DepositMatch.How.TRACE)
    except IntegrityError:
        # Only a writer that bypassed the lock can pair one of them meanwhile; the 835
        # posts all the same and "Match them" pairs the rest later.
        return []


def confirm_match(
    user: Actor, practice: Practice, deposit_id: int, remittance_id: int, reason: str = ""
) -> DepositMatch:
    """The biller pairs a deposit with a payment: a suggestion confirmed (same amount,
    dates close), or by hand with the reason they give. A pair the biller undid before
    is only made again by hand, with a reason."""
    require(user, practice, "import_remittance")
    reason = reason.strip()
    with transaction.atomic(), audit.acting_as(user):
        _lock(practice)
        dep = unmatched_deposits(practice).filter(pk=deposit_id).first()
        if dep is None:
            raise ServiceError("deposit", "this deposit is already matched or is not yours")
        rem = unmatched_remittances(practice).filter(pk=remittance_id).first()
        if rem is None:
            raise ServiceError("remittance", "this payment is already matched or is not yours")
        if Money(dep.amount) != Money(rem.total_paid):
            # One EFT pays one 835 (the CAQH CORE reassociation rule): a difference is a
            # different payment, or a bank fee or split the bank should explain.
            raise ServiceError(
                "remittance",
                f"the deposit is {Money(dep.amount).format()} and the payment "
                f"{Money(rem.total_paid).format()}: a deposit matches one 835 payment of the "
                "same amount; ask the bank or the payer about the difference of "
                f"{abs(Money(dep.amount) - Money(rem.total_paid)).format()}",
            )
        suggested = remittance_id in reassociation(practice).suggested.get(deposit_id, [])
        if not suggested and not reason:
            raise ServiceError(
                "reason", "say why this deposit is this payment (amounts, dates or traces differ)"
            )
        how = DepositMatch.How.SUGGESTED if suggested else DepositMatch.How.MANUAL
        try:
            with transaction.atomic():
                (match,) = _pair(user, practice, [(dep.pk, rem.pk)], how, reason)
        except IntegrityError:
            raise ServiceError("deposit", "this deposit or payment was just matched") from None
    return match


def undo_match(user: Actor, practice: Practice, deposit_id: int, reason: str) -> DepositUnmatch:
    """The biller takes a deposit and its 835 payment apart, saying why: both are
    unmatched again, the pair and its undoing stay on record (audited), and the rule
    never pairs the two again by itself."""
    require(user, practice, "import_remittance")
    reason = reason.strip()
    if not reason:
        raise ServiceError("reason", "say why this deposit is not this payment")
    with transaction.atomic(), audit.acting_as(user):
        _lock(practice)
        match = standing_matches(practice).filter(deposit_id=deposit_id).first()
        if match is None:
            raise ServiceError("deposit", "this deposit is not matched, or is not yours")
        try:
            with transaction.atomic():
                return DepositUnmatch.objects.create(
                    practice=practice, match=match, reason=reason[:300], undone_by=signed_in(user)
                )
        except IntegrityError:
            raise ServiceError("deposit", "this match was just undone") from None


def age_text(day: date | None, today: date) -> str:
    """How many days ago ``day`` was, as a list shows it: a bank or payer file dated ahead
    (a typo in it) says so rather than showing a negative age."""
    if day is None:
        return ""
    days = (today - day).days
    if days >= 0:
        return str(days)
    return f"dated {-days} day{'s' if days < -1 else ''} ahead"

"""Use cases of the billing office that change claims and the ledger.

Each runs inside ``transaction.atomic()`` and checks the acting user's role itself, so it
is safe whether it is reached from a web view, the API or the command line.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from medbill.core.ledger import entry_checks
from medbill.core.money import Money
from medbill.web.billing.models import Balance, Claim, Entry
from medbill.web.observability import count_postings
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, PracticeRef, signed_in

if TYPE_CHECKING:
    from medbill.web.frontdesk.models import Patient, Visit
    from medbill.web.practice.models import Payer

__all__ = ["PAYMENT_METHODS", "balance_of", "balances_of", "books_begin", "post_payment"]

PAYMENT_METHODS = ("cash", "check", "card", "eft", "other")

# An amount as the desk, the API and the command line pass it; a float is refused.
PaymentAmount = Money | Decimal | int | str


def post_payment(
    user: Actor,
    patient: Patient,
    amount: PaymentAmount,
    *,
    method: str = "cash",
    reference: str = "",
    claim: Claim | None = None,
    payer: Payer | None = None,
    effective_date: datetime.date | None = None,
    memo: str = "",
    source: str = "desk",
    source_ref: str = "",
    visit: Visit | int | None = None,
) -> Entry:
    """Post a payment received for ``patient`` to the ledger and return the entry.

    ``amount`` is what was received (positive; the entry lowers the balance, so it is
    stored negative). With ``payer`` it is an insurance payment (payer responsibility),
    otherwise a patient payment; ``visit`` is a visit or its id. Raises ``PermissionDenied``
    when the user's role may not post payments and ``ServiceError`` naming the field for
    bad input.
    """
    require(user, patient.practice_id, "post_payment")
    today = timezone.localdate()
    try:
        received = entry_checks.payment_amount(amount)
        entry_checks.check_no_card_number("reference", reference)
        entry_checks.check_no_card_number("memo", memo)
        effective_date = entry_checks.payment_date(
            effective_date or today, today=today, earliest=books_begin(patient.practice_id)
        )
    except entry_checks.EntryProblem as exc:
        raise ServiceError(exc.field, exc.problem) from None
    if method not in PAYMENT_METHODS:
        raise ServiceError("method", f"expected one of {', '.join(PAYMENT_METHODS)}")
    if claim is not None and (
        claim.patient_id != patient.pk or claim.practice_id != patient.practice_id
    ):
        raise ServiceError("claim", "the claim is not this patient's")
    if payer is None and claim is not None and source == "era":
        payer = claim.payer
    with transaction.atomic(), audit.acting_as(user):
        entry = Entry.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            claim=claim,
            visit_id=claim.visit_id if claim is not None else getattr(visit, "pk", visit),
            payer=payer,
            kind=Entry.Kind.PAYMENT,
            amount=-received,
            responsibility=Entry.Responsibility.PAYER
            if payer is not None
            else Entry.Responsibility.PATIENT,
            effective_date=effective_date,
            method=method,
            reference=reference[:50],
            memo=memo[:200],
            source=source,
            source_ref=source_ref[:120],
            created_by=signed_in(user),
        )
    count_postings("payment")
    return entry


def books_begin(practice_id: int) -> datetime.date:
    """The first day this practice's books can hold: the earlier of the day it was set up
    here and its first visit (a practice moving in brings its history)."""
    from medbill.web.frontdesk.models import Visit
    from medbill.web.practice.models import Practice

    created = Practice.objects.filter(pk=practice_id).values_list("created_at", flat=True)
    first = Visit.objects.filter(practice_id=practice_id).aggregate(first=Min("scheduled_at"))
    days = [timezone.localtime(t).date() for t in (*created, first["first"]) if t is not None]
    return min(days) if days else timezone.localdate()


def _ledger(practice_id: int, responsibility: str | None) -> QuerySet[Entry]:
    rows = Entry.objects.for_practice(practice_id)
    return rows.filter(responsibility=responsibility) if responsibility else rows


def balance_of(
    patient: Patient, responsibility: str | None = None, through: Entry | None = None
) -> Money:
    """The patient's account balance: the sum of every ledger entry of theirs (payments
    not applied to a visit included), or of those ``responsibility`` owes; with ``through``,
    as it stood right after that entry was posted (a receipt printed again later).

    The one balance: the account page, the statement, the API, receipts and reports
    all ask this (or ``balances_of`` for many patients at once).
    """
    if through is not None:
        entries = _ledger(patient.practice_id, responsibility).filter(patient=patient)
        total = entries.filter(pk__lte=through.pk).aggregate(total=MoneySum("amount"))["total"]
    else:  # the sums the database keeps per claim (``Balance``), not the ledger itself
        rows = _balances(patient.practice_id, responsibility).filter(patient=patient)
        total = rows.aggregate(total=MoneySum("amount"))["total"]
    return Money(total) if total is not None else Money(0)


def _balances(practice_id: int, responsibility: str | None) -> QuerySet[Balance]:
    rows = Balance.objects.for_practice(practice_id)
    return rows.filter(responsibility=responsibility) if responsibility else rows


def balances_of(
    practice: PracticeRef,
    responsibility: str | None = None,
    patient_ids: Iterable[int] | None = None,
    open_only: bool = False,
) -> dict[int, Money]:
    """``balance_of`` for every patient of ``practice`` with ledger entries (or those of
    ``patient_ids``), by patient id; with ``open_only``, only patients with a claim (or
    payments on account) not settled, the others' balance being zero."""
    rows = _balances(practice if isinstance(practice, int) else practice.pk, responsibility)
    if patient_ids is not None:
        rows = rows.filter(patient_id__in=list(patient_ids))
    if open_only:
        rows = rows.exclude(amount=0)
    totals = rows.values("patient_id").annotate(total=MoneySum("amount")).order_by("patient_id")
    return {r["patient_id"]: Money(r["total"]) for r in totals}

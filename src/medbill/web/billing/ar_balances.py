"""Open balances per claim and side of the ledger: today's, or as they stood at the end of a
past day.

Today's come from the summary the database keeps (``Balance``), through its index of the
rows that are not zero: a few thousand rows, not the practice's whole ledger. A past day's
are today's less every entry dated after that day (charges, payments, adjustments,
transfers and refunds alike): the ledger is append-only and each entry carries the day it
counts from, so what is left is what the books said at the end of that day. Only the
entries after the day are read, far fewer than those before it when the day is recent
(the financial dashboard's months work the same way).

The A/R aging, the key numbers and the claim page all read a claim's balance here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from medbill.core.money import Money
from medbill.web.billing.balance_models import KEPT_SUMS, Balance, balance_amount, ledger_sums
from medbill.web.billing.era_bulk import one_of
from medbill.web.billing.models import Claim, Entry
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.tenancy import PracticeRef, practice_pk

__all__ = ["OpenBalance", "ledger_totals", "open_balances"]

# claim id (None: entries without a claim), patient id, payer id
_Key = tuple[int | None, int, int | None]


@dataclass(frozen=True, slots=True)
class OpenBalance:
    """What one side of one claim (or a patient's entries without a claim) owes."""

    claim_id: int | None
    patient_id: int
    payer_id: int | None
    cents: int  # positive: owed; negative: a credit
    date_of_service: datetime.date | None  # the claim's visit, else the first entry's day


# The date of service is looked up per open balance (index reads) rather than joined.
_KEPT = """
    SELECT b.claim_id, b.patient_id, b.payer_id, ROUND(b.amount * 100), b.first_date,
           (SELECT {local_date} FROM billing_claim c
            JOIN frontdesk_visit v ON v.id = c.visit_id WHERE c.id = b.claim_id)
    FROM billing_balance b
    WHERE b.practice_id = %s AND b.responsibility = %s AND NOT (b.amount = 0) {claim}
"""


def _date(value: Any) -> datetime.date | None:
    """A date from a raw query (SQLite gives text)."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _kept(practice: PracticeRef, responsibility: str, claim: int | None) -> dict[_Key, list[Any]]:
    """The summary's open rows: key -> [cents, date of service or first entry's day]."""
    local_date, tz_params = connection.ops.datetime_cast_date_sql(
        "v.scheduled_at", (), timezone.get_current_timezone_name()
    )
    params: list[Any] = [*tz_params, practice_pk(practice), responsibility]
    if claim is not None:
        params.append(claim)
    with connection.cursor() as cursor:
        cursor.execute(
            _KEPT.format(
                local_date=local_date, claim="AND b.claim_id = %s" if claim is not None else ""
            ),
            params,
        )
        rows = cursor.fetchall()
    return {
        (c, patient, payer): [int(round(cents)), _date(dos if dos is not None else first)]
        for c, patient, payer, cents, first, dos in rows
    }


def _later(
    practice: PracticeRef, responsibility: str, day: datetime.date, claim: int | None
) -> dict[_Key, int]:
    """What the entries dated after ``day`` add to each key, in cents."""
    rows = Entry.objects.for_practice(practice).filter(
        responsibility=responsibility, effective_date__gt=day
    )
    if claim is not None:
        rows = rows.filter(claim_id=claim)
    sums = (
        rows.order_by()
        .values_list("claim_id", "patient_id", "payer_id")
        .annotate(total=MoneySum("amount"))
    )
    return {(c, patient, payer): Money(total).cents for c, patient, payer, total in sums}


def _dates_of(practice: PracticeRef, responsibility: str, keys: Iterable[_Key]) -> dict[_Key, Any]:
    """The aging date of keys the summary holds at zero today: the claim's visit day, or
    for entries without a claim the first entry's day (on or before the as-of day, since
    the key owed something then)."""
    keys = list(keys)
    claims = {k[0] for k in keys if k[0] is not None}
    visits = Claim.objects.filter(one_of("pk", claims)).values_list("pk", "visit__scheduled_at")
    days = {pk: timezone.localtime(at).date() for pk, at in visits}
    out: dict[_Key, Any] = {k: days.get(k[0]) for k in keys if k[0] is not None}
    loose = [k for k in keys if k[0] is None]
    if loose:
        firsts = (
            Balance.objects.for_practice(practice)
            .filter(responsibility=responsibility, claim__isnull=True)
            .filter(one_of("patient_id", {k[1] for k in loose}))
            .values_list("patient_id", "payer_id", "first_date")
        )
        found: dict[_Key, Any] = {(None, p, payer): first for p, payer, first in firsts}
        out.update({k: found.get(k) for k in loose})
    return out


def _dated_after(practice: PracticeRef, day: datetime.date | None) -> bool:
    return (
        day is not None
        and Entry.objects.for_practice(practice).filter(effective_date__gt=day).exists()
    )


def open_balances(
    practice: PracticeRef,
    responsibility: str,
    as_of: datetime.date | None = None,
    claim: int | None = None,
) -> list[OpenBalance]:
    """Each claim's open balance on one side (``Entry.Responsibility``), or each patient's
    for entries without a claim; with ``as_of``, as it stood at the end of that day; with
    ``claim``, that claim's alone. Zero balances are left out, credits are not.
    """
    rows = _kept(practice, responsibility, claim)
    if as_of is not None and _dated_after(practice, as_of):
        later = _later(practice, responsibility, as_of, claim)
        missing = later.keys() - rows.keys()
        rows.update(
            {k: [0, day] for k, day in _dates_of(practice, responsibility, missing).items()}
        )
        for key, cents in later.items():
            rows[key][0] -= cents
    return [
        OpenBalance(key[0], key[1], key[2], cents, day)
        for key, (cents, day) in rows.items()
        if cents
    ]


@dataclass(frozen=True, slots=True)
class LedgerTotals:
    """A practice's ledger summed (as the key numbers read it), signed as in the ledger."""

    amount: Money  # the net balance: what payers and patients owe, less credits
    charges: Money
    payments: Money
    contractual: Money


def ledger_totals(practice: PracticeRef, as_of: datetime.date | None = None) -> LedgerTotals:
    """Every entry summed: the net balance, charges, payments and contractual (CO)
    adjustments; with ``as_of``, those dated on or before that day."""
    kept = Balance.objects.for_practice(practice).aggregate(
        **{f"sum_{name}": MoneySum(name) for name in KEPT_SUMS}
    )
    if as_of is not None and _dated_after(practice, as_of):
        later = Entry.objects.for_practice(practice).filter(effective_date__gt=as_of)
        after = later.aggregate(**ledger_sums())
    else:
        after = {}
    return LedgerTotals(
        **{
            name: Money(balance_amount(kept[f"sum_{name}"]))
            - Money(balance_amount(after.get(f"sum_{name}")))
            for name in KEPT_SUMS
        }
    )

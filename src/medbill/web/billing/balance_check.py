"""The balances the database keeps, checked against the ledger they are derived from.

``Balance`` rows are written by a trigger on every ledger insert (``balance_models``); the
ledger itself stays the record. This check sums a practice's entries again, key by key,
and compares every kept row with its sum. It runs nightly as a recurring job, so a
difference (a restore that skipped the trigger, a hand edit of the summary) is on the
managers' jobs page the next morning, with the keys that differ, before anyone bills from
a wrong balance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Min

from medbill.web.billing.balance_models import KEPT_SUMS, Balance, balance_amount, ledger_sums
from medbill.web.billing.models import Entry
from medbill.web.practice.tenancy import PracticeRef

__all__ = ["BalanceCheck", "check_balances"]

Key = tuple[str, int | None, int, int | None]  # responsibility, claim, patient, payer
_SHOWN = 5  # keys named in the result; the count says how many more


@dataclass
class BalanceCheck:
    keys: int = 0  # kept rows and ledger keys compared
    differ: list[str] = field(default_factory=list)  # each difference in words

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"keys": self.keys, "differ": len(self.differ)}
        if self.differ:
            more = len(self.differ) - _SHOWN
            out["attention"] = self.differ[:_SHOWN] + ([f"and {more} more"] if more > 0 else [])
        return out


def _ledger_sums(practice: PracticeRef) -> dict[Key, dict[str, Any]]:
    rows: Any = (  # its sums are named from KEPT_SUMS, which a TypedDict cannot follow
        Entry.objects.filter(practice=practice)
        .order_by()
        .values("responsibility", "claim_id", "patient_id", "payer_id")
        .annotate(**ledger_sums(), first=Min("effective_date"))
    )
    return {
        (r["responsibility"], r["claim_id"], r["patient_id"], r["payer_id"]): {
            **{name: balance_amount(r[f"sum_{name}"] or 0) for name in KEPT_SUMS},
            "first_date": r["first"],
        }
        for r in rows
    }


def _kept(practice: PracticeRef) -> dict[Key, dict[str, Any]]:
    rows = Balance.objects.filter(practice=practice).values(
        "responsibility", "claim_id", "patient_id", "payer_id", *KEPT_SUMS, "first_date"
    )
    return {
        (r["responsibility"], r["claim_id"], r["patient_id"], r["payer_id"]): {
            **{name: balance_amount(r[name]) for name in KEPT_SUMS},
            "first_date": r["first_date"],
        }
        for r in rows
    }


def _where(key: Key) -> str:
    side, claim, patient, payer = key
    where = f"{side} side of claim {claim}" if claim else f"{side} side of patient {patient}"
    return f"{where} (payer {payer})" if side == "payer" and payer else where


def _words(key: Key, kept: dict[str, Any] | None, summed: dict[str, Any] | None) -> str:
    if kept is None:
        return f"{_where(key)}: entries with no kept balance"
    if summed is None:
        return f"{_where(key)}: a kept balance of {kept['amount']} with no entries"
    wrong = [n for n in (*KEPT_SUMS, "first_date") if kept[n] != summed[n]]
    return f"{_where(key)}: " + ", ".join(f"{n} kept {kept[n]}, ledger {summed[n]}" for n in wrong)


def check_balances(practice: PracticeRef) -> BalanceCheck:
    """Compare every balance kept for ``practice`` with the sum of its ledger entries."""
    summed, kept = _ledger_sums(practice), _kept(practice)
    result = BalanceCheck(keys=len(summed.keys() | kept.keys()))
    zero = Decimal("0.00")
    for key in sorted(summed.keys() | kept.keys(), key=repr):
        a, b = kept.get(key), summed.get(key)
        if a is not None and b is not None and a == b:
            continue
        if b is None and a is not None and all(a[n] == zero for n in KEPT_SUMS):
            continue  # nothing kept that the ledger lacks
        result.differ.append(_words(key, a, b))
    return result

"""EFT to ERA reassociation (CAQH CORE 370): which deposit is which 835's payment.

The rule: the 835's TRN02 equals the trace number the EFT carries (its CCD+ addenda,
seen in the bank file's text or reference) and BPR02 equals the amount deposited. Such
a pair is a match. A deposit that has no trace match but the amount of exactly the ERA
payments dated (BPR16) within a few days of it is only a suggestion: the biller
confirms it. Each deposit and each ERA is used once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from medbill.core.money import Money

__all__ = ["DepositKey", "EraKey", "Reassociation", "reassociate"]

# ACH credits settle on the effective date; a bank may post them a day or two late and an
# ERA may be dated some days before. CORE asks the ERA within three business days of the
# EFT; five calendar days covers a weekend.
WINDOW_DAYS = 5


@dataclass(frozen=True, slots=True)
class DepositKey:
    id: int
    amount: Money
    deposit_date: date
    traces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EraKey:
    id: int
    amount: Money
    payment_date: date | None
    trace: str


@dataclass
class Reassociation:
    matched: list[tuple[int, int]] = field(default_factory=list)  # (deposit, era)
    suggested: dict[int, list[int]] = field(default_factory=dict)  # deposit -> eras
    # deposit -> eras whose trace it carries but whose amount differs
    trace_only: dict[int, list[int]] = field(default_factory=dict)


def _norm(trace: str) -> str:
    return trace.strip().upper()


def reassociate(
    deposits: list[DepositKey],
    eras: list[EraKey],
    window_days: int = WINDOW_DAYS,
    undone: Collection[tuple[int, int]] = (),
) -> Reassociation:
    """Pair unmatched deposits with unmatched ERAs; the same input gives the same answer.

    ``undone`` holds (deposit, era) pairs the biller took apart: whatever their traces
    and amounts say, the rule leaves them apart.
    """
    refused = set(undone)
    out = Reassociation()
    by_trace: dict[str, list[EraKey]] = {}
    for era in sorted(eras, key=lambda e: e.id):
        if _norm(era.trace):
            by_trace.setdefault(_norm(era.trace), []).append(era)
    used: set[int] = set()
    left: list[DepositKey] = []
    for dep in sorted(deposits, key=lambda d: d.id):
        hit = None
        for trace in dep.traces:
            for era in by_trace.get(_norm(trace), []):
                if era.id in used or (dep.id, era.id) in refused:
                    continue
                if era.amount == dep.amount:
                    hit = era
                    break
                out.trace_only.setdefault(dep.id, []).append(era.id)
            if hit is not None:
                break
        if hit is None:
            left.append(dep)
            continue
        used.add(hit.id)
        out.matched.append((dep.id, hit.id))
        out.trace_only.pop(dep.id, None)
    for dep in left:
        near = [
            era.id
            for era in sorted(eras, key=lambda e: e.id)
            if era.id not in used
            and (dep.id, era.id) not in refused
            and era.amount == dep.amount
            and era.payment_date is not None
            and abs((era.payment_date - dep.deposit_date).days) <= window_days
        ]
        if near:
            out.suggested[dep.id] = near
    return out

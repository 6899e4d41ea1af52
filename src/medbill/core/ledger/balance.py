"""Balancing an 835 before anything is posted.

Three equations must hold, to the cent:

* per claim: CLP03 charge = CLP04 paid + every CAS amount of the claim and its lines;
* per service line: SVC02 charge = SVC03 paid + the line's CAS amounts;
* per file: BPR02 = Σ CLP04 − Σ PLB amounts (a PLB amount reduces the payment).

``check_balance`` returns a list of ``Imbalance`` values (empty when the file
balances); it never raises. ``hold_report`` turns imbalances and read errors into
the text a biller reads when a file is held.
"""

from __future__ import annotations

from dataclasses import dataclass

from medbill.core.money import ZERO, Money
from medbill.core.x12.m835 import Remittance

__all__ = ["Imbalance", "check_balance", "hold_reasons", "hold_report"]


@dataclass(frozen=True, slots=True)
class Imbalance:
    """One equation that does not hold: ``expected`` vs ``actual`` at ``position``."""

    level: str  # "claim", "line" or "file"
    message: str
    expected: Money
    actual: Money
    position: int
    claim_id: str = ""

    @property
    def difference(self) -> Money:
        return self.expected - self.actual

    def __str__(self) -> str:
        return (
            f"{self.level} at segment {self.position}: {self.message} "
            f"(expected {self.expected}, found {self.actual}, off by {self.difference})"
        )


def check_balance(remittance: Remittance) -> list[Imbalance]:
    """Every claim, line and file equation of ``remittance`` that does not hold."""
    out: list[Imbalance] = []
    claim_paid = ZERO
    for claim in remittance.claims:
        claim_paid += claim.paid
        accounted = claim.paid + claim.adjusted
        if accounted != claim.charge:
            out.append(
                Imbalance(
                    "claim",
                    f"claim {claim.claim_id}: charge ≠ paid + adjustments",
                    claim.charge,
                    accounted,
                    claim.position,
                    claim.claim_id,
                )
            )
        for number, svc in enumerate(claim.services, start=1):
            line_accounted = svc.paid + svc.adjusted
            if line_accounted != svc.charge:
                out.append(
                    Imbalance(
                        "line",
                        f"claim {claim.claim_id} line {number} "
                        f"({svc.procedure.code}): charge ≠ paid + adjustments",
                        svc.charge,
                        line_accounted,
                        svc.position,
                        claim.claim_id,
                    )
                )
    plb = remittance.provider_adjustment_total
    expected = claim_paid - plb
    if expected != remittance.total_paid:
        out.append(
            Imbalance(
                "file",
                "BPR02 total paid ≠ Σ CLP04 − Σ PLB",
                expected,
                remittance.total_paid,
                remittance.position,
            )
        )
    return out


def hold_reasons(remittance: Remittance) -> list[str]:
    """Why ``remittance`` must not be posted (read errors, then imbalances); empty = post."""
    reasons = [str(p) for p in remittance.errors]
    reasons += [str(i) for i in check_balance(remittance)]
    return reasons


def hold_report(remittance: Remittance) -> str:
    """A short report for the biller: which payment, and every reason it is held."""
    reasons = hold_reasons(remittance)
    head = (
        f"835 set {remittance.control_number} from {remittance.payer.name or '?'} "
        f"(trace {remittance.trace_number or '?'}, {remittance.total_paid.format()})"
    )
    if not reasons:
        return f"{head}: balances; ready to post"
    lines = [f"{head}: HELD, not posted ({len(reasons)} problem(s))"]
    lines += [f"  - {r}" for r in reasons]
    return "\n".join(lines)

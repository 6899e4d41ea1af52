"""Secondary claims: the claim for the next payer, carrying the prior payer's adjudication.

``secondary_claim`` takes the claim as it went to the payer that just paid, that
payer's decision (a ``ClaimPayment`` from the 835) and which of our lines each
service line was, and returns the claim for the next coverage: the next payer
and its subscriber in front, the prior payer moved into ``other_coverage`` with
an ``Adjudication`` (the 837P loops 2320/2430 COB data).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from medbill.core.claim import (
    Adjudication,
    CasAdjustment,
    Claim,
    LineAdjudication,
    OtherCoverage,
)
from medbill.core.money import ZERO
from medbill.core.x12.m835 import Adjustment, ClaimPayment

__all__ = ["SecondaryClaimError", "secondary_claim"]

ORDERS = ("primary", "secondary", "tertiary")


class SecondaryClaimError(ValueError):
    """The claim has no coverage to bill next."""


def _cas(adjustments: Sequence[Adjustment]) -> tuple[CasAdjustment, ...]:
    return tuple(CasAdjustment(a.group, a.reason, a.amount, a.quantity) for a in adjustments)


def secondary_claim(
    claim: Claim,
    payment: ClaimPayment,
    line_numbers: Sequence[int | None],
    paid_date: date | None,
    claim_id: str,
) -> Claim:
    """The claim for the next coverage in ``claim.other_coverage``, with COB data.

    ``line_numbers`` gives our line for each SVC of ``payment`` (as posting matched
    them). Raises ``SecondaryClaimError`` when there is no other coverage.
    """
    waiting = sorted(
        (c for c in claim.other_coverage if c.adjudication is None),
        key=lambda c: ORDERS.index(c.order),
    )
    if not waiting:
        raise SecondaryClaimError(f"claim {claim.claim_id} has no other coverage to bill")
    nxt = waiting[0]
    # The payer that just paid was primary unless an earlier payer already adjudicated.
    already = sum(1 for c in claim.other_coverage if c.adjudication is not None)
    prior_order = ORDERS[min(already, 2)]
    by_line = {}
    for svc, number in zip(payment.services, line_numbers, strict=False):
        if number is None:
            continue
        by_line[number] = LineAdjudication(
            line=number,
            code=svc.procedure.code,
            paid=svc.paid,
            paid_date=paid_date,
            units=svc.units_paid if svc.units_paid is not None else svc.units,
            modifiers=svc.procedure.modifiers,
            adjustments=_cas(svc.adjustments),
        )
    patient_share = payment.patient_responsibility
    if patient_share is None:
        patient_share = sum((a.amount for a in payment.all_adjustments if a.group == "PR"), ZERO)
    prior = OtherCoverage(
        payer=claim.payer,
        subscriber=claim.subscriber,
        relationship_to_subscriber=claim.patient.relationship_to_subscriber,
        order=prior_order,
        adjudication=Adjudication(
            paid=payment.paid,
            paid_date=paid_date,
            payer_claim_number=payment.payer_claim_number or None,
            adjustments=_cas(payment.adjustments),
            lines=tuple(by_line[n] for n in sorted(by_line)),
            patient_responsibility=patient_share,
        ),
    )
    rest = tuple(c for c in claim.other_coverage if c is not nxt)
    patient = replace(claim.patient, relationship_to_subscriber=nxt.relationship_to_subscriber)
    return replace(
        claim,
        claim_id=claim_id,
        payer=nxt.payer,
        subscriber=nxt.subscriber,
        patient=patient,
        frequency_code="1",
        original_claim_ref=None,
        other_coverage=(prior, *rest),
    )

"""A simulated payer for demos and tests: 837P in, 999, 835 and 277CA out; 276 in, 277 out."""

from medbill.core.payersim.ack277ca import write_277ca
from medbill.core.payersim.ack999 import acknowledge_837p
from medbill.core.payersim.adjudicate import (
    DEFAULT_RATES,
    Adjudicator,
    MemberPlan,
    PayerProfile,
    Rejection,
    SimulationResult,
    simulate,
)
from medbill.core.payersim.claim_status import ClaimBook, ClaimRecord

__all__ = [
    "DEFAULT_RATES",
    "Adjudicator",
    "ClaimBook",
    "ClaimRecord",
    "MemberPlan",
    "PayerProfile",
    "Rejection",
    "SimulationResult",
    "acknowledge_837p",
    "simulate",
    "write_277ca",
]

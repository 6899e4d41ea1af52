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
    realistic_profile,
    simulate,
)
from medbill.core.payersim.claim_status import ClaimBook, ClaimRecord
from medbill.core.payersim.rules import DenialRules, Frequency, rules_for

__all__ = [
    "DEFAULT_RATES",
    "Adjudicator",
    "ClaimBook",
    "ClaimRecord",
    "DenialRules",
    "Frequency",
    "MemberPlan",
    "PayerProfile",
    "Rejection",
    "SimulationResult",
    "acknowledge_837p",
    "realistic_profile",
    "rules_for",
    "simulate",
    "write_277ca",
]

"""A payer simulator's plan table built from the coverages in the database.

``medbill payer-sim serve`` without ``--table`` and the demo answer eligibility for the
practice's own patients: every coverage becomes a member (the patient, or the
subscriber with the patient as a dependant) on a plan that suits the payer's type.
A few members get a deductible partly met, and about one in twenty a policy that
ended, so the answers look like a real morning at the desk.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

from medbill.web.frontdesk.models import Coverage

__all__ = ["PART_B_DEDUCTIBLE", "PLANS", "part_b_deductible", "plan_table_from_coverages"]

PLANS: dict[str, dict[str, Any]] = {
    "commercial": {
        "name": "Choice PPO",
        "insurance_type": "PR",
        "copay_office": "25",
        "copay_specialist": "50",
        "deductible": "1500",
        "coinsurance": "0.20",
        "out_of_pocket": "6000",
        "out_of_network_coinsurance": "0.40",
    },
    "medicare": {
        "name": "Medicare Part B",
        "insurance_type": "MB",
        "deductible": "283",  # this year's: see PART_B_DEDUCTIBLE
        "coinsurance": "0.20",
    },
    "medicaid": {"name": "Medicaid", "insurance_type": "MC", "copay_office": "0"},
    "tricare": {
        "name": "TRICARE Select",
        "insurance_type": "CH",
        "copay_office": "33",
        "deductible": "150",
        "coinsurance": "0.20",
    },
    "workers_comp": {"name": "Workers' compensation", "insurance_type": "WC"},
}


# Medicare Part B's yearly deductible, as CMS announces it each autumn for the next year;
# a year past the last one known keeps the last one.
PART_B_DEDUCTIBLE = {2023: "226", 2024: "240", 2025: "257", 2026: "283"}


def part_b_deductible(year: int) -> str:
    known = sorted(PART_B_DEDUCTIBLE)
    return PART_B_DEDUCTIBLE[min(max(year, known[0]), known[-1])]


def _spread(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def plan_table_from_coverages(coverages: Iterable[Coverage], today: datetime.date) -> dict:
    """The simulator's table (``PlanTable`` JSON) for ``coverages``."""
    payers: dict[str, dict[str, str]] = {}
    members: dict[tuple[str, str], dict[str, Any]] = {}
    for c in coverages:
        payer, patient = c.payer, c.patient
        kind = payer.payer_type if payer.payer_type in PLANS else "commercial"
        payers[payer.payer_id] = {"name": payer.name}
        key = (payer.payer_id, c.member_id.upper())
        spread = _spread(c.member_id)
        if key not in members:
            self_ = c.relationship_to_subscriber == "self"
            ended = spread % 20 == 7
            members[key] = {
                "payer_id": payer.payer_id,
                "member_id": c.member_id,
                "last": patient.last_name if self_ else c.subscriber_last_name,
                "first": patient.first_name if self_ else c.subscriber_first_name,
                "dob": _iso(patient.date_of_birth if self_ else c.subscriber_date_of_birth),
                "sex": (patient.sex if self_ else c.subscriber_sex) or None,
                "plan": kind,
                "group_number": c.group_number or None,
                "effective": _iso(c.effective_date or datetime.date(today.year, 1, 1)),
                "termination": _iso(today - datetime.timedelta(days=30))
                if ended
                else _iso(c.termination_date),
                "deductible_met": str(spread % 16 * 100),
                "out_of_pocket_met": str(spread % 31 * 100),
                "dependents": [],
            }
        if c.relationship_to_subscriber != "self":
            members[key]["dependents"].append(
                {
                    "last": patient.last_name,
                    "first": patient.first_name,
                    "dob": _iso(patient.date_of_birth),
                    "sex": patient.sex,
                }
            )
    plans = {
        **PLANS,
        "medicare": {**PLANS["medicare"], "deductible": part_b_deductible(today.year)},
    }
    return {"payers": payers, "plans": plans, "members": list(members.values())}

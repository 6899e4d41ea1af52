"""Medicare Secondary Payer: why Medicare pays second, from the front desk's questionnaire.

When Medicare is billed after another payer, the 837P names the reason in loop 2000B
SBR05 (the Medicare secondary payer type). The reason comes from the questions CMS
asks providers to put to every Medicare patient at registration (the MSP
questionnaire, Medicare Secondary Payer Manual, chapter 3, section 20.2.1), asked in
its order: the first answer that makes another payer primary decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["MEDICARE_TYPES", "MSP_QUESTIONS", "MSP_TYPES", "MspAnswers", "msp_type"]

# Payer types of the claim document that are Medicare (the questionnaire applies).
MEDICARE_TYPES = ("medicare", "medicare_a", "medicare_b")

# 837P TR3 loop 2000B SBR05, Insurance Type Code, when Medicare is secondary.
MSP_TYPES: dict[str, str] = {
    "12": "Working aged beneficiary or spouse with an employer group health plan",
    "13": "End-stage renal disease beneficiary in the coordination period with an "
    "employer's group health plan",
    "14": "No-fault insurance, including auto, is primary",
    "15": "Workers' compensation",
    "16": "Public Health Service or other federal agency",
    "41": "Black lung",
    "42": "Veterans Affairs",
    "43": "Disabled beneficiary under 65 with a large group health plan",
    "47": "Other liability insurance is primary",
}


@dataclass(frozen=True, slots=True)
class MspAnswers:
    """The patient's answers (True yes, False no, None not asked)."""

    black_lung: bool | None = None
    veterans_affairs: bool | None = None
    work_related: bool | None = None
    other_federal_agency: bool | None = None
    no_fault: bool | None = None
    liability: bool | None = None
    esrd_coordination_period: bool | None = None
    working_aged_group_health_plan: bool | None = None
    disabled_large_group_health_plan: bool | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MspAnswers:
        """Answers stored as a mapping of question to yes/no (other keys are ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: (None if v is None else bool(v)) for k, v in data.items() if k in known})

    def to_dict(self) -> dict[str, bool]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


# (answer, the question as the desk asks it, the type a "yes" gives), in the
# questionnaire's order: Part I, Part II (accidents), Part III (ESRD), Part IV (age),
# Part V (disability).
MSP_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("black_lung", "Are you receiving Black Lung benefits for this condition?", "41"),
    (
        "veterans_affairs",
        "Has the Department of Veterans Affairs authorized and agreed to pay for this care?",
        "42",
    ),
    (
        "work_related",
        "Is the illness or injury due to a work-related accident or "
        "condition (workers' compensation)?",
        "15",
    ),
    (
        "other_federal_agency",
        "Is the care paid by the Public Health Service or another federal agency?",
        "16",
    ),
    (
        "no_fault",
        "Is the illness or injury due to a non-work accident, and is no-fault "
        "(including auto) insurance available?",
        "14",
    ),
    (
        "liability",
        "Is the illness or injury due to a non-work accident, and is another "
        "party's liability insurance available?",
        "47",
    ),
    (
        "esrd_coordination_period",
        "Are you entitled to Medicare because of end-stage renal "
        "disease, within the 30-month coordination period, with "
        "an employer group health plan?",
        "13",
    ),
    (
        "working_aged_group_health_plan",
        "Are you 65 or older with a group health plan "
        "through your own or your spouse's current "
        "employment, at an employer of 20 or more "
        "employees?",
        "12",
    ),
    (
        "disabled_large_group_health_plan",
        "Are you under 65, entitled to Medicare by "
        "disability, with a group health plan through "
        "your own or a family member's current "
        "employment, at an employer of 100 or more "
        "employees?",
        "43",
    ),
)


def msp_type(answers: MspAnswers) -> str | None:
    """The Medicare secondary payer type the answers give (SBR05), or None when no
    answer makes another payer primary (Medicare pays first)."""
    for name, _, code in MSP_QUESTIONS:
        if getattr(answers, name):
            return code
    return None

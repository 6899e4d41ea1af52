"""Medicare secondary payer edits: a claim to Medicare after another payer says why.

The rule of when Medicare is secondary is the 837P writer's
(``medbill.core.x12.is_medicare_secondary``); the types are ``medbill.core.msp``.
"""

from __future__ import annotations

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, Finding, Fix, define, finding
from medbill.core.x12 import is_medicare_secondary, other_medicare_is_secondary

__all__ = ["check"]

F = "payer"

define(
    "PAY003",
    "medicare-secondary-type-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "Medicare is billed after another payer and subscriber.medicare_secondary_type "
    "(why Medicare is secondary) is not known",
    "ASC X12N 837P (005010X222A1) loop 2000B SBR05; CMS Medicare Secondary Payer Manual "
    "ch. 3 sec. 20.2.1",
    what="A claim to Medicare as the secondary (or tertiary) payer names the Medicare "
    "secondary payer type: 12 working aged with an employer group health plan, 13 ESRD "
    "coordination period, 14 no-fault, 15 workers' compensation, 16 Public Health Service "
    "or other federal agency, 41 black lung, 42 Veterans Affairs, 43 disabled with a large "
    "group health plan, 47 other liability insurance.",
    why="SBR05 is required when Medicare is not the primary payer; Medicare's contractor "
    "rejects the claim without it, and a wrong type sends the claim to the wrong recovery "
    "and is a false statement about the patient's other coverage.",
    example="A Medicare claim with an employer plan as primary and no MSP questionnaire on file.",
    fix="Ask the patient the MSP questionnaire at the front desk (the coverage's Medicare "
    "secondary payer questions); the answers set the type on the Medicare coverage.",
    reference="837P TR3 loop 2000B SBR05 (Insurance Type Code); CMS MSP Manual ch. 3 "
    "sec. 20.2.1 (admission questions to ask the Medicare beneficiary).",
)


define(
    "PAY004",
    "other-medicare-secondary-type-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "Medicare is an earlier payer but not the primary one, and {field} (why Medicare "
    "is secondary) is not known",
    "ASC X12N 837P (005010X222A1) loop 2320 SBR05; CMS Medicare Secondary Payer Manual "
    "ch. 3 sec. 20.2.1",
    what="A claim to a payer after Medicare, where Medicare itself paid after another payer "
    "(an employer plan primary, Medicare secondary, a supplemental plan billed third), names "
    "in Medicare's other-payer loop why Medicare was secondary, with the same types as "
    "PAY003.",
    why="The TR3 requires 2320 SBR05 whenever the other payer is Medicare and Medicare is "
    "not the primary payer; clearinghouses reject the claim without it.",
    example="A Medigap claim after an employer plan and Medicare, with no MSP questionnaire "
    "answers on the Medicare coverage.",
    fix="Ask the patient the MSP questionnaire at the front desk for the Medicare coverage; "
    "the answers set its Medicare secondary payer type.",
    reference="837P TR3 loop 2320 SBR05 (Insurance Type Code); CMS MSP Manual ch. 3 sec. 20.2.1.",
)


def type_missing(claim: Claim, out: list[Finding]) -> None:
    """PAY003 when Medicare is secondary and the coverage names no MSP type."""
    if is_medicare_secondary(claim) and not claim.subscriber.medicare_secondary_type:
        field = "subscriber.medicare_secondary_type"
        out.append(
            finding(
                "PAY003",
                None,
                fix=Fix("set_field", "Record the MSP questionnaire answers.", (("field", field),)),
            )
        )


def other_type_missing(claim: Claim, out: list[Finding]) -> None:
    """PAY004 for each earlier payer that is Medicare after another payer, without a type."""
    for i, oc in enumerate(claim.other_coverage):
        if other_medicare_is_secondary(oc) and not oc.subscriber.medicare_secondary_type:
            field = f"other_coverage[{i}].subscriber.medicare_secondary_type"
            out.append(
                finding(
                    "PAY004",
                    None,
                    fix=Fix(
                        "set_field", "Record the MSP questionnaire answers.", (("field", field),)
                    ),
                    field=field,
                )
            )


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """The Medicare secondary payer edits that are enabled."""
    if "PAY003" in ctx.enabled:
        type_missing(claim, out)
    if "PAY004" in ctx.enabled:
        other_type_missing(claim, out)

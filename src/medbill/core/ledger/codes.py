"""Claim adjustment reason codes (CARC) and remittance advice remark codes (RARC) in words.

The wording is ours: short explanations a biller can act on, not the official
X12 code list text (which is maintained by X12 and published at x12.org). Codes
not listed here still read as "CARC 123" so nothing is ever silently dropped.
Each CARC also says what kind of adjustment it is, which drives posting:
``contractual`` (write off), ``patient`` (the member owes it), ``prior_payer``
(another payer already paid), or ``denial`` (work it: fix, appeal or write off).
"""

from __future__ import annotations

__all__ = [
    "CARC",
    "RARC",
    "carc_kind",
    "carc_words",
    "is_denial_reason",
    "next_action",
    "rarc_words",
]

# code: (kind, words)
CARC: dict[str, tuple[str, str]] = {
    "1": ("patient", "deductible"),
    "2": ("patient", "coinsurance"),
    "3": ("patient", "copay"),
    "4": ("denial", "procedure code is inconsistent with the modifier, or a modifier is missing"),
    "5": ("denial", "procedure code or bill type is inconsistent with the place of service"),
    "6": ("denial", "procedure or revenue code is inconsistent with the patient's age"),
    "7": ("denial", "procedure or revenue code is inconsistent with the patient's sex"),
    "11": ("denial", "diagnosis is inconsistent with the procedure"),
    "16": ("denial", "claim lacks information or has submission/billing errors"),
    "18": ("denial", "exact duplicate claim or service"),
    "22": ("denial", "care may be covered by another payer (coordination of benefits)"),
    "23": ("prior_payer", "impact of prior payer adjudication, including payments and adjustments"),
    "24": ("denial", "charges are covered under a capitation agreement or managed care plan"),
    "26": ("denial", "expenses incurred before coverage began"),
    "27": ("denial", "expenses incurred after coverage ended"),
    "29": ("denial", "the time limit for filing has expired"),
    "31": ("denial", "patient cannot be identified as our insured"),
    "39": (
        "denial",
        "services denied at the time authorization or pre-certification was requested",
    ),
    "42": ("contractual", "charges exceed our fee schedule or maximum allowable amount"),
    "45": ("contractual", "charge exceeds the fee schedule or contracted amount"),
    "49": ("denial", "routine or preventive service not covered by this plan"),
    "50": ("denial", "not deemed a medical necessity by the payer"),
    "59": ("contractual", "multiple or concurrent procedure reduction"),
    "94": ("contractual", "processed in excess of charges"),
    "96": ("denial", "non-covered charge(s)"),
    "97": ("denial", "paid as part of another service already adjudicated (bundled)"),
    "109": ("denial", "claim or service not covered by this payer; send to the correct payer"),
    "119": ("denial", "benefit maximum for this period or occurrence has been reached"),
    "131": ("contractual", "claim-specific negotiated discount"),
    "144": ("contractual", "incentive adjustment"),
    "151": ("denial", "payer deems the information submitted does not support this many services"),
    "167": ("denial", "this diagnosis is not covered"),
    "170": ("denial", "payment denied when performed or billed by this type of provider"),
    "197": ("denial", "pre-certification, authorization or notification was absent"),
    "204": ("denial", "service or equipment not covered under the patient's current benefit plan"),
    "234": ("denial", "this procedure is not paid separately"),
    "236": (
        "denial",
        "procedure or modifier combination not compatible with another "
        "procedure on the same day (NCCI)",
    ),
    "237": ("contractual", "legislated or regulatory penalty"),
    "242": ("denial", "services not provided by network or primary care providers"),
    "251": ("denial", "the attachment or other documentation is missing or inadequate"),
    "252": ("denial", "an attachment or other documentation is required to adjudicate"),
    "253": ("contractual", "sequestration: reduction of federal payment"),
    "A1": ("denial", "claim or service denied"),
    "A2": ("contractual", "contractual adjustment"),
    "B7": (
        "denial",
        "provider was not certified or eligible to be paid for this service on this date",
    ),
    "B13": (
        "denial",
        "previously paid: payment for this claim or service was made on an earlier claim",
    ),
}

RARC: dict[str, str] = {
    "M15": "separately billed services or tests have been bundled; they are paid within the "
    "primary service",
    "M20": "missing or incomplete HCPCS code",
    "M51": "missing, incomplete or invalid procedure code(s)",
    "M76": "missing, incomplete or invalid diagnosis or condition",
    "M77": "missing, incomplete or invalid place of service",
    "M80": "not covered when performed during the same session as another approved procedure",
    "M86": "service denied because payment was already made for the same or similar procedure",
    "MA01": "you may appeal this decision; the notice explains how and by when",
    "MA02": "you may appeal this decision (appeal rights apply)",
    "MA04": "secondary payment cannot be considered without the primary payer's information",
    "MA07": "the claim has also been forwarded to Medicaid for review",
    "MA13": "you may be subject to penalties if you bill the patient for amounts not reported "
    "as patient responsibility",
    "MA18": "the claim information has also been forwarded to the patient's supplemental insurer",
    "MA130": "the claim has missing or invalid information and cannot be processed; submit a "
    "new claim with the complete information",
    "N4": "missing or incomplete prior insurance carrier(s) EOB",
    "N30": "patient ineligible for this service",
    "N56": "procedure code billed is not correct or valid for the services billed or the date "
    "of service",
    "N115": "this decision was based on a local coverage determination",
    "N130": "consult plan benefit documents for information about restrictions for this service",
    "N206": "the supporting documentation does not match the information on the claim",
    "N211": "you may not appeal this decision",
    "N290": "missing or invalid rendering provider primary identifier",
    "N382": "missing or invalid patient identifier",
    "N519": "invalid combination of HCPCS modifiers",
    "N522": "duplicate of a claim processed, or to be processed, as a crossover claim",
    "N657": "this should be billed with the appropriate code for these services",
    "N822": "missing procedure modifier(s)",
}

# What to do next, by CARC (denials only); the default is to review and appeal.
_ACTIONS: dict[str, str] = {
    "4": "add or correct the modifier and send a corrected claim (frequency 7)",
    "5": "check the place of service against the service and send a corrected claim",
    "6": "check the patient's date of birth and the code; correct and resubmit",
    "7": "check the patient's sex and the code; correct and resubmit",
    "11": "review the diagnosis pointers and coding; send a corrected claim",
    "16": "read the remark codes, add the missing information and send a corrected claim",
    "18": "no action: a duplicate of a claim already in process; check the original's status",
    "22": "update the coverage order, bill the primary payer first, then resubmit with COB",
    # A denial is a contractual (CO) or other (OA) adjustment: the patient owes it only
    # where the payer says so (PR), so the advice never sends the bill to the patient.
    "26": "verify eligibility for the date of service and bill the right payer; "
    "otherwise write off (the patient owes only what the payer assigns as PR)",
    "27": "verify eligibility for the date of service and bill the right payer; "
    "otherwise write off (the patient owes only what the payer assigns as PR)",
    "29": "appeal only with proof of timely filing (clearinghouse acceptance report); "
    "otherwise write off",
    "31": "verify the member id and name with the payer; correct and resubmit",
    "50": "appeal with medical records and a letter of medical necessity",
    "96": "check the patient's benefits; bill the patient if a waiver (ABN) is on file, "
    "otherwise write off",
    "97": "no separate payment: check NCCI bundling; add modifier 59/XU if distinct, "
    "else write off",
    "109": "bill the correct payer",
    "119": "the benefit maximum is reached: bill the secondary coverage if there is one; "
    "otherwise write off (a contractual denial may not be billed to the patient)",
    "197": "obtain the authorization (retro-authorization if allowed) and appeal",
    "204": "bill the patient if they agreed in writing; otherwise write off",
    "236": "review NCCI edits; add the appropriate modifier if the services were distinct",
    "251": "send the requested documentation with an appeal",
    "252": "send the requested attachment (PWK) and ask for reprocessing",
    "B13": "no action: already paid on an earlier claim; post nothing more",
}


def carc_kind(group: str, reason: str) -> str:
    """How a CAS adjustment posts: contractual, patient, prior_payer, denial or other."""
    if group == "PR":
        return "patient"
    kind = CARC.get(reason, ("other", ""))[0]
    if group == "CO" and kind == "other":
        return "denial"
    if kind == "patient":  # a deductible code under CO/OA is the payer's contractual write-off
        return "contractual"
    return kind


def is_denial_reason(reason: str) -> bool:
    """Whether CARC ``reason`` refuses the service (whichever group it comes under): PR-50
    after an ABN is a refusal the patient pays, CO-45 is a write-down, not a refusal."""
    return CARC.get(reason, ("other", ""))[0] == "denial"


def carc_words(reason: str) -> str:
    """``"45 charge exceeds the fee schedule ..."``, or ``"CARC 123"`` when unknown."""
    entry = CARC.get(reason)
    return f"{reason} {entry[1]}" if entry else f"CARC {reason}"


def rarc_words(code: str) -> str:
    """``"N206 the supporting documentation ..."``, or ``"RARC X1"`` when unknown."""
    words = RARC.get(code)
    return f"{code} {words}" if words else f"RARC {code}"


def next_action(reasons: list[str] | tuple[str, ...]) -> str:
    """The suggested next step for a denial with these CARCs (the first known one wins)."""
    for reason in reasons:
        if reason in _ACTIONS:
            return _ACTIONS[reason]
    return "review the remark codes; correct and resubmit, or appeal with documentation"

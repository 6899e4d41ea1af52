"""Claim adjustment reason codes (CARC) and remittance advice remark codes (RARC).

The short descriptions below are our own wording for the codes a practice meets most often. The full
lists are maintained by X12 (CARC) and CMS (RARC); a practice that has them as CSV loads them with
:func:`load_adjustment_csv` (``medbill codesets import carc|rarc FILE.csv``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import MappingProxyType

from medbill.core.paths import data_dir

__all__ = [
    "CARC",
    "RARC",
    "AdjustmentCsvError",
    "adjustment_codes",
    "import_adjustment_csv",
    "load_adjustment_csv",
]

_CARC = {
    "1": "Deductible amount",
    "2": "Coinsurance amount",
    "3": "Co-payment amount",
    "4": "Procedure code inconsistent with the modifier, or a required modifier is missing",
    "5": "Procedure code or bill type inconsistent with the place of service",
    "6": "Procedure or revenue code inconsistent with the patient's age",
    "7": "Procedure or revenue code inconsistent with the patient's sex",
    "8": "Procedure code inconsistent with the provider type or specialty",
    "9": "Diagnosis inconsistent with the patient's age",
    "10": "Diagnosis inconsistent with the patient's sex",
    "11": "Diagnosis inconsistent with the procedure",
    "12": "Diagnosis inconsistent with the provider type",
    "13": "Date of death precedes the date of service",
    "14": "Date of birth follows the date of service",
    "15": "Authorization number missing, invalid or not for this service",
    "16": "Claim lacks information or has billing errors needed for adjudication",
    "18": "Exact duplicate claim or service",
    "19": "Work-related injury: workers' compensation carrier is liable",
    "20": "Injury covered by a liability carrier",
    "21": "Injury covered by no-fault carrier",
    "22": "Care may be covered by another payer (coordination of benefits)",
    "23": "Prior payers' adjudication affects this payment",
    "24": "Charges covered under a capitation agreement or managed care plan",
    "26": "Expenses incurred before coverage began",
    "27": "Expenses incurred after coverage ended",
    "29": "Time limit for filing has expired",
    "31": "Patient cannot be identified as our insured",
    "32": "Our records show the patient is not an eligible dependent",
    "33": "Insured has no dependent coverage",
    "34": "Insured has no coverage for newborns",
    "35": "Lifetime benefit maximum reached",
    "39": "Services denied when authorization was requested",
    "40": "Charges do not meet the criteria for emergency or urgent care",
    "45": "Charge exceeds the fee schedule or contracted amount",
    "49": "Routine or preventive service not covered by this plan",
    "50": "Not deemed a medical necessity by the payer",
    "51": "Pre-existing condition not covered",
    "53": "Services by an immediate relative or household member are not covered",
    "54": "Multiple physicians or assistants are not covered in this case",
    "55": "Procedure, drug or equipment deemed experimental or investigational",
    "58": "Treatment given in an inappropriate or invalid place of service",
    "59": "Processed under multiple or concurrent procedure rules",
    "61": "Adjusted for failure to obtain a second surgical opinion",
    "96": "Non-covered charge",
    "97": "Benefit for this service is included in another service already adjudicated",
    "100": "Payment made to the patient, insured or responsible party",
    "101": "Predetermination: anticipated payment on approval",
    "104": "Managed care withholding",
    "107": "Related or qualifying claim or service was not identified on this claim",
    "109": "Claim or service not covered by this payer or contractor",
    "110": "Billing date precedes the service date",
    "111": "Not covered unless the provider accepts assignment",
    "115": "Procedure postponed, canceled or delayed",
    "116": "Advance indemnification notice signed by the patient did not meet requirements",
    "119": "Benefit maximum for this time period or occurrence reached",
    "129": "Prior processing information appears incorrect",
    "130": "Claim submission fee",
    "131": "Claim-specific negotiated discount",
    "133": "Disposition of the claim or service is pending further review",
    "140": "Patient or insured health identification number and name do not match",
    "146": "Diagnosis was invalid for the date of service reported",
    "149": "Lifetime benefit maximum reached for this service or benefit category",
    "150": "Payer deems the information submitted does not support this level of service",
    "151": "Payer deems the information submitted does not support this many services",
    "155": "Patient refused the service or procedure",
    "164": "Attachment or other documentation referenced was not received",
    "167": "Diagnosis is not covered",
    "170": "Payment denied when performed or billed by this type of provider",
    "171": "Payment denied when performed by this type of provider in this type of facility",
    "181": "Procedure code was invalid on the date of service",
    "182": "Procedure modifier was invalid on the date of service",
    "183": "Referring provider is not eligible to refer the service billed",
    "185": "Rendering provider is not eligible to perform the service billed",
    "187": "Consumer spending account payments",
    "189": "Not otherwise classified or unlisted code used when a specific code exists",
    "192": "Non-standard adjustment code from paper remittance",
    "193": "Original payment decision is maintained after review",
    "197": "Precertification, authorization or notification absent",
    "198": "Precertification, notification or authorization exceeded",
    "199": "Revenue code and procedure code do not match",
    "200": "Expenses incurred during a lapse in coverage",
    "204": "Service, equipment or drug not covered under the patient's current benefit plan",
    "206": "National Provider Identifier missing",
    "207": "National Provider Identifier invalid",
    "208": "National Provider Identifier not matched",
    "209": "Per regulatory or other agreement, the provider cannot collect this from the patient",
    "222": "Exceeds the contracted maximum number of hours, days or units for this provider",
    "223": "Adjustment code for a mandated federal, state or local law or regulation",
    "226": "Information requested from the billing provider was not provided or was insufficient",
    "227": "Information requested from the patient, insured or responsible party was not provided",
    "231": "Mutually exclusive procedures cannot be done on the same day or setting",
    "234": "Procedure is not paid separately",
    "236": "Procedure or modifier combination is not compatible with another on the same day "
    "(NCCI)",
    "237": "Legislated or regulatory penalty",
    "242": "Services not provided by network or primary care providers",
    "243": "Services not authorized by network or primary care providers",
    "252": "An attachment or other documentation is required to adjudicate",
    "253": "Sequestration: reduction of federal payment",
    "256": "Service not payable per the managed care contract",
    "270": "Claim received by the medical plan, but benefits not available under this plan",
    "273": "Coverage or program guidelines were exceeded",
    "275": "Prior payer's patient responsibility (deductible, coinsurance, co-payment) not covered",
    "279": "Services not provided by the designated or contracted provider",
    "288": "Referral absent",
    "290": "Claim received by the dental plan; benefits not available under it",
    "B1": "Non-covered visits",
    "B4": "Late filing penalty",
    "B7": "Provider was not certified or eligible to be paid for this service on this date",
    "B9": "Patient is enrolled in a hospice",
    "B10": "Allowed amount reduced: component of a basic procedure or test",
    "B11": "Claim transferred to the proper payer or processor",
    "B12": "Services not documented in the patient's medical records",
    "B13": "Previously paid: payment for this service may have been provided on a prior claim",
    "B15": "Service requires that a qualifying service or procedure be received and covered",
    "B16": "New patient qualifications were not met",
    "B20": "Procedure or service was partially or fully furnished by another provider",
    "B22": "Payment adjusted based on the diagnosis",
    "N/A": "Not applicable",
}

_RARC = {
    "M15": "Separately billed services or tests were bundled; they are not paid separately",
    "M20": "Missing, incomplete or invalid HCPCS code",
    "M51": "Missing, incomplete or invalid procedure code",
    "M76": "Missing, incomplete or invalid diagnosis or condition",
    "M77": "Missing, incomplete or invalid place of service",
    "M79": "Missing, incomplete or invalid charge",
    "M80": "Not covered when performed during the same session or date as another procedure",
    "M81": "Diagnosis must be coded to the highest level of specificity",
    "M86": "Service denied because payment already made for the same or a similar procedure",
    "M119": "Missing, incomplete or invalid National Drug Code (NDC)",
    "MA04": "Secondary payment cannot be considered without the primary payer's information",
    "MA07": "Claim information has also been forwarded to Medicaid",
    "MA18": "Claim information has also been forwarded to the patient's supplemental insurer",
    "MA13": "Not eligible for payment: patient had no entitlement on the date of service",
    "MA27": "Missing, incomplete or invalid entitlement number or name on the claim",
    "MA30": "Missing, incomplete or invalid type of bill",
    "MA61": "Missing, incomplete or invalid social security number or health insurance claim "
    "number",
    "MA63": "Missing, incomplete or invalid principal diagnosis",
    "MA66": "Missing, incomplete or invalid principal procedure code",
    "MA120": "Missing, incomplete or invalid CLIA certification number",
    "MA130": "Claim has incomplete or invalid information and no appeal rights are afforded",
    "N4": "Missing, incomplete or invalid prior insurance carrier explanation of benefits",
    "N19": "Procedure code incidental to the primary procedure",
    "N20": "Service not payable with another service on the same day",
    "N30": "Patient ineligible for this service",
    "N56": "Procedure code billed is not correct or valid for the services billed or the date "
    "of service",
    "N95": "This provider type or specialty may not bill this service",
    "N115": "Decision based on a Local Coverage Determination (LCD)",
    "N130": "Consult plan benefit documents or guidelines for coverage",
    "N179": "Additional information has been requested from the member",
    "N180": "This item or service does not meet the criteria for the category under which it "
    "was billed",
    "N211": "You may not appeal this decision",
    "N257": "Missing, incomplete or invalid billing provider or supplier primary identifier",
    "N265": "Missing, incomplete or invalid ordering provider primary identifier",
    "N286": "Missing, incomplete or invalid referring provider primary identifier",
    "N290": "Missing, incomplete or invalid rendering provider primary identifier",
    "N362": "The number of days or units of service exceeds the acceptable maximum",
    "N386": "Decision based on a National Coverage Determination (NCD)",
    "N522": "Duplicate of a claim processed or to be processed as a crossover claim",
    "N657": "Should be billed with the appropriate code for these services",
}

CARC = MappingProxyType(_CARC)
RARC = MappingProxyType(_RARC)


class AdjustmentCsvError(ValueError):
    """A CARC/RARC CSV row is unusable; the message names the row and column."""


def load_adjustment_csv(source: Path | str | io.TextIOBase) -> dict[str, str]:
    """Read a full CARC or RARC list from CSV with columns ``code`` and ``description``.

    Optional columns ``start_date`` / ``stop_date`` are accepted and ignored here (the caller
    keeps them). Returns code -> description; raises :class:`AdjustmentCsvError` naming the row.
    """
    if isinstance(source, (str, Path)):
        handle: io.TextIOBase = open(source, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed in finally
    else:
        handle = source
    try:
        reader = csv.DictReader(handle)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        for needed in ("code", "description"):
            if needed not in fields:
                raise AdjustmentCsvError(f"header: column {needed!r} is missing")
        codes: dict[str, str] = {}
        for number, row in enumerate(reader, start=2):
            code = (row.get(fields["code"]) or "").strip().upper()
            text = " ".join((row.get(fields["description"]) or "").split())
            if not code:
                raise AdjustmentCsvError(f"row {number}, column 'code': empty")
            if len(code) > 6 or not code.replace("/", "").isalnum():
                raise AdjustmentCsvError(f"row {number}, column 'code': {code!r} is not a code")
            if not text:
                raise AdjustmentCsvError(f"row {number}, column 'description': empty")
            codes[code] = text
        return codes
    finally:
        if isinstance(source, (str, Path)):
            handle.close()


def _imported(kind: str) -> Path:
    return data_dir() / "codesets" / f"{kind}.json"


def import_adjustment_csv(kind: str, source: Path | str) -> int:
    """Keep a full CARC or RARC list (``kind`` is ``carc`` or ``rarc``) under ``data_dir()``."""
    if kind not in ("carc", "rarc"):
        raise ValueError(f"kind must be 'carc' or 'rarc', not {kind!r}")
    codes = load_adjustment_csv(source)
    target = _imported(kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(codes, indent=1, sort_keys=True))
    return len(codes)


def adjustment_codes(kind: str) -> dict[str, str]:
    """Every known code of ``kind``: the imported full list, with our own wording where we have
    it (ours are shorter)."""
    ours = dict(CARC if kind == "carc" else RARC)
    path = _imported(kind)
    full = json.loads(path.read_text()) if path.exists() else {}
    return {**full, **ours}

"""Claim attachments: paperwork a payer receives apart from the claim (837P PWK, CMS-1500 box 19).

An attachment names what the paperwork is (the report type), how it reaches the payer
(the transmission) and the number that ties it to the claim (the attachment control
number, which the provider writes on the paperwork itself). The code lists are those of
005010X222A1 loops 2300 and 2400 PWK01 and PWK02; the same lists serve the claim JSON,
the database, the 837P writer and the CMS-1500.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "AVAILABLE_ON_REQUEST",
    "MAX_ATTACHMENTS",
    "REPORT_TYPES",
    "TRANSMISSIONS",
    "Attachment",
    "attachment_problems",
]

# PWK01, Attachment Report Type Code (837P TR3, loops 2300 and 2400).
REPORT_TYPES: dict[str, str] = {
    "03": "Report justifying treatment beyond utilization guidelines",
    "04": "Drugs administered",
    "05": "Treatment diagnosis",
    "06": "Initial assessment",
    "07": "Functional goals",
    "08": "Plan of treatment",
    "09": "Progress report",
    "10": "Continued treatment",
    "11": "Chemical analysis",
    "13": "Certified test report",
    "15": "Justification for admission",
    "21": "Recovery plan",
    "A3": "Allergies/sensitivities document",
    "A4": "Autopsy report",
    "AM": "Ambulance certification",
    "AS": "Admission summary",
    "B2": "Prescription",
    "B3": "Physician order",
    "B4": "Referral form",
    "BR": "Benchmark testing results",
    "BS": "Baseline",
    "BT": "Blanket test results",
    "CB": "Chiropractic justification",
    "CK": "Consent form(s)",
    "CT": "Certification",
    "D2": "Drug profile document",
    "DA": "Dental models",
    "DB": "Durable medical equipment prescription",
    "DG": "Diagnostic report",
    "DJ": "Discharge monitoring report",
    "DS": "Discharge summary",
    "EB": "Explanation of benefits (coordination of benefits or Medicare secondary payer)",
    "HC": "Health certificate",
    "HR": "Health clinic records",
    "I5": "Immunization record",
    "IR": "State school immunization records",
    "LA": "Laboratory results",
    "M1": "Medical record attachment",
    "MT": "Models",
    "NN": "Nursing notes",
    "OB": "Operative note",
    "OC": "Oxygen content averaging report",
    "OD": "Orders and treatments document",
    "OE": "Objective physical examination (including vital signs) document",
    "OX": "Oxygen therapy certification",
    "OZ": "Support data for claim",
    "P4": "Pathology report",
    "P5": "Patient medical history document",
    "PE": "Parenteral or enteral certification",
    "PN": "Physical therapy notes",
    "PO": "Prosthetics or orthotic certification",
    "PQ": "Paramedical results",
    "PY": "Physician's report",
    "PZ": "Physical therapy certification",
    "RB": "Radiology films",
    "RR": "Radiology reports",
    "RT": "Report of tests and analysis report",
    "RX": "Renewable oxygen content averaging report",
    "SG": "Symptoms document",
    "V5": "Death notification",
    "XP": "Photographs",
}

# PWK02, Attachment Transmission Code.
AVAILABLE_ON_REQUEST = "AA"
TRANSMISSIONS: dict[str, str] = {
    AVAILABLE_ON_REQUEST: "Available on request at provider site",
    "BM": "By mail",
    "EL": "Electronically only",
    "EM": "By e-mail",
    "FT": "By file transfer",
    "FX": "By fax",
}

# PWK repeats at most ten times in loop 2300 and ten times in each loop 2400.
MAX_ATTACHMENTS = 10
# PWK06 (data element 67) is 2 to 80 characters.
CONTROL_NUMBER_LENGTH = (2, 80)


@dataclass(frozen=True, slots=True)
class Attachment:
    """One piece of paperwork sent for a claim or a service line."""

    report_type: str
    transmission: str
    control_number: str | None = None

    @property
    def needs_control_number(self) -> bool:
        """Paperwork that is sent (not kept at the office) carries the control number that
        ties it to the claim (837P TR3 PWK05/PWK06: required unless PWK02 is AA)."""
        return self.transmission != AVAILABLE_ON_REQUEST

    def box19(self) -> str:
        """How the CMS-1500 names the attachment in box 19 (NUCC: the qualifier PWK, the
        report type, the transmission and the control number, without spaces)."""
        return f"PWK{self.report_type}{self.transmission}{self.control_number or ''}"


def attachment_problems(attachments: tuple[Attachment, ...], at: str) -> Iterator[tuple[str, str]]:
    """``(field, problem)`` for every attachment the 837P TR3 does not allow; ``at`` is
    the document path of the list (``attachments`` or ``lines[2].attachments``).

    Lengths of the control number are the 837P writer's (one table of element lengths).
    """
    if len(attachments) > MAX_ATTACHMENTS:
        yield at, f"at most {MAX_ATTACHMENTS} attachments fit in the 837P"
    for i, a in enumerate(attachments):
        where = f"{at}[{i}]"
        if a.report_type not in REPORT_TYPES:
            yield f"{where}.report_type", "is not an 837P attachment report type (PWK01)"
        if a.transmission not in TRANSMISSIONS:
            yield (f"{where}.transmission", f"must be one of {', '.join(TRANSMISSIONS)} (PWK02)")
        elif a.needs_control_number and not a.control_number:
            yield (
                f"{where}.control_number",
                "is required when the attachment is sent (transmission "
                f"{a.transmission}); only AA (kept at the office) goes without one",
            )

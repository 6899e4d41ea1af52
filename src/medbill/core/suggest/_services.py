"""Documented services -> CPT/HCPCS codes from the practice fee schedule.

No AMA descriptor text ships with medbill, so the mapping is our own table of the ways notes
document common office services, keyed to code numbers. When the practice's fee schedule is given,
only codes it bills are suggested, and its own descriptions are matched too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medbill.core.suggest._engine import CodeSuggestion

__all__ = ["SERVICES", "DRUGS", "ServiceRule", "suggest_services"]


@dataclass(frozen=True)
class ServiceRule:
    """A documented service: the pattern that finds it, the code, our own short description, and
    the administration code that goes with it (vaccines)."""

    code: str
    label: str
    pattern: str
    admin: str | None = None
    minor_procedure: bool = False
    kind: str = "service"


SERVICES: tuple[ServiceRule, ...] = (
    ServiceRule(
        "93000",
        "ECG with interpretation and report",
        r"\b(?:ecg|ekg|electrocardiogram)\b(?![^.\n]{0,40}\b(?:reviewed|from)\b)",
    ),
    ServiceRule(
        "36415", "Venous blood draw", r"\b(?:venipuncture|blood draw|labs? drawn|phlebotomy)\b"
    ),
    ServiceRule(
        "81003",
        "Urinalysis, automated, without microscopy",
        r"\b(?:urinalysis|\bua\b)\b(?![^.\n]{0,30}\bnon-?automated\b)"
        r"|(?<!non-)(?<!non)\bautomated[^.\n]{0,20}\b(?:urinalysis|dipstick)\b",
    ),
    ServiceRule(
        "81002",
        "Urinalysis, non-automated, without microscopy",
        r"\burine dip(?:stick)?\b(?![^.\n]{0,40}\bautomated\b)"
        r"|\bnon-?automated[^.\n]{0,20}\b(?:urinalysis|dipstick)\b"
        r"|\b(?:urinalysis|dipstick)\b[^.\n]{0,20}\bnon-?automated\b",
    ),
    ServiceRule("81025", "Urine pregnancy test", r"\burine (?:pregnancy|hcg) test\b|\bupt\b"),
    ServiceRule("87880", "Rapid strep test", r"\brapid strep\b|\bstrep (?:test|screen)\b"),
    ServiceRule("87804", "Rapid influenza test", r"\brapid (?:flu|influenza) (?:test|swab)\b"),
    ServiceRule(
        "87811",
        "SARS-CoV-2 antigen test, rapid",
        r"\b(?:rapid )?(?:sars-cov-2|covid(?:-19)?) (?:antigen|rapid) (?:test|swab)\b"
        r"|\brapid (?:sars-cov-2|covid(?:-19)?) (?:antigen )?test\b",
    ),
    ServiceRule("87807", "RSV antigen test, rapid", r"\brapid rsv (?:test|swab)\b"),
    ServiceRule("86308", "Heterophile antibody test", r"\b(?:monospot|mono (?:test|spot))\b"),
    ServiceRule(
        "85610",
        "Prothrombin time (INR), in office",
        r"\b(?:point[- ]of[- ]care|poc|fingerstick|in[- ]office)\b[^.\n]{0,20}\b(?:pt/?inr|inr)\b",
    ),
    ServiceRule(
        "82962",
        "Fingerstick glucose",
        r"\b(?:fingerstick|finger stick|point of care|capillary) (?:blood )?glucose\b",
    ),
    ServiceRule(
        "83036",
        "Hemoglobin A1c (in office)",
        r"\b(?:poc|point[- ]of[- ]care|in[- ]office) (?:hba1c|a1c|hemoglobin a1c)\b",
    ),
    ServiceRule("94760", "Pulse oximetry", r"\bpulse ox(?:imetry)?\b"),
    ServiceRule("94010", "Spirometry", r"\bspirometry\b"),
    ServiceRule(
        "94640", "Nebulizer treatment", r"\b(?:nebuli[sz]er|neb) (?:treatment|given|administered)\b"
    ),
    ServiceRule(
        "69210",
        "Cerumen removal with instruments",
        r"\b(?:cerumen|ear ?wax) (?:removal|removed|disimpaction)\b"
        r"|\bremoved (?:impacted )?cerumen\b",
        minor_procedure=True,
    ),
    ServiceRule(
        "20610",
        "Major joint injection or aspiration",
        r"\b(?:knee|shoulder|hip) (?:joint )?(?:injection|aspiration|injected)\b"
        r"|\binjected (?:the )?(?:left |right )?(?:knee|shoulder|hip)\b",
        minor_procedure=True,
    ),
    ServiceRule(
        "17110",
        "Destruction of benign lesions (up to 14)",
        r"\b(?:cryotherapy|liquid nitrogen)\b[^.\n]{0,40}\b(?:wart|verruca|lesion)s?\b"
        r"|\bwarts? (?:frozen|treated with cryo)",
        minor_procedure=True,
    ),
    ServiceRule(
        "11200",
        "Removal of skin tags (up to 15)",
        r"\bskin tags? (?:removed|removal|excised)\b",
        minor_procedure=True,
    ),
    ServiceRule(
        "10060",
        "Incision and drainage of abscess, simple",
        r"\b(?:incision and drainage|i ?& ?d)\b",
        minor_procedure=True,
    ),
)

# Injectable drugs: pattern, HCPCS J-code, our label, billing unit size and unit of the dose.
DRUGS: tuple[tuple[str, str, str, Decimal, str], ...] = (
    (r"ceftriaxone|rocephin", "J0696", "Ceftriaxone, per 250 mg", Decimal(250), "mg"),
    (r"ketorolac|toradol", "J1885", "Ketorolac, per 15 mg", Decimal(15), "mg"),
    (
        r"vitamin b-?12|cyanocobalamin|b12",
        "J3420",
        "Vitamin B-12, up to 1000 mcg",
        Decimal(1000),
        "mcg",
    ),
    (
        r"dexamethasone|decadron",
        "J1100",
        "Dexamethasone sodium phosphate, per 1 mg",
        Decimal(1),
        "mg",
    ),
    (r"triamcinolone|kenalog", "J3301", "Triamcinolone acetonide, per 10 mg", Decimal(10), "mg"),
    (
        r"methylprednisolone acetate|depo-?medrol",
        "J1030",
        "Methylprednisolone acetate, 40 mg",
        Decimal(40),
        "mg",
    ),
    (
        r"medroxyprogesterone|depo-?provera",
        "J1050",
        "Medroxyprogesterone acetate, 1 mg",
        Decimal(1),
        "mg",
    ),
    (r"testosterone cypionate", "J1071", "Testosterone cypionate, 1 mg", Decimal(1), "mg"),
    (r"promethazine|phenergan", "J2550", "Promethazine, up to 50 mg", Decimal(50), "mg"),
    (r"ondansetron|zofran", "J2405", "Ondansetron, per 1 mg", Decimal(1), "mg"),
)

_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|mcg|g|gram|grams)\b", re.I)
_INJECTED = re.compile(
    r"\b(?:im|intramuscular(?:ly)?|sub-?q|subcutaneous(?:ly)?|sc|injection|injected|given)\b", re.I
)
_NEGATED = re.compile(
    r"\b(?:declined|refused|deferred|not given|not needed|not indicated|not done|"
    r"will schedule|next visit|recommended)\b",
    re.I,
)
_GOVT = re.compile(r"\bmedicare\b", re.I)


def _sentence_at(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [i for i in (text.find(".", pos), text.find("\n", pos)) if i != -1]
    return start, min(ends) if ends else len(text)


def _units(dose: Decimal, unit: str, per: Decimal, per_unit: str) -> int:
    if unit.lower() in ("g", "gram", "grams"):
        dose, unit = dose * 1000, "mg"
    if unit.lower() != per_unit:
        return 1
    return max(1, int((dose / per).to_integral_value(rounding=ROUND_CEILING)))


def suggest_services(
    text: str,
    fee_schedule: Iterable[tuple[str, str]] | None = None,
    *,
    patient_age: int | None = None,
    medicare: bool | None = None,
) -> tuple[list[CodeSuggestion], list[str]]:
    """Services documented in the note as ``CodeSuggestion`` rows, plus notes for the coder.

    ``patient_age`` chooses pediatric or adult vaccine products and the administration codes
    with counseling (under 19); ``medicare`` (default: the note names Medicare) chooses G0008-
    G0010 for the administrations Medicare pays under its own codes.
    """
    from medbill.core.suggest._engine import CodeSuggestion, Evidence
    from medbill.core.suggest._procedures import (
        Found,
        biopsy,
        clia_waived,
        joint_side,
        laceration_repair,
        lesion_destruction,
        screening_instruments,
        tobacco_counseling,
        vaccine_administration,
        vaccines_given,
    )

    allowed = None
    descriptions: dict[str, str] = {}
    if fee_schedule is not None:
        for code, desc in fee_schedule:
            descriptions[code] = desc
        allowed = set(descriptions)
    notes: list[str] = []
    if medicare is None:
        medicare = bool(_GOVT.search(text))
    found: list[Found] = []
    for rule in SERVICES:
        m = re.search(rule.pattern, text, re.I)
        if not m:
            continue
        s, e = _sentence_at(text, m.start())
        if _NEGATED.search(text[s:e]):
            continue
        found.append(Found(rule.code, rule.label, m.span(), f"documented: '{m.group()}'"))
    given = vaccines_given(text, patient_age)
    for v, span in given:
        found.append(Found(v.code, v.label, span, "vaccine given", kind="vaccine"))
    found.extend(vaccine_administration(given, text, patient_age, medicare))
    for finder in (
        lesion_destruction,
        laceration_repair,
        biopsy,
        screening_instruments,
        tobacco_counseling,
    ):
        for f in finder(text):
            if not any(x.code == f.code for x in found):
                found.append(f)
    injected = False
    for pattern, code, label, per, per_unit in DRUGS:
        for m in re.finditer(rf"\b(?:{pattern})\b", text, re.I):
            s, e = _sentence_at(text, m.start())
            sentence = text[s:e]
            if not _INJECTED.search(sentence) or _NEGATED.search(sentence):
                continue
            dose = _DOSE.search(sentence, m.end() - s) or _DOSE.search(sentence)
            if not dose:
                notes.append(f"{code}: dose not documented; units cannot be set")
                continue
            units = _units(Decimal(dose.group(1)), dose.group(2), per, per_unit)
            reason = f"{dose.group(0)} documented: {units} unit(s) of '{label}'"
            found.append(Found(code, label, (m.start(), s + dose.end()), reason, units))
            injected = True
            break
    if injected and not any(f.code in ("20610",) for f in found):
        inj = next(f for f in found if f.code.startswith("J"))
        found.append(
            Found("96372", "Therapeutic injection, IM or subcutaneous", inj.span, "drug injected")
        )
    found = joint_side(clia_waived(found), text)
    out: list[CodeSuggestion] = []
    for f in found:
        if allowed is not None and f.code not in allowed:
            notes.append(f"{f.code} documented but not on the practice fee schedule")
            continue
        s, e = f.span
        out.append(
            CodeSuggestion(
                f.code,
                descriptions.get(f.code, f.label),
                0.9,
                (Evidence(s, e, text[s:e]),),
                (f.reason,),
                units=f.units,
                modifiers=f.modifiers,
                kind=f.kind,
            )
        )
    return out, notes

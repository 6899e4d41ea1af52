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
        r"\b(?:urinalysis|\bua\b|urine dip(?:stick)?)\b",
    ),
    ServiceRule("81025", "Urine pregnancy test", r"\burine (?:pregnancy|hcg) test\b|\bupt\b"),
    ServiceRule("87880", "Rapid strep test", r"\brapid strep\b|\bstrep (?:test|screen)\b"),
    ServiceRule("87804", "Rapid influenza test", r"\brapid (?:flu|influenza) (?:test|swab)\b"),
    ServiceRule(
        "82962", "Fingerstick glucose", r"\b(?:fingerstick|finger stick|point of care) glucose\b"
    ),
    ServiceRule(
        "83036",
        "Hemoglobin A1c (in office)",
        r"\b(?:poc|point of care|in[- ]office) (?:hba1c|a1c)\b",
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
    ServiceRule(
        "90686",
        "Influenza vaccine, quadrivalent, preservative free",
        r"\b(?:flu|influenza) (?:vaccine|shot|vaccination|immuni[sz]ation)\b",
        admin="vaccine",
    ),
    ServiceRule(
        "90677",
        "Pneumococcal conjugate vaccine, 20 valent",
        r"\b(?:pcv ?20|prevnar ?20|pneumococcal (?:vaccine|vaccination))\b",
        admin="vaccine",
    ),
    ServiceRule("90715", "Tdap vaccine", r"\btdap\b", admin="vaccine"),
    ServiceRule(
        "90750",
        "Zoster vaccine, recombinant",
        r"\b(?:shingrix|zoster vaccine|shingles vaccine)\b",
        admin="vaccine",
    ),
    ServiceRule(
        "90746", "Hepatitis B vaccine, adult", r"\bhepatitis b vaccin(?:e|ation)\b", admin="vaccine"
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
    r"\b(?:declined|refused|deferred|not given|will schedule|next visit|recommended)\b", re.I
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


def suggest_services(text: str, fee_schedule: Iterable[tuple[str, str]] | None = None):
    """Services documented in the note as ``CodeSuggestion`` rows, plus notes for the coder."""
    from medbill.core.suggest._engine import CodeSuggestion, Evidence

    allowed = None
    descriptions: dict[str, str] = {}
    if fee_schedule is not None:
        for code, desc in fee_schedule:
            descriptions[code] = desc
        allowed = set(descriptions)
    out: list[CodeSuggestion] = []
    notes: list[str] = []
    vaccines = 0
    medicare = bool(_GOVT.search(text))

    def add(code, label, span, reason, units=1):
        if allowed is not None and code not in allowed:
            notes.append(f"{code} documented but not on the practice fee schedule")
            return False
        s, e = span
        out.append(
            CodeSuggestion(
                code,
                descriptions.get(code, label),
                0.9,
                (Evidence(s, e, text[s:e]),),
                (reason,),
                units=units,
            )
        )
        return True

    for rule in SERVICES:
        m = re.search(rule.pattern, text, re.I)
        if not m:
            continue
        s, e = _sentence_at(text, m.start())
        if _NEGATED.search(text[s:e]):
            continue
        if add(rule.code, rule.label, m.span(), f"documented: '{m.group()}'") and rule.admin:
            vaccines += 1
    if vaccines:
        first = "G0008" if medicare else "90471"
        span = next(e for c in out if c.code.startswith("90") for e in c.evidence)
        add(first, "Vaccine administration, first", (span.start, span.end), "vaccine given")
        if vaccines > 1 and not medicare:
            add(
                "90472",
                "Vaccine administration, each additional",
                (span.start, span.end),
                "additional vaccine given",
                units=vaccines - 1,
            )
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
            if add(code, label, (m.start(), s + dose.end()), reason, units):
                injected = True
            break
    if injected and not any(c.code in ("20610",) for c in out):
        inj = next(c for c in out if c.code.startswith("J"))
        add(
            "96372",
            "Therapeutic injection, IM or subcutaneous",
            (inj.evidence[0].start, inj.evidence[0].end),
            "drug injected",
        )
    return out, notes

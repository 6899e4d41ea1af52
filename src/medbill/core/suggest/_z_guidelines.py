"""Outpatient guideline rules that add the encounter's Z codes: routine exams, immunization,
follow-up after completed treatment, pregnancy supervision and weeks of gestation, long-term
drug therapy, BMI, tobacco.

Each rule is one function registered with its guideline section (see ``_registry``).
"""

from __future__ import annotations

import re

from medbill.core.suggest._registry import Visit, rule
from medbill.core.suggest._rules import Dx, history_code

__all__ = [
    "add_bmi",
    "add_follow_up",
    "add_immunization",
    "add_long_term_drugs",
    "add_pregnancy_supervision",
    "add_routine_exam",
    "add_tobacco_history",
    "add_weeks_of_gestation",
    "set_trimester",
]


def _has(dxs: list[Dx], *prefixes: str) -> bool:
    return any(d.code.startswith(prefixes) for d in dxs)


def _add(dxs: list[Dx], code: str, span: tuple[int, int], reason: str, weight: float = 0.3) -> None:
    if not _has(dxs, code):
        dxs.append(Dx(code, 0.9, [span], [reason], weight=weight))


_ROUTINE = re.compile(
    r"\b(?:annual (?:physical|exam|wellness|preventive)|well[- ](?:child|woman|adolescent|"
    r"baby|visit|exam|check)|preventive (?:visit|exam)|routine (?:physical|adult health|child "
    r"health|health maintenance)|yearly preventive|complete physical)\b",
    re.I,
)
_ABNORMAL = re.compile(r"\bwith abnormal findings?\b", re.I)
_NORMAL = re.compile(r"\b(?:without|no) abnormal findings?\b", re.I)


@rule(
    "GL010",
    "routine-exam",
    stage="diagnoses",
    what="A routine (preventive) exam is coded Z00.00/Z00.01 for adults and Z00.129/Z00.121 "
    "for children (29 days to 17 years), 'with abnormal findings' when the note records one; "
    "conditions found at the exam are additional codes.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.13 (routine and administrative "
    "examinations); Tabular Z00.0-, Z00.12-",
    example="Well-child visit, 4 years, normal exam -> Z00.129 first.",
)
def add_routine_exam(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add the routine-exam code of the patient's age when the note is a preventive visit."""
    m = _ROUTINE.search(visit.text)
    if not m or visit.age is None or _has(dxs, "Z00"):
        return dxs
    abnormal = bool(_ABNORMAL.search(visit.text)) and not _NORMAL.search(visit.text)
    if visit.age >= 18:
        code = "Z0001" if abnormal else "Z0000"
    else:
        code = "Z00121" if abnormal else "Z00129"
    dxs.append(Dx(code, 0.95, [m.span()], ["routine exam (I.C.21.c.13)"], weight=1.2))
    return dxs


@rule(
    "GL011",
    "immunization",
    stage="diagnoses",
    what="A vaccine given at the visit adds Z23 (encounter for immunization), once however "
    "many vaccines were given.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.2 (Z23 may be used as a secondary code "
    "when the immunization is given during a routine exam)",
    example="Influenza vaccine given at an annual physical -> Z00.00, Z23.",
)
def add_immunization(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add Z23 when a vaccine product is among the visit's services."""
    given = [s for s in visit.services if getattr(s, "kind", "") == "vaccine"]
    if given and not _has(dxs, "Z23"):
        ev = given[0].evidence[0]
        _add(dxs, "Z23", (ev.start, ev.end), "vaccine given (I.C.21.c.2)", weight=0.5)
    return dxs


_FOLLOW_UP = re.compile(
    r"\b(?:follow[- ]?up (?:exam|visit|examination)? ?after (?:completed )?(?:treatment|"
    r"pneumonia|antibiotics)|after completed treatment|course completed|treatment completed|"
    r"(?:no current treatment|surveillance)[^.\n]{0,80}\b(?:history|excised|removed))\b"
    r"|\bfollow[- ]?up exam after completed treatment\b",
    re.I,
)
_RESOLVED = re.compile(
    r"\b(?:resolved|no evidence of recurrence|without recurrence|completed|cured|healed)\b", re.I
)
_MALIGNANT_HISTORY = re.compile(
    r"\bhistory of (?:\w+ ){0,3}?(?:carcinoma|cancer|melanoma|malignan\w+|lymphoma)\b", re.I
)


@rule(
    "GL012",
    "follow-up-after-treatment",
    stage="diagnoses",
    what="A visit to check on a condition whose treatment is complete is coded Z09 (or Z08 "
    "after a malignancy) first, with the personal-history code of the condition; the "
    "condition itself is no longer coded.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.8 (follow-up codes, used with history "
    "codes); I.C.21.c.4 (history codes)",
    example="Seen 4 weeks after pneumonia, treatment completed, resolved -> Z09, Z87.01.",
)
def add_follow_up(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Replace treated-and-resolved conditions with Z09/Z08 and their history codes."""
    m = _FOLLOW_UP.search(visit.text)
    if not m or not _RESOLVED.search(visit.text):
        return dxs
    out: list[Dx] = []
    malignant = bool(_MALIGNANT_HISTORY.search(visit.text)) or _has(dxs, "Z85")
    for d in dxs:
        hist = history_code(d.code) if d.code[0] not in "Z" else None
        if hist:
            if hist.startswith("Z85"):
                malignant = True
            out.append(Dx(hist, d.score, d.evidence, [*d.reasons, "treatment completed"]))
        else:
            out.append(d)
    code = "Z08" if malignant else "Z09"
    out.append(Dx(code, 0.95, [m.span()], ["follow-up after completed treatment"], weight=1.2))
    return out


_WEEKS = re.compile(
    r"\b(\d{1,2})(?:\s*(?:\+|and )\s*\d/7)?\s*(?:weeks?|wks?)(?:'|’)?\s*"
    r"(?:gestation|pregnant|of pregnancy|gestational age|ga)?\b",
    re.I,
)
_PREGNANT = re.compile(r"\b(?:pregnan\w*|prenatal|gestation|G\d+P\d+|gravid\w*|trimester)\b", re.I)


def _gestation_weeks(visit: Visit) -> tuple[int, tuple[int, int]] | None:
    if not _PREGNANT.search(visit.text):
        return None
    for m in _WEEKS.finditer(visit.text):
        around = visit.text[max(0, m.start() - 40) : m.end() + 40].lower()
        if re.search(r"gestation|pregnan|prenatal|\bat \d|g\d|ga\b|trimester", around):
            weeks = int(m.group(1))
            if 1 <= weeks <= 45:
                return weeks, m.span()
    return None


def _z3a(weeks: int) -> str:
    if weeks < 8:
        return "Z3A01"
    if weeks > 42:
        return "Z3A49"
    return f"Z3A{weeks:02d}"


@rule(
    "GL015",
    "weeks-of-gestation",
    stage="diagnoses",
    what="A pregnancy visit adds the Z3A code for the documented weeks of gestation, beside "
    "the chapter 15 code or the supervision-of-pregnancy code.",
    citation="ICD-10-CM Official Guidelines I.C.15.a.3 and I.C.21.c.11 (Z3A weeks of "
    "gestation); Tabular Z3A",
    example="Routine prenatal visit at 24 weeks -> Z34.82, Z3A.24.",
)
def add_weeks_of_gestation(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add Z3A.xx when the note gives the weeks of a current pregnancy."""
    found = _gestation_weeks(visit)
    if not found or visit.sex == "M" or _has(dxs, "Z39", "Z32"):
        return dxs
    # the weeks the note gives replace any weeks-of-gestation code matched from words
    dxs = [d for d in dxs if not d.code.startswith("Z3A")]
    if not _has(dxs, "O", "Z34") and not _ROUTINE_PRENATAL.search(visit.text):
        return dxs
    weeks, span = found
    _add(dxs, _z3a(weeks), span, f"{weeks} weeks of gestation documented", weight=0.2)
    return dxs


def _trimester(weeks: int) -> int:
    return 1 if weeks < 14 else 2 if weeks < 28 else 3


_ROUTINE_PRENATAL = re.compile(
    r"\b(?:routine prenatal|normal pregnancy|uncomplicated pregnancy|supervision of normal "
    r"pregnancy|prenatal visit)\b",
    re.I,
)
_FIRST_PREGNANCY = re.compile(r"\b(?:G1P0|primigravida|first pregnancy)\b", re.I)


@rule(
    "GL014",
    "pregnancy-supervision",
    stage="diagnoses",
    what="A routine prenatal visit with no complication is coded Z34.0- (first pregnancy) or "
    "Z34.8- (other), with the trimester from the weeks of gestation.",
    citation="ICD-10-CM Official Guidelines I.C.15.b.1 (routine outpatient prenatal visits, "
    "Z34 first-listed)",
    example="G2P1 at 24 weeks, uncomplicated -> Z34.82 first.",
)
def add_pregnancy_supervision(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add Z34.x for an uncomplicated prenatal visit."""
    m = _ROUTINE_PRENATAL.search(visit.text)
    # Z34.9- (unspecified normal pregnancy) gives way to the code the note supports
    if not m or _has(dxs, "O", "Z340", "Z348") or visit.sex == "M":
        return dxs
    found = _gestation_weeks(visit)
    if not found:
        return dxs
    dxs = [d for d in dxs if not d.code.startswith("Z349")]
    tri = _trimester(found[0])
    code = f"Z340{tri}" if _FIRST_PREGNANCY.search(visit.text) else f"Z348{tri}"
    dxs.append(Dx(code, 0.95, [m.span()], ["routine prenatal visit (I.C.15.b.1)"], weight=1.2))
    return dxs


_TRIMESTER_WORDS = {1: "first trimester", 2: "second trimester", 3: "third trimester"}


@rule(
    "GL016",
    "trimester",
    stage="diagnoses",
    what="Chapter 15 codes with a trimester take the trimester the weeks of gestation put "
    "the visit in (first: under 14 weeks, second: 14 to under 28, third: 28 on).",
    citation="ICD-10-CM Official Guidelines I.C.15.a.3 (trimesters counted from the first "
    "day of the last menstrual period)",
    example="Hypothyroidism in pregnancy at 35 weeks -> O99.283, not O99.281.",
)
def set_trimester(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Move an O code to the sibling named for the documented trimester."""
    found = _gestation_weeks(visit)
    if not found:
        return dxs
    word = _TRIMESTER_WORDS[_trimester(found[0])]
    release = visit.release
    for d in dxs:
        if d.code[0] != "O":
            continue
        desc = (release.description(d.code) or "").lower()
        if "trimester" not in desc or word in desc:
            continue
        base = desc
        for w in (*_TRIMESTER_WORDS.values(), "unspecified trimester"):
            base = base.replace(w, "")
        for sib in release.billable_descendants(d.code[:-1]) or ():
            sd = (release.description(sib) or "").lower()
            if word in sd and sd.replace(word, "") == base:
                d.code = sib
                d.reasons.append(f"{word} from {found[0]} weeks")
                break
    return dxs


# Long-term drug therapy: drug words -> Z79 code, and the diagnoses it needs beside it.
_DRUGS = (
    (
        r"warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|dabigatran|edoxaban|"
        r"anticoagula\w+",
        "Z7901",
        None,
    ),
    (
        r"insulin|glargine|lantus|lispro|humalog|aspart|novolog|detemir|degludec|"
        r"insulin pump",
        "Z794",
        ("E11", "E13", "E08", "E09", "O24"),
    ),
    (
        r"metformin|glipizide|glyburide|glimepiride|sitagliptin|pioglitazone|empagliflozin|"
        r"dapagliflozin|oral hypoglycemic",
        "Z7984",
        ("E11", "E13", "E08", "E09", "O24"),
    ),
    (
        r"semaglutide|dulaglutide|liraglutide|tirzepatide|exenatide",
        "Z7985",
        ("E11", "E13", "E08", "E09"),
    ),
    (r"alendronate|risedronate|ibandronate|bisphosphonate", "Z7983", None),
    (r"(?:long[- ]term|chronic) (?:prednisone|steroids?|corticosteroids?)", "Z7952", None),
)
_STOPPED = re.compile(
    r"\b(?:stopped|discontinued|held|allerg\w+|temporar\w+|one[- ]time|declined|avoid)\b", re.I
)


@rule(
    "GL018",
    "long-term-drug-therapy",
    stage="diagnoses",
    what="Long-term use of anticoagulants (Z79.01), insulin (Z79.4), oral hypoglycemics "
    "(Z79.84), injectable non-insulin antidiabetics (Z79.85) or bisphosphonates (Z79.83) "
    "is coded beside the condition; the diabetes drugs only with type 2 or secondary "
    "diabetes (insulin inherent in type 1), not for insulin given once to bring sugar down.",
    citation="ICD-10-CM Official Guidelines I.C.4.a.3 (diabetes and insulin, oral "
    "hypoglycemics, injectable non-insulin drugs); I.C.21.c.3 (Z79)",
    example="Type 2 diabetes on metformin and glargine -> E11.x, Z79.4, Z79.84.",
)
def add_long_term_drugs(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add Z79 codes for the drugs the note says the patient takes."""
    for pattern, code, needs in _DRUGS:
        if needs and not _has(dxs, *needs):
            continue
        for m in re.finditer(rf"\b(?:{pattern})\b", visit.text, re.I):
            s, e = visit.sentence_of(m.start())
            if _STOPPED.search(visit.text[s : e + 1]):
                continue
            _add(dxs, code, m.span(), f"long-term drug therapy: '{m.group()}'", weight=0.1)
            break
    return dxs


_BMI = re.compile(r"\bBMI(?: of| is|:)?\s*(\d{2}(?:\.\d)?)\b", re.I)
_WEIGHT_DX = ("E66", "E660", "R635", "E44", "E43", "E46", "R636", "E45")


def _bmi_code(bmi: float, age: int | None) -> str | None:
    if age is not None and age < 20:
        return None  # pediatric BMI is a percentile (Z68.5-)
    if bmi < 20:
        return "Z681"
    if bmi < 40:
        return f"Z68{int(bmi)}"
    for limit, code in ((45, "Z6841"), (50, "Z6842"), (60, "Z6843"), (70, "Z6844")):
        if bmi < limit:
            return code
    return "Z6845"


@rule(
    "GL019",
    "bmi-with-weight-diagnosis",
    stage="diagnoses",
    what="The adult BMI code (Z68.1-Z68.45) is added only when a weight diagnosis "
    "(overweight, obesity, underweight, malnutrition) is coded; a BMI alone is not coded.",
    citation="ICD-10-CM Official Guidelines I.B.14 and I.C.21.c.3 (BMI codes only with an "
    "associated reportable diagnosis)",
    example="'Obesity, BMI 31.4' -> E66.9, Z68.31; 'BMI 24' at a physical -> nothing.",
)
def add_bmi(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add Z68.xx from the documented BMI when a weight diagnosis is suggested."""
    m = _BMI.search(visit.text)
    if not m or not _has(dxs, *_WEIGHT_DX) or _has(dxs, "Z68"):
        return dxs
    code = _bmi_code(float(m.group(1)), visit.age)
    if code and visit.release.is_billable(code):
        _add(dxs, code, m.span(), f"BMI {m.group(1)} with a weight diagnosis", weight=0.1)
    return dxs


_FORMER_SMOKER = re.compile(
    r"\b(?:former smoker|ex-?smoker|quit smoking|stopped smoking|(?:smoker|smoking),? quit|"
    r"history of (?:tobacco use|smoking))\b",
    re.I,
)


@rule(
    "GL020",
    "history-of-tobacco",
    stage="diagnoses",
    what="A former smoker is coded Z87.891 (personal history of nicotine dependence), not "
    "current nicotine dependence.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.4 (history codes); Tabular Z87.891, "
    "F17 Excludes1 history of tobacco dependence",
    example="'Former smoker, quit 5 years ago' with COPD -> J44.1, Z87.891.",
)
def add_tobacco_history(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Replace current nicotine dependence with Z87.891 when the note says the patient quit."""
    m = _FORMER_SMOKER.search(visit.text)
    if not m:
        return dxs
    out = [d for d in dxs if not d.code.startswith(("F17", "Z720"))]
    _add(out, "Z87891", m.span(), "former smoker", weight=0.1)
    return out

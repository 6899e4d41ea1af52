"""Outpatient guideline rules that refine a condition's code from what the note says about it:
qualifiers in a title the note does not support, identified influenza, conditions in pregnancy,
pregnancy tests, counseling that is part of another service, the infectious agent, dementia in
a disease classified elsewhere, and device status.

Each rule is one function registered with its guideline section (see ``_registry``).
"""

from __future__ import annotations

import re

from medbill.core.suggest._registry import Visit, rule
from medbill.core.suggest._rules import Dx

__all__ = [
    "condition_in_pregnancy",
    "counseling_integral",
    "dementia_manifestation",
    "device_status",
    "identified_influenza",
    "infectious_agent",
    "pregnancy_test",
    "undocumented_remission",
]


def _has(dxs: list[Dx], *prefixes: str) -> bool:
    return any(d.code.startswith(prefixes) for d in dxs)


@rule(
    "GL006",
    "undocumented-remission",
    stage="diagnoses",
    what="A code whose title says 'in remission' is used only when the note says the "
    "condition is in remission; otherwise the code of the same title without it.",
    citation="ICD-10-CM Official Guidelines I.B.1-2 and III.B (code what is documented; "
    "the provider documents remission)",
    example="'Type 2 diabetes mellitus without complications' -> E11.9, not E11.A.",
)
def undocumented_remission(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Move 'in remission' codes to their sibling when 'remission' is not in the note."""
    if re.search(r"\bremission\b", visit.text, re.I):
        return dxs
    release = visit.release
    for d in dxs:
        title = release.description(d.code) or ""
        if not title.endswith(" in remission"):
            continue
        plain = title[: -len(" in remission")]
        sibling = next(
            (
                c
                for c in release.billable_descendants(d.code[:3])
                if release.description(c) == plain
            ),
            None,
        )
        if sibling:
            d.code = sibling
            d.reasons.append("remission not documented")
    return dxs


_IDENTIFIED_FLU = re.compile(
    r"\b(?:influenza|flu) (?:type )?[AB]\b|\bpositive for (?:influenza|flu)\b|\bH[13]N[12]\b",
)


@rule(
    "GL008",
    "identified-influenza",
    stage="diagnoses",
    what="Influenza with an identified virus type (influenza A or B confirmed) is coded "
    "J10.-, not J11.- (influenza due to unidentified virus).",
    citation="ICD-10-CM Official Guidelines I.C.10.c; Tabular J10 (influenza due to other "
    "identified influenza virus) and J11",
    example="'Rapid test positive for influenza A' -> J10.1, not J11.1.",
)
def identified_influenza(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Move J11.x to the J10.x of the same manifestation when the virus type is stated."""
    if not _IDENTIFIED_FLU.search(visit.text):
        return dxs
    for d in dxs:
        if d.code.startswith("J11"):
            alt = "J10" + d.code[3:]
            if visit.release.is_billable(alt):
                d.code = alt
                d.reasons.append("influenza virus type identified")
    return dxs


_PREGNANCY_NOW = re.compile(
    r"\b(?:\d{1,2} weeks?(?: gestation| pregnant|' gestation)|G\d+P\d+|"
    r"(?:complicating|in) pregnancy|pregnant|prenatal)\b",
    re.I,
)
# Condition chapter (code prefix) -> chapter 15 subcategory (trimester character appended).
_IN_PREGNANCY = (
    ("E11", "O2411"),
    ("E10", "O2401"),
    ("I10", "O1001"),
    ("E66", "O9921"),
    ("E0", "O9928"),
    ("E2", "O9928"),
    ("E5", "O9928"),
    ("D5", "O9901"),
    ("D6", "O9911"),
    ("F", "O9934"),
    ("G", "O9935"),
    ("I", "O9941"),
    ("J", "O9951"),
    ("K", "O9961"),
    ("L", "O9971"),
)


def _weeks(visit: Visit) -> int | None:
    m = re.search(r"\b(\d{1,2})\s*weeks?\b", visit.text, re.I)
    return int(m.group(1)) if m else None


@rule(
    "GL013",
    "condition-in-pregnancy",
    stage="diagnoses",
    what="A condition of a pregnant patient is presumed to complicate the pregnancy: the "
    "chapter 15 code (O99.2-, O99.3-, O10.0-, O24.1- ...) with the trimester is listed, "
    "followed by the condition's own code; only the provider's 'incidental' makes it "
    "otherwise.",
    citation="ICD-10-CM Official Guidelines I.C.15.a.1 (chapter 15 codes have sequencing "
    "priority; conditions in pregnancy assumed to complicate it) and I.C.15.a.3 (trimester)",
    example="Hypothyroidism at 35 weeks -> O99.283, E03.9, Z3A.35.",
)
def condition_in_pregnancy(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add the O code for each condition of a pregnant patient, ahead of it."""
    if visit.sex == "M" or not _PREGNANCY_NOW.search(visit.text):
        return dxs
    if re.search(
        r"\bincidental\b|\bpostpartum (?:visit|care|check)\b|\bweeks? (?:after|postpartum)\b",
        visit.text,
        re.I,
    ):
        return dxs
    weeks = _weeks(visit)
    if weeks is None:
        return dxs
    tri = 1 if weeks < 14 else 2 if weeks < 28 else 3
    out: list[Dx] = []
    for d in dxs:
        target = next((o for p, o in _IN_PREGNANCY if d.code.startswith(p)), None)
        gestational = target is not None and target.startswith("O24") and _has(dxs, "O244")
        if target and not gestational and not _has(dxs, target[:4]):
            code = f"{target}{tri}"
            if visit.release.is_billable(code):
                out.append(
                    Dx(
                        code,
                        d.score,
                        d.evidence,
                        [*d.reasons, "condition in pregnancy (I.C.15.a.1)"],
                        weight=d.weight + 0.1,
                    )
                )
        out.append(d)
    return out


_PREG_TEST = re.compile(
    r"\b(?:urine |serum )?(?:pregnancy|hcg) test\b[^.\n]{0,30}\b(positive|negative)\b", re.I
)


@rule(
    "GL017",
    "pregnancy-test",
    stage="diagnoses",
    what="A visit to find out whether the patient is pregnant is coded Z32.01 (positive) or "
    "Z32.02 (negative); 'pregnant state, incidental' (Z33.1) is not used beside a pregnancy "
    "code or on a visit about the pregnancy.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.11 (Z32 pregnancy test; Z33.1 when the "
    "pregnancy is incidental to the visit) and I.C.15.a.1",
    example="'Urine pregnancy test in office: positive' after a missed period -> Z32.01.",
)
def pregnancy_test(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add Z32.0x for a pregnancy-test visit; drop Z33.1 on pregnancy visits."""
    pregnancy_visit = _has(dxs, "O", "Z34", "Z3A", "Z39", "Z32")
    m = _PREG_TEST.search(visit.text)
    if m and not pregnancy_visit and not re.search(r"\bnot needed\b", visit.text, re.I):
        code = "Z3201" if m.group(1).lower() == "positive" else "Z3202"
        dxs = [d for d in dxs if not d.code.startswith(("N91", "R11", "Z331"))]
        dxs.append(Dx(code, 0.9, [m.span()], ["pregnancy test visit"], weight=1.1))
        return dxs
    if pregnancy_visit or _PREGNANCY_NOW.search(visit.text):
        return [d for d in dxs if d.code != "Z331"]
    return dxs


@rule(
    "GL021",
    "counseling-integral",
    stage="diagnoses",
    what="Counseling Z codes (Z71.-) are not added when the counseling is part of the "
    "visit's other services (vaccine counseling, anticipatory guidance at a preventive exam, "
    "counseling about the condition treated).",
    citation="ICD-10-CM Official Guidelines I.C.21.c.10 (counseling Z codes are not used "
    "with a diagnosis code when the counseling is integral to standard treatment)",
    example="Well-child visit, 'counseled the mother on each vaccine' -> no Z71.9.",
)
def counseling_integral(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop Z71.x when any other code is coded."""
    if not any(not d.code.startswith("Z71") for d in dxs):
        return dxs
    return [d for d in dxs if not d.code.startswith("Z71")]


_ORGANISMS = (
    (r"\b(?:e\.? ?coli|escherichia coli)\b", "B9620"),
    (r"\bmrsa\b|\bmethicillin[- ]resistant staph\w*", "B9562"),
    (r"\b(?:mssa|staph(?:ylococcus)? aureus)\b", "B9561"),
    (r"\b(?:group a strep\w*|streptococcus pyogenes)\b", "B950"),
    (r"\bgroup b strep\w*", "B951"),
    (r"\benterococc\w+", "B952"),
    (r"\bklebsiella\b", "B961"),
    (r"\bproteus\b", "B964"),
    (r"\bpseudomonas\b", "B965"),
    (r"\bh(?:\.|aemophilus) ?influenzae\b", "B963"),
)


@rule(
    "GL022",
    "infectious-agent",
    stage="diagnoses",
    what="An infection coded outside chapter 1 whose tabular entry asks for the organism "
    "('use additional code (B95-B97) to identify infectious agent') gets the B95-B97 code of "
    "the organism the note names.",
    citation="ICD-10-CM Official Guidelines I.C.1.b and I.A.12 ('use additional code'); "
    "Tabular N39.0, L02, J01 ...",
    example="Urinary tract infection, culture grew E. coli -> N39.0, B96.20.",
)
def infectious_agent(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add the organism code beside infections whose tabular entry asks for it."""
    named = [(p, c) for p, c in _ORGANISMS if re.search(p, visit.text, re.I)]
    if not named or _has(dxs, "B95", "B96", "B97"):
        return dxs
    wants = False
    for d in dxs:
        info = visit.release.get(d.code)
        notes = list(getattr(info, "use_additional", ()) or ()) if info else []
        cat = visit.release.get(d.code[:3])
        notes += list(getattr(cat, "use_additional", ()) or ()) if cat else []
        if any("B95" in n or "infectious agent" in n.lower() for n in notes):
            wants = True
            break
    if not wants:
        return dxs
    for pattern, code in named:
        m = re.search(pattern, visit.text, re.I)
        if m:
            dxs.append(Dx(code, 0.85, [m.span()], [f"organism named: '{m.group()}'"], weight=0.2))
            break
    return dxs


_DEMENTIA = re.compile(r"\bdementia\b|\bmajor neurocognitive disorder\b", re.I)
_BEHAVIOR = re.compile(r"\b(?:agitation|aggress\w+|combative|wandering|behavioral disturbance)\b")


@rule(
    "GL023",
    "dementia-in-underlying-disease",
    stage="diagnoses",
    what="Dementia due to Alzheimer's, Parkinson's or another disease classified elsewhere "
    "is coded with the underlying disease first and F02.8- (severity, behavioural "
    "disturbance) after it, never F03.",
    citation="ICD-10-CM Official Guidelines I.A.13 (etiology/manifestation); Tabular G30 "
    "'use additional code to identify dementia (F02.8-)'",
    example="'Alzheimer's disease with late onset; dementia without behavioral disturbance' "
    "-> G30.1, F02.80.",
)
def dementia_manifestation(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add F02.8x beside G30/G31/G20 when dementia is documented; drop F03."""
    m = _DEMENTIA.search(visit.text)
    if not m or not _has(dxs, "G30", "G310", "G3183", "G20", "G35", "B20"):
        return dxs
    negated = re.search(r"\bwithout (?:behavioral|behavioural) disturbance\b", visit.text, re.I)
    behavior = bool(_BEHAVIOR.search(visit.text)) and not negated
    severity = re.search(r"\b(mild|moderate|severe)\b[^.\n]{0,20}dementia", visit.text, re.I)
    if severity:
        code = {"mild": "F02A", "moderate": "F02B", "severe": "F02C"}[severity.group(1).lower()]
        code += "11" if behavior else "0"
    else:
        code = "F02811" if behavior else "F0280"
    out = [d for d in dxs if not d.code.startswith(("F03", "F02"))]
    if visit.release.is_billable(code):
        out.append(Dx(code, 0.9, [m.span()], ["dementia in a disease classified elsewhere"]))
    return out


_DEVICES = (
    (
        r"\bstents?\b[^.\n]{0,40}\b(?:lad|rca|circumflex|coronary|cardiac)\b|"
        r"\b(?:coronary|cardiac|lad|rca) stents?\b|\bpci\b",
        "Z955",
        ("I2", "I1", "E78"),
    ),
    (r"\b(?:icd|implantable (?:cardioverter[- ])?defibrillator|aicd)\b", "Z95810", ("I",)),
    (r"\bpacemaker\b", "Z950", ("I",)),
    (r"\binsulin pump\b", "Z9641", ("E10", "E11", "E13")),
)


@rule(
    "GL024",
    "device-status",
    stage="diagnoses",
    what="A device the patient lives with (coronary stent, implantable defibrillator, "
    "pacemaker, insulin pump) is coded with its status code beside the condition it serves "
    "when the note documents it and it bears on the visit.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.3 (status Z codes: Z95, Z96)",
    example="CAD with a stent to the LAD -> I25.10, Z95.5.",
)
def device_status(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Add Z95/Z96 status codes for documented devices beside their conditions."""
    for pattern, code, needs in _DEVICES:
        if _has(dxs, code) or not _has(dxs, *needs):
            continue
        m = re.search(pattern, visit.text, re.I)
        if not m:
            continue
        s, e = visit.sentence_of(m.start())
        if re.search(
            r"\b(?:no|without|denies|consider\w*|candidate)\b", visit.text[s : e + 1], re.I
        ):
            continue
        dxs.append(Dx(code, 0.85, [m.span()], [f"device documented: '{m.group()}'"], weight=0.1))
    return dxs

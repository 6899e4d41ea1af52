"""Outpatient guideline rules that take codes away: words that are not the disease, signs and
symptoms a diagnosis explains, an unspecified code beside its specific sibling.

Each rule is one function registered with its guideline section (see ``_registry``).
"""

from __future__ import annotations

import re
from typing import Any

from medbill.core.suggest._registry import Visit, rule
from medbill.core.suggest._rules import Dx

__all__ = [
    "keep_highest_substance_level",
    "drop_goal_words",
    "drop_illness_unspecified",
    "drop_unspecified_infection",
    "drop_superficial_beside_severe",
    "best_documented",
    "drop_drug_names",
    "drop_explained_symptoms",
    "drop_external_cause_without_injury",
    "drop_test_names",
    "drop_unspecified_beside_specific",
    "drop_vaccine_names",
]

_VACCINE_WORDS = re.compile(
    r"\b(?:vaccines?|vaccinations?|vaccinated|immuni[sz]ations?|immuni[sz]ed|shots?|boosters?|"
    r"toxoids?|VIS|dtap|tdap|mmr|ipv|gardasil|prevnar|shingrix|menacwy|pcv ?\d*)\b",
    re.I,
)
_TEST_WORDS = re.compile(
    r"\b(?:tests?|testing|screen(?:ing)?|swabs?|cultures?|antigen|pcr|titers?|antibod(?:y|ies)|"
    r"serology|panel)\b",
    re.I,
)
_IMAGING_WORDS = re.compile(
    r"\b(?:x-?rays?|radiographs?|mri|ct(?: scan)?|ultrasound|echocardiogram|echo|dexa|"
    r"imaging|stress (?:test|echocardiogram))\b",
    re.I,
)


def _evidence_words(
    visit: Visit, span: tuple[int, int], pattern: re.Pattern[str], reach: int
) -> bool:
    """Whether ``pattern`` occurs within ``reach`` characters of the span, in its sentence."""
    s, e = visit.sentence_of(span[0])
    window = visit.text[max(s, span[0] - reach) : min(e, span[1] + reach) + 1]
    return bool(pattern.search(window))


def _only_in(dx: Dx, visit: Visit, pattern: re.Pattern[str], reach: int) -> bool:
    return bool(dx.evidence) and all(
        _evidence_words(visit, span, pattern, reach) for span in dx.evidence
    )


@rule(
    "GL001",
    "vaccine-is-not-the-disease",
    stage="diagnoses",
    what="A disease named only as part of a vaccine ('varicella vaccine', 'DTaP, IPV, MMR "
    "given', 'tetanus booster') is not coded: the visit's code is Z23.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.2 (Z23 encounter for immunization); "
    "I.B.1 (locate the condition documented, not a word of a product name)",
    example="'DTaP, IPV, MMR and varicella vaccines given' -> no B01.9, A80.9, B05.9; Z23.",
)
def drop_vaccine_names(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop infectious-disease codes whose every mention sits beside a vaccine word."""
    out = []
    for d in dxs:
        infectious = d.code[0] in "AB" or d.code.startswith(("J09", "J10", "J11", "J13", "U07"))
        if infectious and _only_in(d, visit, _VACCINE_WORDS, 60):
            continue
        out.append(d)
    return out


@rule(
    "GL002",
    "test-is-not-the-disease",
    stage="diagnoses",
    what="A disease named only as the target of a test ('strep test negative', 'rapid "
    "influenza test', 'COVID swab') is not coded from that mention; the provider's "
    "diagnostic statement decides.",
    citation="ICD-10-CM Official Guidelines IV.K and III.B (abnormal findings are not coded "
    "unless the provider documents their significance); IV.H",
    example="'Rapid strep test negative. Assessment: viral pharyngitis' -> J02.9, not J02.0.",
)
def drop_test_names(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop codes whose every mention lies within a few words of a test word, or in the
    sentence of an imaging study (a finding of the study, not the provider's diagnosis)."""
    out = []
    for d in dxs:
        encounter = d.code.startswith(("Z0", "Z1", "Z3"))
        if not encounter and (
            _only_in(d, visit, _TEST_WORDS, 25) or _only_in(d, visit, _IMAGING_WORDS, 200)
        ):
            continue
        out.append(d)
    return out


_ADVERSE = re.compile(
    r"\b(?:toxicity|toxic|overdose|poisoning|adverse|reaction|side effects?|intoxicat\w*|"
    r"underdos\w*|allerg\w*|bleeding on|supratherapeutic|took too many)\b",
    re.I,
)


@rule(
    "GL003",
    "drug-is-not-a-poisoning",
    stage="diagnoses",
    what="A drug the patient takes ('on warfarin', 'taking lithium') is not a poisoning or "
    "adverse effect code (T36-T50) unless the note documents toxicity, an adverse effect, "
    "an overdose or underdosing; long-term use goes to Z79 instead.",
    citation="ICD-10-CM Official Guidelines I.C.19.e (adverse effects, poisoning, "
    "underdosing); I.C.21.c.3 (Z79 long-term drug therapy)",
    example="'Atrial fibrillation on warfarin 5 mg daily' -> I48.91, Z79.01; no T45.515A.",
)
def drop_drug_names(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop T36-T50 codes when no adverse effect, poisoning or underdosing is documented."""
    if _ADVERSE.search(visit.text):
        return dxs
    return [d for d in dxs if not re.match(r"T(3[6-9]|4[0-9]|50)", d.code)]


@rule(
    "GL004",
    "external-cause-needs-injury",
    stage="diagnoses",
    what="External cause codes (V00-Y38) are reported only beside the injury or condition "
    "they explain; without one, the word that matched ('flu shot', 'fall risk') was misread.",
    citation="ICD-10-CM Official Guidelines I.C.20 (external cause codes are secondary codes "
    "for injuries and health conditions caused by an external cause)",
    example="'Flu shot given' -> no W34.00XA (firearm discharge).",
)
def drop_external_cause_without_injury(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop V00-Y38 codes unless an injury or poisoning code (S00-T88) is suggested."""
    if any(d.code[0] in "ST" for d in dxs):
        return dxs
    return [d for d in dxs if not re.match(r"[VWX]|Y[0-3]", d.code)]


# Signs and symptoms (code prefix) -> the diagnosis code prefixes that routinely explain them.
_EXPLAINED_BY: dict[str, tuple[str, ...]] = {
    "R50": ("A", "B", "J0", "J1", "J20", "J21", "J22", "H66", "N10", "N39", "U07", "L0"),
    "R05": ("J", "U07"),
    "R06.0": ("J4", "J1", "I50", "I11", "I13", "J8", "I35", "I34", "U07"),
    "J02.9": ("J06", "J10", "J11", "U07"),
    "R06.2": ("J4", "J2", "J1"),
    "R07.0": ("J02", "J03", "J06"),
    "R09.81": ("J0", "J30"),
    "R09.89": ("J0",),
    "R51": ("J01", "J10", "J11", "G43", "G44", "U07"),
    "R52": ("M", "S"),
    "R11": ("A08", "A09", "K", "O21", "U07"),
    "R19.7": ("A0", "K5"),
    "R10": ("K", "N2", "N39", "A0"),
    "R30": ("N30", "N39", "N34"),
    "R35.0": ("N30", "N39"),
    "R31": ("N2", "N30", "N39"),
    "R00.0": ("E05", "I47", "I48"),
    "R00.2": ("I47", "I48", "I49", "E05"),
    "R60": ("I50", "I11", "I13", "N18"),
    "R63.4": ("E05", "C"),
    "R25.1": ("E05", "G20", "G25"),
    "R53": ("U07", "J10", "J11", "E03", "D5", "D6", "F3"),
    "R43": ("U07",),
    "R21": ("L", "B0"),
    "L29": ("L2", "L30", "L40", "B35", "B86"),
    "M25.5": ("M1", "M23", "M75", "M76", "M77", "S"),
    "M54.5": ("M51", "M54.1", "S33", "S39", "M48"),
    "M54.1": ("M51",),
    "M79.6": ("M54.1", "S"),
    "R20": ("E11.4", "E10.4", "G6", "M54.1"),
    "G47.0": ("F3", "F4"),
    "R45": ("F",),
    "R41": ("F0", "G30", "G31"),
    "R26": ("G20", "M17", "M16"),
    "H57.1": ("H10",),
    "H92.0": ("H6",),
    "N94.6": ("N80",),
    "N91": ("O", "Z3", "E28.2"),
    "R73": ("E1", "O24"),
    "R03.0": ("I1",),
}
_DUE_TO = re.compile(r"\b(?:due to|secondary to|from|because of|caused by|related to)\b", re.I)


def _explained(symptom: str, dxs: list[Dx]) -> Dx | None:
    for prefix, explainers in _EXPLAINED_BY.items():
        if symptom.startswith(prefix.replace(".", "")):
            for d in dxs:
                plain = tuple(e.replace(".", "") for e in explainers)
                if d.code != symptom and d.code.startswith(plain) and d.code[0] != "R":
                    return d
    return None


def _linked(symptom: Dx, dxs: list[Dx], visit: Visit) -> Dx | None:
    """A diagnosis the note links to the symptom in words ('knee pain due to osteoarthritis')."""
    for span in symptom.evidence:
        s, e = visit.sentence_of(span[0])
        sentence = visit.text[s : e + 1]
        if not _DUE_TO.search(sentence):
            continue
        for d in dxs:
            if d is symptom or d.code[0] in "RZ":
                continue
            if any(s <= ds < e + 1 for ds, _de in d.evidence):
                return d
    return None


@rule(
    "GL005",
    "symptom-explained-by-diagnosis",
    stage="diagnoses",
    what="Signs and symptoms that are routinely part of a diagnosis coded on the same visit "
    "are not coded (fever and sore throat beside strep pharyngitis; knee pain due to "
    "osteoarthritis); symptoms not routinely associated with it stay.",
    citation="ICD-10-CM Official Guidelines I.B.4-5 (signs and symptoms; conditions that "
    "are an integral part of a disease process); IV.D",
    example="R50.9 fever, J02.9 pharyngitis and J02.0 strep pharyngitis -> J02.0.",
)
def drop_explained_symptoms(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop symptom codes (chapter 18 and a few symptom codes elsewhere) that a suggested
    diagnosis routinely explains, or that the note says are due to one."""
    out = []
    for d in dxs:
        symptomish = d.code[0] == "R" or any(
            d.code.startswith(p.replace(".", "")) and p[0] != "R" for p in _EXPLAINED_BY
        )
        if symptomish and (_explained(d.code, dxs) or _linked(d, dxs, visit)):
            continue
        out.append(d)
    return out


# Unspecified codes that a more specific code of a *different* category replaces.
_CROSS_CATEGORY = {
    "F32A": ("F33", "F31", "F34"),
    "F329": ("F33", "F31", "F34"),
    "F419": ("F40", "F43"),
    "I509": ("I11", "I13"),
    "E119": ("E10", "E11"),
    "E109": ("E10",),
    "I10": ("I11", "I12", "I13"),
    "N189": ("N18",),
    "J069": ("J01", "J03", "J04", "J10", "J11", "U07"),
    "B349": ("J0", "J1", "J2", "A08", "B0", "U07"),
    "M16": ("M15",),
    "M17": ("M15",),
    "M19": ("M15",),
    "J029": ("J03",),
    "M199": ("M15", "M16", "M17", "M18"),
    "E785": ("E780", "E781", "E782"),
    "N390": ("N30",),
    "L309": ("L20", "L23", "L24", "L25"),
}


def _specificity(code: str, release: Any) -> int:
    """0 for an unspecified code, 1 for 'other' and 'uncomplicated' codes, 2 otherwise; within
    a level, each axis left unspecified counts less ("unspecified acute conjunctivitis,
    bilateral" is more specific than "..., unspecified eye")."""
    desc = (release.description(code) or "").lower()
    axes = desc.count("unspecified")
    if axes or desc.endswith(", not elsewhere classified"):
        return -axes
    if desc.startswith("other ") or desc.endswith(", uncomplicated"):
        return 1
    return 2


@rule(
    "GL007",
    "unspecified-beside-specific",
    stage="diagnoses",
    what="An unspecified code is not reported beside a more specific code for the same "
    "condition (F33.9 with F33.1, F41.9 with F41.1, J45.909 with J45.31), nor an 'other' or "
    "'uncomplicated' code beside a specific one of its category: the most specific code the "
    "documentation supports is used.",
    citation="ICD-10-CM Official Guidelines I.A.9.a (unspecified codes only when the record "
    "does not allow a more specific one); I.B.2 (code to the highest specificity)",
    example="F41.9 anxiety and F41.1 generalized anxiety disorder -> F41.1.",
)
def drop_unspecified_beside_specific(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop an 'unspecified' code when another suggested code of its category is not
    unspecified, or when a listed code of a related category is present."""
    release = visit.release
    codes = sorted({d.code for d in dxs})
    level = {c: _specificity(c, release) for c in codes}
    cross = {c: next((v for k, v in _CROSS_CATEGORY.items() if c.startswith(k)), ()) for c in codes}

    def replaced(code: str, other: str) -> bool:
        if other == code:
            return False
        if other.startswith(cross[code]) and level[other] == 2:
            return True
        return other[:3] == code[:3] and level[code] < level[other]

    return [d for d in dxs if d.code[0] == "Z" or not any(replaced(d.code, c) for c in codes)]


_WORD = re.compile(r"[a-z]+")
_NOT_DISTINGUISHING = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "by",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "without",
        "other",
        "unspecified",
        "specified",
        "type",
        "initial",
        "encounter",
        "subsequent",
        "sequela",
        "nos",
        "elsewhere",
        "classified",
        "not",
        "due",
        "disease",
        "disorder",
        "condition",
    ]
)


def _title_words(title: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(title.lower()) if w not in _NOT_DISTINGUISHING}


def _coverage(d: Dx, visit: Visit) -> float:
    words = _title_words(visit.release.description(d.code) or "")
    if not words:
        return 1.0
    text = " ".join(visit.text[slice(*visit.sentence_of(s))] for s, _e in d.evidence)
    here = {w[:5] for w in _WORD.findall(text.lower())}
    return len(words & here) / len(words)


def _by_convention(d: Dx) -> bool:
    """Codes a coding convention made (combination codes, CKD stage) share evidence with
    their parts by design: they are not rivals."""
    return any(
        "(I." in r or "combination" in r or "CKD stage" in r or "dialysis" in r for r in d.reasons
    )


@rule(
    "GL025",
    "best-documented-code-per-mention",
    stage="diagnoses",
    what="Where one phrase of the note was matched to several codes, only the codes whose "
    "titles the note's words support best are kept ('laceration ... of right hand' is "
    "S61.411A, not the lacerations of the hip, thigh and knee).",
    citation="ICD-10-CM Official Guidelines I.B.1-2 (locate the term documented, then code "
    "to the highest specificity the documentation supports) and I.A.9",
    example="'Alcohol dependence, uncomplicated' -> F10.20, not F10.920 (with intoxication).",
)
def best_documented(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Among codes sharing an evidence span, drop those whose title words are less present in
    the evidence sentences than the best one's."""
    scored = [
        (d, _coverage(d, visit))
        for d in dxs
        if d.code[0] != "Z" and d.evidence and not _by_convention(d)
    ]
    drop = set()
    for d, cov in scored:
        spans = set(d.evidence)
        rivals = [c for o, c in scored if o is not d and spans & set(o.evidence)]
        if rivals and cov < max(rivals) - 1e-9:
            drop.add(id(d))
    return [d for d in dxs if id(d) not in drop]


_PLANNED_CHANGE = re.compile(
    r"\b(?:discuss\w*|advis\w*|counsel\w*|recommend\w*|encourag\w*|goal|program|referral|"
    r"plan\w*|diet)\b[^.\n]{0,30}\bweight loss\b|\bweight loss\b[^.\n]{0,20}\b(?:goal|"
    r"program|counsel\w*|surgery|medication)\b",
    re.I,
)


@rule(
    "GL026",
    "goal-is-not-a-finding",
    stage="diagnoses",
    what="Weight loss named as a goal or advice ('discussed weight loss', 'weight loss "
    "program') is not the symptom abnormal weight loss (R63.4).",
    citation="ICD-10-CM Official Guidelines I.B.4 (signs and symptoms are coded when "
    "documented as the patient's findings) and IV.D",
    example="'Obesity, BMI 31.4. Discussed weight loss.' -> E66.9, Z68.31; no R63.4.",
)
def drop_goal_words(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop R63.4 when every mention of weight loss is advice or a goal."""
    out = []
    for d in dxs:
        if d.code == "R634" and all(
            _PLANNED_CHANGE.search(visit.text[slice(*visit.sentence_of(s))]) for s, _e in d.evidence
        ):
            continue
        out.append(d)
    return out


@rule(
    "GL027",
    "superficial-beside-severe-injury",
    stage="diagnoses",
    what="A superficial injury (abrasion, contusion, blister, insect bite: S00, S10 ... S90) "
    "is not coded beside a more severe injury of the same body region as the Tabular groups "
    "them (a fracture, dislocation, sprain or open wound of S00-S09 ... S90-S99).",
    citation="ICD-10-CM Official Guidelines I.C.19.b.1 (superficial injuries are not coded "
    "when associated with more severe injuries of the same site)",
    example="Fractured right fifth metatarsal with a bruised foot -> S92.351A, not S90.31XA.",
)
def drop_superficial_beside_severe(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop S_0 superficial injury codes when another injury of the same block (the body
    region: the tens digit of S00-S99) is coded."""

    def superficial(code: str) -> bool:
        return code[:1] == "S" and code[2:3] == "0"

    severe = {d.code[1] for d in dxs if d.code[:1] == "S" and not superficial(d.code)}
    return [d for d in dxs if not (superficial(d.code) and d.code[1] in severe)]


@rule(
    "GL028",
    "illness-unspecified-beside-a-diagnosis",
    stage="diagnoses",
    what="R69 (illness, unspecified) says only that the patient is ill: it is not reported "
    "beside any other diagnosis, which says more ('coronary artery disease' is not also "
    "R69 for the word 'disease').",
    citation="ICD-10-CM Official Guidelines IV.D and I.B.4-5 (signs, symptoms and ill-defined "
    "conditions only when no diagnosis is established); I.A.9.a",
    example="Coronary artery disease -> I25.10, not I25.10 and R69.",
)
def drop_illness_unspecified(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop R69 when another diagnosis (not a Z code) is coded."""
    if not any(d.code[0] != "Z" and d.code != "R69" for d in dxs):
        return dxs
    return [d for d in dxs if d.code != "R69"]


@rule(
    "GL033",
    "use-abuse-dependence",
    stage="diagnoses",
    what="Use, abuse and dependence of one substance are a hierarchy: only the highest "
    "documented is coded (dependence F1x.2 over abuse F1x.1 over use F1x.9), so 'alcohol' "
    "beside alcohol dependence is not also alcohol abuse F10.10.",
    citation="ICD-10-CM Official Guidelines I.C.5.b.2 (psychoactive substance use, abuse and "
    "dependence: only one code per substance, the highest in the hierarchy); Tabular F10-F19 "
    "Excludes1",
    example="'Alcohol dependence ... drinks alcohol daily' -> F10.20 only.",
)
def keep_highest_substance_level(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop F1x.1 and F1x.9 codes when a higher level of the same substance is coded."""
    level = {"2": 3, "1": 2, "9": 1}

    def rank(code: str) -> int:
        return level.get(code[3:4], 0) if re.match(r"F1[0-9]", code) else 0

    top: dict[str, int] = {}
    for d in dxs:
        if rank(d.code):
            top[d.code[:3]] = max(top.get(d.code[:3], 0), rank(d.code))
    return [d for d in dxs if not rank(d.code) or rank(d.code) >= top[d.code[:3]]]


@rule(
    "GL034",
    "unspecified-infection-beside-an-infection",
    stage="diagnoses",
    what="B99.9 (unspecified infectious disease) is not reported beside a code that names "
    "the infection (urinary tract infection N39.0, acute upper respiratory infection J06.9) "
    "or its organism.",
    citation="ICD-10-CM Official Guidelines I.A.9.a and I.B.2 (the most specific code the "
    "documentation supports); Tabular B99 (certain localized infections: see the body "
    "system chapters)",
    example="Urinary tract infection due to E. coli -> N39.0, B96.20; not B99.9.",
)
def drop_unspecified_infection(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop B99.9 when another code is an infectious disease (A00-B99) or says infection."""
    release = visit.release

    def infection(code: str) -> bool:
        title = (release.description(code) or "").lower()
        return code != "B999" and (code[0] in "AB" or "infect" in title)

    if not any(infection(d.code) for d in dxs):
        return dxs
    return [d for d in dxs if d.code != "B999"]

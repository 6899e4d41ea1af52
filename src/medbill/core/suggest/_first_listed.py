"""Outpatient guideline rules for what is coded and in which order: chronic conditions treated
at the visit, the reason for the encounter first, and codes that may not be listed first.

Each rule is one function registered with its guideline section (see ``_registry``).
"""

from __future__ import annotations

import re

from medbill.core.suggest._registry import Visit, rule
from medbill.core.suggest._rules import Dx

__all__ = [
    "assessment_governs",
    "assessment_order",
    "chronic_treated",
    "encounter_reason_first",
    "never_first",
]

_CHRONIC = re.compile(
    r"^(E0[89]|E1[0-3]|E03|E05|E28|E55|E66|E78|I1[0-6]|I2[05]|I35|I48|I50|J4[45]|F|G20|G30|"
    r"G40|G47|K21|M1[5-9]|M81|N18|N40|B20|M05|M06|K50|K51|L40|L20)"
)
_TREATED = re.compile(
    r"\b(?:on|taking|continue[sd]?|controlled|stable|at goal|not at goal|refills?|increase[sd]?|"
    r"decrease[sd]?|start(?:ed)?|adjust\w*|managed|treated|follow[- ]?up)\b",
    re.I,
)


@rule(
    "GL009",
    "chronic-condition-treated",
    stage="context",
    what="A chronic condition the provider treats or manages at the visit (medication "
    "continued or changed, status assessed) is coded even when the learned ranker was "
    "unsure of it; chronic conditions only listed in the history are not.",
    citation="ICD-10-CM Official Guidelines IV.I and IV.J (chronic diseases treated on an "
    "ongoing basis; code all documented conditions that coexist and affect care)",
    example="'Hypertension on amlodipine' in a chest-pain visit -> I10 kept beside R07.89.",
)
def chronic_treated(dxs: list[Dx], visit: Visit, review: list[Dx]) -> list[Dx]:
    """Move review-level chronic conditions with treatment words in their sentence to the
    suggested list."""
    have = {d.code for d in dxs}
    for d in list(review):
        if d.code in have or not _CHRONIC.match(d.code) or not d.evidence:
            continue
        sections = {visit.section_of(s) for s, _e in d.evidence}
        if sections <= {"past_history", "medications", "family_history", "allergies"}:
            continue
        sentences = [visit.text[slice(*visit.sentence_of(s))] for s, _e in d.evidence]
        if any(_TREATED.search(s) for s in sentences):
            d.reasons.append("chronic condition treated at the visit (IV.J)")
            dxs.append(d)
            review.remove(d)
            have.add(d.code)
    return dxs


# Z codes that may only be first-listed (I.C.21.c.15) and other encounter reasons that lead.
_FIRST_ONLY = ("Z00", "Z01", "Z02", "Z04", "Z34", "Z39", "Z08", "Z09", "Z30", "Z32", "Z51")


@rule(
    "GL030",
    "encounter-reason-first",
    stage="sequence",
    what="Z codes that may only be first-listed (routine exams Z00-Z01, supervision of "
    "normal pregnancy Z34, postpartum care Z39, follow-up exams Z08-Z09, contraceptive "
    "management Z30, pregnancy test Z32) lead the claim; Z23 leads a visit that was only "
    "for immunization.",
    citation="ICD-10-CM Official Guidelines I.C.21.c.15 (Z codes that may only be "
    "principal/first-listed); IV.G",
    example="Well-child visit with eczema and vaccines -> Z00.121, L20.9, Z23.",
)
def encounter_reason_first(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Put first-listed-only Z codes first; Z23 first when nothing but Z codes is coded."""
    lead = [d for d in dxs if d.code.startswith(_FIRST_ONLY)]
    rest = [d for d in dxs if d not in lead]
    if not lead and rest and all(d.code[0] == "Z" for d in rest):
        lead = [d for d in rest if d.code == "Z23"]
        rest = [d for d in rest if d not in lead]
    return lead + rest


def _assessment_position(d: Dx, visit: Visit) -> int | None:
    spots = [s for s, _e in d.evidence if visit.section_of(s) == "assessment"]
    return min(spots) if spots else None


@rule(
    "GL031",
    "reason-for-visit-first",
    stage="sequence",
    what="After the encounter-reason Z codes, the diagnosis chiefly responsible for the "
    "visit comes first: the provider's assessment, in the order the provider lists it, "
    "then what is coded from the rest of the note.",
    citation="ICD-10-CM Official Guidelines IV.G (first-listed condition: the diagnosis "
    "chiefly responsible for the services provided); IV.C-D",
    example="Assessment '1. Type 2 diabetes ... 2. Hypertension' -> E11.x before I10.",
)
def assessment_order(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Stable reorder: codes in the assessment by their first position there, others after
    in their current order (first-listed-only Z codes keep the lead)."""
    lead = [d for d in dxs if d.code.startswith(_FIRST_ONLY)]
    rest = [d for d in dxs if d not in lead]
    placed = [(p, i, d) for i, d in enumerate(rest) if (p := _assessment_position(d, visit))]
    others = [d for d in rest if _assessment_position(d, visit) is None]
    placed.sort(key=lambda t: (t[0], t[1]))
    return lead + [d for _p, _i, d in placed] + others


# Codes that are never first-listed: external causes, manifestations, and the Z codes the
# guidelines use only beside another code (weeks of gestation, BMI, long-term drugs ...).
_NEVER_FIRST = re.compile(
    r"^(?:[VWXY]|Z3A|Z68|Z79|Z87|Z86|Z85|Z80|Z81|Z82|Z83|Z84|Z91|Z92|Z95|Z96|Z99|B9[5-7]|"
    r"Z72|F02|F03[0-9A-Z]*$)"
)


@rule(
    "GL032",
    "never-first",
    stage="sequence",
    what="A code that may not lead a claim (external cause V00-Y99, a manifestation code, "
    "the organism codes B95-B97, and status, history and additional-only Z codes such as "
    "Z3A, Z68, Z79, Z80-Z87, Z95-Z99) is moved behind the first code that may lead.",
    citation="ICD-10-CM Official Guidelines I.A.13 (etiology/manifestation), I.C.1.b "
    "(B95-B97 as additional codes), I.C.20 and I.C.21.c (Z code sequencing); CMS MCE "
    "manifestation-not-principal list",
    example="[Z79.01, I48.91] -> [I48.91, Z79.01].",
)
def never_first(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Move the first code that may lead to the front, keeping the others in order."""
    if not dxs:
        return dxs

    def may_lead(d: Dx) -> bool:
        if _NEVER_FIRST.match(d.code) or d.code in visit.manifestations:
            return False
        return "in diseases classified elsewhere" not in (visit.release.description(d.code) or "")

    if may_lead(dxs[0]):
        return dxs
    lead = next((d for d in dxs if may_lead(d)), None)
    if lead is None:
        return dxs
    return [lead, *(d for d in dxs if d is not lead)]


_STATEMENT_SECTIONS = frozenset({"assessment", "plan"})
_UNCERTAIN = re.compile(
    r"\b(?:rule out|r/o|probable|probably|suspected|suspect|possible|likely|versus|vs\.?|"
    r"concern for|questionable|presumed)\b",
    re.I,
)


@rule(
    "GL029",
    "assessment-governs",
    stage="sequence",
    what="When the provider writes an assessment, the conditions coded are the ones it (or "
    "the plan) names; a condition seen only in the history, review of systems or exam, "
    "neither assessed nor treated, is left for the coder's review.",
    citation="ICD-10-CM Official Guidelines IV.J (code conditions that coexist and require "
    "or affect care at the visit), IV.C-D (the provider's diagnostic statement) and IV.H "
    "(an uncertain diagnosis is coded as its signs and symptoms, wherever written)",
    example="HPI 'recent cold', Assessment 'acute otitis media' -> H66.9x only.",
)
def assessment_governs(dxs: list[Dx], visit: Visit) -> list[Dx]:
    """Drop non-Z codes whose evidence lies wholly outside the assessment and plan, when the
    note has an assessment; codes a rule promoted as treated stay."""
    if not any(s.section == "assessment" for s in visit.sentences):
        return dxs
    statement = " ".join(
        visit.text[s.start : s.end].lower()
        for s in visit.sentences
        if s.section in _STATEMENT_SECTIONS
    )
    # an uncertain diagnosis in the assessment is coded as its signs and symptoms (IV.H)
    uncertain = bool(_UNCERTAIN.search(statement))
    out = []
    for d in dxs:
        if uncertain and d.code[0] == "R":
            out.append(d)
            continue
        # the evidence sits in the assessment or plan, or its words are restated there
        inside = any(
            visit.section_of(s) in _STATEMENT_SECTIONS or visit.text[s:e].lower() in statement
            for s, e in d.evidence
        )
        treated = any("(IV.J)" in r or "(I." in r for r in d.reasons)
        if d.code[0] == "Z" or not d.evidence or inside or treated:
            out.append(d)
    return out

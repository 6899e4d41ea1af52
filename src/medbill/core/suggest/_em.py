"""Office E/M level (99202-99215) and preventive visits (99381-99397) from the note.

The level is the better of what documented total time and medical decision making support
(2021 office E/M rules; MDM needs two of its three elements: problems, data, risk). The reason is
spelled out so the coder can check it against the note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medbill.core.suggest._engine import CodeSuggestion, EmSuggestion

__all__ = ["LEVEL_NAMES", "MODIFIER_25_CODES", "mdm_level", "suggest_em", "time_level"]

LEVEL_NAMES = {1: "minimal", 2: "straightforward", 3: "low", 4: "moderate", 5: "high"}

# Total time on the date of the encounter, minimum minutes per level.
# Tests performed in the office count as unique tests in the data element.
_OFFICE_TESTS = frozenset(
    {"93000", "81003", "81002", "81025", "87880", "87804", "82962", "83036", "94010", "87635"}
)
_NEW_TIME = ((60, 5), (45, 4), (30, 3), (15, 2))
_EST_TIME = ((40, 5), (30, 4), (20, 3), (10, 2))

# Procedures that, billed with an E/M on the same day, need modifier 25 on the E/M.
MODIFIER_25_CODES = frozenset(
    {
        "20610",
        "20605",
        "20600",
        "17110",
        "11200",
        "10060",
        "69210",
        "96372",
        "90471",
        "G0008",
        "G0009",
        "12001",
        "11102",
        "11104",
        "17000",
        "46600",
    }
)

_TIME = re.compile(
    r"(?:total (?:time|face[- ]to[- ]face time)[^.\n\d]{0,60}?|spent(?: a total of)?\s+)"
    r"(\d{1,3})\s*(?:\+\s*)?(?:minutes|mins?)\b"
    r"|\b(\d{1,3})\s*(?:minutes|mins?)\b[^.\n]{0,40}\b(?:total|spent)\b",
    re.I,
)
_NEW = re.compile(r"\bnew patient\b|\bestablish(?:ing)? care\b|\bfirst visit\b", re.I)
_ESTABLISHED = re.compile(r"\bestablished patient\b|\breturns?\b|\bfollow[- ]?up\b", re.I)
_PREVENTIVE = re.compile(
    r"\b(?:annual (?:physical|exam|wellness)|well[- ](?:child|woman|visit|exam)|"
    r"preventive (?:visit|exam|medicine)|routine (?:physical|health maintenance)|"
    r"complete physical(?: exam)?|wellness (?:visit|exam))\b",
    re.I,
)
_NURSE = re.compile(
    r"\b(?:nurse|rn|lpn|ma) (?:visit|only)\b|\b(?:bp|blood pressure) check\b|"
    r"\b(?:injection|vaccine|shot) only\b",
    re.I,
)
_PLANNED = re.compile(
    r"\b(?:here|presents|scheduled|returns?) (?:today )?(?:for|to have) (?:a |the |his |her )?"
    r"(?:scheduled |planned |annual |seasonal )?(?:flu |influenza )?(?:procedure|injection|"
    r"removal|cryotherapy|vaccines?|vaccination|immuni[sz]ation|shot|suture removal)\b",
    re.I,
)
_REQUESTED = re.compile(
    r"\b(?:requests?|requesting|here for|presents for)\b[^.\n]{0,40}\b(?:vaccines?|shots?|"
    r"boosters?|injections?|depo-?provera|immuni[sz]ations?)\b",
    re.I,
)
# Minor procedures whose payment includes the decision to perform them and the usual
# pre- and post-procedure work (global surgery 0 or 10 days).
_MINOR_PROCEDURES = frozenset(
    {
        "17110",
        "17111",
        "17000",
        "17003",
        "17004",
        "10060",
        "11102",
        "11104",
        "11106",
        "12001",
        "12002",
        "12004",
        "12011",
        "12013",
        "12014",
        "20610",
        "20605",
        "20600",
        "69210",
        "11200",
    }
)
_ROUTINE_OB = re.compile(
    r"\b(?:routine prenatal|uncomplicated pregnancy|normal pregnancy|postpartum visit|routine "
    r"postpartum)\b",
    re.I,
)
_AGE = re.compile(r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b|\bage[: ]+(\d{1,3})\b", re.I)

# Problems (CPT MDM table, our wording): pattern -> problem level.
_PROBLEMS = (
    (
        r"\b(?:threat to (?:life|bodily function)|severe exacerbation|acute mi|sepsis|"
        r"suicidal)\b",
        5,
    ),
    (
        r"\b(?:exacerbation|worsening|progressing|poorly controlled|uncontrolled|not at goal|"
        r"side effects? of treatment)\b",
        4,
    ),
    (
        r"\b(?:undiagnosed new problem|uncertain prognosis|acute illness with systemic symptoms|"
        r"acute complicated injury)\b",
        4,
    ),
    (r"\b(?:stable|controlled|at goal|well[- ]controlled)\b", 3),
    (r"\b(?:acute uncomplicated|uncomplicated|sprain)\b", 3),
    # a cold or viral URI runs a set course: the AMA's example of a self-limited problem
    (
        r"\b(?:minor|self[- ]limited|common cold|viral (?:uri|upper respiratory infection)|"
        r"upper respiratory infection,? viral)\b",
        2,
    ),
)
_CHRONIC = re.compile(
    r"\b(?:hypertension|htn|diabetes|dm2?|copd|asthma|ckd|chronic kidney|heart failure|chf|"
    r"hyperlipidemia|hypothyroidism|depression|anxiety|atrial fibrillation|gerd|osteoarthritis|"
    r"coronary artery disease|cad)\b",
    re.I,
)
_TESTS = re.compile(
    r"\b(?:cbc|cmp|bmp|a1c|hba1c|lipid panel|tsh|psa|x-?ray|ultrasound|ct scan|mri|"
    r"urine culture|blood culture|culture)\b",
    re.I,
)
_DATA = (
    (
        r"\b(?:ordered|order|check|obtain(?:ed)?|draw)\b[^.\n]{0,60}\b(?:cbc|cmp|bmp|a1c|lipid|tsh|"
        r"labs?|x-?ray|ultrasound|ct|mri|culture|panel|urinalysis|psa)\b",
        "test ordered",
    ),
    (
        r"\b(?:reviewed|review of)\b[^.\n]{0,60}\b(?:labs?|results?|records?|notes?|imaging|"
        r"x-?ray|ct|mri|a1c|cbc|cmp|bmp)\b",
        "results or records reviewed",
    ),
    (
        r"\b(?:independent(?:ly)? interpret(?:ed|ation)|i (?:personally )?interpreted)\b",
        "independent interpretation",
    ),
    (
        r"\b(?:history (?:obtained )?from|per) (?:the )?(?:mother|father|parent|spouse|caregiver|"
        r"daughter|son|wife|husband)\b|\bindependent historian\b",
        "independent historian",
    ),
    (
        r"\b(?:discussed (?:with|the case with) (?:dr\.?|cardiology|nephrology|the (?:specialist|"
        r"surgeon|consultant)))\b",
        "discussion with another physician",
    ),
)
_RISK = (
    (
        r"\b(?:admit(?:ted)?|hospitali[sz](?:e|ation)|send to (?:the )?(?:er|ed|emergency)|"
        r"dnr|escalation of care|drug therapy requiring intensive monitoring)\b",
        5,
        "decision about hospitalization or intensive monitoring",
    ),
    (
        r"\b(?:prescri(?:be|bed|ption)|start(?:ed)?|increase(?:d)?|decrease(?:d)?|adjust(?:ed)?|"
        r"refill(?:ed)?|continue|titrate|switch(?:ed)?)\b[^.\n]{0,40}\b(?:mg|mcg|units|tablet|"
        r"daily|bid|tid|qd|lisinopril|metformin|insulin|amoxicillin|atorvastatin|levothyroxine|"
        r"medication|dose)\b",
        4,
        "prescription drug management",
    ),
    (
        r"\b(?:social determinants|unable to afford|housing insecurity|food insecurity)\b",
        4,
        "diagnosis or treatment limited by social determinants of health",
    ),
    (
        r"\b(?:otc|over[- ]the[- ]counter|tylenol|acetaminophen|ibuprofen|rest|ice|fluids|"
        r"supportive care)\b",
        3,
        "over-the-counter drugs or supportive care",
    ),
)


def minor_procedure_only(proc_codes: set[str], text: str, diagnoses: int, risk: int) -> bool:
    """Whether the visit is a minor procedure with no separately identifiable E/M: no
    documented total time, one diagnosis, and no prescription drug management."""
    if not proc_codes & _MINOR_PROCEDURES:
        return False
    return not _TIME.search(text) and diagnoses <= 1 and risk < 4


def time_level(minutes: int, new: bool) -> int:
    """The level total time supports (0 when below the lowest threshold)."""
    for floor, level in _NEW_TIME if new else _EST_TIME:
        if minutes >= floor:
            return level
    return 0


def mdm_level(problems: int, data: int, risk: int) -> int:
    """MDM level: the second-highest of the three elements (two of three must meet it)."""
    return sorted((problems, data, risk))[1]


# Words that deny what follows them in the same sentence ("denies suicidal thoughts").
_NEGATION = re.compile(
    r"\b(?:denies|denied|no|not|never|without|negative for|free of|ruled out|rules out|"
    r"no evidence of|no history of|no signs? of|absence of)\b",
    re.I,
)


def _negated(text: str, m: re.Match[str]) -> bool:
    """Whether the sentence denies the match: a negation cue between the sentence's start
    and the match ("Denies suicidal ideation", "no worsening"); ConText's rule, kept short
    for the E/M level's few patterns."""
    start = max(text.rfind(c, 0, m.start()) for c in ".\n;:") + 1
    return bool(_NEGATION.search(text, start, m.start()))


def _problems(text: str, diagnoses: int) -> tuple[int, str]:
    chronic = {m.group().lower() for m in _CHRONIC.finditer(text)}
    best, why = 0, ""
    for pattern, level in _PROBLEMS:
        m = next((m for m in re.finditer(pattern, text, re.I) if not _negated(text, m)), None)
        if m and level > best:
            best, why = level, f"problem documented as '{m.group()}'"
    if best == 0:
        if diagnoses:
            best, why = 3, "an acute uncomplicated illness or injury"
        else:
            best, why = 2, "one self-limited or minor problem"
    if best == 3 and len(chronic) >= 2 and re.search(r"\bstable\b|\bcontrolled\b", text, re.I):
        best, why = 4, f"two or more stable chronic illnesses ({', '.join(sorted(chronic)[:3])})"
    if (
        best == 4
        and "exacerbation" in why
        and len(chronic) >= 1
        and re.search(r"\bsevere\b", text, re.I)
    ):
        best = 5
    return best, why


def _data(text: str, in_office: int) -> tuple[int, str]:
    found = [label for pattern, label in _DATA if re.search(pattern, text, re.I)]
    named = {m.group().lower() for m in _TESTS.finditer(text)}
    tests = max(len(named), 1 if found[:2] else 0) + in_office
    if in_office:
        found.append(f"{in_office} test(s) performed in the office")
    if "independent interpretation" in found and (
        "discussion with another physician" in found or tests >= 3
    ):
        level = 5
    elif (
        "independent interpretation" in found
        or "discussion with another physician" in found
        or tests >= 3
    ):
        level = 4
    elif tests >= 2 or "independent historian" in found:
        level = 3
    else:
        level = 2
    return level, ", ".join(found) if found else "minimal or no data"


def _risk(text: str) -> tuple[int, str]:
    for pattern, level, label in _RISK:
        if re.search(pattern, text, re.I):
            return level, label
    return 2, "minimal risk"


def _age(text: str, given: int | None) -> int | None:
    if given is not None:
        return given
    m = _AGE.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def _preventive_code(age: int, new: bool) -> str:
    bands = ((1, 1), (5, 2), (12, 3), (18, 4), (40, 5), (65, 6))
    digit = next((d for limit, d in bands if age < limit), 7)
    return f"993{8 if new else 9}{digit}"


def suggest_em(
    text: str,
    procedures: Sequence[CodeSuggestion] = (),
    *,
    patient_age: int | None = None,
    new_patient: bool | None = None,
    diagnoses: int = 0,
) -> EmSuggestion:
    """The office E/M or preventive code the note supports, with basis and reason in words."""
    from medbill.core.suggest._engine import EmSuggestion

    if not re.search(r"[A-Za-z]{2}", text):
        return EmSuggestion(None, "none", "the note documents nothing that supports an E/M level")
    new = bool(_NEW.search(text)) if new_patient is None else new_patient
    status = "new" if new else "established"
    proc_codes = {p.code for p in procedures}
    needs_25 = bool(proc_codes & MODIFIER_25_CODES)
    if _PREVENTIVE.search(text):
        age = _age(text, patient_age)
        if age is None:
            return EmSuggestion(
                None,
                "preventive",
                "preventive visit documented but the patient's age is unknown; age sets the code",
                new_patient=new,
            )
        code = _preventive_code(age, new)
        return EmSuggestion(
            code,
            "preventive",
            f"preventive exam, {status} patient aged {age}",
            ("25",) if needs_25 else (),
            new,
        )
    planned = _PLANNED.search(text) or _REQUESTED.search(text)
    if _ROUTINE_OB.search(text):
        return EmSuggestion(
            None,
            "none",
            "routine antepartum or postpartum care is part of the global obstetric package; "
            "no separate E/M",
            new_patient=new,
        )
    if (planned or _NURSE.search(text)) and proc_codes:
        return EmSuggestion(
            None,
            "none",
            "visit is for the planned procedure or nurse service "
            f"only ({', '.join(sorted(proc_codes))}); no separate E/M",
            new_patient=new,
        )
    if _NURSE.search(text) and not new:
        return EmSuggestion(
            "99211",
            "nurse",
            "nurse visit for an established patient; physician presence not required",
            new_patient=new,
        )
    p, pwhy = _problems(text, diagnoses)
    in_office = sum(1 for c in proc_codes if c in _OFFICE_TESTS)
    d, dwhy = _data(text, in_office)
    r, rwhy = _risk(text)
    if minor_procedure_only(proc_codes, text, diagnoses, r):
        return EmSuggestion(
            None,
            "none",
            "minor procedure only ({}); the decision to perform it and the usual evaluation are "
            "part of the procedure (NCCI Policy Manual ch. 1 sec. D)".format(
                ", ".join(sorted(proc_codes & _MINOR_PROCEDURES))
            ),
            new_patient=new,
        )
    mdm = mdm_level(p, d, r)
    minutes = 0
    for m in _TIME.finditer(text):
        minutes = max(minutes, int(m.group(1) or m.group(2)))
    tlevel = time_level(minutes, new) if minutes else 0
    level = max(mdm, tlevel, 2)
    code = f"992{'0' if new else '1'}{level}"
    mdm_text = (
        f"MDM {LEVEL_NAMES[mdm]} (problems {LEVEL_NAMES[p]}: {pwhy}; data {LEVEL_NAMES[d]}:"
        f" {dwhy}; risk {LEVEL_NAMES[r]}: {rwhy})"
    )
    if tlevel > mdm:
        basis = "time"
        reason = f"{status} patient; total time {minutes} minutes supports {code}; {mdm_text}"
    else:
        basis = "mdm"
        time_text = f"; total time {minutes} minutes supports level {tlevel}" if minutes else ""
        reason = f"{status} patient; {mdm_text}{time_text}"
    modifiers = ("25",) if needs_25 else ()
    if needs_25:
        reason += (
            "; modifier 25: significant, separately identifiable E/M with a same-day procedure"
        )
    return EmSuggestion(code, basis, reason, modifiers, new)

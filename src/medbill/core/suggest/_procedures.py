"""Office procedures that need more than a phrase: vaccine products and their administration
codes, CLIA-waived tests (modifier QW), lesion destruction and laceration repair counted from the
note, screening instruments, tobacco counseling time, the side of a joint injection.

Each rule is one function registered with its source (see ``_registry``). Codes are numbers
with our own short wording: no AMA CPT descriptor text ships with medbill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medbill.core.suggest._registry import rule

__all__ = [
    "VACCINES",
    "Found",
    "Vaccine",
    "biopsy",
    "clia_waived",
    "joint_side",
    "laceration_repair",
    "lesion_destruction",
    "screening_instruments",
    "tobacco_counseling",
    "vaccine_administration",
    "vaccines_given",
]


@dataclass
class Found:
    """A service found in the note, before the fee schedule is consulted."""

    code: str
    label: str
    span: tuple[int, int]
    reason: str
    units: int = 1
    modifiers: tuple[str, ...] = ()
    kind: str = "service"


@dataclass(frozen=True)
class Vaccine:
    """A vaccine product: code, our label, the words that name it, its number of components
    (antigens, for 90461), and the Medicare administration code when it has its own."""

    code: str
    label: str
    pattern: str
    components: int = 1
    medicare_admin: str | None = None
    ages: tuple[int, int] = (0, 200)


VACCINES: tuple[Vaccine, ...] = (
    Vaccine("90723", "DTaP-HepB-IPV vaccine", r"pediarix|dtap-hepb-ipv", 5, ages=(0, 7)),
    Vaccine("90696", "DTaP-IPV vaccine", r"kinrix|quadracel|dtap-ipv", 4, ages=(4, 7)),
    Vaccine("90700", "DTaP vaccine", r"dtap(?![- ](?:hepb|ipv))|daptacel|infanrix", 3),
    Vaccine("90715", "Tdap vaccine", r"tdap|boostrix|adacel", 3),
    Vaccine("90714", "Td vaccine", r"\btd (?:vaccine|booster)|tenivac|tetanus[- ]diphtheria", 2),
    Vaccine("90713", "Poliovirus vaccine, inactivated", r"ipv|ipol|polio vaccine", 1),
    Vaccine("90710", "MMRV vaccine", r"mmrv|proquad", 4),
    Vaccine("90707", "MMR vaccine", r"mmr(?!v)|measles,? mumps,? (?:and )?rubella", 3),
    Vaccine("90716", "Varicella vaccine", r"varicella|varivax|chickenpox vaccine", 1),
    Vaccine("90633", "Hepatitis A vaccine, pediatric", r"hep(?:atitis)? a", 1, ages=(0, 19)),
    Vaccine("90632", "Hepatitis A vaccine, adult", r"hep(?:atitis)? a", 1, ages=(19, 200)),
    Vaccine("90744", "Hepatitis B vaccine, pediatric", r"hep(?:atitis)? b", 1, "G0010", (0, 20)),
    Vaccine("90746", "Hepatitis B vaccine, adult", r"hep(?:atitis)? b", 1, "G0010", (20, 200)),
    Vaccine("90651", "HPV vaccine, 9-valent", r"hpv|gardasil", 1),
    Vaccine(
        "90734", "Meningococcal conjugate vaccine", r"menacwy|menveo|menquadfi|meningococcal", 1
    ),
    Vaccine("90648", "Hib vaccine", r"hib|haemophilus", 1),
    Vaccine("90680", "Rotavirus vaccine", r"rotavirus|rotateq|rotarix", 1),
    Vaccine(
        "90677",
        "Pneumococcal conjugate vaccine, 20-valent",
        r"pcv ?20|prevnar ?20|pneumococcal",
        1,
        "G0009",
    ),
    Vaccine("90750", "Zoster vaccine, recombinant", r"shingrix|zoster|shingles", 1),
    Vaccine(
        "90662",
        "Influenza vaccine, high dose",
        r"high[- ]dose (?:flu|influenza)|fluzone high[- ]dose",
        1,
        "G0008",
    ),
    Vaccine(
        "90686",
        "Influenza vaccine, preservative free",
        r"flu|influenza|fluzone|fluarix|flulaval|afluria",
        1,
        "G0008",
    ),
)
_VACCINE_WORD = re.compile(
    r"\b(?:vaccines?|vaccinations?|immuni[sz]ations?|shots?|boosters?|given|administered|"
    r"dose \d)\b",
    re.I,
)
_NOT_GIVEN = re.compile(
    r"\b(?:declined|refused|deferred|not given|next visit|due (?:at|in)|will (?:give|return)|"
    r"up to date|status reviewed|contraindicated|last)\b",
    re.I,
)
_BRAND_IS_VACCINE = re.compile(
    r"dtap|tdap|ipv|mmr|gardasil|prevnar|shingrix|menacwy|pediarix|kinrix|varivax|hpv|"
    r"fluzone|fluarix|flulaval|afluria",
    re.I,
)


_START = re.compile(r"[\n;]|\.(?!\d)")  # a decimal point ("0.5 mL") ends no sentence
_END = re.compile(r"\n|\.(?!\d)")


_GIVEN = re.compile(r"\b(?:given|administered|today|received|dose)\b", re.I)
_GIVEN_BY_ROUTE = re.compile(r"\b(?:vaccines?|shots?|injections?|IM|intramuscular(?:ly)?)\b", re.I)


def _given_next(text: str, end: int) -> bool:
    """'Here for flu vaccine. Vaccine administered by MA, left deltoid.': the sentence after the
    one naming the product says that a vaccine was given, and names no other product."""
    if end >= len(text):
        return False
    s, e = _sentence(text, end + 1)
    after = text[s:e]
    if _NOT_GIVEN.search(after) or not (_GIVEN.search(after) and _GIVEN_BY_ROUTE.search(after)):
        return False
    return not any(re.search(rf"\b(?:{v.pattern})\b", after, re.I) for v in VACCINES)


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = max((m.end() for m in _START.finditer(text, 0, pos)), default=0)
    end = _END.search(text, pos)
    return start, end.start() if end else len(text)


def vaccines_given(text: str, age: int | None) -> list[tuple[Vaccine, tuple[int, int]]]:
    """The vaccine products the note says were given today, each once, in note order."""
    out: list[tuple[Vaccine, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    for v in VACCINES:
        if age is not None and not (v.ages[0] <= age < v.ages[1]):
            continue
        if any(x.code == v.code for x, _ in out):
            continue
        for m in re.finditer(rf"\b(?:{v.pattern})\b", text, re.I):
            if any(s <= m.start() < e for s, e in taken):
                continue
            s, e = _sentence(text, m.start())
            sentence = text[s:e]
            named = _BRAND_IS_VACCINE.fullmatch(m.group()) or _VACCINE_WORD.search(sentence)
            if not named or _NOT_GIVEN.search(sentence):
                continue
            if not _GIVEN.search(sentence) and not _given_next(text, e):
                continue
            out.append((v, m.span()))
            taken.append(m.span())
            break
    out.sort(key=lambda t: t[1][0])
    return out


_COUNSELED = re.compile(r"\bcounsel(?:ed|ing|led|ling)\b", re.I)


@rule(
    "PR001",
    "vaccine-administration",
    stage="services",
    what="Each vaccine product is billed with an administration code: under 19 with the "
    "physician's counseling documented, 90460 for each vaccine and 90461 for each "
    "additional component; otherwise 90471 for the first and 90472 for each additional; "
    "Medicare pays influenza, pneumococcal and hepatitis B administration as G0008, G0009 "
    "and G0010.",
    citation="CMS Medicare Claims Processing Manual ch. 18 sec. 10 (G0008-G0010); "
    "CPT immunization administration guidelines (code numbers only); NCCI Policy Manual "
    "ch. 11",
    example="DTaP, IPV, MMR, varicella with counseling at 4 years -> 90460 x4, 90461 x4.",
)
def vaccine_administration(
    given: list[tuple[Vaccine, tuple[int, int]]],
    text: str,
    age: int | None,
    medicare: bool,
) -> list[Found]:
    """The administration lines for the vaccines given."""
    if not given:
        return []
    span = given[0][1]
    out: list[Found] = []
    if age is not None and age < 19 and _COUNSELED.search(text):
        extra = sum(v.components - 1 for v, _ in given)
        out.append(
            Found(
                "90460",
                "Vaccine administration with counseling, first component",
                span,
                "vaccine with counseling, under 19",
                units=len(given),
            )
        )
        if extra:
            out.append(
                Found(
                    "90461",
                    "Vaccine administration with counseling, each additional component",
                    span,
                    "additional vaccine components",
                    units=extra,
                )
            )
        return out
    others = []
    for v, s in given:
        if medicare and v.medicare_admin:
            out.append(Found(v.medicare_admin, f"Administration of {v.label}", s, "Medicare"))
        else:
            others.append((v, s))
    if others:
        out.append(Found("90471", "Vaccine administration, first", others[0][1], "vaccine given"))
        if len(others) > 1:
            out.append(
                Found(
                    "90472",
                    "Vaccine administration, each additional",
                    others[0][1],
                    "additional vaccine given",
                    units=len(others) - 1,
                )
            )
    return out


# CLIA-waived tests billed with QW (the CMS list of waived tests); tests on the list that
# CMS exempts from the modifier (81002, 81025, 82270, 82962, 85013, 85651) are not here.
CLIA_QW = frozenset(
    {
        "87880",
        "87804",
        "87811",
        "87807",
        "86308",
        "83036",
        "85610",
        "81003",
        "85018",
        "80061",
        "82947",
        "87426",
        "87635",
    }
)


@rule(
    "PR002",
    "clia-waived-qw",
    stage="services",
    what="A waived test performed in the office under a CLIA certificate of waiver carries "
    "modifier QW (rapid strep, rapid influenza and SARS-CoV-2 antigen, PT/INR, A1c, automated "
    "urinalysis ...); the tests CMS exempts from QW do not.",
    citation="CMS CLIA-waived tests list (CR 'New Waived Tests', quarterly); Medicare Claims "
    "Processing Manual ch. 16 sec. 70.8",
    example="Rapid strep test in the office -> 87880-QW; urine pregnancy test -> 81025.",
)
def clia_waived(found: list[Found]) -> list[Found]:
    """Add QW to waived tests."""
    for f in found:
        if f.code in CLIA_QW and "QW" not in f.modifiers:
            f.modifiers = (*f.modifiers, "QW")
    return found


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
}
_NUM = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_PREMALIGNANT = re.compile(rf"\b{_NUM}\s+(?:premalignant lesions|actinic keratos[ie]s|aks)\b", re.I)
_DESTROYED = re.compile(r"\b(?:cryotherapy|liquid nitrogen|destruction|destroyed|frozen)\b", re.I)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


@rule(
    "PR003",
    "premalignant-lesion-destruction",
    stage="services",
    what="Destruction of premalignant lesions (actinic keratoses) is counted: 17000 for the "
    "first, 17003 for each of the 2nd to 14th, or 17004 alone for 15 or more.",
    citation="CPT code numbers 17000, 17003, 17004 (destruction, premalignant lesions); NCCI "
    "Policy Manual ch. 3 (integumentary)",
    example="Cryotherapy of 5 actinic keratoses -> 17000, 17003 x4.",
)
def lesion_destruction(text: str) -> list[Found]:
    """17000/17003/17004 from the number of premalignant lesions destroyed."""
    if not _DESTROYED.search(text):
        return []
    counts = [(m, _count(m.group(1))) for m in _PREMALIGNANT.finditer(text)]
    if not counts:
        return []
    m, n = max(counts, key=lambda t: t[1])
    if n >= 15:
        return [
            Found(
                "17004", "Destruction of premalignant lesions, 15 or more", m.span(), f"{n} lesions"
            )
        ]
    out = [Found("17000", "Destruction of premalignant lesion, first", m.span(), f"{n} lesions")]
    if n > 1:
        out.append(
            Found(
                "17003",
                "Destruction of premalignant lesions, 2-14, each",
                m.span(),
                f"{n} lesions",
                units=n - 1,
            )
        )
    return out


_REPAIR = re.compile(
    r"\b(?:simple|primary|laceration) (?:repair|closure)\b|\brepaired with\b|\bsutured?\b",
    re.I,
)
_LENGTH = re.compile(r"\b(\d{1,2}(?:\.\d)?)\s*cm\b", re.I)
_FACE = re.compile(
    r"\b(?:face|facial|forehead|cheek|chin|nose|nasal|lip|lips|ear|eyelid|brow|eyebrow)\b", re.I
)
# Simple repair by total length (cm): (upper limit, code) for scalp/neck/trunk/extremities and
# for the face, ears, eyelids, nose and lips.
_BODY = ((2.5, "12001"), (7.5, "12002"), (12.5, "12004"), (20.0, "12005"), (30.0, "12006"))
_FACE_CODES = ((2.5, "12011"), (5.0, "12013"), (7.5, "12014"), (12.5, "12015"), (20.0, "12016"))


@rule(
    "PR004",
    "simple-repair-by-length",
    stage="services",
    what="A simple laceration repair is coded by the site group and the repaired length in "
    "centimetres: 12001-12007 for scalp, neck, trunk and extremities, 12011-12018 for the "
    "face, ears, eyelids, nose and lips.",
    citation="CPT code numbers 12001-12018 (simple repair, by site and length); NCCI Policy "
    "Manual ch. 3 sec. D",
    example="4.0 cm laceration of the palm repaired -> 12002; 2.0 cm forehead -> 12011.",
)
def laceration_repair(text: str) -> list[Found]:
    """The simple-repair code from the documented length and site."""
    m = _REPAIR.search(text)
    if not m or not re.search(r"\blacerat\w*|\bcut\b|\bwound\b", text, re.I):
        return []
    s, e = _sentence(text, m.start())
    lengths = _LENGTH.findall(text[s:e]) or _LENGTH.findall(text)
    if not lengths:
        return []
    cm = max(float(x) for x in lengths)
    table = (
        _FACE_CODES
        if _FACE.search(text[s:e])
        or (
            not re.search(
                r"\b(?:hand|arm|leg|knee|foot|finger|thumb|palm|scalp|trunk|back)\b",
                text[s:e],
                re.I,
            )
            and _FACE.search(text)
        )
        else _BODY
    )
    code = next((c for limit, c in table if cm <= limit), table[-1][1])
    return [Found(code, f"Simple repair, {cm} cm", m.span(), f"{cm} cm repaired")]


_BIOPSY = (
    (r"\b(?:shave|tangential) biopsy\b", "11102", "Tangential biopsy of skin, single lesion"),
    (r"\bpunch biopsy\b", "11104", "Punch biopsy of skin, single lesion"),
    (r"\bincisional biopsy\b", "11106", "Incisional biopsy of skin, single lesion"),
)


@rule(
    "PR005",
    "skin-biopsy-technique",
    stage="services",
    what="A skin biopsy is coded by its technique: tangential (shave) 11102, punch 11104, "
    "incisional 11106.",
    citation="CPT code numbers 11102-11107 (biopsy of skin by technique, 2019 on)",
    example="'Shave biopsy of the lesion, sent to pathology' -> 11102.",
)
def biopsy(text: str) -> list[Found]:
    """The biopsy code of the documented technique."""
    for pattern, code, label in _BIOPSY:
        m = re.search(pattern, text, re.I)
        if m:
            return [Found(code, label, m.span(), f"documented: '{m.group()}'")]
    return []


_INSTRUMENT = re.compile(
    r"\b(?:phq-?9|phq-?a|gad-?7|vanderbilt|edinburgh|epds|m-?chat|asq|psc-?17|audit-?c)\b", re.I
)
_SCORED = re.compile(r"\b(?:scored|completed|administered)\b", re.I)


@rule(
    "PR006",
    "screening-instrument",
    stage="services",
    what="A standardized emotional or behavioral assessment instrument (PHQ-9, GAD-7, "
    "Vanderbilt ...) administered and scored at the visit is billed as 96127, once per "
    "instrument.",
    citation="CPT code number 96127 (brief emotional/behavioral assessment, per instrument); "
    "CMS MLN 'Screening, brief intervention' guidance",
    example="'GAD-7 score 16 completed in the office' -> 96127.",
)
def screening_instruments(text: str) -> list[Found]:
    """96127 for each named instrument the note says was completed or scored."""
    names: dict[str, tuple[int, int]] = {}
    for m in _INSTRUMENT.finditer(text):
        s, e = _sentence(text, m.start())
        if _SCORED.search(text[s:e]):
            names.setdefault(m.group().lower().replace("-", ""), m.span())
    if not names:
        return []
    first = min(names.values())
    return [
        Found(
            "96127",
            "Brief emotional/behavioral assessment",
            first,
            f"instrument(s): {', '.join(sorted(names))}",
            units=len(names),
        )
    ]


_TOBACCO_COUNSEL = re.compile(
    r"\bcounsel\w*[^.\n]{0,40}?(\d{1,2})\s*min\w*[^.\n]{0,40}\b(?:smoking|tobacco|cessation|"
    r"quit)\b|\b(?:smoking|tobacco) cessation counsel\w*[^.\n]{0,40}?(\d{1,2})\s*min",
    re.I,
)


@rule(
    "PR007",
    "tobacco-counseling",
    stage="services",
    what="Smoking and tobacco-use cessation counseling is billed by its documented time: "
    "99406 for more than 3 up to 10 minutes, 99407 for more than 10.",
    citation="CPT code numbers 99406-99407; CMS NCD 210.4.1 (counseling to prevent tobacco use)",
    example="'Counseled for 5 minutes on smoking cessation' -> 99406.",
)
def tobacco_counseling(text: str) -> list[Found]:
    """99406/99407 from the documented counseling minutes."""
    m = _TOBACCO_COUNSEL.search(text)
    if not m:
        return []
    minutes = int(m.group(1) or m.group(2))
    if minutes <= 3:
        return []
    code = "99406" if minutes <= 10 else "99407"
    return [Found(code, "Tobacco cessation counseling", m.span(), f"{minutes} minutes")]


_SIDE = re.compile(r"\b(right|left|bilateral)\b", re.I)


@rule(
    "PR008",
    "joint-injection-side",
    stage="services",
    what="A joint injection or aspiration carries the side it was done on (RT, LT, or 50 "
    "for both).",
    citation="CMS Medicare Claims Processing Manual ch. 12 sec. 40.7 (bilateral); HCPCS "
    "Level II modifiers RT/LT",
    example="'Right knee joint injection' -> 20610-RT.",
)
def joint_side(found: list[Found], text: str) -> list[Found]:
    """RT/LT/50 on 20600-20611 from the side written next to the injection."""
    for f in found:
        if f.code not in ("20600", "20604", "20605", "20606", "20610", "20611"):
            continue
        window = text[max(0, f.span[0] - 30) : f.span[1] + 10]
        sides = {m.group(1).lower() for m in _SIDE.finditer(window)}
        if "bilateral" in sides or {"right", "left"} <= sides:
            f.modifiers = (*f.modifiers, "50")
        elif sides:
            f.modifiers = (*f.modifiers, "RT" if "right" in sides else "LT")
    return found

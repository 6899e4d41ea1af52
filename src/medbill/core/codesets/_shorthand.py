"""Clinician shorthand in a problem-list entry: what names the diagnosis, and what is context.

"T2DM on metformin, A1c 6.8" names type 2 diabetes; the drug and the lab value are context. They
do not take part in matching, but a value can decide the code: an A1c of 9 or more, or
"uncontrolled", with diabetes is diabetes with hyperglycemia (Alphabetic Index: Diabetes,
uncontrolled, meaning hyperglycemia). Each rule below is one function with the source it follows.

>>> read_shorthand("T2DM w/ CKD3b").text
't2dm with chronic kidney disease stage 3b'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Shorthand", "read_shorthand"]


@dataclass(frozen=True)
class Shorthand:
    """A problem-list entry read: ``text`` to match, ``context`` set aside, ``notes`` saying
    which context changed the text (shown with the result)."""

    query: str
    text: str
    context: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != " ".join(self.query.lower().split())


# Written forms spelt out before anything else (order matters: longer first).
_SPELLING = (
    (r"\bw/o\b", " without "),
    (r"\bw/(?=\s|[a-z])", " with "),
    (r"\bs/p\b", " status post "),
    (r"\b(?:fhx|fh|fam hx|family hx|family history)(?: of)?\b", " family history of "),
    # a history not said to be the family's is the patient's own (Index: History, personal)
    (r"(?<!family )\b(?:h/o|hx of|hx|history of|history)\b", " personal history of "),
    (r"\b(?:d/t|2/2|secondary to)\b", " due to "),
    (r"\bdz\b", " disease "),
    (r"\bsx\b", " symptoms "),
    (r"\babnl\b", " abnormal "),
    (r"\bf/u\b", " subsequent encounter "),
    (r"\bca\b", " cancer "),
    (r"\bchemo\b", " chemotherapy "),
    (r"\bnsclc\b", " non-small cell lung cancer "),
    (r"\bsclc\b", " small cell lung cancer "),
    (r"\bhep ([abc])\b", r" hepatitis \1 "),
    (r"\bseb derm\b", " seborrheic dermatitis "),
    (r"\bderm\b", " dermatitis "),
    (r"\b(1st|2nd|3rd) tri\b", r" \1 trimester "),
    (r"\bmm\b", " multiple myeloma "),
    (r"\bdcis\b", " ductal carcinoma in situ "),
    (r"\bdcm\b", " dilated cardiomyopathy "),
    (r"\bwpw\b", " wolff-parkinson-white syndrome "),
    (r"\b(?:aicd|icd in place)\b", " automatic implantable cardiac defibrillator "),
    (r"\bpcn\b", " penicillin "),
    (r"\bco (?=poisoning|toxicity|exposure)", " carbon monoxide "),
    (r"\bbenzos?\b", " benzodiazepine "),
    (r"\bbka\b", " below knee amputation "),
    (r"\baka\b", " above knee amputation "),
    (r"\bpci\b", " angioplasty "),
    (r"\baom\b", " acute otitis media "),
    (r"\bftt\b", " failure to thrive "),
    (r"\bascus\b", " atypical squamous cells of undetermined significance "),
    (r"\bpap(?: smear| test)?\b", " of cervix "),
    # the Index spells these with a hyphen ("Pre-eclampsia")
    (r"\bpreeclampsia\b", " pre-eclampsia "),
    (r"\bposttraumatic\b", " post-traumatic "),
)
# Laterality and sites as the Tabular spells them.
_SITES = (
    (r"\bou\b", " bilateral "),
    (r"\bod\b", " right eye "),
    (r"\bos\b", " left eye "),
    (r"\brul\b", " right upper lobe "),
    (r"\brml\b", " right middle lobe "),
    (r"\brll\b", " right lower lobe "),
    (r"\blul\b", " left upper lobe "),
    (r"\blll\b", " left lower lobe "),
    (r"\buoq\b", " upper outer quadrant "),
    (r"\buiq\b", " upper inner quadrant "),
    (r"\bbilat\b", " bilateral "),
    (r"\bble\b", " bilateral lower limb "),
    (r"\b(?<!-)r(?![-/])\b(?=\s+[a-z0-9])", " right "),
    (r"\b(?<!-)l(?![-/])\b(?=\s+[a-z0-9])", " left "),
)
_DRUG_CONTEXT = re.compile(
    r"(?<!acute )\b(?:on|off)\s+(?!(?:home|dialysis|supplemental|chronic)\b)"
    r"[a-z0-9][a-z0-9 .\-/]*?(?=,|;|$| w/| with )"
)
_VALUE = re.compile(
    r"\b(?:a1c|hba1c|ef|vl|egfr|ldl|tsh|inr|bp|psa)\b[^,;]*?(?=,|;|$)"
    r"|\b\d+(?:\.\d+)?\s*(?:mg|mcg|g|units?|ml|l|%)(?![a-z])"
    r"|\b\d+\s*ppd\b"
)
_A1C = re.compile(r"\b(?:hb)?a1c\s*(?:of\s*)?(\d+(?:\.\d+)?)")


_SPELLING_RE = tuple((re.compile(p), w) for p, w in _SPELLING)
_SITES_RE = tuple((re.compile(p), w) for p, w in _SITES)


def _spell_out(text: str) -> str:
    """Written abbreviations ("w/", "s/p", "hx of", "d/t", "dz") as words."""
    for pattern, words in _SPELLING_RE:
        text = pattern.sub(words, text)
    return text


def _overdose(text: str) -> str:
    """ "OD" is an overdose, not the right eye, where the entry speaks of poisoning ("intentional
    OD of sertraline", "accidental benzo OD"): the Table of Drugs' poisoning columns."""
    if re.search(r"\bod\b\s+(?:of|on|with)\b|\b(?:accidental|intentional|suicid\w*)\b", text):
        return re.sub(r"\bod\b", " overdose ", text)
    return text


# A removal "s/p" and the part whose acquired absence it leaves (Z89-Z90, Index: Absence, by site)
_REMOVED = {
    "appendectomy": "digestive tract part",
    "cholecystectomy": "gallbladder",
    "splenectomy": "spleen",
    "total abdominal hysterectomy": "uterus with cervix",
    "tah": "uterus with cervix",
    "hysterectomy": "uterus",
    "mastectomy": "breast",
    "nephrectomy": "kidney",
    "gastrectomy": "stomach",
    "pancreatectomy": "pancreas",
    "prostatectomy": "prostate",
    "oophorectomy": "ovary",
    "orchiectomy": "testis",
    "laryngectomy": "larynx",
    "pneumonectomy": "lung",
    "cystectomy": "bladder",
    "below knee amputation": "leg below knee",
    "above knee amputation": "leg above knee",
}
_REMOVAL = re.compile(
    r"\bstatus post\s+(?:(left|right|bilateral|l|r)\s+)?("
    + "|".join(sorted(map(re.escape, _REMOVED), key=len, reverse=True))
    + r")\b"
)


def _acquired_absence(text: str) -> str:
    """ "s/p appendectomy", "s/p L BKA": after a removal the patient's status is the acquired
    absence of the part (Guidelines I.C.21.c.3, status Z codes; Z89 limbs, Z90 organs), which
    the Index files under Absence, by site."""
    side = {"l": "left", "r": "right"}

    def absence(match: re.Match[str]) -> str:
        lateral = side.get(match.group(1) or "", match.group(1) or "")
        return f" acquired absence of {lateral} {_REMOVED[match.group(2)]} "

    return _REMOVAL.sub(absence, text)


_DEVICE = r"(wheelchair|ventilator|respirator|dialysis|renal dialysis|supplemental oxygen)"


def _dependence(text: str) -> str:
    """ "Wheelchair dependent", "on home O2", "vent dependent": dependence on a machine or device
    is a status (Index: Dependence, on, <device>: Z99.-), not a drug taken ("on X" is otherwise
    set aside as medication context)."""
    text = re.sub(r"\b(?:on\s+)?(?:home|supplemental|continuous)\s+(?:o2|oxygen)\b",
                  " supplemental oxygen dependent ", text)  # fmt: skip
    text = re.sub(r"\bvent\b", " ventilator ", text)
    text = re.sub(rf"\b{_DEVICE}[- ]dependen(?:t|ce|cy)\b", r" dependence \1 ", text)
    return re.sub(rf"\bdependen(?:t|ce|cy) (?:on|upon) {_DEVICE}\b", r" dependence \1 ", text)


_VACCINE = re.compile(r"\b(?:vaccines?|vaccinations?|immuni[sz]ations?|shots?|booster)\b")
_VACCINE_HARM = re.compile(
    r"\b(?:reaction|adverse|allerg\w*|poison\w*|underdos\w*|overdose|anaphyla\w*|"
    r"complication|refus\w*|not given|delay\w*|contraindicat\w*|declin\w*|exposure)"
)


def _vaccination(text: str) -> str:
    """ "Flu vaccine", "Tdap booster", "COVID shot": a vaccine given is the encounter for
    vaccination, Z23, whatever the disease it prevents (Guidelines I.C.21.c.2; Index:
    Vaccination, encounter for); the disease named is not coded. A reaction to a vaccine, one
    not given, or its administration (a service, G0008) is left to its own entries."""
    if _VACCINE.search(text) and not _VACCINE_HARM.search(text) and "admin" not in text:
        return " encounter for vaccination "
    return text


def _identified_influenza(text: str) -> str:
    """ "Flu A", "influenza B": a type named is an identified influenza virus (Index: Influenza,
    due to, identified influenza virus NEC: J10; Guidelines I.C.10.c), not J11 (virus not
    identified)."""
    return re.sub(r"\b(?:flu|influenza)\s+(?:type\s+)?[ab](?:\s+positive)?\b",
                  " influenza due to identified influenza virus ", text)  # fmt: skip


def _vaping(text: str) -> str:
    """Vaping nicotine is dependence on a nicotine product other than cigarettes or chewing
    tobacco (Index: Dependence, drug, nicotine, specified product NEC: F17.29-)."""
    if re.search(r"\b(?:vapes?|vaping|vaper|e-?cig\w*|electronic cigarettes?)\b", text):
        return " nicotine dependence other tobacco product "
    return text


_LOBE = re.compile(r"\b(?:(?:right|left) (?:upper|middle|lower) lobe|lingula)\b")
_NEOPLASM = re.compile(r"\b(?:cancer|carcinoma|neoplasm|malignan\w*|tumou?r|metasta\w*|"
                       r"lymphoma|sarcoma|adenocarcinoma)\b")  # fmt: skip


def _lobe_site(text: str) -> tuple[str, list[str]]:
    """The lobe of a lung is part of a neoplasm's code (C34.1-C34.3) but of no other lung
    code: pneumonia of the right lower lobe is J18.9 unless "lobar" pneumonia is documented
    (Index: Pneumonia, lobar), a nodule there R91.1. Outside a neoplasm the lobe is context
    and only the lung is the site."""
    found = [m.group(0) for m in _LOBE.finditer(text)]
    if not found or _NEOPLASM.search(text):
        return text, []
    site = "" if re.search(r"\b(?:pneumon\w*|lung|pulmonary)\b", text) else " lung "
    return _LOBE.sub(site or " ", text), found


_NOT_TRAUMA = re.compile(
    r"\b(?:patholog\w*|osteoporo\w*|stress|fatigue|nontraumatic|insufficiency|compression|"
    r"malunion|nonunion|periprosthetic|traumatic|neoplastic|history)\b"
)
_LONG_BONE = r"(radius|ulna|humerus|femur|tibia|fibula)"


def _traumatic_fracture(text: str) -> str:
    """A fracture not said to be pathological, osteoporotic or a stress fracture is traumatic:
    the Index files it under Fracture, traumatic (S02-S92; Guidelines I.C.19.c), and the end of
    a long bone is its "lower end" or "upper end" there, not "distal" or "proximal"."""
    if not re.search(r"\b(?:fx|fractures?)\b", text):
        return text
    text = re.sub(rf"\bdistal (?:(right|left) )?{_LONG_BONE}\b", r" lower end of \1 \2 ", text)
    text = re.sub(rf"\bproximal (?:(right|left) )?{_LONG_BONE}\b", r" upper end of \1 \2 ",
                  text)  # fmt: skip
    if _NOT_TRAUMA.search(text):
        return text
    return re.sub(r"\b(?:fx|fracture)\b", " traumatic fracture ", text, count=1)


def _gestational_control(text: str, context: list[str]) -> tuple[str, str]:
    """Gestational diabetes "on insulin", "on metformin" or "diet controlled" picks the O24.41-
    code of that control (Tabular O24.41-; Guidelines I.C.15.g: insulin-controlled when both)."""
    if not re.search(r"\b(?:gdm|gestational diabetes)\b", text):
        return text, ""
    said = " ".join(context) + " " + text
    controls = (
        ("insulin", "insulin controlled"),
        ("metformin|glyburide|oral", "controlled by oral hypoglycemic drugs"),
        ("diet", "diet controlled"),
    )
    for words, control in controls:
        if re.search(rf"\b(?:{words})\b", said):
            return text.replace("diet controlled", "") + f" {control}", control
    return text, ""


def _stage(text: str) -> str:
    """CKD stages written together ("CKD3b", "CKD 4", "CKD stage IV") as the Tabular names them
    ("chronic kidney disease, stage 3b"): N18.1-N18.6."""
    roman = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}

    def stage(match: re.Match[str]) -> str:
        value = match.group(1)
        value = roman.get(value, value)
        return f" chronic kidney disease stage {value} "

    return re.sub(r"\bckd\s*(?:stage\s*)?(3a|3b|[1-5]|iv|v|iii|ii|i)\b", stage, text)


_RECEPTOR = re.compile(r"\b(?:er|pr|her2|her-2)\s*[+-](?:\s*/\s*(?:er|pr|her2|her-2)\s*[+-])*")


def _receptor_status(text: str) -> tuple[str, list[str]]:
    """Receptor status written beside a neoplasm ("ER+/PR+, HER2-") is context: the neoplasm is
    coded first and estrogen receptor status added after it (Tabular C50: use additional code
    to identify estrogen receptor status, Z17.-). A negative receptor adds nothing."""
    found = [m.group(0).strip() for m in _RECEPTOR.finditer(text)]
    rest = _RECEPTOR.sub(" ", text)
    if not found or not re.search(r"[a-z]{3}", rest):
        return text, []
    return rest, found


def _positive(text: str) -> str:
    """A trailing "+" ("HIV+", "flu A+") is a positive finding or status: "HIV positive" is Z21
    in the Index (Positive, HIV) unless HIV disease is documented."""
    text = re.sub(r"\ber\s*\+", " estrogen receptor positive ", text)
    text = re.sub(r"\bpr\s*\+", " progesterone receptor positive ", text)
    text = re.sub(r"\bher2\s*[-]", " ", text)  # a negative receptor adds no code
    text = re.sub(r"\bher2\s*\+", " her2 positive ", text)
    text = re.sub(r"\b(flu [ab]|covid-19|covid|strep)\s*\+", r" \1 ", text)
    return re.sub(r"([a-z0-9])\s*\+(?=\W|$)", r"\1 positive ", text)


def _metastases(text: str) -> str:
    """ "X w/ mets to bone": the primary site is coded first and the secondary site after it
    (Guidelines I.C.2.d), so the metastasis clause is context when a primary is named."""
    match = re.search(r"\s(?:with|and|,)\s*(?:mets?|metastas[ie]s|metastatic)\b.*$", text)
    if match and match.start() > 0 and re.search(r"cancer|carcinoma|nsclc|sclc|malignan", text):
        return text[: match.start()]
    text = re.sub(r"^\s*(\w+)\s+mets\b", r" secondary malignant neoplasm of \1 ", text)
    return re.sub(r"\b(?:mets?|metastas[ie]s|metastatic)\s+(?:to\s+)?(?:the\s+)?",
                  " secondary malignant neoplasm of ", text)  # fmt: skip


def _hyperglycemia(text: str, a1c: float | None) -> tuple[str, str]:
    """Diabetes "uncontrolled", "poorly controlled" or "out of control", or an A1c of 9% or more
    documented as the diabetes' control, is diabetes with hyperglycemia (Index: Diabetes,
    uncontrolled, meaning hyperglycemia; Diabetes, poorly controlled - code to Diabetes, by type,
    with hyperglycemia)."""
    if not re.search(r"\b(?:t[12]dm|dm[12]?|diabet\w*|niddm|iddm)\b", text):
        return text, ""
    said = re.search(
        r"\b(?:uncontrolled|poorly controlled|out of control|inadequately controlled)\b", text
    )
    if said:
        return text[: said.start()] + " with hyperglycemia " + text[said.end() :], said.group(0)
    if a1c is not None and a1c >= 9 and "hyperglyc" not in text and "hypoglyc" not in text:
        return text + " with hyperglycemia", f"A1c {a1c:g}"
    return text, ""


def read_shorthand(query: str) -> Shorthand:
    """Split a problem-list entry into the words that name the diagnosis and the context."""
    text = " " + " ".join(query.lower().split()) + " "
    a1c_match = _A1C.search(text)
    a1c = float(a1c_match.group(1)) if a1c_match else None
    context: list[str] = []
    notes: list[str] = []
    text = _spell_out(text)
    text = _overdose(text)
    text = _acquired_absence(text)
    text = _dependence(text)
    text = _vaccination(text)
    text = _vaping(text)
    for pattern in (_DRUG_CONTEXT, _VALUE):
        found = [m.group(0).strip() for m in pattern.finditer(text)]
        remaining = pattern.sub(" ", text)
        if found and re.search(r"[a-z]{2}", remaining):  # never strip the whole entry
            context += found
            text = remaining
    text = _stage(text)
    text, receptors = _receptor_status(text)
    context += receptors
    text = _positive(text)
    text = _identified_influenza(text)
    text = _metastases(text)
    for pattern, words in _SITES_RE:
        text = pattern.sub(words, text)
    text, lobes = _lobe_site(text)
    context += lobes
    text = _traumatic_fracture(text)
    text, because = _hyperglycemia(text, a1c)
    if because:
        notes.append(f"{because}: diabetes with hyperglycemia")
    text, control = _gestational_control(text, context)
    if control:
        notes.append(f"gestational diabetes, {control}")
    text = re.sub(r"[,;]", " ", text)
    return Shorthand(query, " ".join(text.split()), tuple(context), tuple(notes))

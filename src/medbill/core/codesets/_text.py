"""Words for code search: tokenizing, a light stemmer, synonyms and lay terms.

The stemmer is deliberately light (plural, ``-ing``, ``-ed``, final ``e``) so that "fractures",
"fractured" and "fracture" meet while "chronic" and "chromosome" stay apart. Word families the
stemmer cannot join ("diabetic"/"diabetes", "renal"/"kidney") are listed in :data:`SYNONYMS`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["LAY_TERMS", "STOPWORDS", "SYNONYMS", "stem", "tokens", "words"]

_WORD = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "of",
        "the",
        "in",
        "on",
        "to",
        "for",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "from",
        "into",
        "than",
        "that",
        "this",
        "these",
        "those",
        "pt",
        "patient",
        "patients",
        "dx",
        "diagnosis",
        "hx",
        "c",
        "o",
    ]
)


def words(text: str) -> list[str]:
    """Lower-case alphanumeric runs: ``"Type 2 DM, w/ CKD"`` -> ``type 2 dm w ckd``.

    Accents are dropped so "Sjögren" and "sjogren" meet."""
    text = text.lower()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return _WORD.findall(text)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Reduce a lower-case word to the key the index uses."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Stemmed words of ``text`` without stop words, in order (duplicates kept)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


# Word families: a query word (left, as typed) also matches the words on the right ("|" separates
# several alternatives; all words of one alternative must be present).
_SYNONYM_WORDS = {
    "diabetic": "diabetes",
    "diabetes": "diabetic",
    "renal": "kidney",
    "kidney": "renal",
    "nephropathy": "kidney",
    "hepatic": "liver",
    "liver": "hepatic",
    "cardiac": "heart",
    "heart": "cardiac",
    "pulmonary": "lung",
    "lung": "pulmonary",
    "cerebral": "brain",
    "gastric": "stomach",
    "stomach": "gastric",
    "ocular": "eye",
    "hypertension": "hypertensive",
    "hypertensive": "hypertension",
    "depression": "depressive",
    "depressive": "depression",
    "anxious": "anxiety",
    "obese": "obesity",
    "obesity": "obese",
    "asthmatic": "asthma",
    "arthritic": "arthritis",
    "anemic": "anemia",
    "septic": "sepsis",
    "broken": "fracture",
    "broke": "fracture",
    "fx": "fracture",
    "pain": "ache",
    "ache": "pain",
    "bleed": "hemorrhage",
    "bleeding": "hemorrhage",
    "hemorrhage": "bleeding",
    "infected": "infection",
    "infection": "infected",
    "tummy": "abdominal",
    "belly": "abdominal",
    "abdomen": "abdominal",
    "abdominal": "abdomen",
    "pregnant": "pregnancy",
    "vomiting": "vomit",
    "feet": "foot",
    "teeth": "tooth",
    "women": "female",
    "men": "male",
    "child": "pediatric",
    "kid": "child",
    "elderly": "age",
    "distal": "lower end",
    "proximal": "upper end",
    "shin": "lower leg",
    "thigh": "femur",
    "femoral": "femur",
    "venous": "vein",
    "vein": "venous",
    "leg": "lower limb|lower extremity|lower leg",
    "legs": "lower limb|lower extremity|lower leg",
    "arm": "upper limb|upper extremity|upper arm",
    "exam": "examination",
    "examination": "exam",
    "colon": "large intestine",
    "contraceptive": "contraception",
    "contraception": "contraceptive",
    "tobacco": "nicotine",
    "cholelithiasis": "calculus of gallbladder",
    "nephrolithiasis": "calculus of kidney",
    "convulsion": "seizure",
    "seizure": "convulsion",
    "humeral": "humerus",
    "radial": "radius",
    "ulnar": "ulna",
    "tibial": "tibia",
    "fibular": "fibula",
    "vertebral": "vertebra",
    "tailbone": "coccyx",
    "collarbone": "clavicle",
    "kneecap": "patella",
    "yearly": "annual",
    "checkup": "examination",
    "visit": "encounter",
    "shot": "vaccine",
    "shots": "vaccine",
    "vaccination": "vaccine",
    "immunization": "vaccine",
    "vaccine": "immunization",
    "glucose": "sugar",
    "sugar": "glucose",
    "pee": "urine",
    "urinary": "urine",
    "breathing": "respiratory",
    "breath": "respiratory",
}

SYNONYMS: dict[str, tuple[tuple[str, ...], ...]] = {}
for _word, _others in _SYNONYM_WORDS.items():
    for _other in _others.split("|"):
        SYNONYMS.setdefault(stem(_word), ())
        SYNONYMS[stem(_word)] += (tuple(tokens(_other)),)

# Lay phrases (as patients and clinicians say them) -> the words the code titles use.
LAY_TERMS = {
    "heart attack": "acute myocardial infarction",
    "high blood pressure": "essential hypertension",
    "high cholesterol": "hypercholesterolemia",
    "low blood sugar": "hypoglycemia",
    "high blood sugar": "hyperglycemia",
    "sugar diabetes": "diabetes mellitus",
    "kidney stone": "calculus of kidney",
    "c diff": "clostridium difficile",
    "c. diff": "clostridium difficile",
    "screening colonoscopy": "screening for malignant neoplasm of colon",
    "kidney stones": "calculus of kidney",
    "gall stones": "calculus of gallbladder",
    "gallstones": "calculus of gallbladder",
    "stroke": "cerebral infarction",
    "mini stroke": "transient cerebral ischemic attack",
    "pink eye": "conjunctivitis",
    "sore throat": "acute pharyngitis",
    "strep throat": "streptococcal pharyngitis",
    "ear infection": "otitis media",
    "swimmer's ear": "otitis externa",
    "swimmers ear": "otitis externa",
    "bladder infection": "cystitis",
    "kidney infection": "pyelonephritis",
    "chest cold": "acute bronchitis",
    "head cold": "acute nasopharyngitis",
    "common cold": "acute nasopharyngitis",
    "stomach flu": "gastroenteritis",
    "stomach bug": "gastroenteritis",
    "heartburn": "gastro-esophageal reflux disease",
    "acid reflux": "gastro-esophageal reflux disease",
    "shortness of breath": "shortness of breath",
    "short of breath": "shortness of breath",
    "trouble breathing": "shortness of breath",
    "passed out": "syncope",
    "fainting": "syncope",
    "fainted": "syncope",
    "dizzy": "dizziness",
    "lightheaded": "dizziness",
    "tired": "fatigue",
    "tiredness": "fatigue",
    "runny nose": "rhinorrhea",
    "stuffy nose": "nasal congestion",
    "nosebleed": "epistaxis",
    "nose bleed": "epistaxis",
    "bed sore": "pressure ulcer",
    "bedsore": "pressure ulcer",
    "pressure sore": "pressure ulcer",
    "black eye": "contusion of eyelid and periocular area",
    "rolled ankle": "sprain of ankle",
    "twisted ankle": "sprain of ankle",
    "sprained ankle": "sprain of ankle",
    "tennis elbow": "lateral epicondylitis",
    "golfer's elbow": "medial epicondylitis",
    "frozen shoulder": "adhesive capsulitis of shoulder",
    "trigger finger": "trigger finger",
    "water on the knee": "effusion knee",
    "slipped disc": "intervertebral disc displacement",
    "herniated disc": "intervertebral disc displacement",
    "pinched nerve": "radiculopathy",
    "sciatica": "sciatica",
    "lower back pain": "low back pain",
    "back pain": "low back pain",
    "neck pain": "cervicalgia",
    "belly pain": "abdominal pain",
    "stomach ache": "abdominal pain",
    "stomachache": "abdominal pain",
    "tummy ache": "abdominal pain",
    "headache": "headache",
    "migraines": "migraine",
    "hay fever": "allergic rhinitis",
    "seasonal allergies": "allergic rhinitis",
    "hives": "urticaria",
    "rash": "rash",
    "eczema": "atopic dermatitis",
    "acne": "acne vulgaris",
    "cold sore": "herpesviral vesicular dermatitis",
    "shingles": "zoster",
    "chicken pox": "varicella",
    "chickenpox": "varicella",
    "lazy eye": "amblyopia",
    "cross eyed": "strabismus",
    "nearsighted": "myopia",
    "farsighted": "hypermetropia",
    "bedwetting": "enuresis",
    "bed wetting": "enuresis",
    "morning sickness": "nausea vomiting pregnancy",
    "weight loss": "abnormal weight loss",
    "overweight": "overweight",
    "smoker": "nicotine dependence cigarettes",
    "smoking": "nicotine dependence cigarettes",
    "quit smoking": "tobacco use counseling",
    "alcoholism": "alcohol dependence",
    "drunk": "alcohol intoxication",
    "memory loss": "memory deficit",
    "sleep apnea": "sleep apnea",
    "blood clot": "embolism thrombosis",
    "blood thinner": "long term anticoagulants",
    "blood thinners": "long term anticoagulants",
    "on insulin": "long term insulin",
    "dog bite": "bite of dog",
    "cat bite": "bite of cat",
    "bee sting": "venom of hornets wasps bees",
    "sunburn": "sunburn",
    "flu shot": "influenza vaccine",
    "flu vaccine": "influenza vaccine",
    "well child": "routine child health examination",
    "well baby": "routine child health examination",
    "annual physical": "general adult medical examination",
    "physical exam": "general adult medical examination",
    "sports physical": "examination for participation in sport",
    "pap smear": "cervical smear",
    "colonoscopy screening": "screening for malignant neoplasm of colon",
    "mammogram": "screening mammogram",
    "birth control": "contraceptive",
    "pregnancy test": "pregnancy examination test",
    "hearing aid": "hearing aid",
    "walker": "walker",
    "wheel chair": "wheelchair",
    "crutches": "crutches",
    "cane": "cane",
    "oxygen tank": "oxygen",
    "pacemaker": "cardiac pacemaker",
    "knee replacement": "presence of artificial knee joint",
    "hip replacement": "presence of artificial hip joint",
    "loss of appetite": "anorexia",
    "itchy": "pruritus",
    "itching": "pruritus",
    "swelling": "edema",
    "swollen": "edema",
    "high fever": "fever",
    "pins and needles": "paresthesia",
    "numbness": "anesthesia of skin",
    "ringing in ears": "tinnitus",
    "ringing in the ears": "tinnitus",
    "earwax": "impacted cerumen",
    "ear wax": "impacted cerumen",
    "wax in ear": "impacted cerumen",
    "constipated": "constipation",
    "loose stools": "diarrhea",
    "throwing up": "vomiting",
    "threw up": "vomiting",
    "peeing a lot": "polyuria",
    "burning urination": "dysuria",
    "painful urination": "dysuria",
    "blood in urine": "hematuria",
    "blood in stool": "melena",
    "thyroid underactive": "hypothyroidism",
    "underactive thyroid": "hypothyroidism",
    "overactive thyroid": "hyperthyroidism",
    "low iron": "iron deficiency anemia",
    "vitamin d deficiency": "vitamin d deficiency",
    "b12 deficiency": "vitamin b12 deficiency",
    "fatty liver": "fatty liver",
    "enlarged prostate": "benign prostatic hyperplasia",
    "bunion": "hallux valgus",
    "flat feet": "flat foot",
    "ingrown toenail": "ingrowing nail",
    "ingrown nail": "ingrowing nail",
    "athlete's foot": "tinea pedis",
    "athletes foot": "tinea pedis",
    "jock itch": "tinea cruris",
    "ringworm": "tinea corporis",
    "head lice": "pediculosis capitis",
    "lice": "pediculosis",
    "wart": "viral wart",
    "warts": "viral warts",
    "mole": "nevus",
    "skin tag": "skin tag",
    "cyst": "cyst",
    "boil": "furuncle",
    "abscess": "abscess",
}

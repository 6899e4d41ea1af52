"""Tokens with character offsets, sentences and note sections.

Everything the matcher and the learned model see goes through :func:`tokenize`, so a token's
``start``/``end`` always point back into the original note text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "STOPWORDS",
    "Section",
    "Sentence",
    "Token",
    "norm",
    "sections",
    "sentences",
    "tokenize",
]

_WORD = re.compile(r"[A-Za-z]+|[0-9]+(?:\.[0-9]+)?")
_ENUMERATOR = re.compile(r"[0-9]{1,2}[.)](?:\s|$)")

# Words that carry no clinical meaning on their own when matching titles to notes.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "to",
        "by",
        "for",
        "as",
        "at",
        "from",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "this",
        "that",
        "these",
        "those",
        "its",
        "it",
        "his",
        "her",
        "their",
        "he",
        "she",
        "they",
        "we",
        "patient",
        "pt",
        "which",
        "who",
        "whom",
        "also",
        "than",
        "then",
        "there",
        "into",
        "after",
        "before",
        "during",
        "due",
        "other",
        "unspecified",
        "specified",
        "nos",
        "elsewhere",
        "classified",
        "site",
        "sites",
        "part",
        "region",
        "use",
        "additional",
        "code",
        "first",
    ]
)

# British spellings and synonyms the tabular does not use, folded to the tabular's word.
_SPELLING = {
    "anaemia": "anemia",
    "oedema": "edema",
    "haemorrhage": "hemorrhage",
    "tumour": "tumor",
    "oesophagus": "esophagus",
    "oesophageal": "esophageal",
    "haematuria": "hematuria",
    "diarrhoea": "diarrhea",
    "renal": "kidney",
    "hepatic": "liver",
    "cardiac": "heart",
    "pulmonary": "lung",
    "faeces": "feces",
    "leukaemia": "leukemia",
    "paediatric": "pediatric",
    "ischaemic": "ischemic",
    "ischaemia": "ischemia",
    "hypertensive": "hypertension",
    "diabetic": "diabetes",
    "febrile": "fever",
    "anemic": "anemia",
    "obese": "obesity",
    "pyrexia": "fever",
    "neoplastic": "neoplasm",
    "tumoral": "tumor",
    "metastase": "metastasis",
    "metastatic": "metastasis",
    "carcinomas": "carcinoma",
    "vomit": "vomiting",
    "hypothyroid": "hypothyroidism",
    "asthmatic": "asthma",
    "septic": "sepsis",
}


def norm(word: str) -> str:
    """Fold one word to its matching form: lower case, common spelling, light plural stripping."""
    w = word.lower()
    w = _SPELLING.get(w, w)
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "sis")):
        w = w[:-1]
    return _SPELLING.get(w, w)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the note: its matching form and where it sits in the text."""

    norm: str
    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of ``text[start:end]`` with absolute character offsets."""
    stop = len(text) if end is None else end
    out = []
    for m in _WORD.finditer(text, start, stop):
        word = m.group()
        if word[0].isdigit() and _ENUMERATOR.match(text, m.start()):
            # list numbering ("1. Type 2 diabetes") is not part of any term
            line_start = text.rfind("\n", 0, m.start()) + 1
            if not text[line_start : m.start()].strip():
                continue
        out.append(Token(norm(word), m.start(), m.end()))
    return out


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: character span, section it falls in and its tokens."""

    start: int
    end: int
    section: str
    tokens: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A headed part of the note (``assessment``, ``history`` ...) and its character span."""

    name: str
    start: int
    end: int


# Heading words -> section kind. Assessment and plan weigh most when scoring.
_HEADINGS = {
    "assessment": "assessment",
    "impression": "assessment",
    "diagnosis": "assessment",
    "diagnoses": "assessment",
    "a/p": "assessment",
    "assessment and plan": "assessment",
    "assessment/plan": "assessment",
    "plan": "plan",
    "procedures": "procedures",
    "procedure": "procedures",
    "orders": "procedures",
    "chief complaint": "complaint",
    "cc": "complaint",
    "reason for visit": "complaint",
    "hpi": "history",
    "history of present illness": "history",
    "history": "history",
    "past medical history": "past_history",
    "pmh": "past_history",
    "past history": "past_history",
    "past surgical history": "past_history",
    "family history": "family_history",
    "fh": "family_history",
    "social history": "social_history",
    "sh": "social_history",
    "medications": "medications",
    "allergies": "allergies",
    "ros": "review",
    "review of systems": "review",
    "exam": "exam",
    "physical exam": "exam",
    "physical examination": "exam",
    "vitals": "exam",
    "results": "data",
    "labs": "data",
}
_HEADING = re.compile(r"^[ \t]*([A-Za-z][A-Za-z /&]{0,40}?)[ \t]*:", re.MULTILINE)


def sections(text: str) -> list[Section]:
    """Headed sections of the note, in order; text before any heading is ``body``."""
    found: list[tuple[int, str]] = []
    for m in _HEADING.finditer(text):
        kind = _HEADINGS.get(m.group(1).strip().lower())
        if kind:
            found.append((m.start(), kind))
    out: list[Section] = []
    if not found or found[0][0] > 0:
        out.append(Section("body", 0, found[0][0] if found else len(text)))
    for i, (pos, kind) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        out.append(Section(kind, pos, end))
    return out


_SENT_END = re.compile(
    r"(?<=[.!?;])\s+(?=[A-Z0-9(\-])|\n\s*\n|\n(?=\s*[-*•]|\s*[A-Z][A-Za-z ]{0,40}:)|\n"
)


def sentences(text: str) -> list[Sentence]:
    """Split the note into sentences (line ends and full stops) within its sections."""
    out: list[Sentence] = []
    for sec in sections(text):
        pos = sec.start
        bounds = [m.start() for m in _SENT_END.finditer(text, sec.start, sec.end)] + [sec.end]
        for b in bounds:
            if b > pos:
                toks = tokenize(text, pos, b)
                if toks:
                    out.append(Sentence(toks[0].start, toks[-1].end, sec.name, tuple(toks)))
            pos = b
    return out

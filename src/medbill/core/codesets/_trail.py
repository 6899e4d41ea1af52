"""Search through the Alphabetic Index, the coder's route: main term, subterms, then the Tabular.

A query's words are matched to Index entries: every word of an entry's main term and subterms
should be in the query (a word missing costs), the entry's nonessential modifiers may be and
count less, and the main term must be named. The best entries' codes are completed against the
Tabular of the date of service (``C79.8-`` -> its billable codes) and come back with their
**trail**: "Diabetes, diabetic, type 2, with, chronic kidney disease -> E11.22; use additional
code to identify stage of chronic kidney disease (N18.1-N18.6)".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from medbill.core.codesets._alphabetic import JOINING, IndexRelease, complete_code, index_for
from medbill.core.codesets._icd10cm import Icd10cmRelease
from medbill.core.codesets._lexicon import ABBREVIATIONS
from medbill.core.codesets._releases import ReleaseNotFound, icd10cm
from medbill.core.codesets._shorthand import Shorthand, read_shorthand
from medbill.core.codesets._text import SYNONYMS, tokens

__all__ = ["IndexCandidate", "index_candidates", "query_words"]

MISSING_WORD = 2.5  # an entry word the query does not have
OPTIONAL_SHARE = 0.5  # a nonessential modifier counts half
NEGATED_WORD = 6.0  # an entry naming what the query says is absent
SHORTLIST = 12  # entries completed against the Tabular

# Words that lead a coder to another main term or a table column.
_INDEX_WORDS = {
    "cancer": "malignant neoplasm primary",
    "carcinoma": "malignant neoplasm primary",
    "adenocarcinoma": "malignant neoplasm primary",
    "malignancy": "malignant neoplasm primary",
    "nsclc": "malignant neoplasm primary lung",
    "sclc": "malignant neoplasm primary lung",
    "od": "poisoning",
    "overdose": "poisoning",
    "intentional": "intentional self harm",
    "accidental": "accidental unintentional",
    "status": "status presence",
    "post": "",
    "stone": "calculus",
    "stones": "calculus",
}


# Adjectives of a site and the noun the Index and the neoplasm table file it under (stemmed).
_FORMS = {
    tokens(adjective)[0]: tuple(tokens(nouns))
    for adjective, nouns in {
        "ovarian": "ovary",
        "ureteral": "ureter",
        "urethral": "urethra",
        "cervical": "cervix",
        "endometrial": "endometrium",
        "uterine": "uterus",
        "vaginal": "vagina",
        "vulvar": "vulva",
        "rectal": "rectum",
        "colonic": "colon",
        "anal": "anus",
        "pancreatic": "pancreas",
        "prostatic": "prostate",
        "esophageal": "esophagus",
        "duodenal": "duodenum",
        "gastric": "stomach",
        "hepatic": "liver",
        "biliary": "bile",
        "splenic": "spleen",
        "bronchial": "bronchus",
        "testicular": "testis",
        "thyroidal": "thyroid",
        "vesical": "bladder",
        "mammary": "breast",
        "osseous": "bone",
        "cutaneous": "skin",
        "vertebral": "vertebra",
        "femoral": "femur",
        "tibial": "tibia",
        "humeral": "humerus",
        "laryngeal": "larynx",
        "pharyngeal": "pharynx",
        "tonsillar": "tonsil",
        "adrenal": "adrenal",
        "nasal": "nose",
        "oral": "mouth",
        "lingual": "tongue",
        "sacral": "sacrum",
        "lumbar": "lumbar",
    }.items()
}
# and the other way: the Index also files some sites under the adjective ("sacral region")
for _adjective, _nouns in list(_FORMS.items()):
    for _noun in _nouns:
        _FORMS[_noun] = (*_FORMS.get(_noun, ()), _adjective)
_ORDINALS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth"}


@dataclass(frozen=True)
class IndexCandidate:
    """A code the Index leads to for a query, with the route that led there."""

    code: str
    trail: str
    score: float
    coverage: float  # share of the query's words the entry has
    missing: int  # words of the entry the query does not have
    options: tuple[str, ...] = ()  # every billable code the Index code stands for, best first
    current: bool = True  # False: the Index is older than the Tabular of the date of service


def query_words(reading: Shorthand) -> list[str]:
    """The stemmed words of a read query, abbreviations spelt out for the Index."""
    core, extra = _words(reading)
    return list(dict.fromkeys(core + extra))


def _concepts(reading: Shorthand) -> list[list[tuple[str, ...]]]:
    """Each word of the query with the ways the Index may spell it: "t2dm" as itself or as
    "type 2 diabetes mellitus", "ca" (cancer) as itself or as the neoplasm table's "malignant
    neoplasm primary", "OD" as "poisoning". An entry covers a concept through any of them."""
    concepts: list[list[tuple[str, ...]]] = []
    for raw in reading.text.split():
        raw = _ORDINALS.get(raw.strip(".,;:()"), raw.strip(".,;:()"))
        spelt = ABBREVIATIONS.get(raw, raw)
        ways = [tuple(tokens(raw))] if spelt != raw else []
        ways.append(tuple(tokens(spelt)))
        for word in re.findall(r"[a-z0-9]+", spelt):
            more = _INDEX_WORDS.get(word)
            if more:
                ways.append(tuple(tokens(more)))
        ways = [w for w in dict.fromkeys(ways) if w]
        if ways:
            concepts.append(ways)
    if any("secondari" in w or "secondary" in w for ways in concepts for w in ways):
        concepts = [[w for w in ways if "primari" not in w] or ways for ways in concepts]
    return concepts


def _words(reading: Shorthand) -> tuple[list[str], list[str]]:
    """Every word to score: the query's own words spelt out (first), then the other spellings
    of its concepts (see :func:`_concepts`)."""
    core: list[str] = []
    extra: list[str] = []
    for ways in _concepts(reading):
        core += ways[0]
        for way in ways[1:]:
            extra += way
    core = list(dict.fromkeys(core))
    return core, [w for w in dict.fromkeys(extra) if w not in core]


def negated_words(reading: Shorthand) -> set[str]:
    """Words the query says are absent ("without coma"): entries naming them rank lower."""
    found = re.findall(r"\bwithout\s+([a-z0-9]+(?:\s+[a-z0-9]+)?)", reading.text)
    return {w for phrase in found for w in tokens(phrase)}


def _ids(index: IndexRelease, kind: str, word: str) -> npt.NDArray[Any]:
    """Entries holding ``word``, a one-word synonym of it, or the noun the Index files an
    adjective under ("ovarian" -> "ovary")."""
    found = [index.words(kind, word)]
    for alt in SYNONYMS.get(word, ()):
        if len(alt) == 1:
            found.append(index.words(kind, alt[0]))
    for form in _FORMS.get(word, ()):
        found.append(index.words(kind, form))
    return np.unique(np.concatenate(found)) if len(found) > 1 else found[0]


def _spellings(words: list[str]) -> set[str]:
    """The words themselves, their one-word synonyms and their Index forms."""
    out = set(words)
    for word in words:
        out |= {alt[0] for alt in SYNONYMS.get(word, ()) if len(alt) == 1}
        out |= set(_FORMS.get(word, ()))
    return out


def _coverage(
    concepts: list[list[tuple[str, ...]]], present: dict[str, npt.NDArray[Any]], size: int
) -> tuple[npt.NDArray[Any], int]:
    """Per candidate, the share of the query's concepts it covers (a concept counts by its best
    spelling: the share of that spelling's words the entry has). Concepts no spelling of which
    the Index knows are left out."""
    total = np.zeros(size, dtype=np.float32)
    known = 0
    for ways in concepts:
        usable = [w for w in ways if any(t in present for t in w)]
        if not usable:
            continue
        known += 1
        best = np.zeros(size, dtype=np.float32)
        for way in usable:
            share = sum(present[t] for t in way if t in present) / len(way)
            best = np.maximum(best, share)
        total += best
    return (total / known if known else total), known


def _note(index: IndexRelease, release: Icd10cmRelease, code: str) -> str:
    """The first "use additional code" note that applies to ``code`` (own level first);
    remembered on the Index release, per Tabular release."""
    key = (release.name, code)
    if key not in index.notes:
        index.notes[key] = _first_note(release, code)
    return index.notes[key]


MAX_NOTE_CODES = 4  # codes of a listed note shown in a trail


def _first_note(release: Icd10cmRelease, code: str) -> str:
    """The "use additional code" note of the code itself or of its category, as a coder would
    read it beside the code. Notes of a block or chapter ("tobacco exposure, if applicable")
    apply to every code under them and are left to the Tabular; a note that lists its
    choices is shown as its heading with their codes."""
    found = release.get(code)
    notes = [
        n for n in (found.use_additional if found is not None else ())
        if "-" not in n.source and not n.source.isdigit()
    ]  # fmt: skip
    for i, note in enumerate(notes):
        text = str(note).strip()
        if not text:
            continue
        text = text[0].lower() + text[1:]
        if text.endswith(":"):
            listed = [n for n in notes[i + 1 :] if n.source == note.source]
            refs = list(dict.fromkeys(r for n in listed for r in _REF.findall(str(n))))
            if not refs:
                continue
            more = ", …" if len(refs) > MAX_NOTE_CODES else ""
            text = f"{text} {', '.join(refs[:MAX_NOTE_CODES])}{more}"
        return (
            f"; use additional {text}"
            if text.startswith("code")
            else (f"; use additional code for {text}")
        )
    return ""


_REF = re.compile(r"\(([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z-]+)?(?:-[A-Z][0-9][0-9A-Z.]*)?)\)")


def _finished(
    concepts: list[list[tuple[str, ...]]],
    present: dict[str, npt.NDArray[Any]],
    i: int,
    code: str,
    release: Icd10cmRelease,
    share: float,
) -> float:
    """The share of the query's concepts covered by the route as a whole: the Index leaves the
    side, the trimester and the like to the Tabular (I.B.13), so a concept the entry does not
    name counts when the title of the code it completes to says it ("cellulitis R hand":
    Cellulitis, hand -> L03.113, cellulitis of *right* upper limb)."""
    title = set(tokens(release.description(code) or ""))
    title |= _spellings(list(title))
    known = covered = 0
    for ways in concepts:
        usable = [w for w in ways if any(t in present for t in w)] or (
            [w for w in ways if set(w) <= title]
        )
        if not usable:
            continue
        known += 1
        if any(all(t in present and present[t][i] for t in w) for w in usable) or any(
            set(w) <= title for w in usable
        ):
            covered += 1
    return max(share, covered / known) if known else share


def _lateral(code: str, sides: list[str], release: Icd10cmRelease) -> str:
    """The sibling of an unspecified-side code that has the side the query names ("R ovarian
    ca": Cancer, ovarian -> C56.9, unspecified ovary -> C56.1, right ovary), as a coder
    finishes the code in the Tabular (Guidelines I.B.13, laterality)."""
    if len(sides) != 1:
        return code
    title = (release.description(code) or "").lower()
    words = set(re.findall(r"[a-z]+", title))
    if "unspecified" not in words or words & {"right", "left", "bilateral"}:
        return code
    parent = release.parent(code)
    if parent is None:
        return code
    base = words - {"unspecified", "side", "of"}
    best: tuple[int, str] | None = None
    plain = code.replace(".", "")
    for sibling in release.billable_descendants(parent):
        if len(sibling) != len(plain) or release.parent(sibling) != parent:
            continue  # a sibling, not a code of another level
        has = set(re.findall(r"[a-z]+", (release.description(sibling) or "").lower()))
        if sides[0] in has:
            overlap = len(has & base)
            if best is None or overlap > best[0]:
                best = (overlap, sibling)
    return _dotted(best[1]) if best else code


def _dotted(code: str) -> str:
    code = code.replace(".", "")
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def index_candidates(
    query: str | Shorthand, *, dos: date | None = None, limit: int = 5
) -> list[IndexCandidate]:
    """Codes the Alphabetic Index leads to for ``query``, valid on ``dos`` (None: newest
    release), best first; empty when no Index is built or nothing matches a main term."""
    reading = query if isinstance(query, Shorthand) else read_shorthand(query)
    index = index_for(dos)
    negated = negated_words(reading)
    core, extra = _words(reading)
    concepts = [[w for w in ways if not set(w) & negated] for ways in _concepts(reading)]
    concepts = [ways for ways in concepts if ways]
    words = [w for w in core + extra if w not in negated]
    if index is None or not words:
        return []
    try:
        release = icd10cm(dos)
    except ReleaseNotFound:
        return []
    current = index.effective_to >= release.effective_from
    n = len(index)
    # Only entries whose main term the query names can answer: score just those.
    postings = {w: _ids(index, "postings", w) for w in words}
    optionals = {w: _ids(index, "optional", w) for w in words}
    leads = [_ids(index, "lead", w) for w in words]
    candidates = np.unique(np.concatenate(leads)) if leads else index.postings[:0]
    candidates = candidates[index.has_code[candidates]]
    if not len(candidates):
        return []
    with index.lock:  # one scratch array per Index release, cleared after each query
        scratch = index.scratch
        score = np.zeros(len(candidates), dtype=np.float32)
        matched = np.zeros(len(candidates), dtype=np.int16)
        present: dict[str, npt.NDArray[Any]] = {}  # word -> which candidates have it
        for word in words:
            essential, optional = postings[word], optionals[word]
            if not len(essential) and not len(optional):
                continue  # a word the Index never uses ("t2dm" beside its spelling) asks nothing
            weight = min(math.log(1 + n / max(len(essential), 1)), 8.0)
            scratch[essential] = 2
            scratch[optional] = 1
            seen = scratch[candidates]
            scratch[essential] = 0
            scratch[optional] = 0
            has = seen == 2
            score += weight * has + OPTIONAL_SHARE * weight * (seen == 1)
            present[word] = seen > 0
        # each word an entry asks for counts once, however many query words reach it
        # ("diabetic" and "diabetes" both reach Diabetes)
        for word in _spellings(words) - JOINING:
            found = index.words("asks", word)
            scratch[found] = 1
            matched += scratch[candidates]
            scratch[found] = 0
        for word in negated:
            found = index.words("postings", word)
            scratch[found] = 1
            score -= NEGATED_WORD * scratch[candidates]
            scratch[found] = 0
    coverage, known = _coverage(concepts, present, len(candidates))
    missing = np.clip(index.sizes[candidates] - matched, 0, None)
    final = score - MISSING_WORD * missing
    top = np.argsort(-final, kind="stable")[:SHORTLIST]
    asked = set(words)
    sides: list[str] = [w for w in ("right", "left", "bilateral") if w in reading.text.split()]
    out: list[IndexCandidate] = []
    chosen: set[str] = set()
    for i in top:
        entry = int(candidates[i])
        printed = index.code(entry)
        # the route's own words choose too: "Cellulitis, hand (see Cellulitis, upper limb)"
        route = asked | set(tokens(index.trail(entry)))
        codes = complete_code(printed, release, route, index.title_words)
        if not codes:
            continue
        code = _lateral(codes[0], sides, release)
        if code in chosen:
            continue
        chosen.add(code)
        trail = f"{index.trail(entry)} → {code}"
        if printed.rstrip("-") != code:
            trail = f"{index.trail(entry)} → {printed} → {code}"
        share = _finished(concepts, present, i, code, release, coverage[i])
        out.append(IndexCandidate(code, trail + _note(index, release, code), float(final[i]),
                                  float(share), int(missing[i]), tuple(codes),
                                  current))  # fmt: skip
        if len(out) >= limit:
            break
    return out

"""Candidates from the ICD-10-CM Alphabetic Index for a phrase of a note (the coder's route).

A coder reads the provider's assessment one problem at a time and looks each up in the Index:
main term, subterms, then the Tabular. :func:`route_findings` does the same for the problems of
a note's assessment, and :func:`trail_for` finds the Index route to a code the engine found
another way, so every suggestion can show how a coder would reach it. :func:`index_candidates_for`
answers one phrase ("type 2 diabetes with CKD stage 3b", "adverse effect of lisinopril").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from medbill.core.codesets._trail import IndexCandidate, index_candidates
from medbill.core.suggest._text import Sentence

__all__ = [
    "IndexCandidate",
    "Lookups",
    "RouteFinding",
    "index_candidates_for",
    "route_findings",
    "trail_for",
]

# An assessment problem the Index must name fully, and cover this share of, to be a candidate.
ROUTE_COVERAGE = 0.75
# Problems are read where the provider states them.
ROUTE_SECTIONS = frozenset({"assessment"})
MAX_PROBLEMS = 24  # a long problem list is read as far as this

_PROBLEM_SPLIT = re.compile(r";|\s+-\s+|\n")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•#])\s*")
_LEAD = re.compile(r"^\s*(?:assessment|impression|diagnos[ie]s|a/p|plan)\s*:?\s*", re.I)
# Clauses about the plan or status of a problem rather than naming one
_NOT_A_PROBLEM = re.compile(
    r"^\s*(?:stable|controlled|improv|worse|continue|start|stop|refill|recheck|follow|return|"
    r"on\b|taking|given|discussed|counsel|plan|no\b|not\b|denies|without\b|well\b)",
    re.I,
)


@dataclass(frozen=True)
class RouteFinding:
    """A problem of the assessment and the code the Index leads to for it."""

    code: str
    trail: str
    start: int
    end: int
    coverage: float
    guessed: bool = False  # the Index code stands for several billable codes; one was picked


def index_candidates_for(
    phrase: str, *, dos: date | None = None, limit: int = 5, named_fully: bool = False
) -> list[IndexCandidate]:
    """Codes the Alphabetic Index leads to for ``phrase`` on ``dos`` (None: the newest
    release), best first. ``named_fully`` keeps only entries whose every word the phrase says
    (``missing == 0``), the ones search puts first. Empty when no Index is built."""
    found = index_candidates(phrase, dos=dos, limit=limit)
    return [c for c in found if c.missing == 0] if named_fully else found


def _problems(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The problems of one assessment sentence: parts split at semicolons and line ends, list
    numbering and the heading left out; spans into ``text``. A comma stays inside a problem:
    what follows it is often a qualifier of the same problem ("conjunctivitis, bilateral")."""
    out = []
    at = start
    chunk = text[start:end]
    for part in _PROBLEM_SPLIT.split(chunk):
        s = at
        at += len(part) + 1
        lead = _LEAD.match(part)
        cut = lead.end() if lead else 0
        numbered = _NUMBERING.match(part, cut)
        cut = numbered.end() if numbered else cut
        words = part[cut:].strip()
        if len(re.findall(r"[A-Za-z]{3,}", words)) == 0 or _NOT_A_PROBLEM.match(words):
            continue
        begin = s + part.index(words, cut)
        out.append((begin, begin + len(words)))
    return out


class Lookups(dict[tuple[str, date | None], list[IndexCandidate]]):
    """Index answers for the phrases of one note (the caller keeps it for one note)."""

    def find(self, phrase: str, dos: date | None) -> list[IndexCandidate]:
        key = (phrase, dos)
        if key not in self:
            self[key] = index_candidates(phrase, dos=dos, limit=3)
        return self[key]


def route_findings(
    text: str,
    sentences: Iterable[Sentence],
    *,
    dos: date | None = None,
    sections: Collection[str] = ROUTE_SECTIONS,
    lookups: Lookups | None = None,
) -> list[RouteFinding]:
    """For each problem the provider lists in ``sections`` of the note, the code the Index
    names fully (every word of its entry is in the problem) and that covers most of the
    problem's words. ``sentences`` are the note's (start, end, section) sentences."""
    lookups = Lookups() if lookups is None else lookups
    out: list[RouteFinding] = []
    seen: set[tuple[int, int]] = set()
    for sent in sentences:
        if sent.section not in sections:
            continue
        for start, end in _problems(text, sent.start, sent.end):
            if (start, end) in seen or len(seen) >= MAX_PROBLEMS:
                continue
            seen.add((start, end))
            best = _named(text, start, end, dos, lookups)
            if best is not None:
                out.append(best)
    return out


def _named(
    text: str, start: int, end: int, dos: date | None, lookups: Lookups
) -> RouteFinding | None:
    """The Index entry a problem names fully: the whole problem first, else the part before
    its first comma ("hypertension, stable on lisinopril")."""
    spans = [(start, end)]
    comma = text.find(",", start, end)
    if comma > start:
        spans.append((start, comma))
    for s, e in spans:
        # the best entry the problem names fully, though one asking for more may rank first
        # ("fracture of distal radius" is not the styloid process)
        for best in lookups.find(text[s:e], dos):
            if best.missing == 0 and best.coverage >= ROUTE_COVERAGE:
                guessed = len(best.options) > 1
                return RouteFinding(best.code, best.trail, s, e, best.coverage, guessed)
    return None


def trail_for(
    code: str, phrase: str, *, dos: date | None = None, lookups: Lookups | None = None
) -> str:
    """The Index route from ``phrase`` to ``code`` (dotted), when the Index leads there from
    the phrase; empty otherwise. The trail names the code the Index route completes to."""
    lookups = Lookups() if lookups is None else lookups
    for candidate in lookups.find(phrase, dos):
        if candidate.code == code:
            return candidate.trail
        if code in candidate.options:
            return candidate.trail.replace(f"→ {candidate.code}", f"→ {code}")
    return ""

"""The diagnosis dictionary: ICD-10-CM titles, inclusion terms and abbreviations as word sets.

A *term* is the set of matching words of a title or inclusion term (stop words removed), pointing
at one billable code. A term matches a sentence when every one of its words occurs close together
in it. Titles are expanded into the shorter ways clinicians write them ("Pain, unspecified" ->
"pain"; "Malignant neoplasm of breast" -> "breast cancer").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medbill.core.suggest._text import STOPWORDS, Sentence, Token, norm

if TYPE_CHECKING:
    from medbill.core.codesets._icd10cm import Icd10cmRelease

__all__ = ["Lexicon", "Match", "default_billable", "term_variants"]

_PARENS = re.compile(r"\s*\([^()]*\)")
# "unspecified site" says nothing a note would say; "unspecified shoulder" still names the shoulder.
_GENERIC = (
    r"(?:site|sites|part|type|cause|organism|origin|kind|region|side|laterality|behavior|"
    r"nature|degree|severity|episode|trimester|stage|location|complications?|lobe|level)"
)
_DROP = re.compile(
    r",?\s*(?:not elsewhere classified|without complications?|without mention of [a-z ]+|"
    rf"unspecified as to [a-z ]+|of unspecified {_GENERIC}|unspecified {_GENERIC}|"
    r",\s*unspecified)$",
    re.IGNORECASE,
)
_UNSPECIFIED = re.compile(r"\bunspecified\s+", re.IGNORECASE)
# A closing "without ..." or "except ..." clause states the default a note leaves unsaid.
_DEFAULT_CLAUSE = re.compile(r",?\s+(?:without|except)\s+[^,()]+$", re.IGNORECASE)
_TRAILING = re.compile(r"[\s,]+(?:with|without|of|and|due to|in)\s*$", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z]+|[0-9]+")
_ALNUM = re.compile(r"[A-Za-z][A-Za-z0-9/]*[A-Za-z0-9]")

# Words that change a title's meaning are kept even though they look like filler.
_KEEP = frozenset({"without", "with", "not"})


def words(text: str) -> tuple[str, ...]:
    """The matching words of a phrase, in order, stop words removed."""
    return tuple(
        w for w in (norm(x) for x in _WORDS.findall(text)) if w not in STOPWORDS or w in _KEEP
    )


def term_variants(title: str) -> set[tuple[str, ...]]:
    """Word sets a clinician would write for a tabular title or inclusion term."""
    out: set[tuple[str, ...]] = set()
    texts = {title, _PARENS.sub("", title)}
    for text in list(texts):
        cut = text
        for _ in range(3):
            shorter = _DROP.sub("", cut).strip(" ,")
            if shorter == cut:
                break
            cut = shorter
            texts.add(cut)
        if _DEFAULT_CLAUSE.search(cut):
            cut = _DEFAULT_CLAUSE.sub("", cut).strip(" ,")
            texts.add(cut)
        if _UNSPECIFIED.search(cut):
            texts.add(_UNSPECIFIED.sub("", cut))
        parts = [p.strip() for p in text.split(",")]
        if len(parts) > 1:
            kept = [parts[0]] + [p for p in parts[1:] if "unspecified" not in p.lower()]
            texts.add(", ".join(kept))
    for text in list(texts):
        low = text.lower()
        if "malignant neoplasm" in low:
            for alt in ("cancer", "carcinoma", "malignancy"):
                texts.add(low.replace("malignant neoplasm", alt))
        if "secondary malignant neoplasm" in low:
            texts.add(low.replace("secondary malignant neoplasm", "metastasis"))
        if "benign neoplasm" in low:
            texts.add(low.replace("benign neoplasm", "benign tumor"))
    for text in texts:
        text = _TRAILING.sub("", text)
        ws = words(text)
        ws = tuple(w for w in ws if w not in _KEEP) if not ws or ws[0] in _KEEP else ws
        if any(len(w) >= 3 and not w.isdigit() and w not in _KEEP for w in ws):
            out.add(tuple(sorted(set(ws))))
    return out


def default_billable(release: Icd10cmRelease, code: str) -> str | None:
    """The billable code a bare title stands for: itself, or its unspecified descendant.

    Injury categories that need a 7th character default to the initial encounter (``A``).
    """
    key = code.replace(".", "").upper()
    for _ in range(4):
        if release.is_billable(key):
            return key
        if release.needs_seventh(key):
            padded = (key + "XXX")[:6] + "A"
            if release.is_billable(padded):
                return padded
        kids = release.children(key)
        if not kids:
            return None
        pick = None
        for kid in kids:
            title = (release.description(kid) or "").lower()
            if "unspecified" in title or "without complication" in title:
                pick = kid
                break
        if pick is None:
            if len(kids) == 1 or kids[-1].endswith("9"):
                pick = kids[-1]
            else:
                return None
        key = pick
    return None


@dataclass(frozen=True, slots=True)
class Match:
    """One dictionary hit: the code, the matched words' span and the term that produced it."""

    code: str
    start: int
    end: int
    size: int
    term: str
    source: str
    key: tuple[str, ...] = ()


class Lexicon:
    """Word-set terms indexed by their rarest word, for fast matching sentence by sentence."""

    def __init__(self) -> None:
        self.terms: list[tuple[tuple[str, ...], str, str, str]] = []
        self.index: dict[str, list[int]] = {}
        self.abbreviations: dict[str, tuple[str, ...]] = {}
        self.ambiguity: dict[tuple[str, ...], int] = {}

    @classmethod
    def build(
        cls,
        release: Icd10cmRelease,
        abbreviations: dict[str, str] | None = None,
        extra: Iterable[tuple[str, str, str]] = (),
    ) -> Lexicon:
        """Build from an ``Icd10cmRelease`` (titles and inclusion terms of every code),
        a coder abbreviation lexicon (``"HTN" -> "hypertension"``) and extra
        ``(phrase, code, source)`` terms."""
        raw: list[tuple[tuple[str, ...], str, str, str]] = []
        for code in release.codes():
            kind_ok = release.is_billable(code) or len(code) >= 3
            if not kind_ok or not code[:1].isalpha() or len(code) < 3:
                continue
            target = default_billable(release, code)
            if target is None:
                continue
            title = release.description(code) or ""
            if title.lower().startswith("other "):
                continue  # catch-all categories are reached through their own inclusion terms
            for ws in term_variants(title):
                raw.append((ws, target, title, "title"))
            for inc in release.inclusion_terms(code):
                for ws in term_variants(inc):
                    raw.append((ws, target, inc, "inclusion"))
        for phrase, code, source in extra:
            if not release.is_billable(code):
                continue
            for ws in term_variants(phrase):
                raw.append((ws, code, phrase, source))
        lex = cls()
        seen: set[tuple[tuple[str, ...], str]] = set()
        # Our own clinician phrases decide what a bare word means ("hypertension" -> I10).
        owned = {ws for ws, _c, _t, source in raw if source == "phrase"}
        for ws, code, text, source in raw:
            if (ws, code) in seen or (ws in owned and source != "phrase"):
                continue
            seen.add((ws, code))
            lex.terms.append((ws, code, text, source))
        lex._index()
        for abbr, expansion in (abbreviations or {}).items():
            ws = words(expansion)
            if ws and abbr.strip():
                lex.abbreviations[abbr.strip()] = ws
        return lex

    def _index(self) -> None:
        freq: Counter[str] = Counter(w for ws, *_ in self.terms for w in ws)
        self.index = {}
        codes_per: dict[tuple[str, ...], set[str]] = {}
        for i, (ws, code, _t, _s) in enumerate(self.terms):
            rare = min(ws, key=lambda w: (freq[w], w))
            self.index.setdefault(rare, []).append(i)
            codes_per.setdefault(ws, set()).add(code)
        self.ambiguity = {ws: len(c) for ws, c in codes_per.items()}

    def expand(self, text: str, sentence: Sentence) -> list[Token]:
        """The sentence's tokens plus the words of known abbreviations (``HTN`` ->
        ``hypertension``, ``T2DM``) placed at the abbreviation's offsets."""
        out = list(sentence.tokens)
        if not self.abbreviations:
            return out
        for m in _ALNUM.finditer(text, sentence.start, sentence.end):
            raw = m.group()
            exp = self.abbreviations.get(raw.lower())
            if exp and (raw.isupper() or any(ch.isdigit() for ch in raw) or len(raw) > 4):
                out.extend(Token(w, m.start(), m.end()) for w in exp)
        out.sort(key=lambda t: t.start)
        return out

    def match(self, text: str, sentence: Sentence, slack: int = 4) -> Iterator[Match]:
        """Every term whose words all occur in ``sentence`` within a compact window."""
        toks = self.expand(text, sentence)
        positions: dict[str, list[int]] = {}
        for i, tok in enumerate(toks):
            positions.setdefault(tok.norm, []).append(i)
        for word in positions:
            for tid in self.index.get(word, ()):
                ws, code, term, source = self.terms[tid]
                if not all(w in positions for w in ws):
                    continue
                span = _window(ws, positions, toks, len(ws) + slack)
                if span is None:
                    continue
                yield Match(code, span[0], span[1], len(ws), term, source, ws)


def _window(
    ws: tuple[str, ...], positions: dict[str, list[int]], toks: list[Token], limit: int
) -> tuple[int, int] | None:
    """The tightest character span holding one occurrence of each word, if compact enough."""
    anchor_word = min(ws, key=lambda w: len(positions[w]))
    best = None
    for a in positions[anchor_word]:
        idx = [a]
        for w in ws:
            if w == anchor_word:
                continue
            idx.append(min(positions[w], key=lambda p: abs(p - a)))
        if not _numbers_attached(idx, toks):
            continue
        lo, hi = min(idx), max(idx)
        # expanded abbreviation words share one token position in the text
        width = len({toks[i].start for i in range(lo, hi + 1)})
        if width <= limit and (best is None or hi - lo < best[1] - best[0]):
            best = (lo, hi)
    if best is None:
        return None
    return toks[best[0]].start, max(toks[i].end for i in range(best[0], best[1] + 1))


def _numbers_attached(idx: list[int], toks: list[Token]) -> bool:
    """A number of a term ("stage 2", "type 1") must sit next to one of the term's words, so
    the 2 of "type 2 diabetes" cannot make "CKD stage 3b" match "stage 2"."""
    for i in idx:
        if not toks[i].norm.isdigit():
            continue
        near = any(
            j != i
            and not toks[j].norm.isdigit()
            and (0 <= toks[i].start - toks[j].end <= 3 or 0 <= toks[j].start - toks[i].end <= 3)
            for j in idx
        )
        if not near:
            return False
    return True

"""The search index: documents, query parsing, ranking (see ``search`` for the data it holds).

Queries may be a code or code prefix (``E11.2``, ``e112``, ``J11``), words in any order, coder
abbreviations (``T2DM w/ CKD``) or lay terms ("heart attack"). Words are stemmed; inclusion terms
count a little less than the title; billable codes rank above headers; and every hit says which
query terms it matched.
"""

from __future__ import annotations

import bisect
import math
import pickle
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from medbill.core.codesets._lexicon import ABBREVIATIONS
from medbill.core.codesets._ranking import (
    BILLABLE_BONUS,
    CONTEXT_PENALTY,
    EXTRA_WEIGHT,
    FIELD_WEIGHTS,
    HINT_BONUS,
    LEAD_BONUS,
    MARK_BITS,
    NEGATED,
    NEUTRAL,
    PRUNE_MARGIN,
    QUERY_NEGATION,
    SYSTEM_HINTS,
    UNMATCHED_PENALTY,
    default_bonus,
    popcount,
)
from medbill.core.codesets._text import LAY_TERMS, STOPWORDS, SYNONYMS, stem, tokens, words

__all__ = ["SYSTEMS", "Doc", "SearchHit", "SearchIndex"]

SYSTEMS = ("icd10cm", "hcpcs", "cpt", "modifier", "pos")
FORMAT = 13
NO_END = 99_999_999
COMMON_WORDS = 64  # the most frequent title words get a bit per doc ...
COMMON_MIN_DOCS = 4000  # ... when they are in at least this many titles

_CODE_LIKE = re.compile(r"^(?:[a-z][0-9][0-9a-z.]*|[a-z][0-9a-z][0-9]{1,3}|[0-9]{2,4}[0-9ftu]?)$")
_PUNCT = ',;:()[]{}"?!'
_LAY: dict[str, list[str]] = {}
for _phrase in sorted(LAY_TERMS, key=lambda p: -len(p)):
    if " " in _phrase:
        _LAY.setdefault(_phrase.split()[0], []).append(_phrase)


@dataclass(frozen=True)
class Doc:
    """One searchable code as an index is built from it."""

    code: str  # as displayed: E11.22, J1100, 25, 11
    system: str
    description: str
    billable: bool = True
    extra: str = ""  # inclusion terms, short description: matched at a lower weight
    start: date | None = None
    end: date | None = None
    aliases: str = ""  # other names matched like the title ("Seizure NOS" under R56.9)
    context: str = ""  # inclusion terms of the levels above: matched at a low weight
    present: int = -1  # ICD-10-CM: bit i set when in release i
    billable_in: int = -1  # ICD-10-CM: bit i set when billable in release i


@dataclass(frozen=True)
class SearchHit:
    """A result: ``matched`` lists the query terms that found it (for explaining the rank)."""

    code: str
    system: str
    description: str
    billable: bool
    score: float
    matched: tuple[str, ...]
    trail: str = ""  # the Alphabetic Index route to the code, when the Index found it

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "system": self.system,
            "description": self.description,
            "billable": self.billable,
            "score": round(self.score, 3),
            "matched": list(self.matched),
            "trail": self.trail,
        }


@dataclass
class _Term:
    label: str
    alternatives: list[tuple[str, ...]]
    raw: str = ""
    share: float = 1.0  # the words of one abbreviation or phrase share one term's weight
    completions: int = 0  # alternatives from this index on complete an unfinished word


def _key(code: str) -> str:
    return code.replace(".", "").upper()


def _ordinal(day: date | None, default: int) -> int:
    return day.year * 10000 + day.month * 100 + day.day if day else default


def _add_phrases(fields: tuple[dict[str, list[int]], ...]) -> None:
    """Precompute the docs of every several-word synonym ("lower limb") as one pseudo-word."""
    phrases = {alt for alts in SYNONYMS.values() for alt in alts if len(alt) > 1}
    for alt in phrases:
        seen: set[int] = set()
        for f, field in enumerate(fields):
            docs = None
            for tok in alt:
                here = set().union(*(fields[g].get(tok, ()) for g in range(f + 1)))
                docs = here if docs is None else docs & here
            docs = (docs or set()) - seen
            if docs:
                field[" ".join(alt)] = sorted(docs)
            seen |= docs


class SearchIndex:
    """An inverted index over :class:`Doc` values, stored as flat numpy arrays."""

    # The stored state (see ``build``), set from the pickle in ``__init__``.
    format: int
    signature: tuple[Any, ...]
    codes: npt.NDArray[np.bytes_]
    keys: npt.NDArray[np.bytes_]
    text: bytes
    text_at: npt.NDArray[np.integer[Any]]
    system: npt.NDArray[np.int8]
    billable: npt.NDArray[np.bool_]
    present: npt.NDArray[np.uint16]
    billable_in: npt.NDArray[np.uint16]
    start: npt.NDArray[np.int32]
    end: npt.NDArray[np.int32]
    title_len: npt.NDArray[np.int16]
    marks: npt.NDArray[np.uint32]
    default: npt.NDArray[np.float32]
    postings: npt.NDArray[np.int32]
    spans: dict[str, tuple[int, ...]]
    vocab: list[str]
    common: dict[str, int]
    common_bits: npt.NDArray[np.uint64]
    lead: npt.NDArray[np.int32]
    releases: list[tuple[str, date, date | None]]

    def __init__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._n = len(self.keys)
        self._scratch = np.zeros(self._n, dtype=np.float32)
        self._lock = threading.Lock()  # guards the scratch array

    # -- building --------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        docs: Iterable[Doc],
        releases: Sequence[tuple[str, date, date | None]] = (),
        signature: tuple[Any, ...] = (),
    ) -> SearchIndex:
        """Index ``docs``; ``releases`` name the ICD-10-CM release bits used by ``Doc.present``."""
        ordered = sorted(docs, key=lambda d: (_key(d.code), SYSTEMS.index(d.system)))
        # title, own inclusion terms, inherited ones, and what the title says is absent
        fields: tuple[dict[str, list[int]], ...] = ({}, {}, {}, {})
        title_len = np.zeros(len(ordered), dtype=np.int16)
        marks = np.zeros(len(ordered), dtype=np.uint32)
        default = np.zeros(len(ordered), dtype=np.float32)
        leads: list[str] = []
        for i, doc in enumerate(ordered):
            asked = NEGATED.sub(" ", doc.description)
            title = set(tokens(asked))
            absent = set(tokens(doc.description)) - title
            title_len[i] = len(title - NEUTRAL)
            # a "... NOS" inclusion term makes the code a default for that term
            default[i] = max(default_bonus(doc.description), 0.15 if doc.aliases else 0.0)
            leads.append(next((t for t in tokens(asked) if t not in NEUTRAL), ""))
            for tok in title:
                marks[i] |= MARK_BITS.get(tok, 0)
            title |= set(tokens(doc.aliases))
            extra = set(tokens(doc.extra)) - title
            context = set(tokens(doc.context)) - title - extra
            for field, toks in zip(fields, (title, extra, context, absent), strict=True):
                for tok in toks:
                    field.setdefault(tok, []).append(i)
        _add_phrases(fields)
        flat: list[int] = []
        spans: dict[str, tuple[int, ...]] = {}
        for tok in sorted(set().union(*fields)):
            bounds = [len(flat)]
            for field in fields:
                flat.extend(field.get(tok, ()))
                bounds.append(len(flat))
            spans[tok] = tuple(bounds)
        vocab = sorted(spans)
        position = {tok: n for n, tok in enumerate(vocab)}
        frequent = sorted(fields[0], key=lambda t: -len(fields[0][t]))[:COMMON_WORDS]
        common = {t: n for n, t in enumerate(frequent) if len(fields[0][t]) >= COMMON_MIN_DOCS}
        common_bits = np.zeros(len(ordered), dtype=np.uint64)
        for tok, bit in common.items():
            common_bits[fields[0][tok]] |= np.uint64(1 << bit)
        state = {
            "format": FORMAT,
            "signature": signature,
            # fixed-width byte strings and one text blob load far faster than 300k str objects
            "codes": np.array([d.code.encode() for d in ordered], dtype="S12"),
            "keys": np.array([_key(d.code).encode() for d in ordered], dtype="S12"),
            "text": "\x00".join(d.description for d in ordered).encode(),
            "text_at": np.cumsum([0] + [len(d.description.encode()) + 1 for d in ordered]),
            "system": np.array([SYSTEMS.index(d.system) for d in ordered], dtype=np.int8),
            "billable": np.array([d.billable for d in ordered], dtype=bool),
            "present": np.array([d.present & 0xFFFF for d in ordered], dtype=np.uint16),
            "billable_in": np.array([d.billable_in & 0xFFFF for d in ordered], dtype=np.uint16),
            "start": np.array([_ordinal(d.start, 0) for d in ordered], dtype=np.int32),
            "end": np.array([_ordinal(d.end, NO_END) for d in ordered], dtype=np.int32),
            "title_len": title_len,
            "marks": marks,
            "default": default,
            "postings": np.array(flat, dtype=np.int32),
            "spans": spans,
            "vocab": vocab,
            "common": common,
            "common_bits": common_bits,
            # the first word of the title: a query naming it asks for the lead term's code
            "lead": np.array([position.get(t, -1) for t in leads], dtype=np.int32),
            "releases": list(releases),
        }
        return cls(state)

    def save(self, path: Path) -> None:
        """Write the index as one pickle (numpy arrays load without copying per element)."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> SearchIndex | None:
        """Read a saved index; None when missing or of an older format."""
        try:
            with open(path, "rb") as handle:
                state = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
            return None
        return cls(state) if state.get("format") == FORMAT else None

    def __len__(self) -> int:
        return self._n

    def description(self, doc: int) -> str:
        """The title of doc number ``doc``."""
        return self.text[self.text_at[doc] : self.text_at[doc + 1] - 1].decode()

    def code_of(self, doc: int) -> str:
        code: bytes = self.codes[doc]
        return code.decode()

    def icd10cm_description(self, code: str) -> str | None:
        """The (newest) title of an ICD-10-CM code, or None when the index does not hold it."""
        found = self._code_range(code)
        if found is None:
            return None
        for doc in range(found[0], min(found[1], found[0] + 3)):
            if self.keys[doc] == _key(code).encode() and self.system[doc] == 0:
                return self.description(doc)
        return None

    # -- querying --------------------------------------------------------------------------

    def _field(self, tok: str, field: int) -> npt.NDArray[Any]:
        """Docs with ``tok`` in field 0 (title), 1 (own inclusion terms), 2 (inherited ones) or
        3 (the part of the title that says what is absent: "without coma")."""
        span = self.spans.get(tok)
        return self.postings[span[field] : span[field + 1]] if span else self.postings[:0]

    def _title(self, tok: str) -> npt.NDArray[Any]:
        return self._field(tok, 0)

    def _df(self, tok: str) -> int:
        span = self.spans.get(tok)
        return span[2] - span[0] if span else 0

    def _idf(self, tok: str, idf_from: SearchIndex | None) -> float:
        source = idf_from or self
        df = max(source._df(tok), self._df(tok) if idf_from else 0, 1)
        return math.log(1 + source._n / df)

    def _code_range(self, token: str) -> tuple[int, int] | None:
        key = _key(token.rstrip("."))
        lo = int(np.searchsorted(self.keys, key.encode(), "left"))
        hi = int(np.searchsorted(self.keys, key.encode() + b"\x7f", "left"))
        return (lo, hi) if hi > lo else None

    def _release_bit(self, dos: date) -> int | None:
        found = None
        for bit, (_name, start, end) in enumerate(self.releases):
            if start <= dos and (end is None or dos <= end):
                return bit
            if start <= dos:
                found = bit
        return found

    def parse(self, query: str) -> tuple[list[_Term], list[tuple[int, int, str]], set[int]]:
        """Split a query into word terms (with alternatives), code-prefix ranges, and the code
        systems it names ("modifier", "place of service")."""
        text = " ".join(query.lower().split())
        hinted: set[int] = set()
        for system, pattern in SYSTEM_HINTS:
            if len(text.split()) > 1 and re.search(pattern, text):
                text = re.sub(pattern, " ", text)
                hinted.add(SYSTEMS.index(system))
        terms: list[_Term] = []
        for first in set(text.split()):
            for phrase in _LAY.get(first, ()):
                pattern = rf"(?<![a-z]){re.escape(phrase)}(?![a-z])"
                if re.search(pattern, text):
                    text = re.sub(pattern, " ", text)
                    terms += self._word_terms(LAY_TERMS[phrase], label=phrase)
        raw_tokens = [t.strip(_PUNCT) for t in text.split()]
        raw_tokens = [t for t in raw_tokens if t]
        ranges: list[tuple[int, int, str]] = []
        single = len(raw_tokens) == 1 and not terms
        for raw in raw_tokens:
            if raw in ABBREVIATIONS:
                terms += self._word_terms(ABBREVIATIONS[raw], label=raw)
                continue
            if raw in LAY_TERMS and raw not in self.spans:
                terms += self._word_terms(LAY_TERMS[raw], label=raw)
                continue
            if (
                (single or len(raw) >= 3)
                and _CODE_LIKE.match(raw)
                and any(c.isdigit() for c in raw)
            ):
                found = self._code_range(raw)
                if found:
                    ranges.append((*found, raw.upper()))
                    continue
            terms += self._word_terms(raw, label=None, raw=raw)
        seen: set[tuple[str, ...]] = set()
        unique = []
        for term in terms:
            if term.alternatives[0] not in seen:
                seen.add(term.alternatives[0])
                unique.append(term)
        if unique and unique[-1].raw and not query.endswith(" "):
            self._complete(unique[-1])
        return unique, ranges, hinted

    def _word_terms(self, text: str, label: str | None, raw: str = "") -> list[_Term]:
        out = []
        for word in words(text):
            if word in STOPWORDS:
                continue
            base = stem(word)
            alternatives = [(base,), *SYNONYMS.get(base, ())]
            shown = label or word
            out.append(_Term(shown, alternatives, raw if raw and word == raw else ""))
        if label:
            for term in out:
                term.share = 1.0 / len(out)
        return out

    def _complete(self, term: _Term) -> None:
        """Type-ahead: the last word also matches the longer words it begins."""
        if len(term.raw) < 3 or term.raw.isdigit():
            return
        prefix = term.raw
        i = bisect.bisect_left(self.vocab, prefix)
        found: list[str] = []
        while i < len(self.vocab) and self.vocab[i].startswith(prefix) and len(found) < 64:
            found.append(self.vocab[i])
            i += 1
        found = [w for w in found if w != term.alternatives[0][0]]
        found.sort(key=self._df, reverse=True)
        term.completions = len(term.alternatives)
        term.alternatives += [(w,) for w in found[:24]]

    def _alt_docs(self, alt: tuple[str, ...], fields: int) -> list[npt.NDArray[Any]]:
        """Per field, the docs holding every word of ``alt`` (best field wins for each doc)."""
        if len(alt) == 1 or " ".join(alt) in self.spans:
            key = " ".join(alt)
            return [self._field(key, f) for f in range(fields)]
        out: list[npt.NDArray[Any]] = []
        seen = self.postings[:0]
        for f in range(fields):
            docs: npt.NDArray[Any] | None = None
            for tok in alt:
                here = np.unique(np.concatenate([self._field(tok, g) for g in range(f + 1)]))
                docs = here if docs is None else np.intersect1d(docs, here, assume_unique=True)
            docs = np.setdiff1d(cast("npt.NDArray[Any]", docs), seen, assume_unique=True)
            out.append(docs)
            seen = np.union1d(seen, docs)
        return out

    def search(
        self,
        query: str,
        *,
        systems: Sequence[str] | None = None,
        dos: date | None = None,
        limit: int = 10,
        idf_from: SearchIndex | None = None,
    ) -> list[SearchHit]:
        """Rank codes for ``query``; ``systems`` and ``dos`` filter what may be returned."""
        if not query.strip() or limit <= 0 or self._n == 0:
            return []
        terms, ranges, hinted = self.parse(query)
        if not terms and not ranges:
            return []
        if not terms:
            return self._list_codes(ranges, systems, dos, limit)
        score = np.zeros(self._n, dtype=np.float32)
        in_title = np.zeros(self._n, dtype=np.int16)
        found = np.zeros(self._n, dtype=np.uint32)  # bit i: term i matched the doc
        query_marks = 0
        negated = bool(QUERY_NEGATION.search(query))
        terms = terms[:32]
        # Very common title words ("with", "encounter", "left") are checked on the candidates
        # only, through a bit per doc, instead of walking their long posting lists.
        bits = [self._common_bit(t, idf_from) for t in terms]
        deferred = [(i, t) for i, t in enumerate(terms) if bits[i] is not None]
        if len(deferred) == len(terms):
            deferred = deferred[1:]
        deferred_ids = {i for i, _ in deferred}
        for i, term in enumerate(terms):
            for alt in term.alternatives:
                for tok in alt:
                    query_marks |= MARK_BITS.get(tok, 0)
            if i in deferred_ids:
                continue
            with self._lock:
                self._score_term(term, score, in_title, found, 1 << i, idf_from, negated)
        later = [
            (i, bit, self._idf(t.alternatives[0][0], idf_from) * t.share)
            for i, t in deferred
            if (bit := bits[i]) is not None  # as every deferred term's is
        ]
        # Only docs close to the best raw score can reach the top once bonuses are added.
        margin = PRUNE_MARGIN + (HINT_BONUS if hinted else 0.0) + sum(w for _, _, w in later)
        top_score = float(score.max())
        if top_score <= 0:
            return []
        for threshold in (max(top_score - margin, 1e-9), 1e-9):
            candidates = np.flatnonzero(score >= threshold)
            if ranges:
                keep = np.zeros(len(candidates), dtype=bool)
                for lo, hi, _ in ranges:
                    keep |= (candidates >= lo) & (candidates < hi)
                candidates = candidates[keep]
            candidates, billable = self._filter(candidates, systems, dos)
            if len(candidates) >= limit:
                break
        if not len(candidates):
            return []
        raw = score[candidates]
        titled = in_title[candidates]
        hit_bits = found[candidates]
        if later:
            words = self.common_bits[candidates]
            for i, bit, weight in later:
                has = ((words >> np.uint64(bit)) & np.uint64(1)).astype(bool)
                raw = raw + weight * has
                titled = titled + has
                hit_bits = hit_bits | (has.astype(np.uint32) << np.uint32(i))
        unmatched = np.clip(self.title_len[candidates] - titled, 0, 15)
        unasked = popcount(self.marks[candidates] & ~np.uint32(query_marks))
        final = (
            raw
            + BILLABLE_BONUS * billable
            - UNMATCHED_PENALTY * unmatched
            - CONTEXT_PENALTY * unasked
            + self.default[candidates]
            + LEAD_BONUS * np.isin(self.lead[candidates], self._vocab_ids(terms))
        )
        if hinted:
            final = final + HINT_BONUS * np.isin(self.system[candidates], list(hinted))
        if len(candidates) > limit:
            top = np.argpartition(-final, limit - 1)[:limit]
        else:
            top = np.arange(len(candidates))
        # billable codes above headers, then by score
        top = top[np.lexsort((candidates[top], -final[top], ~billable[top]))]
        hits = []
        for i in top:
            doc = int(candidates[i])
            mask = int(hit_bits[i])
            labels = (t.label for n, t in enumerate(terms[:32]) if mask >> n & 1)
            matched = tuple(dict.fromkeys(labels))
            matched += tuple(label for lo, hi, label in ranges if lo <= doc < hi)
            hits.append(self._hit(doc, bool(billable[i]), float(final[i]), matched))
        return hits

    def _common_bit(self, term: _Term, idf_from: SearchIndex | None) -> int | None:
        """The bit of ``term``'s word in ``common_bits`` when it can be checked that way."""
        if idf_from is not None or len(term.alternatives) != 1 or len(term.alternatives[0]) != 1:
            return None
        return self.common.get(term.alternatives[0][0])

    def _vocab_ids(self, terms: list[_Term]) -> list[int]:
        ids = []
        for term in terms:
            for alt in term.alternatives[: term.completions or None]:
                i = bisect.bisect_left(self.vocab, alt[0])
                if len(alt) == 1 and i < len(self.vocab) and self.vocab[i] == alt[0]:
                    ids.append(i)
        return ids

    def _score_term(
        self,
        term: _Term,
        score: npt.NDArray[Any],
        in_title: npt.NDArray[Any],
        found_bits: npt.NDArray[Any],
        bit: int,
        idf_from: SearchIndex | None,
        negated: bool,
    ) -> None:
        """Add one term's weight to every doc it matches (its best alternative counts once).

        Words a title says are absent ("without coma") match only a query that negates too."""
        found: list[tuple[npt.NDArray[Any], float, bool]] = []
        primary = None
        lowest = None
        for n, alt in enumerate(term.alternatives):
            idf = term.share * sum(self._idf(tok, idf_from) for tok in alt) / len(alt)
            if n == 0:
                known = alt[0] in self.spans or idf_from is not None
                primary = idf if known else None
                weight = idf
            elif term.completions and n >= term.completions and primary is not None:
                weight = 0.6 * primary  # the word as typed is a word too: prefer it
            else:
                # a synonym is worth (almost) what the word the user typed is worth
                weight = 0.9 * primary if primary is not None else idf
                lowest = weight if lowest is None else min(lowest, weight)
            weights = FIELD_WEIGHTS if negated else FIELD_WEIGHTS[:3]
            for ids, factor in zip(self._alt_docs(alt, len(weights)), weights, strict=True):
                if len(ids):
                    found.append((ids, weight * factor, factor == 1.0))
        if not found:
            return
        if term.raw and primary is None and lowest is not None:
            # completions of an unfinished word: each counts as the most common one
            found = [(ids, lowest * (1.0 if t else EXTRA_WEIGHT), t) for ids, _, t in found]
        if len(found) == 1:
            ids, weight, title_hit = found[0]
            score[ids] += weight
            found_bits[ids] |= bit
            if title_hit:
                in_title[ids] += 1
            return
        best = self._scratch
        touched = np.concatenate([ids for ids, _, _ in found])
        found_bits[touched] |= bit
        for ids, weight, _ in found:
            best[ids] = np.maximum(best[ids], weight)
        score[touched] += best[touched]  # repeated indices add once
        best[touched] = 0
        titles = [ids for ids, _, t in found if t]
        if titles:
            in_title[np.concatenate(titles)] += 1

    def _filter(
        self, ids: npt.NDArray[Any], systems: Sequence[str] | None, dos: date | None
    ) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """Keep docs of the chosen systems in force on ``dos``; also say which are billable."""
        if systems:
            wanted = [SYSTEMS.index(s) for s in systems]
            ids = ids[np.isin(self.system[ids], wanted)]
        icd = self.system[ids] == 0
        if dos is None:
            bit = len(self.releases) - 1 if self.releases else None
        else:
            bit = self._release_bit(dos)
        if bit is None:
            ok_icd = np.zeros(len(ids), dtype=bool)
            billable_icd = ok_icd
        else:
            ok_icd = (self.present[ids] >> bit) & 1 == 1
            billable_icd = (self.billable_in[ids] >> bit) & 1 == 1
        if dos is None:
            ok_other = self.end[ids] == NO_END
        else:
            day = _ordinal(dos, 0)
            ok_other = (self.start[ids] <= day) & (day <= self.end[ids])
        keep = np.where(icd, ok_icd, ok_other)
        billable = np.where(icd, billable_icd, self.billable[ids])
        return ids[keep], billable[keep]

    def _list_codes(
        self,
        ranges: list[tuple[int, int, str]],
        systems: Sequence[str] | None,
        dos: date | None,
        limit: int,
    ) -> list[SearchHit]:
        ids = np.unique(np.concatenate([np.arange(lo, hi) for lo, hi, _ in ranges]))
        exact = []
        for lo, hi, label in ranges:
            j = lo
            while j < hi and self.keys[j] == _key(label).encode():
                exact.append(j)
                j += 1
        ids, billable = self._filter(ids, systems, dos)
        is_exact = np.isin(ids, exact)
        order = np.lexsort((ids, ~billable, ~is_exact))[:limit]
        hits = []
        for i in order:
            doc = int(ids[i])
            labels = tuple(label for lo, hi, label in ranges if lo <= doc < hi)
            value = 2.0 if is_exact[i] else (1.0 if billable[i] else 0.5)
            hits.append(self._hit(doc, bool(billable[i]), value, labels))
        return hits

    def _hit(self, doc: int, billable: bool, score: float, matched: tuple[str, ...]) -> SearchHit:
        return SearchHit(
            self.codes[doc].decode(),
            SYSTEMS[int(self.system[doc])],
            self.description(doc),
            billable,
            score,
            matched,
        )

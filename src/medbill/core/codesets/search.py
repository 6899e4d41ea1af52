"""One search over ICD-10-CM, HCPCS Level II, practice CPT, modifiers and places of service.

The index (``data_dir()/codesets/search.pickle``) is built by ``medbill codesets build`` from the
prebuilt code sets, and rebuilt on first use whenever one of them changed since. A practice's own
codes (its fee schedule) are searched through a small second index passed as ``extra``.

>>> [h.code for h in search("t2dm with ckd", limit=1)]  # doctest: +SKIP
['E11.22']
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medbill.core.caches import DataCache
from medbill.core.codesets._index import SYSTEMS, Doc, SearchHit, SearchIndex
from medbill.core.codesets._lexicon import ABBREVIATIONS
from medbill.core.codesets._releases import all_releases, releases
from medbill.core.codesets._shorthand import Shorthand, read_shorthand
from medbill.core.codesets._text import LAY_TERMS, SYNONYMS
from medbill.core.codesets._trail import IndexCandidate, index_candidates
from medbill.core.codesets.hcpcs import hcpcs
from medbill.core.codesets.lists import MODIFIERS, PLACES_OF_SERVICE
from medbill.core.paths import data_dir

if TYPE_CHECKING:
    from medbill.core.codesets.build import BuildContext

__all__ = [
    "SYSTEMS",
    "Doc",
    "SearchHit",
    "SearchIndex",
    "build_search_index",
    "cpt_docs",
    "icd10cm_docs",
    "reset_search_index",
    "search",
    "search_index",
]

_NOS = re.compile(r"\bNOS\b")
_CODE_QUERY = re.compile(r"^\s*[a-z]?[0-9][0-9a-z.]*\s*$", re.I)
# An Index entry leads the results when it names every word it asks for and most of the query.
INDEX_COVERAGE = 0.7
MAIN_POOL = 20  # word-search hits that may pick among the codes an Index code stands for
NEAR_MISSING = 1
NEAR_COVERAGE = 0.6
NEAR_COUNT = 1
NEAR_AT = 1  # where such an entry's code goes among the word-search hits
_lock = threading.Lock()
_indexes: DataCache[None, SearchIndex] = DataCache("code search indexes")


def _folder() -> Path:
    path = data_dir() / "codesets"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _signature() -> tuple[Any, ...]:
    """What the index was built from: changes to any of these files mean a rebuild."""
    folder = _folder()
    parts: list[tuple[str, object]] = []
    for name in ("icd10cm/manifest.json", "hcpcs.pickle", "cpt.pickle"):
        path = folder / name
        parts.append((name, path.stat().st_mtime_ns if path.exists() else 0))
    words = repr(
        (sorted(ABBREVIATIONS.items()), sorted(LAY_TERMS.items()), sorted(SYNONYMS.items()))
    )
    parts.append(("lexicon", hashlib.sha256(words.encode()).hexdigest()[:16]))
    return tuple(parts)


def icd10cm_docs() -> tuple[list[Doc], list[tuple[str, date, date | None]]]:
    """One doc per ICD-10-CM code in any built release (newest title), with release bits."""
    loaded = all_releases()
    present: dict[str, int] = {}
    billable: dict[str, int] = {}
    newest: dict[str, tuple[Any, ...]] = {}
    for bit, release in enumerate(loaded):
        for key in release.codes():
            present[key] = present.get(key, 0) | (1 << bit)
            if release.is_billable(key):
                billable[key] = billable.get(key, 0) | (1 << bit)
            newest[key] = (release, bit)
    docs = []
    for key, (release, _bit) in newest.items():
        dotted, description, kind, parent, is_billable = release.row(key)
        own = list(release.inclusion_terms(key))
        level = parent
        if len(key) == 7 and kind == "code":  # a 7th-character form: its base's terms are its own
            own += release.inclusion_terms(parent)
            level = release.row(parent)[3]
        inherited: list[str] = []
        while level is not None and release.row(level)[2] in ("code", "category"):
            inherited.extend(release.inclusion_terms(level))
            level = release.row(level)[3]
        # "Seizure NOS" under R56.9: the index's default for that term, matched like the title
        aliases = [t for t in own if _NOS.search(t)]
        docs.append(
            Doc(
                code=dotted,
                system="icd10cm",
                description=description,
                billable=is_billable,
                extra=" ".join(own),
                aliases=" ".join(aliases),
                context=" ".join(inherited),
                present=present[key],
                billable_in=billable.get(key, 0),
            )
        )
    spans = [(r.name, r.effective_from, r.effective_to) for r in loaded]
    return docs, spans


def hcpcs_docs() -> list[Doc]:
    """HCPCS Level II procedures and modifiers, plus our modifier and place-of-service lists."""
    docs = []
    level2_modifiers = set()
    for code in hcpcs():
        system = "modifier" if code.kind == "modifier" else "hcpcs"
        if system == "modifier":
            level2_modifiers.add(code.code)
        extra = code.short_description
        if system == "modifier":
            extra += " modifier " + MODIFIERS.get(code.code, "")
        docs.append(
            Doc(
                code.code,
                system,
                code.long_description,
                True,
                extra,
                code.add_date,
                code.termination_date,
            )  # fmt: skip
        )
    for modifier, text in MODIFIERS.items():
        if modifier not in level2_modifiers:
            docs.append(Doc(modifier, "modifier", text, True, "modifier"))
    for place, text in PLACES_OF_SERVICE.items():
        docs.append(Doc(place, "pos", text, True, "place of service"))
    return docs


def cpt_docs(rows: Iterable[tuple[str, str, date | None, date | None]]) -> list[Doc]:
    """Docs for practice CPT codes: ``(code, description, effective_from, effective_to)``."""
    return [Doc(code, "cpt", text, True, "", start, end) for code, text, start, end in rows]


def _licensed_cpt() -> list[Doc]:
    from medbill.core.codesets.cpt import load_licensed_cpt

    return cpt_docs(load_licensed_cpt())


def build_search_index(save: bool = True) -> SearchIndex:
    """Index every built code set (and a licensed CPT file, if one was imported)."""
    releases()  # builds the installed ICD-10-CM release when nothing is built yet
    signature = _signature()
    icd, spans = icd10cm_docs()
    index = SearchIndex.build([*icd, *hcpcs_docs(), *_licensed_cpt()], spans, signature)
    if save:
        index.save(_folder() / "search.pickle")
    return index


def search_index() -> SearchIndex:
    """The search index, loaded once per process and data directory (rebuilt if the code
    sets changed)."""
    home = data_dir()
    folder = _folder()
    with _lock:
        index = _indexes.get(home, None)
        if index is None:
            index = SearchIndex.load(folder / "search.pickle")
            if index is None or tuple(index.signature) != _signature():
                index = build_search_index()
            _indexes.put(home, None, index)
        return index


def reset_search_index() -> None:
    """Forget the loaded indexes (after an import)."""
    with _lock:
        _indexes.clear()


def build_search(context: BuildContext) -> str:
    """Build step: the search index over everything built before it (skipped when current)."""
    current = SearchIndex.load(_folder() / "search.pickle")
    if current is not None and tuple(current.signature) == _signature():
        return f"search index over {len(current)} codes is current"
    context.report("search index")
    index = build_search_index()
    reset_search_index()
    return f"search index over {len(index)} codes"


def search(
    query: str,
    *,
    systems: Sequence[str] | None = None,
    dos: date | None = None,
    limit: int = 10,
    extra: SearchIndex | None = None,
) -> list[SearchHit]:
    """Search every code set; ``extra`` is a small index of practice codes (fee schedule CPT).

    ``systems`` limits the result to some of :data:`SYSTEMS`; ``dos`` keeps only codes in force
    on that date of service (ICD-10-CM by release, HCPCS and CPT by their dates). Shorthand is
    read first (drugs, doses and lab values set aside, see ``_shorthand``), and ICD-10-CM codes the
    Alphabetic Index leads to come with their ``trail``.
    """
    unknown = set(systems or ()) - set(SYSTEMS)
    if unknown:
        raise ValueError(f"unknown code system(s): {', '.join(sorted(unknown))}")
    main = search_index()
    reading = read_shorthand(query)
    text = query
    if reading.changed and reading.text:
        # the shorthand spelt out; a trailing space still says the last word is finished
        text = reading.text + (" " if query[-1:].isspace() else "")
    hits = main.search(text, systems=systems, dos=dos, limit=limit)
    if extra is not None and len(extra):
        more = extra.search(query, systems=systems, dos=dos, limit=limit, idf_from=main)
        seen = {(h.code, h.system) for h in more}
        hits = [h for h in hits if (h.code, h.system) not in seen]
        hits = sorted(hits + more, key=lambda h: -h.score)[:limit]
    if (systems and "icd10cm" not in systems) or _CODE_QUERY.match(query):
        return hits

    def pool() -> list[SearchHit]:
        return main.search(text, systems=["icd10cm"], dos=dos, limit=max(limit, MAIN_POOL))

    return _with_index(main, hits, pool, reading, dos, limit)


def _with_index(
    main: SearchIndex,
    hits: list[SearchHit],
    pool: Callable[[], list[SearchHit]],
    reading: Shorthand,
    dos: date | None,
    limit: int,
) -> list[SearchHit]:
    """Put the codes the Alphabetic Index leads to first when an entry names the query, and
    show the Index trail on every hit the Index also reaches."""
    found = index_candidates(reading, dos=dos, limit=5)
    if not found:
        return hits
    trails = {c.code: c for c in found}
    # every code an Index candidate names is valid on ``dos`` (index_candidates checks it)
    # an Index older than the date of service's Tabular may not know its new codes ("type 2
    # diabetes in remission", E11.A from FY2026): it leads only when it names every word
    lead = [
        c for c in found if c.missing == 0 and c.coverage >= (INDEX_COVERAGE if c.current else 1.0)
    ]
    first: list[SearchHit] = []
    for candidate in lead:
        first.append(_index_hit(_choose(candidate, hits, pool), main, hits))
    # the best entry that asks for one word more than the query says: a coder would look at it
    near = [
        c
        for c in found
        if c not in lead and c.missing <= NEAR_MISSING and c.coverage >= NEAR_COVERAGE
    ][:NEAR_COUNT]
    shown = {h.code for h in first}
    rest = [
        _with_trail(h, trails.get(h.code)) if h.system == "icd10cm" else h
        for h in hits
        if not (h.system == "icd10cm" and h.code in shown)
    ]
    # only a family (category) the word search does not show already
    listed = {c[:3] for c in shown | {h.code for h in hits if h.system == "icd10cm"}}
    nearby = [_index_hit(c, main, hits) for c in near if c.code[:3] not in listed]
    return (first + rest[:NEAR_AT] + nearby + rest[NEAR_AT:])[:limit]


def _choose(
    candidate: IndexCandidate, hits: list[SearchHit], pool: Callable[[], list[SearchHit]]
) -> IndexCandidate:
    """Of the codes an Index code stands for ("L03.11-"), the one the word search ranks best
    (it knows laterality and the Tabular's words: "left leg" is L03.116)."""
    if len(candidate.options) < 2 or candidate.coverage >= 1.0:
        # the Index's choice, with its Tabular title, says every word of the query already
        return candidate
    if not any(h.code in candidate.options for h in hits):
        hits = pool()
    for hit in hits:
        if hit.system == "icd10cm" and hit.code in candidate.options:
            if hit.code == candidate.code:
                return candidate
            trail = candidate.trail.replace(f"→ {candidate.code}", f"→ {hit.code}")
            return IndexCandidate(hit.code, trail, candidate.score, candidate.coverage,
                                  candidate.missing, candidate.options)  # fmt: skip
    return candidate


def _index_hit(candidate: IndexCandidate, main: SearchIndex, hits: list[SearchHit]) -> SearchHit:
    for hit in hits:
        if hit.system == "icd10cm" and hit.code == candidate.code:
            return _with_trail(hit, candidate)
    description = main.icd10cm_description(candidate.code) or ""
    # completed against the Tabular of the date of service: billable there
    return SearchHit(candidate.code, "icd10cm", description, True, candidate.score, ("index",),
                     candidate.trail)  # fmt: skip


def _with_trail(hit: SearchHit, candidate: IndexCandidate | None) -> SearchHit:
    if candidate is None:
        return hit
    return SearchHit(hit.code, hit.system, hit.description, hit.billable, hit.score, hit.matched,
                     candidate.trail)  # fmt: skip

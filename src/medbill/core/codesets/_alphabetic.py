"""The ICD-10-CM Alphabetic Index as dated releases: the Index proper, the Table of Neoplasms, the
Table of Drugs and Chemicals and the External Cause Index.

A coder looks a condition up in the Index (main term, then subterms), follows "see" references,
and verifies the code in the Tabular. The CMS files (``icd10cm_index_YYYY.csv`` and the three XML
tables) are read by :func:`build_icd10cm_index` into one pickle per fiscal year under
``data_dir()/codesets/icd10cm-index/``; "see" references are resolved there, once. Codes stay as
the Index prints them (``C79.8-``); :func:`complete_code` finishes them against the Tabular of the
date of service.
"""

from __future__ import annotations

import csv
import json
import pickle
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from medbill.core.caches import DataCache
from medbill.core.codesets._icd10cm import Icd10cmRelease
from medbill.core.codesets._releases import sha256_of
from medbill.core.codesets._tabular import undot
from medbill.core.codesets._text import tokens
from medbill.core.paths import data_dir

if TYPE_CHECKING:
    from medbill.core.codesets.build import BuildContext

__all__ = [
    "FORMAT",
    "JOINING",
    "IndexEntry",
    "IndexRelease",
    "build_icd10cm_index",
    "complete_code",
    "import_index",
    "index_for",
    "index_releases",
    "reset_index_cache",
]

FORMAT = 8
TABLES = ("index", "neoplasm", "drug", "external")
_FILES = {
    "index": "icd10cm_index_{year}.csv",
    "neoplasm": "icd10cm_neoplasm_{year}.xml",
    "drug": "icd10cm_drug_{year}.xml",
    "external": "icd10cm_eindex_{year}.xml",
}
_TABLE_NAMES = {
    "neoplasm": "Table of Neoplasms",
    "drug": "Table of Drugs and Chemicals",
    "external": "External Cause Index",
}
_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z-]{0,4})?-?$")
# a "see" target ends in a direction to the coder rather than a subterm
_DIRECTION = re.compile(r"^(by |see |condition)", re.I)

# Words the Index uses to join a subterm to its term ("with", "due to") or that a coder reads
# past ("NEC", "metatarsal bone", "lumbar region"): a query need not say them.
JOINING = frozenset({"with", "due", "in", "through", "nec", "nos", "bone", "region"})

_lock = threading.Lock()
_loaded: DataCache[str, IndexRelease] = DataCache("ICD-10-CM Index releases")
_manifests: DataCache[None, list[dict[str, Any]]] = DataCache("ICD-10-CM Index manifests")


@dataclass(frozen=True)
class IndexEntry:
    """One line of the Index, or one cell of a table, with the path of terms that leads to it."""

    table: str  # index | neoplasm | drug | external
    path: tuple[str, ...]  # main term, subterms; nonessential modifiers removed
    nemod: tuple[str, ...] = ()  # nonessential modifiers anywhere on the path
    code: str = ""  # as printed ("E11.22", "C79.8-"); "" when the line has none
    see: str = ""
    see_also: str = ""
    column: str = ""  # the table column ("Malignant Primary", "Adverse effect")
    via: str = ""  # the "see" reference the code was reached through

    @property
    def trail(self) -> str:
        """The coder's route to the code: "Diabetes, type 2, with, chronic kidney disease"."""
        parts = list(self.path) + ([self.column] if self.column else [])
        text = ", ".join(parts)
        if self.table in _TABLE_NAMES:
            text = f"{_TABLE_NAMES[self.table]}: {text}"
        if self.via:
            text += f" (see {self.via})"
        return text


class IndexRelease:
    """The Index of one fiscal year in the compact form search reads: per entry its trail, its
    code (resolved through "see", as printed) and its table; postings of the words of its path
    (``postings``), of its nonessential modifiers (``optional``) and of its main term (``lead``).
    """

    # The stored state (see ``build``), set from the pickle in ``__init__``.
    name: str
    effective_from: date
    effective_to: date
    text: bytes
    text_at: npt.NDArray[np.integer[Any]]
    codes: npt.NDArray[np.bytes_]
    tables: npt.NDArray[np.int8]
    sizes: npt.NDArray[np.int16]
    postings: npt.NDArray[np.int32]
    optional: npt.NDArray[np.int32]
    lead: npt.NDArray[np.int32]
    asks: npt.NDArray[np.int32]
    postings_spans: dict[str, tuple[int, int]]
    optional_spans: dict[str, tuple[int, int]]
    lead_spans: dict[str, tuple[int, int]]
    asks_spans: dict[str, tuple[int, int]]

    def __init__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.has_code = self.codes != b""
        self.scratch = np.zeros(len(self.codes), dtype=np.int8)  # see _trail.index_candidates
        self.lock = threading.Lock()  # guards the scratch array
        self.notes: dict[tuple[str, str], str] = {}  # (Tabular release, code) -> its note
        self.title_words: dict[tuple[str, str], frozenset[str]] = {}  # for complete_code

    @classmethod
    def build(cls, name: str, start: date, end: date, entries: list[IndexEntry]) -> IndexRelease:
        trails = [e.trail for e in entries]
        postings, optional, lead, asks, sizes = _postings(entries)

        def flat(
            lists: dict[str, list[int]],
        ) -> tuple[npt.NDArray[Any], dict[str, tuple[int, int]]]:
            ids: list[int] = []
            spans: dict[str, tuple[int, int]] = {}
            for word in sorted(lists):
                spans[word] = (len(ids), len(ids) + len(lists[word]))
                ids.extend(lists[word])
            return np.array(ids, dtype=np.int32), spans

        state: dict[str, Any] = {"name": name, "effective_from": start, "effective_to": end}
        state["text"] = "\x00".join(trails).encode()
        state["text_at"] = np.cumsum([0] + [len(t.encode()) + 1 for t in trails])
        state["codes"] = np.array([e.code.encode() for e in entries], dtype="S8")
        state["tables"] = np.array([TABLES.index(e.table) for e in entries], dtype=np.int8)
        state["sizes"] = np.array(sizes, dtype=np.int16)
        kinds = (("postings", postings), ("optional", optional), ("lead", lead), ("asks", asks))
        for key, lists in kinds:
            state[key], state[key + "_spans"] = flat(lists)
        return cls(state)

    def __len__(self) -> int:
        return len(self.codes)

    def trail(self, i: int) -> str:
        """The route to entry ``i``: "Diabetes, diabetic, type 2, with, chronic kidney disease"."""
        return self.text[self.text_at[i] : self.text_at[i + 1] - 1].decode()

    def code(self, i: int) -> str:
        """Entry ``i``'s code as the Index prints it ("" when it has none)."""
        code: bytes = self.codes[i]
        return code.decode()

    def table(self, i: int) -> str:
        return TABLES[int(self.tables[i])]

    def words(self, kind: str, word: str) -> npt.NDArray[Any]:
        """Entries with ``word`` in their path (``postings``), nonessential modifiers
        (``optional``) or main term (``lead``)."""
        span: tuple[int, int] | None = getattr(self, kind + "_spans").get(word)
        array: npt.NDArray[np.int32] = getattr(self, kind)
        return array[span[0] : span[1]] if span else array[:0]


# -- reading the CMS files ----------------------------------------------------------------------


def _title(element: ET.Element) -> tuple[str, str]:
    """A ``<title>``'s words and its nonessential modifier (``<nemod>``)."""
    title = element.find("title")
    if title is None:
        return "", ""
    text = title.text or ""
    nemod = ""
    for child in title:
        if child.tag == "nemod":
            nemod = (child.text or "").strip()
        text += child.tail or ""
    return " ".join(text.split()), nemod


def read_index_csv(path: Path) -> list[IndexEntry]:
    """The Alphabetic Index CSV (``RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code``)."""
    out: list[IndexEntry] = []
    stack: list[tuple[str, str]] = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            level = int(row["Level"])
            term = " ".join(row["Term"].split())
            del stack[level:]
            stack.append((term, row["NonEssModif"].strip()))
            code = row["Code"].strip()
            out.append(
                IndexEntry(
                    "index",
                    tuple(t for t, _ in stack),
                    tuple(n for _, n in stack if n),
                    code if _CODE.match(code) else "",
                    row["See"].strip(),
                    row["SeeAlso"].strip(),
                )
            )
    return out


def read_index_xml(path: Path, table: str) -> list[IndexEntry]:
    """A table in the CMS index XML layout: cells per column (neoplasms, drugs) or codes."""
    root = ET.parse(path).getroot()
    heads = {h.get("col"): " ".join((h.text or "").split()) for h in root.iter("head")}
    out: list[IndexEntry] = []

    def walk(node: ET.Element, path: tuple[str, ...], nemod: tuple[str, ...]) -> None:
        title, modifier = _title(node)
        path = (*path, title)
        nemod = (*nemod, modifier) if modifier else nemod
        see = (node.findtext("see") or "").strip()
        see_also = (node.findtext("seeAlso") or "").strip()
        cells = [(c.get("col"), "".join(c.itertext()).strip()) for c in node.findall("cell")]
        code = (node.findtext("code") or "").strip()
        if cells:
            for col, value in cells:
                if col != "1" and _CODE.match(value):
                    out.append(IndexEntry(table, path, nemod, value, column=heads.get(col, "")))
            if see or see_also:
                out.append(IndexEntry(table, path, nemod, "", see, see_also))
        else:
            out.append(IndexEntry(table, path, nemod, code if _CODE.match(code) else "", see,
                                  see_also))  # fmt: skip
        for child in node.findall("term"):
            walk(child, path, nemod)

    for main in root.iter("mainTerm"):
        walk(main, (), ())
    return out


# -- cross references ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("'s", "").split())


def _tree(entries: list[IndexEntry]) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    """Main terms by name (also by the word before their first comma) and each entry's
    children by name, for following "see" references."""
    mains: dict[str, int] = {}
    children: dict[int, dict[str, int]] = {}
    parents: dict[tuple[str, ...], int] = {}
    for i, entry in enumerate(entries):
        if entry.table != "index" or entry.column:
            continue
        parents.setdefault(entry.path, i)
        if len(entry.path) == 1:
            name = _norm(entry.path[0])
            mains.setdefault(name, i)
            mains.setdefault(name.split(",")[0].strip(), i)
            mains.setdefault(re.sub(r"\(.*?\)", "", name).strip(), i)
        else:
            parent = parents.get(entry.path[:-1])
            if parent is not None:
                names = children.setdefault(parent, {})
                names.setdefault(_norm(entry.path[-1]), i)
                names.setdefault(_norm(entry.path[-1]).split(",")[0].strip(), i)
    return mains, children


def follow(
    reference: str, mains: dict[str, int], children: dict[int, dict[str, int]]
) -> int | None:
    """The entry a "see" reference leads to ("Pain, abdominal"), or None when some term of it is
    not in the Index (a route that stops half way would name the wrong code). A closing "by site"
    or "by type" leaves the choice below the term to the coder: the term itself is returned."""
    parts = [p.strip() for p in reference.split(",") if p.strip()]
    node = None
    used = 0
    for k in range(len(parts), 0, -1):
        found = mains.get(_norm(", ".join(parts[:k])))
        if found is not None:
            node, used = found, k
            break
    if node is None:
        return None
    rest = parts[used:]
    while rest:
        names = children.get(node, {})
        step = None
        for k in range(len(rest), 0, -1):
            step = names.get(_norm(", ".join(rest[:k])))
            if step is not None:
                break
        if step is None:
            if _DIRECTION.match(rest[0]) and len(rest) == 1:
                break  # "by site", "by type" at the end: the coder chooses below this term
            return None  # a partial route would name the wrong code
        node, rest = step, rest[k:]
    return node


def resolve_references(entries: list[IndexEntry]) -> list[IndexEntry]:
    """Give every "see" line without a code the code its target leads to (recorded in ``via``).

    A target without a code of its own leads to nothing; chains are followed up to three steps.
    """
    mains, children = _tree(entries)
    out = list(entries)
    for i, entry in enumerate(entries):
        if entry.code or not entry.see:
            continue
        reference = entry.see
        for _ in range(3):
            target = follow(reference, mains, children)
            if target is None:
                break
            found = entries[target]
            if found.code:
                out[i] = IndexEntry(entry.table, entry.path, entry.nemod, found.code, entry.see,
                                    entry.see_also, entry.column, entry.see)  # fmt: skip
                break
            if not found.see or found.see == reference:
                break
            reference = found.see
    return out


# -- the Tabular side ---------------------------------------------------------------------------


def complete_code(
    code: str,
    release: Icd10cmRelease,
    words: AbstractSet[str] = frozenset(),
    title_words: dict[tuple[str, str], frozenset[str]] | None = None,
) -> list[str]:
    """The billable codes an Index code stands for in ``release``, best first.

    ``E11.22`` -> ``["E11.22"]``; ``C79.8-`` or a header -> its billable descendants, those whose
    title shares most ``words`` (stemmed query words) first, then the unspecified one; a code
    that takes a 7th character gets ``A`` (initial encounter) unless ``words`` ask for a later
    encounter. Empty when the code is not in ``release`` (see :func:`validity` for why).
    ``title_words`` keeps the words of titles already read (the caller owns it).
    """
    key = undot(code.rstrip("-").rstrip("."))
    if key not in release:
        return []
    if release.is_billable(key):
        return [_dotted(release, key)]
    seventh = "D" if words & {"subsequ", "followup"} else "S" if "sequela" in words else "A"
    options = release.billable_descendants(key)
    if not options:
        return []

    known = {} if title_words is None else title_words

    def rank(child: str) -> tuple[int, int, int, int, str]:
        title = release.description(child) or ""
        key = (release.name, child)
        if key not in known:
            known[key] = frozenset(tokens(title))
        shared = len(known[key] & words)
        unspecified = "unspecified" in title.lower() or "NOS" in title
        encounter = len(child) == 7 and child[6] == seventh
        return (-shared, -encounter, -unspecified, len(child), child)

    return [_dotted(release, c) for c in sorted(options, key=rank)]


def _dotted(release: Icd10cmRelease, key: str) -> str:
    """A code of ``release`` as it prints it (with the dot)."""
    row = release.row(key)
    if row is None:
        raise KeyError(key)
    return row[0]


# -- releases on disk ---------------------------------------------------------------------------


def _store(create: bool = True) -> Path:
    path = data_dir() / "codesets" / "icd10cm-index"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def _read_manifest() -> list[dict[str, Any]]:
    path = _store(create=False) / "manifest.json"
    if not path.exists():
        return []
    body = json.loads(path.read_text())
    return body["releases"] if body.get("format") == FORMAT else []


_DEFAULT_SITE = re.compile(r"^(?:unspecified site|site unspecified|unspecified|NOS)$", re.I)
_HYPHENATED = re.compile(r"\b([a-z]+)-([a-z]+)\b", re.I)


def _asked(term: str) -> str:
    """The words of a term an entry asks for: a part after a comma that is another form of the
    first ("Diabetes, diabetic"; "positive, seropositive") or the second of "x or y" is an
    alternative, not a further word ("neurogenic, orthostatic" asks for both)."""
    if _DEFAULT_SITE.match(term.strip()):
        return ""  # the coder's default when the site is not said: nothing to ask for
    # "stage 1 through stage 4": any of those stages, not the numbers 1 and 4
    term = re.sub(r"\b\d+\s+through\s+(?:stage\s+)?\d+\b", " ", term)
    parts = [p.strip() for p in term.split(",")]
    first = tokens(parts[0])
    kept = [parts[0]]
    for part in parts[1:]:
        words = tokens(part)
        if first and words and (words[0][:4] == first[0][:4] or first[0] in words[0]):
            continue
        kept.append(part)
    return " ".join(k.split(" or ")[0] for k in kept)


def _postings(
    entries: list[IndexEntry],
) -> tuple[
    dict[str, list[int]],
    dict[str, list[int]],
    dict[str, list[int]],
    dict[str, list[int]],
    list[int],
]:
    """Word postings: every word of an entry's terms, its nonessential modifiers, its main term,
    and the words it asks for (``sizes`` counts those, see :func:`_asked`)."""
    postings: dict[str, list[int]] = {}
    asks: dict[str, list[int]] = {}
    optional: dict[str, list[int]] = {}
    lead: dict[str, list[int]] = {}
    sizes = []
    for i, entry in enumerate(entries):
        text = " ".join(entry.path) + " " + entry.column
        # "pre-eclampsia" is also written "preeclampsia"
        words = set(tokens(text)) | set(
            tokens(" ".join(a + b for a, b in _HYPHENATED.findall(text)))
        )
        asked = set(tokens(" ".join(_asked(t) for t in entry.path) + " " + entry.column))
        sizes.append(len(asked - JOINING))
        for word in asked - JOINING:
            asks.setdefault(word, []).append(i)
        for word in words:
            postings.setdefault(word, []).append(i)
        for word in set(tokens(" ".join(entry.nemod))) - words:
            optional.setdefault(word, []).append(i)
        main = entry.path[0] if entry.table in ("index", "external") else entry.path[-1]
        if entry.table == "neoplasm":
            main = "neoplasm " + (entry.path[1] if len(entry.path) > 1 else "")
        for word in set(tokens(main)):
            lead.setdefault(word, []).append(i)
    return postings, optional, lead, asks, sizes


def import_index(
    files: dict[str, Path], name: str, effective_from: date, effective_to: date
) -> tuple[str, bool]:
    """Read the four CMS files of one year into release ``name``; idempotent by their hashes.

    Returns a summary and whether anything was rebuilt."""
    hashes = {table: sha256_of(path) for table, path in files.items()}
    for info in _read_manifest():
        if (info["name"] == name and info["sha256"] == hashes
                and (_store() / info["file"]).exists()):  # fmt: skip
            return f"ICD-10-CM Index {name} is current", False
    entries = read_index_csv(files["index"])
    for table in ("neoplasm", "drug", "external"):
        if table in files:
            entries += read_index_xml(files[table], table)
    entries = resolve_references(entries)
    release = IndexRelease.build(name, effective_from, effective_to, entries)
    target = _store() / f"{name}.pickle"
    tmp = target.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        state = {
            k: v
            for k, v in release.__dict__.items()
            if k not in ("has_code", "notes", "title_words", "scratch", "lock")
        }
        pickle.dump((FORMAT, state), handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(target)
    infos = [i for i in _read_manifest() if i["name"] != name]
    infos.append({"name": name, "effective_from": effective_from.isoformat(),
                  "effective_to": effective_to.isoformat(), "file": target.name,
                  "sha256": hashes})  # fmt: skip
    infos.sort(key=lambda i: i["effective_from"])
    manifest = _store() / "manifest.json"
    manifest.with_suffix(".tmp").write_text(json.dumps({"format": FORMAT, "releases": infos}))
    manifest.with_suffix(".tmp").replace(manifest)
    with _lock:
        _manifests.pop(data_dir(), None)
        _loaded.pop(data_dir(), name)
    return f"ICD-10-CM Index {name}: {len(entries)} entries", True


def build_icd10cm_index(context: BuildContext) -> str:
    """Build step: every year's Index files under ``<shared data>/cms/icd10cm-index``."""
    folder = context.shared_data_dir / "cms" / "icd10cm-index" if context.shared_data_dir else None
    years = sorted(
        p.name[len("icd10cm_index_") : -len(".csv")] for p in folder.glob("icd10cm_index_*.csv")
    ) if folder and folder.is_dir() else []  # fmt: skip
    if folder is None or not years:
        return "ICD-10-CM Index skipped: no icd10cm_index_YYYY.csv in the shared data folder"
    done = []
    for year in years:
        files = {t: folder / f.format(year=year) for t, f in _FILES.items()}
        files = {t: p for t, p in files.items() if p.exists()}
        fiscal = int(year)
        context.report(f"ICD-10-CM Index FY{year}")
        summary, _ = import_index(files, f"FY{year}", date(fiscal - 1, 10, 1), date(fiscal, 9, 30))
        done.append(summary)
    return "; ".join(done)


def reset_index_cache() -> None:
    """Forget loaded Index releases (after an import, or when a test changes data directory)."""
    with _lock:
        _manifests.clear()
        _loaded.clear()


def index_releases() -> list[dict[str, Any]]:
    """The built Index releases (name, effective window, file, source hashes), oldest first."""
    home = data_dir()
    with _lock:
        infos = _manifests.get(home, None)
        if infos is None:
            infos = _manifests.put(home, None, _read_manifest())
        return list(infos)


def index_for(dos: date | None = None) -> IndexRelease | None:
    """The Index in force on ``dos`` (None: the newest); a date after every built Index uses the
    latest one that began before it. None when no Index is built for that date."""
    infos = index_releases()
    if dos is not None:
        infos = [i for i in infos if date.fromisoformat(i["effective_from"]) <= dos]
    if not infos:
        return None
    info = infos[-1]
    home = data_dir()
    store = _store(create=False)
    with _lock:
        release = _loaded.get(home, info["name"])
        if release is None:
            with open(store / info["file"], "rb") as handle:
                fmt, state = pickle.load(handle)
            if fmt != FORMAT:
                return None
            release = IndexRelease(state)
            _loaded.put(home, info["name"], release)
        return release

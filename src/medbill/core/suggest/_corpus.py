"""Coded-note corpora to learn from: CodiEsp-style folders and code normalisation.

A CodiEsp split folder holds ``text_files_en/<id>.txt`` and ``<split>D.tsv`` (``id<TAB>code``, codes
lower case with dots from the 2018 edition). Codes are normalised to the FY2026 billable code they
stand for: upper case, no dot, a retired header replaced by its unspecified descendant, a 7th
character added for injuries (initial encounter).

When the folder also holds ``<split>X.tsv`` (evidence: ``id, label, code, text, offsets`` into the
original-language note) and ``text_files/`` (those originals), each code's evidence is carried to
the sentence of the translation that holds it (see ``_align``), so the model can learn which
sentence, not only which note, supports a code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from medbill.core.suggest._align import (
    Span,
    align,
    carry,
    counterpart,
    source_words,
    translate_phrase,
    translation_table,
)
from medbill.core.suggest._lexicon import default_billable

if TYPE_CHECKING:
    from medbill.core.codesets._icd10cm import Icd10cmRelease

__all__ = ["CodedNote", "CorpusError", "normalise_code", "read_codiesp"]


class CorpusError(ValueError):
    """A training folder is missing a file or has a malformed line (the message says which)."""


# a note's original text, its translation and their aligned sentences
_Aligned = tuple[str, str, list[tuple[list[Span], list[Span]]]]


@dataclass(frozen=True)
class CodedNote:
    """One note and the diagnosis codes a coder assigned to it."""

    id: str
    text: str
    codes: frozenset[str]
    # (start, end, code): spans of ``text`` known to hold the evidence for a code
    regions: tuple[tuple[int, int, str], ...] = ()
    # (words, code): the words of ``text`` that express a code's evidence
    terms: tuple[tuple[tuple[str, ...], str], ...] = ()


def normalise_code(release: Icd10cmRelease, code: str) -> str | None:
    """The FY2026 billable code for a gold code as written (``"r51"`` -> ``"R519"``), or None."""
    key = code.strip().upper().replace(".", "")
    if not key:
        return None
    return default_billable(release, key)


def read_codiesp(
    folder: Path | str, release: Icd10cmRelease, text_dir: str = "text_files_en"
) -> list[CodedNote]:
    """Read a CodiEsp split folder (e.g. ``codiesp/train``) into coded notes."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: no such folder")
    tsvs = sorted(folder.glob("*D.tsv"))
    if not tsvs:
        raise CorpusError(f"{folder}: no *D.tsv file of diagnosis codes")
    texts = folder / text_dir
    if not texts.is_dir():
        raise CorpusError(f"{folder}: no {text_dir}/ folder of notes")
    codes: dict[str, set[str]] = defaultdict(set)
    for lineno, line in enumerate(tsvs[0].read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise CorpusError(f"{tsvs[0].name} line {lineno}: expected 'id<TAB>code'")
        norm = normalise_code(release, parts[1])
        if norm:
            codes[parts[0].strip()].add(norm)
        else:
            codes.setdefault(parts[0].strip(), set())
    evidence = _read_evidence(folder, release)
    originals = folder / "text_files"
    notes = []
    aligned: dict[str, _Aligned] = {}
    for note_id in sorted(codes):
        path = texts / f"{note_id}.txt"
        if not path.exists():
            raise CorpusError(f"{path}: note listed in {tsvs[0].name} is missing")
        text = path.read_text(encoding="utf-8")
        regions: tuple[tuple[int, int, str], ...] = ()
        source = originals / f"{note_id}.txt"
        if evidence.get(note_id) and source.exists() and originals != texts:
            original = source.read_text(encoding="utf-8")
            pairs = align(original, text)
            aligned[note_id] = (original, text, pairs)
            wanted = [(o, c) for o, c, _t in evidence[note_id] if c in codes[note_id]]
            regions = tuple(carry(original, text, wanted, pairs))
        notes.append(CodedNote(note_id, text, frozenset(codes[note_id]), regions))
    if aligned:
        notes = _with_terms(notes, aligned, evidence)
    return notes


def _with_terms(
    notes: list[CodedNote],
    aligned: dict[str, _Aligned],
    evidence: dict[str, list[tuple[int, str, str]]],
) -> list[CodedNote]:
    """Translate each piece of evidence into the words of the aligned translated sentence, with
    a word translation table learned from the corpus's own sentence pairs."""
    from medbill.core.suggest._lexicon import words

    target_words: dict[tuple[str, tuple[Span, ...]], list[str]] = {}
    sentence_pairs = []
    for note_id, (src, tgt, pairs) in aligned.items():
        for a, b in pairs:
            if a and b:
                found = list(words(" ".join(tgt[s:e] for s, e in b)))
                target_words[note_id, tuple(b)] = found
                sentence_pairs.append((source_words(" ".join(src[s:e] for s, e in a)), found))
    table = translation_table(sentence_pairs)
    out = []
    for note in notes:
        if note.id not in aligned:
            out.append(note)
            continue
        pairs = aligned[note.id][2]
        terms = []
        for offset, code, phrase in evidence[note.id]:
            b = counterpart(pairs, offset)
            if code in note.codes and b:
                ws = translate_phrase(table, phrase, set(target_words[note.id, tuple(b)]))
                if ws:
                    terms.append((ws, code))
        out.append(replace(note, terms=tuple(dict.fromkeys(terms))))
    return out


def _read_evidence(folder: Path, release: Icd10cmRelease) -> dict[str, list[tuple[int, str, str]]]:
    """Diagnosis evidence (offset, code, text) from ``<split>X.tsv`` if the folder has one."""
    out: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    tsvs = sorted(folder.glob("*X.tsv"))
    if not tsvs:
        return out
    for lineno, line in enumerate(tsvs[0].read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 5:
            raise CorpusError(
                f"{tsvs[0].name} line {lineno}: expected five fields "
                "'id, label, code, text, offsets' separated by tabs"
            )
        if parts[1].strip().upper() != "DIAGNOSTICO":
            continue
        first = parts[4].split(";")[0].split()
        if not first or not first[0].isdigit():
            raise CorpusError(f"{tsvs[0].name} line {lineno}: offsets {parts[4]!r} are not numbers")
        code = normalise_code(release, parts[2])
        if code:
            out[parts[0].strip()].append((int(first[0]), code, parts[3]))
    return out

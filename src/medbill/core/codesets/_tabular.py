"""Read the ICD-10-CM tabular list in the XML layout CMS and NCHS publish each year.

The reader turns the tree of chapters, sections (blocks) and ``diag`` elements into flat, picklable
records: one per chapter, block, category and code, with the notes written at that level only.
Inheritance of notes down the hierarchy is applied when a code is looked up (see ``_icd10cm``), so
the stored data stays small and each note keeps the level it was written at.

Codes that need a 7th character are materialised here: every leaf below a ``sevenChrDef`` becomes a
header and gains one billable child per 7th character, padded with the placeholder ``X`` to six
characters as the tabular conventions require (``T07`` + ``A`` -> ``T07.XXXA``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NOTE_KINDS", "TabularData", "TabularError", "parse_tabular", "undot"]

# XML element -> the name used throughout medbill.
NOTE_KINDS: dict[str, str] = {
    "inclusionTerm": "inclusion_terms",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional",
    "codeAlso": "code_also",
    "notes": "notes",
    "sevenChrNote": "seventh_note",
}

_RANGE_IN_TITLE = re.compile(r"\s*\([A-Z][0-9A-Z]{2}(-[A-Z][0-9A-Z]{2})?\)\s*$")

# kind codes stored in the records
CHAPTER, BLOCK, CATEGORY, CODE = "chapter", "block", "category", "code"


class TabularError(ValueError):
    """The file is not an ICD-10-CM tabular XML file (the message names the element at fault)."""


@dataclass
class TabularData:
    """Flat records read from one tabular XML file.

    ``codes`` maps the code without its dot to ``(dotted, description, kind, parent, billable)``;
    ``notes`` maps a code to ``{kind: (text, ...)}`` for the notes written at that level;
    ``seventh`` maps a code to the 7th-character table defined at that level;
    ``order`` lists every code in tabular order.
    """

    version: str
    codes: dict[str, tuple[str, str, str, str | None, bool]] = field(default_factory=dict)
    notes: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    seventh: dict[str, dict[str, str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


def undot(code: str) -> str:
    """``e11.22`` -> ``E1122``: the key every lookup uses."""
    return code.strip().upper().replace(".", "")


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _notes_of(element: ET.Element) -> dict[str, tuple[str, ...]]:
    notes: dict[str, tuple[str, ...]] = {}
    for child in element:
        kind = NOTE_KINDS.get(child.tag)
        if kind is None:
            continue
        texts = tuple(t for t in (_text(n) for n in child.findall("note")) if t)
        if texts:
            notes[kind] = notes.get(kind, ()) + texts
    return notes


def _seventh_of(element: ET.Element) -> dict[str, str]:
    table = element.find("sevenChrDef")
    if table is None:
        return {}
    return {ext.get("char", "").upper(): _text(ext) for ext in table.findall("extension")}


def parse_tabular(path: Path | str) -> TabularData:
    """Parse a tabular XML file into :class:`TabularData`.

    Raises :class:`TabularError` when the root element or a code is not what the layout defines.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise TabularError(f"{path}: not well-formed XML ({exc})") from exc
    if root.tag != "ICD10CM.tabular":
        raise TabularError(f"{path}: root element is <{root.tag}>, expected <ICD10CM.tabular>")
    data = TabularData(version=_text(root.find("version")))
    chapters = root.findall("chapter")
    if not chapters:
        raise TabularError(f"{path}: no <chapter> elements")
    for chapter in chapters:
        number = _text(chapter.find("name"))
        if not number:
            raise TabularError(f"{path}: a <chapter> has no <name>")
        _add(data, number, number, _text(chapter.find("desc")), CHAPTER, None, chapter, False)
        for section in chapter.findall("section"):
            block = section.get("id", "").upper()
            title = _text(section.find("desc"))
            if not block:
                raise TabularError(f"{path}: a <section> in chapter {number} has no id")
            if "-" not in block:  # one-category blocks (B20) must not collide with the category
                block = f"{block}-{block}"
            title = _RANGE_IN_TITLE.sub("", title)
            _add(data, block, block, title, BLOCK, number, section, False)
            for diag in section.findall("diag"):
                _walk(data, diag, block, None)
    return data


def _add(
    data: TabularData,
    key: str,
    dotted: str,
    description: str,
    kind: str,
    parent: str | None,
    element: ET.Element | None,
    billable: bool,
) -> None:
    data.codes[key] = (dotted, description, kind, parent, billable)
    data.order.append(key)
    if element is not None:
        notes = _notes_of(element)
        if notes:
            data.notes[key] = notes
        seventh = _seventh_of(element)
        if seventh:
            data.seventh[key] = seventh


def _walk(data: TabularData, diag: ET.Element, parent: str, seventh: dict[str, str] | None) -> None:
    dotted = _text(diag.find("name")).upper()
    if not re.fullmatch(r"[A-Z][0-9A-Z][0-9A-Z](\.[0-9A-Z]{1,4})?", dotted):
        raise TabularError(f"<diag> under {parent}: {dotted!r} is not an ICD-10-CM code")
    key = undot(dotted)
    children = diag.findall("diag")
    own_seventh = _seventh_of(diag)
    seventh = own_seventh or seventh
    kind = CATEGORY if len(key) == 3 else CODE
    leaf = not children
    _add(data, key, dotted, _text(diag.find("desc")), kind, parent, diag, leaf and not seventh)
    for child in children:
        _walk(data, child, key, seventh)
    if leaf and seventh:
        # The leaf becomes a header; its billable forms carry the 7th character.
        base = key.ljust(6, "X")
        for char, meaning in seventh.items():
            full = base + char
            text = f"{data.codes[key][1]}, {meaning}"
            data.codes[full] = (f"{full[:3]}.{full[3:]}", text, CODE, key, True)
            data.order.append(full)

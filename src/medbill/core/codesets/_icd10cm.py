"""One ICD-10-CM release: codes, the hierarchy, and the tabular notes inherited down it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from medbill.core.codesets._tabular import TabularData, undot

__all__ = ["Icd10cmRelease", "IcdCode", "Note", "code_refs"]

# Notes a code inherits from every level above it, as the tabular conventions define.
INHERITED = ("includes", "excludes1", "excludes2", "code_first", "use_additional", "code_also")

_CODE = r"[A-Z](?:[0-9][0-9A-Z]|A[0-9])(?:\.[0-9A-Z]{1,4})?"
_REF = re.compile(rf"({_CODE})(?:\.-|-({_CODE})(?:\.-|-)?|-)?")
_PARENS = re.compile(r"\(([^()]*)\)")


class Note(str):
    """The text of a tabular note, remembering the level (``source``) it was written at.

    A ``Note`` is a plain string to everything that only wants the text.
    """

    source: str

    def __new__(cls, text: str, source: str) -> Note:
        note = super().__new__(cls, text)
        note.source = source
        return note

    def __reduce__(self) -> tuple[type[Note], tuple[str, str]]:  # keep the source when pickled
        return (Note, (str(self), self.source))


def code_refs(text: str) -> tuple[tuple[str, str], ...]:
    """The code ranges a note points at, as ``(low, high)`` prefixes without dots.

    ``"gestational diabetes (O24.4-)"`` -> ``(("O244", "O244"),)``;
    ``"(N18.1-N18.6)"`` -> ``(("N181", "N186"),)``. Only codes in parentheses count.
    """
    refs: list[tuple[str, str]] = []
    for group in _PARENS.findall(text.upper()):
        for match in _REF.finditer(group):
            low = undot(match.group(1))
            high = undot(match.group(2)) if match.group(2) else low
            refs.append((low, high))
    return tuple(refs)


def _ref_matches(code: str, low: str, high: str) -> bool:
    return low <= code[: len(low)] and code[: len(high)] <= high


@dataclass(frozen=True)
class IcdCode:
    """A chapter, block, category or code of one release, with every note that applies to it.

    The inherited note lists hold the notes written at the code itself first, then those of each
    level above it (``Note.source`` says which level).
    """

    code: str
    dotted: str
    description: str
    billable: bool
    kind: str
    parent: str | None
    release: str
    inclusion_terms: tuple[str, ...] = ()
    includes: tuple[Note, ...] = ()
    excludes1: tuple[Note, ...] = ()
    excludes2: tuple[Note, ...] = ()
    code_first: tuple[Note, ...] = ()
    use_additional: tuple[Note, ...] = ()
    code_also: tuple[Note, ...] = ()
    notes: tuple[str, ...] = ()
    seventh_characters: dict[str, str] = field(default_factory=dict)
    seventh_note: tuple[str, ...] = ()
    is_manifestation: bool = False

    @property
    def needs_seventh(self) -> bool:
        """True when a 7th character must be added before the code can be billed."""
        return bool(self.seventh_characters) and len(self.code) < 7 and self.kind != "chapter"

    @property
    def has_placeholder(self) -> bool:
        """True when the code carries the placeholder ``X`` (e.g. ``T36.0X1A``)."""
        return self.kind == "code" and "X" in self.code[3:6]


class Icd10cmRelease:
    """The ICD-10-CM code set of one fiscal year, in force ``effective_from``..``effective_to``."""

    def __init__(
        self,
        name: str,
        effective_from: date,
        effective_to: date | None,
        data: TabularData,
        source: str = "",
    ) -> None:
        self.name = name
        self.effective_from = effective_from
        self.effective_to = effective_to
        self.source = source
        self.version = data.version
        self._codes = data.codes
        self._notes = data.notes
        self._seventh = data.seventh
        self._order = data.order
        self._children: dict[str, list[str]] | None = None
        self._refs: dict[str, tuple[tuple[str, str], ...]] = {}
        # Codes added or deleted during the release's year: code -> (first valid day or
        # None, last valid day or None). Every other code is valid for the whole window.
        self.dated: dict[str, tuple[date | None, date | None]] = {}

    def __repr__(self) -> str:
        return f"<Icd10cmRelease {self.name} {self.effective_from}..{self.effective_to}>"

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and undot(code) in self._codes

    def __len__(self) -> int:
        return len(self._codes)

    def apply_addenda(self, changes: Iterable[Any]) -> None:
        """Take in the mid-year changes whose effective date falls in this release's window.

        An added code missing from the tabular becomes a billable code under its nearest
        existing ancestor; a deleted code stays in the tabular, valid up to the day before.
        """
        for change in changes:
            if not self.covers(change.effective):
                continue
            key = change.code
            first, last = self.dated.get(key, (None, None))
            if change.action == "add":
                first = change.effective
                if key not in self._codes:
                    parent = next(
                        (key[:n] for n in range(len(key) - 1, 2, -1) if key[:n] in self._codes),
                        None,
                    )
                    dotted = f"{key[:3]}.{key[3:]}" if len(key) > 3 else key
                    self._codes[key] = (
                        dotted,
                        change.description or f"(added {change.effective.isoformat()})",
                        "code",
                        parent,
                        True,
                    )
                    self._order.append(key)
                    self._children = None
            else:
                last = change.effective - timedelta(days=1)
            self.dated[key] = (first, last)

    def dates(self, code: str) -> tuple[date | None, date | None]:
        """(first valid day, last valid day) of a code added or deleted during the year;
        (None, None) for a code valid for the release's whole window."""
        return self.dated.get(undot(code), (None, None))

    def covers(self, dos: date) -> bool:
        """True when ``dos`` falls in this release's effective window."""
        end = self.effective_to
        return self.effective_from <= dos and (end is None or dos <= end)

    def codes(self, kind: str | None = None) -> Iterator[str]:
        """Every code (no dot) in tabular order, optionally only of one ``kind``."""
        for key in self._order:
            if kind is None or self._codes[key][2] == kind:
                yield key

    def is_billable(self, code: str) -> bool:
        """True when ``code`` exists in this release and is a valid billable (leaf) code."""
        row = self._codes.get(undot(code))
        return bool(row and row[4])

    def row(self, code: str) -> tuple[str, str, str, str | None, bool] | None:
        """``(dotted, description, kind, parent, billable)`` without building an IcdCode."""
        return self._codes.get(undot(code))

    def description(self, code: str) -> str | None:
        """The title of ``code``, or None when it does not exist in this release."""
        row = self._codes.get(undot(code))
        return row[1] if row else None

    def parent(self, code: str) -> str | None:
        """The code one level up (category -> block -> chapter), or None."""
        row = self._codes.get(undot(code))
        return row[3] if row else None

    def ancestors(self, code: str) -> list[str]:
        """``code`` and every level above it, nearest first."""
        chain: list[str] = []
        key: str | None = undot(code)
        while key is not None and key in self._codes:
            chain.append(key)
            key = self._codes[key][3]
        return chain

    def children(self, code: str) -> list[str]:
        """The codes directly below ``code``, in tabular order."""
        if self._children is None:
            children: dict[str, list[str]] = {}
            for key in self._order:
                parent = self._codes[key][3]
                if parent is not None:
                    children.setdefault(parent, []).append(key)
            self._children = children
        return list(self._children.get(undot(code), ()))

    def billable_descendants(self, code: str) -> list[str]:
        """Every billable code at or below ``code``."""
        found: list[str] = []
        stack = [undot(code)]
        while stack:
            key = stack.pop()
            row = self._codes.get(key)
            if row is None:
                continue
            if row[4]:
                found.append(key)
            stack.extend(reversed(self.children(key)))
        return found

    def needs_seventh(self, code: str) -> bool:
        """True when ``code`` falls under a 7th-character table and does not yet carry one."""
        key = undot(code)
        if key not in self._codes or len(key) >= 7:
            return False
        return any(level in self._seventh for level in self.ancestors(key))

    def get(self, code: str) -> IcdCode | None:
        """Look a code up (any case, dot optional); None when it is not in the release."""
        key = undot(code)
        row = self._codes.get(key)
        if row is None:
            return None
        dotted, description, kind, parent, billable = row
        chain = self.ancestors(key)
        own = self._notes.get(key, {})
        inherited: dict[str, list[Note]] = {kind_: [] for kind_ in INHERITED}
        for level in chain:
            for kind_, texts in self._notes.get(level, {}).items():
                if kind_ in inherited:
                    inherited[kind_].extend(Note(t, level) for t in texts)
        seventh: dict[str, str] = {}
        seventh_note: tuple[str, ...] = ()
        for level in chain:
            if level in self._seventh:
                seventh = dict(self._seventh[level])
                seventh_note = self._notes.get(level, {}).get("seventh_note", ())
                break
        category_levels = [lv for lv in chain if self._codes[lv][2] in ("category", "code")]
        manifestation = any(
            "classified elsewhere" in self._codes[lv][1].lower()
            or "code_first" in self._notes.get(lv, {})
            for lv in category_levels
        )
        return IcdCode(
            code=key,
            dotted=dotted,
            description=description,
            billable=billable,
            kind=kind,
            parent=parent,
            release=self.name,
            inclusion_terms=own.get("inclusion_terms", ()),
            notes=own.get("notes", ()),
            seventh_characters=seventh,
            seventh_note=seventh_note,
            is_manifestation=manifestation,
            **{kind_: tuple(notes) for kind_, notes in inherited.items()},
        )

    def excludes1_conflict(self, a: str, b: str) -> str | None:
        """The Excludes1 note text when ``b`` falls under an Excludes1 note of ``a`` or its
        ancestors, else None."""
        target = undot(b)
        for level in self.ancestors(a):
            for text in self._notes.get(level, {}).get("excludes1", ()):
                refs = self._refs.get(text)
                if refs is None:
                    refs = self._refs[text] = code_refs(text)
                if any(_ref_matches(target, low, high) for low, high in refs):
                    return text
        return None

    def inclusion_terms(self, code: str) -> tuple[str, ...]:
        """The inclusion terms written at ``code`` itself (used by search)."""
        return self._notes.get(undot(code), {}).get("inclusion_terms", ())

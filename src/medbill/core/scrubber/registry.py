"""The edit registry: every claim edit is a record with a code, docs and a citation.

Edits work like the rules of a linter. Each has a code (``DX004``), a slug, the
``kind`` of problem it reports (the shared vocabulary below), a severity
(``error`` blocks submission, ``warning`` needs review), a message template
that names the code and the line, the source it cites, and documentation in
five sections. Checks report :class:`Finding` values, never raise.

Payers select edits by code prefix, the way ``ruff --select`` does, and a
practice may waive an edit for a payer with a reason (see :class:`Policy`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ERROR",
    "KINDS",
    "REGISTRY",
    "WARNING",
    "Edit",
    "EditDocs",
    "Finding",
    "Fix",
    "Policy",
    "Registry",
    "define",
    "finding",
]

ERROR = "error"
WARNING = "warning"

KINDS = frozenset(
    {
        "MISSING_REQUIRED",
        "NPI_INVALID",
        "TIN_INVALID",
        "POS_INVALID",
        "DATE_INVALID",
        "CHARGE_INVALID",
        "UNITS_INVALID",
        "DX_POINTER_INVALID",
        "DUPLICATE_LINE",
        "TOO_MANY_DX",
        "DX_INVALID",
        "DX_NOT_VALID_ON_DOS",
        "DX_NOT_BILLABLE",
        "DX_SEVENTH_CHAR_MISSING",
        "DX_EXCLUDES1",
        "DX_MANIFESTATION_PRIMARY",
        "DX_EXTERNAL_CAUSE_PRIMARY",
        "DX_AGE_CONFLICT",
        "DX_SEX_CONFLICT",
        "DX_UNSPECIFIED",
        "PROC_INVALID",
        "MODIFIER_INVALID",
        "MUE_EXCEEDED",
        "AOC_WITHOUT_PRIMARY",
        "PTP_CONFLICT",
        "EM_NEEDS_MODIFIER_25",
        "PAYER_RULE",
        "X12_TEXT_CHANGED",
        "X12_FIELD_NOT_WRITABLE",
    }
)

CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class EditDocs:
    """The five sections every edit documents."""

    what: str
    why: str
    example: str
    fix: str
    reference: str


@dataclass(frozen=True, slots=True)
class Edit:
    """One registered edit.

    ``message`` and ``citation`` are ``str.format`` templates filled by the
    check (``{line}``, ``{code}``, ``{quarter}`` ...). ``mechanical_fix`` names
    the fix the edit can offer without a coder's judgement, or is empty.
    ``default`` is False for opt-in edits that a payer policy must select.
    """

    code: str
    slug: str
    kind: str
    severity: str
    family: str
    message: str
    citation: str
    docs: EditDocs
    mechanical_fix: str = ""
    default: bool = True

    def __post_init__(self) -> None:
        if not CODE_RE.match(self.code):
            raise ValueError(f"edit code {self.code!r} does not match {CODE_RE.pattern}")
        if not SLUG_RE.match(self.slug):
            raise ValueError(f"edit {self.code}: slug {self.slug!r} is not kebab-case")
        if self.kind not in KINDS:
            raise ValueError(f"edit {self.code}: unknown kind {self.kind!r}")
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"edit {self.code}: severity must be error or warning")


@dataclass(frozen=True, slots=True)
class Fix:
    """A correction: ``action`` is machine-readable, ``text`` says it in words.

    Actions: ``add_modifier`` (line, modifier), ``reorder_diagnoses`` (order),
    ``split_units`` (line, units_per_line), ``replace_code`` (line or
    diagnosis, choices), ``add_seventh_character`` (diagnosis, choices),
    ``merge_lines`` (lines), ``remove_line`` (line), ``set_field`` (field) and
    ``review`` (no mechanical change; the coder must decide).
    """

    action: str
    text: str
    args: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{action, text, **args}``: what JSON output and the API carry."""
        out: dict[str, Any] = {"action": self.action, "text": self.text}
        for key, value in self.args:
            out[key] = list(value) if isinstance(value, tuple) else value
        return out

    def arg(self, key: str, default: Any = None) -> Any:
        """The value of one argument (``line``, ``modifier``, ``choices`` ...)."""
        for k, v in self.args:
            if k == key:
                return v
        return default


@dataclass(frozen=True, slots=True)
class Finding:
    """What an edit found on one claim; ``line`` is the 1-based service line or None."""

    code: str
    kind: str
    severity: str
    line: int | None
    message: str
    citation: str
    fix: Fix | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (``fix`` as a dict or None)."""
        return {
            "code": self.code,
            "kind": self.kind,
            "severity": self.severity,
            "line": self.line,
            "message": self.message,
            "citation": self.citation,
            "fix": self.fix.to_dict() if self.fix else None,
        }

    @property
    def blocks_submission(self) -> bool:
        """True for errors."""
        return self.severity == ERROR


class Registry:
    """All edits by code. Families add theirs at import time."""

    def __init__(self) -> None:
        self._edits: dict[str, Edit] = {}

    def add(self, edit: Edit) -> Edit:
        """Register ``edit``; a second edit with the same code is a programming error."""
        if edit.code in self._edits:
            raise ValueError(f"edit code {edit.code} registered twice")
        self._edits[edit.code] = edit
        return edit

    def __getitem__(self, code: str) -> Edit:
        return self._edits[code]

    def __contains__(self, code: object) -> bool:
        return code in self._edits

    def __iter__(self) -> Iterator[Edit]:
        return iter(sorted(self._edits.values(), key=_sort_key))

    def __len__(self) -> int:
        return len(self._edits)

    def select(
        self,
        select: Iterable[str] = ("",),
        ignore: Iterable[str] = (),
        extend: Iterable[str] = (),
    ) -> frozenset[str]:
        """Codes enabled by prefix selection, as ``ruff`` does it.

        ``select`` prefixes choose default edits (``""`` means all of them),
        ``extend`` prefixes add edits including opt-in ones, ``ignore``
        prefixes remove edits; the longest matching prefix wins between
        ``select``/``extend`` and ``ignore``.
        """
        select, ignore, extend = tuple(select), tuple(ignore), tuple(extend)
        chosen = set()
        for edit in self._edits.values():
            sel = _longest(edit.code, select) if edit.default else -1
            ext = _longest(edit.code, extend)
            ign = _longest(edit.code, ignore)
            if max(sel, ext) > ign:
                chosen.add(edit.code)
        return frozenset(chosen)


def _longest(code: str, prefixes: tuple[str, ...]) -> int:
    best = -1
    for p in prefixes:
        if code.startswith(p) and len(p) > best:
            best = len(p)
    return best


def _sort_key(edit: Edit) -> tuple[str, int]:
    letters = edit.code.rstrip("0123456789")
    return (letters, int(edit.code[len(letters) :]))


REGISTRY = Registry()


def finding(edit_code: str, line: int | None, /, fix: Fix | None = None, **values: Any) -> Finding:
    """A finding of edit ``edit_code``: its message and citation filled from ``values``."""
    edit = REGISTRY[edit_code]
    values.setdefault("line", line)
    return Finding(
        code=edit_code,
        kind=edit.kind,
        severity=edit.severity,
        line=line,
        message=f"{edit_code} " + edit.message.format(**values),
        citation=edit.citation.format(**values),
        fix=fix,
    )


@dataclass(frozen=True, slots=True)
class Policy:
    """Which edits run for a payer, and which the practice waived (code -> reason).

    A waiver needs a reason; the web app records who waived what and when.
    """

    select: tuple[str, ...] = ("",)
    ignore: tuple[str, ...] = ()
    extend: tuple[str, ...] = ()
    waivers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code, reason in self.waivers.items():
            if code not in REGISTRY:
                raise ValueError(f"waiver names unknown edit {code}")
            if not str(reason).strip():
                raise ValueError(f"waiver of {code} needs a reason")

    def enabled(self) -> frozenset[str]:
        """The codes this policy runs (selected and not waived)."""
        codes = REGISTRY.select(self.select, self.ignore, self.extend)
        return codes - frozenset(self.waivers)


def define(
    code: str,
    slug: str,
    kind: str,
    severity: str,
    family: str,
    message: str,
    citation: str,
    *,
    what: str,
    why: str,
    example: str,
    fix: str,
    reference: str,
    mechanical_fix: str = "",
    default: bool = True,
) -> Edit:
    """Register an edit; the keyword arguments are its five documentation sections."""
    return REGISTRY.add(
        Edit(
            code,
            slug,
            kind,
            severity,
            family,
            message,
            citation,
            EditDocs(what, why, example, fix, reference),
            mechanical_fix,
            default,
        )
    )

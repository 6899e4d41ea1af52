"""``docs/edits.md``: the edit reference, written from the registry."""

from __future__ import annotations

import re
from itertools import groupby

from medbill.core.scrubber import edits as _edits  # noqa: F401 - registers every edit
from medbill.core.scrubber.registry import REGISTRY, Edit

__all__ = ["citation_pattern", "render_markdown"]

FAMILY_TITLES = {
    "format": "Claim format (FMT)",
    "demographics": "Patient and subscriber (DEM)",
    "icd": "ICD-10-CM diagnoses (DX)",
    "procedures": "Procedure codes and modifiers (PROC)",
    "mue": "Medically Unlikely Edits (MUE)",
    "ncci": "NCCI pairs, add-on codes and E/M (NCCI)",
    "payer": "Payer rules (PAY)",
}


def citation_pattern(template: str) -> str:
    """A message or citation template with its fields shown as ``<field>``."""
    return re.sub(r"\{(\w+)(![rs])?\}", r"<\1>", template)


def _summary_row(edit: Edit) -> str:
    opt = " (opt-in)" if not edit.default else ""
    return (
        f"| [{edit.code}](#{edit.code.lower()}) | `{edit.slug}` | `{edit.kind}` | "
        f"{edit.severity}{opt} |"
    )


def _section(edit: Edit) -> list[str]:
    d = edit.docs
    lines = [
        f"### {edit.code}",
        "",
        f"`{edit.slug}` · kind `{edit.kind}` · {edit.severity}"
        + ("" if edit.default else " · opt-in (a payer policy must select it)")
        + (f" · mechanical fix: `{edit.mechanical_fix}`" if edit.mechanical_fix else ""),
        "",
        f"**What it checks.** {d.what}",
        "",
        f"**Why it is denied.** {d.why}",
        "",
        f"**Example.** {d.example}",
        "",
        f"**Fix.** {d.fix}",
        "",
        f"**Reference.** {d.reference} Findings cite: `{citation_pattern(edit.citation)}`",
        "",
    ]
    return lines


def render_markdown() -> str:
    """The whole reference page as Markdown text."""
    out = [
        "# Claim edits",
        "",
        "This page is written from the edit registry by `medbill edits docs`; do not edit it "
        "by hand. Every edit has a code, a kind, a severity (`error` blocks submission, "
        "`warning` needs review) and the source it cites. Payers select edits by code "
        "prefix; a practice may waive an edit for a payer with a recorded reason.",
        "",
        "| code | slug | kind | severity |",
        "| --- | --- | --- | --- |",
    ]
    out += [_summary_row(e) for e in REGISTRY]
    out.append("")
    by_family = sorted(REGISTRY, key=lambda e: (list(FAMILY_TITLES).index(e.family), e.code))
    for family, group in groupby(by_family, key=lambda e: e.family):
        out += [f"## {FAMILY_TITLES.get(family, family)}", ""]
        for edit in group:
            out += _section(edit)
    return "\n".join(out).rstrip() + "\n"

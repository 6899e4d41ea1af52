"""The edit registry: unique codes, complete docs, citations, selection and waivers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medbill.core.scrubber import KINDS, REGISTRY, Policy
from medbill.core.scrubber.docs import render_markdown
from medbill.core.scrubber.registry import Edit, EditDocs, Finding, Fix, Registry

DOCS = Path(__file__).resolve().parents[3] / "docs" / "edits.md"


def test_every_edit_has_a_unique_code_docs_and_a_citation() -> None:
    codes = [e.code for e in REGISTRY]
    assert len(codes) == len(set(codes)) == len(REGISTRY)
    slugs = [e.slug for e in REGISTRY]
    assert len(slugs) == len(set(slugs))
    for edit in REGISTRY:
        assert re.fullmatch(r"[A-Z]{2,4}[0-9]{3}", edit.code)
        assert edit.kind in KINDS
        assert edit.severity in ("error", "warning")
        assert edit.citation.strip(), edit.code
        for section in ("what", "why", "example", "fix", "reference"):
            assert len(getattr(edit.docs, section).strip()) > 10, (edit.code, section)


def test_every_kind_of_the_vocabulary_has_an_edit() -> None:
    assert {e.kind for e in REGISTRY} == set(KINDS)


def test_a_second_edit_with_the_same_code_is_refused() -> None:
    reg = Registry()
    docs = EditDocs("w", "y", "e", "f", "r")
    reg.add(Edit("ZZ001", "a-slug", "PAYER_RULE", "error", "x", "m", "c", docs))
    with pytest.raises(ValueError, match="ZZ001 registered twice"):
        reg.add(Edit("ZZ001", "b-slug", "PAYER_RULE", "error", "x", "m", "c", docs))


@pytest.mark.parametrize(
    "code, slug, kind, severity",
    [
        ("Z1", "ok", "PAYER_RULE", "error"),
        ("ZZ001", "Not Kebab", "PAYER_RULE", "error"),
        ("ZZ001", "ok", "NO_SUCH_KIND", "error"),
        ("ZZ001", "ok", "PAYER_RULE", "fatal"),
    ],
)
def test_malformed_edits_are_refused(code: str, slug: str, kind: str, severity: str) -> None:
    with pytest.raises(ValueError):
        Edit(code, slug, kind, severity, "x", "m", "c", EditDocs("w", "y", "e", "f", "r"))


def test_payers_select_edits_by_prefix() -> None:
    dx_only = REGISTRY.select(select=("DX",))
    assert dx_only and all(c.startswith("DX") for c in dx_only)
    assert "DX010" not in dx_only  # opt-in
    assert "DX010" in REGISTRY.select(select=("DX",), extend=("DX010",))
    no_mue = REGISTRY.select(ignore=("MUE",))
    assert not any(c.startswith("MUE") for c in no_mue) and "NCCI002" in no_mue
    # the longer prefix wins: ignore NCCI but keep NCCI020
    assert REGISTRY.select(ignore=("NCCI",), extend=("NCCI020",)) & {"NCCI001", "NCCI020"} == {
        "NCCI020"
    }


def test_a_waiver_needs_a_reason_and_a_known_code() -> None:
    assert "MUE003" not in Policy(waivers={"MUE003": "contract letter 2026-01-05"}).enabled()
    with pytest.raises(ValueError, match="needs a reason"):
        Policy(waivers={"MUE003": "  "})
    with pytest.raises(ValueError, match="unknown edit"):
        Policy(waivers={"XX999": "because"})


def test_findings_and_fixes_are_plain_values() -> None:
    fix = Fix("add_modifier", "Add 25 to line 1.", (("line", 1), ("modifier", "25")))
    f = Finding("NCCI020", "EM_NEEDS_MODIFIER_25", "error", 1, "NCCI020 ...", "cite", fix)
    assert f.to_dict() == {
        "code": "NCCI020",
        "kind": "EM_NEEDS_MODIFIER_25",
        "severity": "error",
        "line": 1,
        "message": "NCCI020 ...",
        "citation": "cite",
        "fix": {"action": "add_modifier", "text": "Add 25 to line 1.", "line": 1, "modifier": "25"},
    }
    assert f.blocks_submission and fix.arg("modifier") == "25"


def test_docs_page_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), (
        "docs/edits.md is out of date: run `medbill edits docs`"
    )


def test_docs_page_has_every_section_for_every_edit() -> None:
    text = render_markdown()
    for edit in REGISTRY:
        assert f"### {edit.code}" in text
    assert text.count("**What it checks.**") == len(REGISTRY)
    assert text.count("**Why it is denied.**") == len(REGISTRY)

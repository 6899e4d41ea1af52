"""``medbill codes show|validity|search`` and ``medbill codesets`` without a database."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from medbill.cli.codes import app as codes_app
from medbill.cli.codesets import app as codesets_app
from medbill.core.codesets.build import ensure_icd10cm

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    ensure_icd10cm()


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wraps at the console width; give it room so lines stay whole."""
    import medbill.cli.codes
    import medbill.cli.codesets

    for module in (medbill.cli.codes, medbill.cli.codesets):
        monkeypatch.setattr(module, "console", Console(width=200))


def test_show_prints_the_code_with_every_note() -> None:
    result = runner.invoke(codes_app, ["show", "E11.22"], terminal_width=200)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Type 2 diabetes mellitus with diabetic chronic kidney disease" in out
    assert "billable" in out and "FY2026" in out
    assert "Excludes1" in out and "type 1 diabetes mellitus (E10.-)" in out
    assert "Use additional code" in out and "(N18.1-N18.6)" in out
    assert "E11.2  Type 2 diabetes mellitus with kidney complications" in out


def test_show_a_code_needing_a_seventh_character() -> None:
    out = runner.invoke(codes_app, ["show", "S72.001"], terminal_width=200).output
    assert "7th character" in out and "initial encounter for closed fracture" in out
    assert "a 7th character is required" in out
    assert "S72.001A" in out  # the codes below it


def test_show_unknown_code_fails() -> None:
    result = runner.invoke(codes_app, ["show", "E11.99"])
    assert result.exit_code == 1 and "not in ICD-10-CM" in result.output


def test_validity_reports_what_replaced_a_code() -> None:
    result = runner.invoke(codes_app, ["validity", "G35", "--date", "2025-11-01"])
    assert result.exit_code == 1
    assert "not_billable" in result.output and "G35A" in result.output
    ok = runner.invoke(codes_app, ["validity", "G35", "--date", "2025-06-01"])
    assert ok.exit_code == 0 and "valid" in ok.output
    bad = runner.invoke(codes_app, ["validity", "G35", "--date", "June"])
    assert bad.exit_code == 2


def test_search_json() -> None:
    result = runner.invoke(codes_app, ["search", "htn", "--json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert len(hits) == 2
    assert set(hits[0]) == {
        "code",
        "system",
        "description",
        "billable",
        "score",
        "matched",
        "trail",
    }
    assert hits[0]["code"] == "I10" and hits[0]["matched"] == ["htn"]
    only = json.loads(
        runner.invoke(codes_app, ["search", "office", "--system", "pos", "--json"]).output
    )
    assert only and {h["system"] for h in only} == {"pos"}
    dated = runner.invoke(codes_app, ["search", "E11.A", "--date", "2025-06-01", "--json"])
    assert json.loads(dated.output) == []
    table = runner.invoke(codes_app, ["search", "left knee pain"], terminal_width=200)
    assert "M25.562" in table.output
    assert runner.invoke(codes_app, ["search", "x", "--system", "loinc"]).exit_code == 2


def test_codesets_releases_and_steps() -> None:
    out = runner.invoke(codesets_app, ["releases"], terminal_width=200).output
    assert "FY2025" in out and "FY2026" in out and "2025-10-01" in out
    steps = runner.invoke(codesets_app, ["steps"]).output.split()
    assert steps[:5] == ["icd10cm", "icd10cm-addenda", "hcpcs", "icd10cm-index", "search"]


def test_import_icd10cm_rejects_an_overlapping_release(tmp_path) -> None:
    from medbill.core.codesets._releases import installed_tabular

    args = ["import", "icd10cm", str(installed_tabular()), "--release", "FY2026B"]
    result = runner.invoke(codesets_app, [*args, "--effective-from", "2026-01-01"])
    assert result.exit_code == 1 and "overlaps release FY2026" in result.output
    bad = runner.invoke(codesets_app, [*args, "--effective-from", "soon"])
    assert bad.exit_code == 2

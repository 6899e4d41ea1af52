"""``medbill claims scrub``, ``medbill edits`` and ``medbill codesets import`` for the tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medbill.cli.main import app
from shared_data import shared_data_with, shared_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ncci"
runner = CliRunner()


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path))
    return tmp_path


def test_scrub_json_for_the_shared_examples(shared_examples: Path, data_dir: Path) -> None:
    result = runner.invoke(
        app, ["claims", "scrub", str(shared_examples / "all_claims.json"), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [r["claim_id"] for r in out] == ["CVFP-000101", "CVFP-000102", "CVFP-000087"]
    assert all(r["findings"] == [] for r in out)


def test_scrub_reports_errors_and_exits_1(
    shared_examples: Path, tmp_path: Path, data_dir: Path
) -> None:
    for kind, path in (
        ("ptp", FIXTURES / "ccipra_v321r0_f1.txt"),
        ("mue", shared_path("cms/mue") / "mue_practitioner.json"),
    ):
        assert runner.invoke(app, ["codesets", "import", kind, str(path)]).exit_code == 0
    claim = json.loads((shared_examples / "office_visit.json").read_text())
    claim["billing_provider"]["npi"] = "1746502934"
    claim["lines"][1]["code"] = "20610"
    claim["lines"][1]["modifiers"] = []
    claim["lines"][1]["dx_pointers"] = [5]
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim))
    result = runner.invoke(app, ["claims", "scrub", str(path), "--json"])
    assert result.exit_code == 1
    [out] = json.loads(result.stdout)
    findings = {f["code"]: f for f in out["findings"]}
    assert set(findings) == {"FMT010", "FMT017", "NCCI020"}
    em = findings["NCCI020"]
    assert em["line"] == 1 and em["severity"] == "error" and em["kind"] == "EM_NEEDS_MODIFIER_25"
    assert em["fix"] == {
        "action": "add_modifier",
        "text": em["fix"]["text"],
        "line": 1,
        "modifier": "25",
    }
    assert findings["FMT010"]["line"] is None
    # the human report names the code and the fix
    text = runner.invoke(app, ["claims", "scrub", str(path)])
    assert "NCCI020 line 1" in text.stdout and "fix: Add modifier 25" in text.stdout
    # a payer policy can leave the NCCI family out
    quiet = runner.invoke(app, ["claims", "scrub", str(path), "--json", "--ignore", "NCCI,FMT"])
    assert json.loads(quiet.stdout)[0]["findings"] == []


def test_scrub_rejects_malformed_claims(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"claim_id": "X", "lines": [{"units": "many"}]}')
    result = runner.invoke(app, ["claims", "scrub", str(path)])
    assert result.exit_code == 2
    assert "lines[0].units" in result.output


def test_codesets_import_tables(data_dir: Path) -> None:
    cms = shared_data_with("cms/mue", "cms/ncci-aoc", "cms/mce") / "cms"
    for kind, path in (
        ("mue", cms / "mue" / "mue_practitioner.json"),
        ("aoc", cms / "ncci-aoc" / "ncci_aoc_edits.json"),
        ("mce", cms / "mce" / "mce_edits.json"),
        ("ptp", FIXTURES / "ccipra_v321r0_f1.txt"),
    ):
        result = runner.invoke(app, ["codesets", "import", kind, str(path)])
        assert result.exit_code == 0, result.output
        assert f"imported {kind}" in result.stdout
    assert sorted(p.name for p in (data_dir / "scrubber").iterdir()) == ["aoc", "mce", "mue", "ptp"]
    bad = runner.invoke(app, ["codesets", "import", "ptp", str(FIXTURES / "../ncci")])
    assert bad.exit_code != 0


def test_edits_list_and_docs_check(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["edits", "list", "--json", "--select", "NCCI"])
    assert listed.exit_code == 0
    codes = [e["code"] for e in json.loads(listed.stdout)]
    assert codes == ["NCCI001", "NCCI002", "NCCI010", "NCCI011", "NCCI020"]
    out = tmp_path / "edits.md"
    assert runner.invoke(app, ["edits", "docs", "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["edits", "docs", "--out", str(out), "--check"]).exit_code == 0
    out.write_text("stale")
    assert runner.invoke(app, ["edits", "docs", "--out", str(out), "--check"]).exit_code == 1

"""``medbill code suggest NOTE --json`` and ``medbill suggest train`` argument errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.caches import DataCache
from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.suggest import _engine

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_trained_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    ensure_icd10cm()
    monkeypatch.setattr(_engine, "model_path", lambda: tmp_path / "none.pickle")
    monkeypatch.setattr(_engine, "_engines", DataCache("suggestion engines"))


def test_code_suggest_json(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    text = (
        "Established patient.\nAssessment: essential hypertension, stable. "
        "Continue lisinopril 10 mg daily.\nPlan: ECG today.\n"
    )
    note.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["code", "suggest", str(note), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    dx = data["diagnoses"][0]
    assert dx["code"] == "I10"
    ev = dx["evidence"][0]
    assert text[ev["start"] : ev["end"]] == ev["text"]
    assert [p["code"] for p in data["procedures"]] == ["93000"]
    assert data["em"]["code"] == "99213"
    assert data["em"]["basis"] == "mdm"


def test_code_suggest_table_and_missing_file(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Assessment: acute bronchitis.", encoding="utf-8")
    result = runner.invoke(app, ["code", "suggest", str(note)])
    assert result.exit_code == 0, result.output
    assert "J20.9" in result.output
    missing = runner.invoke(app, ["code", "suggest", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2
    # The console wraps at 80 columns; where depends on the length of the temporary path.
    assert "no such file" in " ".join(missing.output.split())


def test_suggest_train_needs_a_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["suggest", "train"])
    assert result.exit_code == 2
    assert "FOLDER or --from-db" in result.output
    result = runner.invoke(app, ["suggest", "train", str(tmp_path)])
    assert result.exit_code == 2
    assert "D.tsv" in result.output


def test_code_suggest_visit_context(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text(
        "Well-child visit, 4 years.\nVaccines: DTaP, IPV, MMR and varicella given today after "
        "counseling the mother on each vaccine.\nAssessment: routine child health exam "
        "without abnormal findings.\n",
        encoding="utf-8",
    )
    args = ["code", "suggest", str(note), "--json", "--age", "4", "--established"]
    result = runner.invoke(app, [*args, "--sex", "M", "--date-of-service", "2026-03-02"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    suggested = [d["code"] for d in data["diagnoses"] if d["status"] == "suggested"]
    assert suggested[0] == "Z00.129"
    assert "Z23" in suggested
    assert "B01.9" not in suggested
    assert {"code", "description", "score", "evidence", "status"} <= set(data["diagnoses"][0])
    procs = {p["code"]: p for p in data["procedures"]}
    assert {"90700", "90713", "90707", "90716", "90460", "90461"} <= set(procs)
    assert procs["90460"]["units"] == 4
    assert data["em"]["code"] == "99392"
    mentions = runner.invoke(app, [*args, "--assertion", "mentions"])
    assert mentions.exit_code == 0, mentions.output


def test_code_suggest_rejects_bad_context(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Assessment: hypertension.", encoding="utf-8")
    for extra in (["--sex", "X"], ["--assertion", "all"], ["--date-of-service", "03/02/2026"]):
        result = runner.invoke(app, ["code", "suggest", str(note), *extra])
        assert result.exit_code == 2, extra

"""``medbill forms ...`` with claim JSON files: no database needed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.forms.readback import grid_text, page_count, plain_text

runner = CliRunner()


def test_cms1500_prints_every_claim_of_a_file(shared_examples, tmp_path):
    out = tmp_path / "claims.pdf"
    result = runner.invoke(
        app, ["forms", "cms1500", str(shared_examples / "all_claims.json"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert page_count(pdf) == 3
    grid = grid_text(pdf)
    assert {grid[(n, 56, 23)] for n in (1, 2, 3)} == {"CVFP-000101", "CVFP-000102", "CVFP-000087"}


def test_cms1500_replica_of_one_claim_with_a_printer_shift(shared_examples, tmp_path):
    out = tmp_path / "one.pdf"
    result = runner.invoke(
        app,
        [
            "forms",
            "cms1500",
            str(shared_examples / "all_claims.json"),
            "-o",
            str(out),
            "--mode",
            "replica",
            "--claim-id",
            "CVFP-000087",
            "--shift-right",
            "3.6",
        ],
    )
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert "HEALTH INSURANCE CLAIM FORM" in plain_text(pdf)
    assert page_count(pdf) == 1
    assert "MCR2026041900127" in plain_text(pdf)


def test_superbill_from_a_claim_file(shared_examples, tmp_path):
    out = tmp_path / "superbill.pdf"
    result = runner.invoke(
        app,
        [
            "forms",
            "superbill",
            str(shared_examples / "office_visit.json"),
            "-o",
            str(out),
            "--copay",
            "25.00",
        ],
    )
    assert result.exit_code == 0, result.output
    text = plain_text(out.read_bytes())
    assert "SUPERBILL" in text and "$213.00" in text and "E11.65" in text


def test_encounter_form_from_the_demo_practice_and_from_a_csv(tmp_path):
    out = tmp_path / "encounter.pdf"
    result = runner.invoke(app, ["forms", "encounter-form", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = plain_text(out.read_bytes())
    assert "ENCOUNTER FORM" in text and "99213" in text and "Preventive care" in text
    schedule = tmp_path / "fees.csv"
    schedule.write_text(
        "code,description,fee,section\n"
        "99213,Follow-up visit,120.00,\n"
        "97110,Therapeutic exercise,45.00,Therapy\n"
    )
    out2 = tmp_path / "encounter2.pdf"
    result = runner.invoke(
        app,
        [
            "forms",
            "encounter-form",
            "-o",
            str(out2),
            "--fee-schedule",
            str(schedule),
            "--practice-name",
            "Lakeside Therapy",
        ],
    )
    assert result.exit_code == 0, result.output
    text = plain_text(out2.read_bytes())
    assert "Lakeside Therapy" in text and "Therapy" in text and "$45.00" in text


def test_errors_name_what_is_wrong(shared_examples, tmp_path):
    out = str(tmp_path / "x.pdf")
    result = runner.invoke(
        app, ["forms", "superbill", str(shared_examples / "all_claims.json"), "-o", out]
    )
    assert result.exit_code == 2 and "--claim-id" in result.output
    result = runner.invoke(
        app,
        [
            "forms",
            "cms1500",
            str(shared_examples / "office_visit.json"),
            "-o",
            out,
            "--mode",
            "fax",
        ],
    )
    assert result.exit_code == 2 and "--mode" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"claim_id": "X1", "frequency_code": "9"}')
    result = runner.invoke(app, ["forms", "cms1500", str(bad), "-o", out])
    assert result.exit_code == 2 and "frequency_code" in result.output
    bad_csv = tmp_path / "fees.csv"
    bad_csv.write_text("code,description,fee\n99213,Visit,lots\n")
    result = runner.invoke(
        app, ["forms", "encounter-form", "-o", out, "--fee-schedule", str(bad_csv)]
    )
    assert result.exit_code == 2 and "line 2" in result.output
    assert not Path(out).exists()

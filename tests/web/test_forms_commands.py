"""``medbill forms ...`` with references into the database instead of files."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.forms.readback import grid_text, plain_text

pytestmark = pytest.mark.django_db

runner = CliRunner()


def test_cms1500_for_a_claim_number(world, tmp_path):
    out = tmp_path / "claim.pdf"
    pcn = world.a.claim.patient_control_number
    result = runner.invoke(app, ["forms", "cms1500", pcn, "-o", str(out)])
    assert result.exit_code == 0, result.output
    grid = grid_text(out.read_bytes())
    assert grid[(1, 56, 23)] == pcn
    assert grid[(1, 8, 50)] == "UHW5512093301"
    # The secondary coverage fills items 9, 9a and 9d.
    assert grid[(1, 26, 1)] == "WISCONSIN MEDICAID"


def test_superbill_for_a_visit_id(world, tmp_path):
    out = tmp_path / "superbill.pdf"
    result = runner.invoke(
        app, ["forms", "superbill", str(world.a.visit.pk), "-o", str(out), "--copay", "10"]
    )
    assert result.exit_code == 0, result.output
    text = plain_text(out.read_bytes())
    assert "SUPERBILL" in text and "-$10.00" in text and "Mateo Ortega" in text


def test_encounter_form_for_a_practice_id(world, tmp_path):
    out = tmp_path / "form.pdf"
    result = runner.invoke(
        app, ["forms", "encounter-form", "--practice", str(world.a.practice.pk), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Rapid strep test" in plain_text(out.read_bytes())


def test_unknown_references_are_reported(world, tmp_path):
    out = str(tmp_path / "x.pdf")
    result = runner.invoke(app, ["forms", "cms1500", "NOPE-1", "-o", out])
    assert result.exit_code == 2 and "no claim NOPE-1" in result.output
    result = runner.invoke(app, ["forms", "superbill", "999999", "-o", out])
    assert result.exit_code == 2 and "no visit 999999" in result.output

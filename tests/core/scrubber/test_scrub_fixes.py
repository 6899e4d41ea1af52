"""Mechanical fixes: applying a finding's fix removes the finding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from scrub_case_data import claim_of

from medbill.core.scrubber import FixError, References, Scrubber, apply_fix

TODAY = date(2026, 3, 10)


def _fixed(refs: References, case_id: str, code: str, choice: str | None = None):
    scrubber = Scrubber(refs, today=TODAY)
    claim = claim_of(case_id)
    [finding] = [f for f in scrubber.findings(claim) if f.code == code]
    assert finding.fix is not None, f"{code} offers no fix"
    fixed = apply_fix(claim, finding.fix, choice)
    return fixed, scrubber.findings(fixed)


@pytest.mark.parametrize(
    "case_id, code, choice",
    [
        ("em-needs-25", "NCCI020", None),
        ("em-needs-25-injection", "NCCI020", None),
        ("ptp-needs-modifier", "NCCI002", None),
        ("ptp-indicator-0", "NCCI001", None),
        ("dx-external-cause-first", "DX007", None),
        ("dx-manifestation-first", "DX006", None),
        ("dx-seventh-character", "DX004", "S52501A"),
        ("dx-header", "DX003", "E119"),
        ("dx-deleted", "DX002", "S3011XA"),
        ("duplicate-line", "FMT018", None),
        ("medicare-flu-90471", "PAY001", None),
        ("mue-line-mai1", "MUE001", None),
    ],
)
def test_the_fix_clears_the_finding(scrub_refs, case_id, code, choice) -> None:
    _, after = _fixed(scrub_refs, case_id, code, choice)
    assert [f.code for f in after] == []


def test_reordering_keeps_each_line_on_its_diagnosis(scrub_refs) -> None:
    fixed, _ = _fixed(scrub_refs, "dx-external-cause-first", "DX007")
    assert fixed.diagnoses == ("S93401A", "W010XXA")
    assert [fixed.diagnoses[p - 1] for p in fixed.lines[0].dx_pointers] == ["W010XXA", "S93401A"]


def test_splitting_units_keeps_the_charge(scrub_refs) -> None:
    fixed, _ = _fixed(scrub_refs, "mue-line-mai1", "MUE001")
    assert [(ln.line, ln.units, ln.modifiers) for ln in fixed.lines] == [
        (1, Decimal(1), ()),
        (2, Decimal(1), ("59",)),
    ]
    assert sum(ln.charge.amount for ln in fixed.lines) == Decimal("50.00")


def test_a_fix_that_needs_a_choice_says_so(scrub_refs) -> None:
    scrubber = Scrubber(scrub_refs, today=TODAY)
    claim = claim_of("dx-seventh-character")
    [finding] = scrubber.findings(claim)
    with pytest.raises(FixError, match="choose one of: S52501A, S52501B"):
        apply_fix(claim, finding.fix)
    with pytest.raises(FixError, match="not one of the offered codes"):
        apply_fix(claim, finding.fix, "S52501Z")


def test_safe_fixes_leave_clinical_decisions_alone(scrub_refs) -> None:
    from medbill.core.scrubber.fixes import apply_safe_fixes

    scrubber = Scrubber(scrub_refs, today=TODAY)
    fixed, codes = apply_safe_fixes(scrubber, claim_of("dx-external-cause-first"))
    assert codes == ["DX007"] and scrubber.findings(fixed) == []
    fixed, codes = apply_safe_fixes(scrubber, claim_of("medicare-flu-90471"))
    assert codes == ["PAY001"] and fixed.lines[2].code == "G0008"
    # modifier 25 says the visit was separate: only the record can tell, so it stays a finding
    claim = claim_of("em-needs-25")
    fixed, codes = apply_safe_fixes(scrubber, claim)
    assert codes == [] and fixed == claim


def test_apply_fixes_on_the_command_line(tmp_path, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from medbill.cli.main import app
    from medbill.core.claim import dumps, loads

    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "data"))
    src = tmp_path / "claims.json"
    src.write_text(dumps([claim_of("duplicate-line"), claim_of("clean-adult-office-visit")]))
    out = tmp_path / "fixed.json"
    result = CliRunner().invoke(
        app, ["claims", "scrub", str(src), "--json", "--apply-fixes", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "NSFC-1001: fixed FMT018" in result.stderr
    assert [r["findings"] for r in json.loads(result.stdout)] == [[], []]
    first = loads(out.read_text())[0]
    assert [(ln.code, ln.units) for ln in first.lines] == [("99213", 1), ("36415", 2)]

"""Payer rules as data: loading, validation, and rules a practice adds for one payer."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from scrub_case_data import claim_of
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.scrubber import References, Scrubber
from medbill.core.scrubber.edits.payer import PayerRule, default_rules, load_rules

TODAY = date(2026, 3, 10)


def test_the_shipped_rules_load() -> None:
    rules = default_rules()
    assert {r.id for r in rules.rules} >= {
        "medicare-flu-vaccine-admin",
        "medicare-opd-prior-authorization",
    }
    assert [r.use for r in rules.by_code["90471"]] == ["G0008", "G0009", "G0010"]


@pytest.mark.parametrize(
    "rule, problem",
    [
        ({"id": "x", "type": "deny_everything", "codes": ["1"]}, "type: expected one of"),
        ({"type": "prior_auth_required", "codes": ["99213"]}, "id is required"),
        ({"id": "x", "type": "prior_auth_required"}, "at least one code"),
        ({"id": "x", "type": "use_code_instead", "code": "90471"}, "use: the replacement"),
        ({"id": "x", "type": "prior_auth_required", "codes": "99213 99214"}, None),
    ],
)
def test_rules_are_checked(rule: dict, problem: str | None) -> None:
    if problem is None:
        assert PayerRule.from_dict(rule, "rules[0]").codes == {"99213 99214"}
        return
    with pytest.raises(ValueError, match=problem):
        PayerRule.from_dict(rule, "rules[0]")


def _practice_rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "id": "northwoods-mri-auth",
                        "type": "prior_auth_required",
                        "payers": {"ids": ["NWM01"]},
                        "codes": ["72148"],
                        "source": "Northwoods Mutual provider manual 2026, imaging",
                    }
                ]
            }
        )
    )
    return path


def test_a_practice_rule_for_one_payer(scrub_refs: References, tmp_path: Path) -> None:
    import dataclasses

    rules = default_rules() + load_rules(_practice_rules(tmp_path))
    refs = dataclasses.replace(scrub_refs, payer_rules=rules)
    claim = claim_of("clean-adult-office-visit")
    mri = dataclasses.replace(claim.lines[0], code="72148", dx_pointers=(1,))
    claim = dataclasses.replace(claim, diagnoses=("M5416",), lines=(mri,))
    [finding] = Scrubber(refs, today=TODAY).findings(claim)
    assert finding.code == "PAY002" and finding.line == 1
    assert finding.citation.startswith("Payer rule northwoods-mri-auth: Northwoods Mutual")
    other_payer = dataclasses.replace(
        claim, payer=dataclasses.replace(claim.payer, payer_id="OTHER")
    )
    assert Scrubber(refs, today=TODAY).findings(other_payer) == []
    authorized = dataclasses.replace(claim, prior_authorization="NW-2026-0042")
    assert Scrubber(refs, today=TODAY).findings(authorized) == []


def test_rules_file_on_the_command_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "data"))
    claim = json.loads(json.dumps(claim_of("clean-adult-office-visit").to_dict(), default=str))
    claim["diagnoses"] = ["M5416"]
    claim["lines"] = [
        {"line": 1, "code": "72148", "units": 1, "charge": "900.00", "dx_pointers": [1]}
    ]
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim))
    runner = CliRunner()
    plain = runner.invoke(app, ["claims", "scrub", str(path), "--json"])
    assert plain.exit_code == 0 and json.loads(plain.stdout)[0]["findings"] == []
    ruled = runner.invoke(
        app, ["claims", "scrub", str(path), "--json", "--rules", str(_practice_rules(tmp_path))]
    )
    assert ruled.exit_code == 1
    assert [f["code"] for f in json.loads(ruled.stdout)[0]["findings"]] == ["PAY002"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"rules": [{"id": "x", "type": "nope", "codes": ["1"]}]}')
    broken = runner.invoke(app, ["claims", "scrub", str(path), "--rules", str(bad)])
    assert broken.exit_code == 2 and "rules[0].type" in broken.output


def test_a_service_the_payer_denied_before_is_a_warning_with_the_reason(
    scrub_refs: References,
) -> None:
    import dataclasses

    from medbill.core.scrubber.edits.payer import PayerRule, PayerRules

    claim = claim_of("clean-adult-office-visit")
    rule = PayerRule.from_dict(
        {
            "id": "P7",
            "type": "denied_before",
            "payers": {"ids": [claim.payer.payer_id]},
            "codes": [claim.lines[0].code],
            "reason": "4 modifier missing (coding)",
            "source": "made from denial 12 on 2026-11-02",
        },
        "rule P7",
    )
    refs = dataclasses.replace(scrub_refs, payer_rules=default_rules() + PayerRules([rule]))
    [finding] = Scrubber(refs, today=TODAY).findings(claim)
    assert (finding.code, finding.severity, finding.line) == ("PAY005", "warning", 1)
    assert "has denied" in finding.message and "4 modifier missing" in finding.message
    assert "made from denial 12" in finding.citation
    with pytest.raises(ValueError, match="reason"):
        PayerRule.from_dict({"id": "x", "type": "denied_before", "codes": ["99213"]}, "r")

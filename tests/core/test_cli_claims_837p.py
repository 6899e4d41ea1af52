"""``medbill claims 837p FILE.json -o OUT.x12``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.claim import loads
from medbill.core.x12 import as_carried_by_837p, iter_segments, read_837p
from x12_pyx12 import pyx12_errors

runner = CliRunner()


def test_it_writes_a_valid_837p(shared_examples, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    out = tmp_path / "out.x12"
    src = shared_examples / "all_claims.json"
    result = runner.invoke(
        app, ["claims", "837p", str(src), "-o", str(out), "--contact-phone", "6085550100"]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert pyx12_errors(data) == []
    claims = loads(src.read_bytes())
    back = read_837p(data)
    created = back[0].claim.submission_date
    assert [r.claim for r in back] == [as_carried_by_837p(c, created) for c in claims]
    isa = next(iter_segments(data))
    assert isa[15] == "P" and isa[13] == "000000001"


def test_control_numbers_are_never_reused(shared_examples, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    numbers = []
    for i in range(3):
        out = tmp_path / f"{i}.x12"
        result = runner.invoke(
            app, ["claims", "837p", str(shared_examples / "office_visit.json"), "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        numbers.append(next(iter_segments(out.read_bytes()))[13])
    assert numbers == ["000000001", "000000002", "000000003"]
    # Without a configured contact the file is marked as a test interchange.
    assert next(iter_segments((tmp_path / "0.x12").read_bytes()))[15] == "T"


def test_profile_sets_envelope_and_separators(shared_examples, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    profile = tmp_path / "prairie.json"
    profile.write_text(
        json.dumps(
            {
                "name": "prairie",
                "sender_id": "CVFP01",
                "receiver_id": "PRAIRIE",
                "submitter_name": "Cedar Valley Family Practice",
                "contact_name": "Dana Fox",
                "contact_phone": "6085550100",
                "receiver_name": "Prairie Clearinghouse",
                "separators": {"element": "|", "component": ">"},
                "line_ending": "crlf",
            }
        )
    )
    out = tmp_path / "p.x12"
    result = runner.invoke(
        app,
        [
            "claims",
            "837p",
            str(shared_examples / "office_visit.json"),
            "-o",
            str(out),
            "--profile",
            str(profile),
            "--control",
            "77",
        ],
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"ISA|00|") and b"|000000077|" in data and b"~\r\n" in data
    assert pyx12_errors(data) == []


def test_a_bad_claim_is_held_naming_claim_and_field(tmp_path, shared_examples, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    claim = json.loads((shared_examples / "office_visit.json").read_text())
    claim["frequency_code"] = "7"
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(claim))
    out = tmp_path / "bad.x12"
    result = runner.invoke(app, ["claims", "837p", str(src), "-o", str(out)])
    assert result.exit_code == 2
    assert "original_claim_ref" in result.output and claim["claim_id"] in result.output
    assert "no file written" in result.output
    assert not out.exists()


def test_held_claims_are_named_and_the_rest_are_written(tmp_path, shared_examples, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    good = json.loads((shared_examples / "office_visit.json").read_text())
    long_ref = dict(good, claim_id="HELD-REF", prior_authorization="P" * 51)
    cyrillic = json.loads(json.dumps(good))
    cyrillic["claim_id"] = "HELD-NAME"
    cyrillic["patient"]["name"]["last"] = "Иванова"
    cyrillic["subscriber"]["name"]["last"] = "Иванова"
    long_middle = json.loads(json.dumps(good))
    long_middle["claim_id"] = "CUT-MIDDLE"
    for who in ("patient", "subscriber"):
        long_middle[who]["name"]["middle"] = "Konstantinopolitanische"
        long_middle[who]["name"]["suffix"] = "the Eleventh"
    src = tmp_path / "mixed.json"
    src.write_text(json.dumps([good, long_ref, cyrillic, long_middle]))
    out = tmp_path / "mixed.x12"
    result = runner.invoke(
        app, ["claims", "837p", str(src), "-o", str(out), "--contact-phone", "6085550100"]
    )
    assert result.exit_code == 2, result.output
    assert "held: claim HELD-REF: prior_authorization" in result.output
    assert "held: claim HELD-NAME: subscriber.name.last" in result.output
    assert "claim CUT-MIDDLE: subscriber.name.suffix" in result.output
    assert "Иванова" not in result.output
    data = out.read_bytes()
    assert pyx12_errors(data) == []
    assert [r.claim.claim_id for r in read_837p(data)] == [good["claim_id"], "CUT-MIDDLE"]


def test_attachments_are_written_or_their_claim_held(tmp_path, shared_examples, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "var"))
    good = json.loads((shared_examples / "office_visit.json").read_text())
    good["attachments"] = [{"report_type": "OB", "transmission": "FX", "control_number": "ATT0001"}]
    unmatched = dict(
        good, claim_id="HELD-PWK", attachments=[{"report_type": "OB", "transmission": "FX"}]
    )
    src = tmp_path / "pwk.json"
    src.write_text(json.dumps([good, unmatched]))
    out = tmp_path / "pwk.x12"
    result = runner.invoke(
        app,
        ["claims", "837p", str(src), "-o", str(out), "--contact-phone", "6085550100"],
        terminal_width=200,
    )
    assert result.exit_code == 2, result.output
    assert "held: claim HELD-PWK: attachments[0].control_number" in result.output
    data = out.read_bytes()
    assert pyx12_errors(data) == []
    assert b"PWK*OB*FX***AC*ATT0001~" in data
    (read,) = read_837p(data)
    assert read.claim.claim_id == good["claim_id"] and len(read.claim.attachments) == 1
    # Everything writable: exit 0.
    src.write_text(json.dumps([good]))
    result = runner.invoke(
        app, ["claims", "837p", str(src), "-o", str(out), "--contact-phone", "6085550100"]
    )
    assert result.exit_code == 0, result.output

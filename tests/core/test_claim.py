"""The claim document: every shared example reads unchanged and round-trips;
errors name the field path; amounts are Decimal, never float."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from medbill.core.claim import Claim, ClaimFormatError, dumps, loads
from medbill.core.money import Money


def example_files(shared_examples):
    return sorted(shared_examples.glob("*.json"))


def _normalise(data):
    """Parse written JSON back the way the reader does (Decimal, absent == missing)."""
    if isinstance(data, dict):
        return {k: _normalise(v) for k, v in data.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [_normalise(v) for v in data]
    if isinstance(data, float | int) and not isinstance(data, bool):
        return Decimal(str(data))
    return data


class TestSharedExamples:
    def test_there_are_examples(self, shared_examples):
        names = {p.name for p in example_files(shared_examples)}
        assert {
            "office_visit.json",
            "dependent_with_secondary.json",
            "medicare_replacement.json",
            "all_claims.json",
        } <= names

    def test_every_example_reads(self, shared_examples):
        for path in example_files(shared_examples):
            claims = loads(path.read_text())
            assert claims, path.name
            for claim in claims:
                assert claim.claim_id and claim.lines and claim.diagnoses

    def test_every_example_round_trips(self, shared_examples):
        for path in example_files(shared_examples):
            original = json.loads(path.read_text(), parse_float=Decimal)
            claims = loads(path.read_text())
            written = json.loads(
                dumps(claims if isinstance(original, list) else claims[0]), parse_float=Decimal
            )
            assert _normalise(written) == _normalise(original), path.name
            again = loads(dumps(claims))
            assert again == claims, path.name

    def test_amounts_are_exact(self, shared_examples):
        claim = loads((shared_examples / "office_visit.json").read_text())[0]
        for line in claim.lines:
            assert isinstance(line.charge, Money)
            assert isinstance(line.units, Decimal)
        assert isinstance(claim.total_charge, Money)

    def test_dependant_with_secondary(self, shared_examples):
        claim = loads((shared_examples / "dependent_with_secondary.json").read_text())[0]
        assert claim.patient.relationship_to_subscriber == "child"
        assert not claim.patient.is_subscriber
        assert claim.subscriber.name.first == "Lucia"
        assert [(c.order, c.payer.type) for c in claim.other_coverage] == [
            ("secondary", "medicaid")
        ]

    def test_replacement_claim(self, shared_examples):
        claim = loads((shared_examples / "medicare_replacement.json").read_text())[0]
        assert claim.frequency_code == "7"
        assert claim.original_claim_ref


def minimal(**changes):
    data = {
        "claim_id": "X1",
        "diagnoses": ["J020"],
        "lines": [{"line": 1, "code": "99213", "units": 1, "charge": "130.00", "dx_pointers": [1]}],
    }
    data.update(changes)
    return data


class TestErrors:
    @pytest.mark.parametrize(
        ("data", "path"),
        [
            (minimal(claim_id=""), "claim_id"),
            (minimal(frequency_code="5"), "frequency_code"),
            (minimal(date_of_service="03/03/2026"), "date_of_service"),
            (minimal(diagnoses=[12]), "diagnoses[0]"),
            (minimal(lines=[{"code": "99213", "charge": "lots"}]), "lines[0].charge"),
            (
                minimal(lines=[{"code": "99213", "charge": "1", "dx_pointers": ["x"]}]),
                "lines[0].dx_pointers[0]",
            ),
            (minimal(lines=[{"code": "99213", "charge": "1", "units": "many"}]), "lines[0].units"),
            (minimal(lines=[{}, {"code": "99213", "modifiers": [25]}]), "lines[1].modifiers[0]"),
            (
                minimal(patient={"relationship_to_subscriber": "cousin"}),
                "patient.relationship_to_subscriber",
            ),
            (minimal(subscriber={"dob": "yesterday"}), "subscriber.dob"),
            (minimal(other_coverage=[{"order": "fourth"}]), "other_coverage[0].order"),
            (
                minimal(billing_provider={"address": {"line1": [5]}}),
                "billing_provider.address.line1",
            ),
            (minimal(lines="none"), "lines"),
        ],
    )
    def test_errors_name_the_field_path(self, data, path):
        with pytest.raises(ClaimFormatError) as info:
            Claim.from_dict(data)
        assert info.value.path == path

    def test_list_errors_name_the_claim(self):
        text = json.dumps([minimal(), minimal(frequency_code="9")])
        with pytest.raises(ClaimFormatError) as info:
            loads(text)
        assert info.value.path == "[1].frequency_code"

    def test_invalid_json(self):
        with pytest.raises(ClaimFormatError, match="not valid JSON"):
            loads("{")

    def test_errors_never_echo_patient_data(self):
        data = minimal(patient={"name": {"last": "Zanzibar"}, "dob": "not-a-date"})
        with pytest.raises(ClaimFormatError) as info:
            Claim.from_dict(data)
        assert "Zanzibar" not in str(info.value) and "not-a-date" not in str(info.value)


class TestReading:
    def test_absent_values(self):
        claim = Claim.from_dict(minimal(place_of_service="", original_claim_ref=None))
        assert claim.place_of_service is None and claim.original_claim_ref is None
        assert claim.frequency_code == "1"

    def test_floats_read_without_binary_error(self):
        claim = Claim.from_dict(minimal(lines=[{"code": "99213", "charge": 0.1 + 0.2}]))
        assert claim.lines[0].charge == Money("0.30")
        assert Claim.from_dict(minimal(lines=[{"code": "A", "charge": 19.99}])).lines[
            0
        ].charge == Money("19.99")

    def test_unknown_top_level_fields_are_kept(self):
        claim = Claim.from_dict(minimal(x_practice_note="keep me"))
        assert claim.extras == {"x_practice_note": "keep me"}
        assert json.loads(dumps(claim))["x_practice_note"] == "keep me"

    def test_total_charge(self):
        claim = Claim.from_dict(
            minimal(lines=[{"code": "A", "charge": "10.10"}, {"code": "B", "charge": "0.25"}])
        )
        assert claim.total_charge == Money("10.35")

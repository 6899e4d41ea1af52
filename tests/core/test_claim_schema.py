"""``docs/schemas/claim.schema.json`` describes the claim format: every shared example and
everything ``medbill.core.claim`` writes validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from medbill.core.claim import Claim, dumps, loads

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "claim.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator, data):
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


def test_every_shared_example_validates(validator, shared_examples):
    files = sorted(shared_examples.glob("*.json"))
    assert files
    for path in files:
        assert errors(validator, json.loads(path.read_text())) == [], path.name


def test_what_we_write_validates(validator, shared_examples):
    for path in sorted(shared_examples.glob("*.json")):
        written = json.loads(dumps(loads(path.read_text())))
        assert errors(validator, written) == [], path.name


def test_every_field_of_the_document_is_described(validator):
    import dataclasses

    from medbill.core import claim as doc

    schema = json.loads(SCHEMA_PATH.read_text())
    defs = schema["$defs"]
    described = {
        doc.Claim: defs["claim"],
        doc.ServiceLine: defs["service_line"],
        doc.BillingProvider: defs["billing_provider"],
        doc.Provider: defs["provider"],
        doc.Party: defs["party"],
        doc.Payer: defs["payer"],
        doc.Subscriber: defs["subscriber"],
        doc.Patient: defs["patient"],
        doc.Address: defs["address"],
        doc.OtherCoverage: defs["other_coverage"],
        doc.Adjudication: defs["adjudication"],
        doc.LineAdjudication: defs["line_adjudication"],
        doc.CasAdjustment: defs["cas_adjustment"],
    }
    if hasattr(doc, "Ambulance"):
        described[doc.Ambulance] = defs["ambulance"]
    missing = []
    for cls, definition in described.items():
        for f in dataclasses.fields(cls):
            if f.name != "extras" and f.name not in definition["properties"]:
                missing.append(f"{cls.__name__}.{f.name}")
    assert missing == [], "add these to docs/schemas/claim.schema.json: " + ", ".join(missing)


@pytest.mark.parametrize(
    "bad",
    [
        {"diagnoses": ["J020"]},  # no claim_id
        {"claim_id": "X", "frequency_code": "5"},
        {"claim_id": "X", "date_of_service": "03/03/2026"},
        {"claim_id": "X", "lines": [{"code": "99213", "charge": "ten"}]},
        {"claim_id": "X", "patient": {"relationship_to_subscriber": "cousin"}},
        {"claim_id": "X", "lines": [{"code": "1", "modifiers": ["a", "b", "c", "d", "e"]}]},
    ],
)
def test_malformed_claims_fail(validator, bad):
    assert errors(validator, bad)


def test_a_full_claim_validates(validator):
    claim = Claim.from_dict(
        {
            "claim_id": "Z9",
            "frequency_code": "8",
            "original_claim_ref": "PAYER123",
            "service_facility": {
                "name": "Annex",
                "address": {"line1": "1 Main", "city": "A", "state": "WI", "zip": "53703"},
            },
            "referring_provider": {"name": {"last": "Ng", "first": "Al"}, "npi": "1234567893"},
            "related_causes": ["AA"],
            "accident_state": "WI",
            "accident_date": "2026-01-02",
            "assignment_accepted": False,
            "release_of_information": "I",
            "other_coverage": [
                {
                    "order": "primary",
                    "relationship_to_subscriber": "self",
                    "payer": {"name": "P", "payer_id": "1"},
                    "subscriber": {"name": {"last": "S"}, "member_id": "M"},
                    "adjudication": {
                        "paid": "50.00",
                        "paid_date": "2026-02-01",
                        "adjustments": [{"group": "CO", "reason": "45", "amount": "20"}],
                        "lines": [{"line": 1, "code": "99213", "paid": "50", "adjustments": []}],
                    },
                }
            ],
            "lines": [
                {
                    "line": 1,
                    "code": "J1100",
                    "units": "2",
                    "charge": "8.00",
                    "ndc": "00009017301",
                    "ndc_quantity": "2",
                    "ndc_unit": "ML",
                    "unit_basis": "UN",
                    "date_of_service": "2026-01-03",
                }
            ],
        }
    )
    assert errors(validator, json.loads(dumps(claim))) == []

"""billing/documents.py: a Claim row becomes the core claim document the scrubber, X12 and
forms read; it validates against the JSON schema and matches the shared example it mirrors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from medbill.core.claim import dumps, loads
from medbill.core.money import Money
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import ClaimLine

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "claim.schema.json"


def test_it_works(world):
    doc = claim_document(world.a.claim)
    assert doc.claim_id == "CVFP-000102"
    assert doc.frequency_code == "1"
    assert doc.date_of_service.isoformat() == "2026-03-03"
    assert doc.place_of_service == "11"
    bp = doc.billing_provider
    assert (bp.name, bp.npi, bp.tin, bp.taxonomy) == (
        "Cedar Valley Clinic LLC",
        "1746502933",
        "391847265",
        "207Q00000X",
    )
    assert bp.address.zip == "537051212" and bp.address.line2 == "Suite 110"
    assert doc.rendering_provider.npi == "1283746505"
    assert doc.rendering_provider.credential == "MD"
    assert (doc.payer.payer_id, doc.payer.type) == ("LCI220", "commercial")
    assert doc.diagnoses == ("J020",)
    assert [
        (line.line, line.code, line.charge, line.units, line.dx_pointers) for line in doc.lines
    ] == [(1, "99213", Money("130.00"), Decimal(1), (1,))]
    assert doc.service_facility is None  # rendered at the billing address


def test_dependant_subscriber_comes_from_the_coverage(world):
    doc = claim_document(world.a.claim)
    assert doc.patient.relationship_to_subscriber == "child"
    assert doc.patient.account_number == "CVFP-0001"
    assert (doc.patient.name.first, doc.patient.name.last) == ("Mateo", "Ortega")
    sub = doc.subscriber
    assert (sub.name.first, sub.member_id, sub.group_number, sub.sex) == (
        "Lucia",
        "UHW5512093301",
        "7741023",
        "F",
    )
    assert sub.dob.isoformat() == "1988-02-11"


def test_other_coverage_in_effect(world):
    doc = claim_document(world.a.claim)
    assert [
        (c.order, c.payer.payer_id, c.relationship_to_subscriber, c.subscriber.member_id)
        for c in doc.other_coverage
    ] == [("secondary", "WIMCD", "self", "WI00918273")]
    # The secondary's subscriber is the patient.
    assert doc.other_coverage[0].subscriber.name.first == "Mateo"


def test_terminated_coverage_is_left_out(world):
    secondary = world.a.secondary
    secondary.termination_date = world.a.visit.date_of_service.replace(year=2025)
    secondary.save()
    assert claim_document(world.a.claim).other_coverage == ()


def test_matches_the_shared_example_it_mirrors(world, shared_examples):
    example = loads((shared_examples / "dependent_with_secondary.json").read_text())[0]
    ClaimLine.objects.create(
        practice=world.a.practice,
        claim=world.a.claim,
        line_number=2,
        code="87880",
        modifiers=["QW"],
        charge=Decimal("32.00"),
        dx_pointers=[1],
    )
    doc = claim_document(world.a.claim)
    assert doc.lines == example.lines
    assert doc.diagnoses == example.diagnoses
    assert doc.subscriber == example.subscriber
    assert doc.patient.name == example.patient.name
    assert doc.patient.dob == example.patient.dob
    assert doc.rendering_provider == example.rendering_provider
    assert doc.payer == example.payer
    assert doc.place_of_service == example.place_of_service


def test_replacement_claim(world):
    claim = world.a.claim
    claim.frequency_code = "7"
    claim.original_claim_ref = "PAYER-7781"
    claim.save()
    doc = claim_document(claim)
    assert (doc.frequency_code, doc.original_claim_ref) == ("7", "PAYER-7781")


def test_service_facility_when_rendered_elsewhere(world):
    loc = world.a.location
    loc.line1, loc.line2, loc.zip = "12 Lake Rd", "", "537140000"
    loc.save()
    doc = claim_document(world.a.claim)
    assert doc.service_facility.address.line1 == "12 Lake Rd"


def test_round_trips_and_validates_against_the_schema(world):
    schema = json.loads(SCHEMA.read_text())
    doc = claim_document(world.a.claim)
    text = dumps(doc)
    jsonschema.validate(json.loads(text), schema)
    assert loads(text) == [doc]


def test_api_serves_the_document(world, api_client_for):
    body = (
        api_client_for(world.users["biller"]).get(f"/api/claims/{world.a.claim.pk}/document").json()
    )
    assert body["claim_id"] == "CVFP-000102"
    assert body["lines"][0]["charge"] == 130
    assert loads(json.dumps(body))[0] == claim_document(world.a.claim)

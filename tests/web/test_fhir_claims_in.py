"""FHIR ``Claim`` resources in: a claim the EHR made becomes a draft claim of ours for
scrubbing, with the patient, coverage and provider found through the bundle's references
or our records; unknown payers and providers are held, never guessed; once per claim
identifier; all or nothing."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from medbill.web.billing.models import Claim
from medbill.web.frontdesk.models import Patient, Visit
from medbill.web.interfaces.fhir_in import import_bundle
from medbill.web.interfaces.models import EhrLink, InboundMessage
from shared_data import shared_path

pytestmark = pytest.mark.django_db

PAT = "urn:uuid:0f5c2a1e-pat"
CPT = "http://www.ama-assn.org/go/cpt"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def claim_bundle(claim_id: str = "CLM-7781", bundle_id: str = "CB-1") -> dict:
    claim = {
        "resourceType": "Claim",
        "id": "c-7781",
        "identifier": [{"system": "urn:ehr:claims", "value": claim_id}],
        "status": "active",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "professional",
                }
            ]
        },
        "use": "claim",
        "patient": {"reference": PAT},
        "created": "2026-03-03",
        "insurer": {"reference": "urn:uuid:org-lci"},
        "provider": {"reference": "urn:uuid:org-clinic"},
        "priority": {"coding": [{"code": "normal"}]},
        "careTeam": [{"sequence": 1, "provider": {"reference": "urn:uuid:pr-jw"}}],
        "diagnosis": [
            {
                "sequence": 1,
                "diagnosisCodeableConcept": {"coding": [{"system": ICD, "code": "J02.0"}]},
            },
            {
                "sequence": 2,
                "diagnosisCodeableConcept": {"coding": [{"system": ICD, "code": "R50.9"}]},
            },
        ],
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": "urn:uuid:cov"}}],
        "item": [
            {
                "sequence": 1,
                "careTeamSequence": [1],
                "diagnosisSequence": [1, 2],
                "productOrService": {"coding": [{"system": CPT, "code": "99213"}]},
                "modifier": [{"coding": [{"system": CPT, "code": "25"}]}],
                "servicedDate": "2026-03-03",
                "net": {"value": 130.00, "currency": "USD"},
            },
            {
                "sequence": 2,
                "careTeamSequence": [1],
                "diagnosisSequence": [1],
                "productOrService": {"coding": [{"system": CPT, "code": "87880"}]},
                "quantity": {"value": 2},
                "servicedDate": "2026-03-03",
                "unitPrice": {"value": 16.00, "currency": "USD"},
            },
        ],
    }
    resources = [
        (
            PAT,
            {
                "resourceType": "Patient",
                "id": "p-55",
                "name": [{"family": "Lindqvist", "given": ["Maren"]}],
                "gender": "female",
                "birthDate": "1979-04-18",
                "address": [
                    {
                        "line": ["12 Pine St"],
                        "city": "Madison",
                        "state": "WI",
                        "postalCode": "53703",
                    }
                ],
            },
        ),
        (
            "urn:uuid:org-lci",
            {
                "resourceType": "Organization",
                "id": "org-lci",
                "identifier": [{"value": "LCI220"}],
                "name": "Lakeland Commercial Insurance",
            },
        ),
        (
            "urn:uuid:org-clinic",
            {
                "resourceType": "Organization",
                "id": "org-clinic",
                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1746502933"}],
                "name": "Cedar Valley Clinic",
            },
        ),
        (
            "urn:uuid:cov",
            {
                "resourceType": "Coverage",
                "id": "cov-55",
                "status": "active",
                "beneficiary": {"reference": PAT},
                "payor": [{"reference": "urn:uuid:org-lci"}],
                "subscriberId": "LCI-9001",
                "relationship": {"coding": [{"code": "self"}]},
                "order": 1,
            },
        ),
        (
            "urn:uuid:pr-jw",
            {
                "resourceType": "Practitioner",
                "id": "pr-jw",
                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1283746505"}],
                "name": [{"family": "Whitaker", "given": ["Joan"]}],
            },
        ),
        ("urn:uuid:c-7781", claim),
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "identifier": {"system": "urn:ehr:bundles", "value": bundle_id},
        "entry": [{"fullUrl": url, "resource": res} for url, res in resources],
    }


def data(doc: dict) -> bytes:
    return json.dumps(doc).encode()


def the_claim(doc: dict) -> dict:
    return next(e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Claim")


def test_an_ehr_claim_becomes_a_draft_claim_for_scrubbing(world):
    practice = world.a.practice
    outcome = import_bundle(practice, data(claim_bundle()))
    assert outcome.status == "imported", outcome.problems
    assert (outcome.patients, outcome.claims) == (1, 1)
    patient = Patient.objects.get(practice=practice, last_name="Lindqvist")
    claim = Claim.objects.get(patient=patient)
    assert claim.status == "draft" and claim.payer == world.a.payer
    assert claim.coverage.member_id == "LCI-9001" and claim.coverage.order == "primary"
    assert claim.diagnoses == ["J020", "R509"]
    lines = [
        (x.code, x.modifiers, x.units, x.charge, x.dx_pointers)
        for x in claim.lines.order_by("line_number")
    ]
    assert lines == [
        ("99213", ["25"], Decimal("1"), Decimal("130.00"), [1, 2]),
        ("87880", [], Decimal("2"), Decimal("32.00"), [1]),
    ]
    assert claim.visit.status == Visit.Status.BILLED
    assert claim.visit.provider == world.a.provider
    link = EhrLink.objects.get(kind="claim", ehr_id="urn:ehr:claims|CLM-7781")
    assert link.claim == claim and link.visit == claim.visit


def test_the_same_claim_again_makes_no_second_claim(world):
    practice = world.a.practice
    assert import_bundle(practice, data(claim_bundle())).status == "imported"
    assert import_bundle(practice, data(claim_bundle())).status == "duplicate"
    # Another bundle carrying the same claim identifier: still one claim.
    other = import_bundle(practice, data(claim_bundle(bundle_id="CB-2")))
    assert other.status == "imported", other.problems
    assert Claim.objects.filter(patient__last_name="Lindqvist").count() == 1
    assert Visit.objects.filter(patient__last_name="Lindqvist").count() == 1


def test_an_unknown_payer_and_provider_are_held_never_guessed(world):
    practice = world.a.practice
    doc = claim_bundle()
    for entry in doc["entry"]:
        res = entry["resource"]
        if res["id"] == "org-lci":
            res["name"], res["identifier"] = "Prairie Mutual", [{"value": "PRM77"}]
        if res["id"] == "pr-jw":
            res["identifier"][0]["value"] = "1999999992"
            res["name"] = [{"family": "Nobody", "given": ["Ned"]}]
    outcome = import_bundle(practice, data(doc))
    assert outcome.status == "held"
    texts = [t for _, t, _ in outcome.problems]
    assert any("payer 'Prairie Mutual' (id 'PRM77') matches none" in t for t in texts), texts
    assert any("provider 'Nobody, Ned (id 1999999992)' matches none" in t for t in texts), texts
    assert not Patient.objects.filter(last_name="Lindqvist").exists()
    assert not Claim.objects.filter(patient__last_name="Lindqvist").exists()
    row = InboundMessage.objects.get(practice=practice, message_type="FHIR^Bundle")
    assert row.status == "held" and len(row.problems) == len(texts) >= 2


def test_a_claim_that_cannot_be_billed_names_every_element(world):
    doc = claim_bundle()
    claim = the_claim(doc)
    claim["diagnosis"][1]["diagnosisCodeableConcept"]["coding"][0] = {
        "system": "http://snomed.info/sct",
        "code": "386661006",
    }
    claim["item"][1]["productOrService"]["coding"][0]["code"] = "exam"
    claim["item"][0]["diagnosisSequence"] = [1]
    claim["total"] = {"value": 999.00, "currency": "USD"}
    outcome = import_bundle(world.a.practice, data(doc))
    assert outcome.status == "held"
    where = [loc for loc, *_ in outcome.problems]
    assert where == [
        "Claim/c-7781.diagnosis[1]",
        "Claim/c-7781.item[1].productOrService",
    ], outcome.problems
    assert "386661006' is coded in http://snomed.info/sct" in outcome.problems[0][1]


def test_a_claim_for_a_visit_in_the_bundle_bills_that_visit(world):
    doc = claim_bundle()
    doc["entry"].append(
        {
            "fullUrl": "urn:uuid:enc-1",
            "resource": {
                "resourceType": "Encounter",
                "id": "enc-1",
                "status": "finished",
                "class": {"code": "AMB"},
                "subject": {"reference": PAT},
                "participant": [{"individual": {"reference": "urn:uuid:pr-jw"}}],
                "period": {"start": "2026-03-03T09:30:00-06:00"},
            },
        }
    )
    for item in the_claim(doc)["item"]:
        item["encounter"] = [{"reference": "urn:uuid:enc-1"}]
    outcome = import_bundle(world.a.practice, data(doc))
    assert outcome.status == "imported", outcome.problems
    (visit,) = Visit.objects.filter(patient__last_name="Lindqvist")
    assert visit.status == Visit.Status.BILLED
    assert Claim.objects.get(visit=visit).lines.count() == 2
    assert EhrLink.objects.get(kind="visit", ehr_id="Encounter/enc-1").visit == visit


def test_a_patient_only_referred_to_must_be_known(world):
    practice = world.a.practice
    doc = claim_bundle()
    doc["entry"] = [e for e in doc["entry"] if e["resource"]["resourceType"] != "Patient"]
    the_claim(doc)["patient"] = {"reference": "Patient/p-55"}
    held = import_bundle(practice, data(doc))
    assert held.status == "held"
    assert any("Patient/p-55" in t and "not in the bundle" in t for _, t, _ in held.problems)
    # Once a bundle brought Patient/p-55, a claim that only refers to it is taken.
    registered = claim_bundle(bundle_id="P-1")
    registered["entry"] = [registered["entry"][0]]
    registered["entry"][0]["fullUrl"] = "Patient/p-55"
    assert import_bundle(practice, data(registered)).status == "imported"
    again = copy.deepcopy(doc)
    again["identifier"]["value"] = "CB-3"
    outcome = import_bundle(practice, data(again))
    assert outcome.status == "imported", outcome.problems
    assert Claim.objects.filter(patient__last_name="Lindqvist").count() == 1
    # Or by our account number.
    acct = world.a.patient.account_number
    by_account = claim_bundle(claim_id="CLM-9", bundle_id="CB-4")
    by_account["entry"] = [
        e for e in by_account["entry"] if e["resource"]["resourceType"] != "Patient"
    ]
    the_claim(by_account)["patient"] = {
        "identifier": {"system": "urn:medbill:account-number", "value": acct}
    }
    outcome = import_bundle(practice, data(by_account))
    assert outcome.status == "imported", outcome.problems
    assert Claim.objects.filter(patient=world.a.patient).count() == 2  # the fixture's and this


def test_a_secondary_coverage_is_not_billed_first(world):
    doc = claim_bundle()
    cov = next(e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Coverage")
    cov["order"] = 2
    outcome = import_bundle(world.a.practice, data(doc))
    assert outcome.status == "held"
    assert tuple(p[:2] for p in outcome.problems) == (
        (
            "Claim/c-7781.insurance",
            "Claim/c-7781.insurance: it bills the patient's secondary coverage (Lakeland "
            "Commercial Insurance, member id LCI-9001): medbill bills the primary first, and "
            "makes the secondary claim from the primary's payment",
        ),
    )
    # All or nothing: the patient the bundle registered first is gone with the claim.
    assert not Patient.objects.filter(last_name="Lindqvist").exists()


def test_the_hl7_claim_examples_are_held_with_their_reasons(world):
    practice = world.a.practice
    folder = shared_path("fhir/r4-examples")
    professional = import_bundle(practice, (folder / "hl7r4__Claim-860150.json").read_bytes())
    assert professional.status == "held"
    # What the claim names is matched against the practice in the same answer: the
    # patient it only refers to is unknown here.
    assert [loc for loc, *_ in professional.problems] == [
        "Claim/860150.insurance[0].coverage",
        "Claim/860150.careTeam[0].provider",
        "Claim/860150.diagnosis[0]",
        "Patient/1",
    ]
    cms1500 = import_bundle(practice, (folder / "hl7r4__Claim-MED-00050.json").read_bytes())
    assert cms1500.status == "held"
    assert cms1500.problems[0][:2] == (
        "Claim/MED-00050.type",
        "Claim/MED-00050.type: an institutional claim: medbill bills professional claims "
        "(837P, the CMS-1500's)",
    )
    held = InboundMessage.objects.filter(practice=practice, status="held")
    assert held.count() == 2
    assert not Claim.objects.filter(practice=practice).exclude(pk=world.a.claim.pk).exists()


def test_the_cms1500_example_made_professional_imports(world):
    """The HL7 example once what medbill refuses in it is fixed: professional, a rendering
    provider of the practice, the payer the practice has; contained patient and coverage,
    ICD-10 codes under the WHO's system URI."""
    from medbill.web.practice.models import Payer

    Payer.objects.create(
        organization=world.a.practice.organization,
        name="Humana Inc.",
        payer_id="61101",
        payer_type="commercial",
        claim_filing_indicator="CI",
    )
    doc = json.loads((shared_path("fhir/r4-examples") / "hl7r4__Claim-MED-00050.json").read_text())
    doc["type"]["coding"][0]["code"] = "professional"
    doc["careTeam"][0]["provider"] = {
        "identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1283746505"}
    }
    outcome = import_bundle(world.a.practice, data(doc))
    assert outcome.status == "imported", outcome.problems
    claim = Claim.objects.get(patient__last_name="Ashcraft")
    assert claim.diagnoses == ["M961", "G894", "M5388", "M47816"]
    (line,) = claim.lines.all()
    assert (line.code, line.charge, line.dx_pointers) == ("62264", Decimal("12500.00"), [2, 4])
    assert claim.payer.name == "Humana Inc." and claim.coverage.member_id == "10138556"


def test_an_unbillable_code_and_a_future_date_are_held_as_hl7_charges_are(world):
    """The checks of an HL7 v2 charge, made by the same functions: the scrubber's rule
    for procedure codes and the practice's today. Both problems of the claim are named by
    its element, in one answer; nothing is written."""
    import datetime

    from medbill.web.billing.scrubbing import procedure_check
    from medbill.web.interfaces.services import practice_today

    practice = world.a.practice
    doc = claim_bundle()
    claim = the_claim(doc)
    claim["item"][0]["productOrService"]["coding"][0]["code"] = "99999"
    claim["item"][1]["servicedDate"] = "2099-12-31"
    outcome = import_bundle(practice, data(doc))
    assert outcome.status == "held"
    today = practice_today(practice)
    refused = procedure_check(practice.pk)("99999", datetime.date(2026, 3, 3))
    assert refused and "99999" in refused
    assert tuple(p[:2] for p in outcome.problems) == (
        (
            "Claim/c-7781.item[0].productOrService",
            f"Claim/c-7781.item[0].productOrService: {refused}",
        ),
        (
            "Claim/c-7781.item[1].servicedDate",
            f"Claim/c-7781.item[1].servicedDate: 12/31/2099 is after today "
            f"({today:%m/%d/%Y}); a charge is for a service already given",
        ),
    )
    row = InboundMessage.objects.get(practice=practice, message_type="FHIR^Bundle")
    assert row.status == "held"
    assert [p["location"] for p in row.problems] == [loc for loc, *_ in outcome.problems]
    assert not Patient.objects.filter(last_name="Lindqvist").exists()

    # The same claim with a code the practice bills and a date already past imports.
    good = import_bundle(practice, data(claim_bundle(bundle_id="CB-9")))
    assert good.status == "imported", good.problems
    assert Claim.objects.filter(patient__last_name="Lindqvist").count() == 1


def test_a_claim_date_names_the_element_it_came_from(world):
    """A line without its own date takes the claim's billable period: a problem of that
    date names ``billablePeriod.start``; one before the patient's birth names both."""
    doc = claim_bundle()
    claim = the_claim(doc)
    del claim["item"][0]["servicedDate"]
    claim["billablePeriod"] = {"start": "2099-01-02"}
    claim["item"][1]["servicedDate"] = "1970-01-01"
    outcome = import_bundle(world.a.practice, data(doc))
    assert outcome.status == "held"
    texts = {p.location: p.text for p in outcome.problems}
    assert texts["Claim/c-7781.billablePeriod.start"].startswith(
        "Claim/c-7781.billablePeriod.start: 01/02/2099 is after today"
    )
    assert texts["Claim/c-7781.item[1].servicedDate"] == (
        "Claim/c-7781.item[1].servicedDate: 01/01/1970 is before the patient's birth date "
        "(Patient/p-55.birthDate, 04/18/1979)"
    )


def test_a_mapping_problem_and_an_unknown_payer_are_held_together(world):
    """The claim's own problem (a future date) and what it names that the practice lacks
    (the payer) in one answer; with the date fixed, the replay names only the payer."""
    from medbill.web.interfaces.fhir_in import replay_bundle
    from medbill.web.practice.models import Payer

    practice = world.a.practice
    doc = claim_bundle()
    the_claim(doc)["item"][1]["servicedDate"] = "2099-12-31"
    for entry in doc["entry"]:
        if entry["resource"]["id"] == "org-lci":
            entry["resource"]["name"] = "Prairie Mutual"
            entry["resource"]["identifier"] = [{"value": "PRM77"}]
    outcome = import_bundle(practice, data(doc))
    assert outcome.status == "held"
    assert [loc for loc, *_ in outcome.problems] == [
        "Claim/c-7781.item[1].servicedDate",
        "Coverage/cov-55.payor",
    ], outcome.problems
    assert "payer 'Prairie Mutual' (id 'PRM77') matches none" in outcome.problems[1][1]

    row = InboundMessage.objects.get(practice=practice, message_type="FHIR^Bundle")
    the_claim(doc)["item"][1]["servicedDate"] = "2026-03-03"
    again = replay_bundle(world.users["biller"], row, json.dumps(doc))
    assert again.code == "AE"
    assert list(again.problems) == [outcome.problems[1]]
    Payer.objects.create(
        organization=practice.organization,
        name="Prairie Mutual",
        payer_id="PRM77",
        claim_filing_indicator="CI",
    )
    done = replay_bundle(world.users["biller"], row, json.dumps(doc))
    assert done.code == "AA", done.problems
    assert Claim.objects.get(patient__last_name="Lindqvist").payer.payer_id == "PRM77"

"""``medbill fhir import``: a patient's Bundle becomes a registration, coverages, visits
for the coder and notes, through the same use cases as HL7 v2; once per bundle and per
resource; all or nothing; errors name the resource and element."""

from __future__ import annotations

import base64
import copy
import json

import pytest
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.fhir import FHIRError, map_bundle, read_bundle
from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.frontdesk.models import ClinicalNote, Coverage, Patient, Visit
from medbill.web.interfaces.fhir_in import import_bundle
from medbill.web.interfaces.models import EhrLink, InboundMessage

pytestmark = pytest.mark.django_db

NOTE = "Sore throat for three days. Exudative pharyngitis. Rapid strep positive."


def bundle(kind: str = "transaction", icd: str = "J02.0") -> dict:
    pat, enc = "urn:uuid:p-1", "urn:uuid:e-1"
    entries = [
        {
            "fullUrl": pat,
            "resource": {
                "resourceType": "Patient",
                "id": "p-1",
                "name": [{"use": "official", "family": "Falkner", "given": ["Greta", "M"]}],
                "gender": "female",
                "birthDate": "1984-07-02",
                "address": [
                    {
                        "line": ["8 Birch Ln"],
                        "city": "Madison",
                        "state": "WI",
                        "postalCode": "53703",
                    }
                ],
                "telecom": [{"system": "phone", "value": "(608)555-0199", "use": "home"}],
            },
        },
        {
            "fullUrl": "urn:uuid:rp-1",
            "resource": {
                "resourceType": "RelatedPerson",
                "id": "rp-1",
                "patient": {"reference": pat},
                "relationship": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                "code": "HUSB",
                            }
                        ]
                    }
                ],
                "name": [{"family": "Falkner", "given": ["Olaf"]}],
                "birthDate": "1982-01-05",
            },
        },
        {
            "fullUrl": "urn:uuid:org-1",
            "resource": {
                "resourceType": "Organization",
                "id": "org-1",
                "identifier": [{"value": "LCI220"}],
                "name": "Lakeland Commercial Insurance",
            },
        },
        {
            "fullUrl": "urn:uuid:cov-1",
            "resource": {
                "resourceType": "Coverage",
                "id": "cov-1",
                "status": "active",
                "beneficiary": {"reference": pat},
                "payor": [{"reference": "urn:uuid:org-1"}],
                "subscriberId": "LCI-555",
                "relationship": {"coding": [{"code": "spouse"}]},
                "subscriber": {"reference": "urn:uuid:rp-1"},
                "order": 1,
            },
        },
        {
            "fullUrl": "urn:uuid:pr-1",
            "resource": {
                "resourceType": "Practitioner",
                "id": "pr-1",
                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1283746505"}],
                "name": [{"family": "Whitaker", "given": ["Joan"]}],
            },
        },
        {
            "fullUrl": enc,
            "resource": {
                "resourceType": "Encounter",
                "id": "e-1",
                "status": "finished",
                "class": {"code": "AMB"},
                "subject": {"reference": pat},
                "participant": [{"individual": {"reference": "urn:uuid:pr-1"}}],
                "period": {"start": "2026-03-03T09:30:00-06:00"},
            },
        },
        {
            "fullUrl": "urn:uuid:c-1",
            "resource": {
                "resourceType": "Condition",
                "id": "c-1",
                "subject": {"reference": pat},
                "encounter": {"reference": enc},
                "code": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": icd}],
                    "text": "Streptococcal pharyngitis",
                },
            },
        },
        {
            "fullUrl": "urn:uuid:c-2",
            "resource": {
                "resourceType": "Condition",
                "id": "c-2",
                "subject": {"reference": pat},
                "encounter": {"reference": enc},
                "code": {
                    "coding": [{"system": "http://snomed.info/sct", "code": "162864005"}],
                    "text": "Body mass index 30+ - obesity (finding)",
                },
            },
        },
        {
            "fullUrl": "urn:uuid:pc-1",
            "resource": {
                "resourceType": "Procedure",
                "id": "pc-1",
                "status": "completed",
                "subject": {"reference": pat},
                "encounter": {"reference": enc},
                "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "87880"}]},
                "performedDateTime": "2026-03-03",
            },
        },
        {
            "fullUrl": "urn:uuid:d-1",
            "resource": {
                "resourceType": "DocumentReference",
                "id": "d-1",
                "status": "current",
                "subject": {"reference": pat},
                "context": {"encounter": [{"reference": enc}]},
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain",
                            "data": base64.b64encode(NOTE.encode()).decode(),
                        }
                    }
                ],
            },
        },
    ]
    return {
        "resourceType": "Bundle",
        "type": kind,
        "identifier": {"system": "urn:ehr", "value": f"B-{kind}-{icd}"},
        "entry": entries,
    }


def data(doc: dict) -> bytes:
    return json.dumps(doc).encode()


def test_a_bundle_registers_covers_and_sends_a_visit_to_the_coder(world):
    practice = world.a.practice
    outcome = import_bundle(practice, data(bundle()))
    assert outcome.status == "imported", outcome.error
    assert (outcome.patients, outcome.visits, outcome.notes) == (1, 1, 1)
    patient = Patient.objects.get(practice=practice, last_name="Falkner")
    assert (patient.first_name, patient.middle_name, patient.sex) == ("Greta", "M", "F")
    assert patient.guarantor.relationship == "spouse"
    coverage = Coverage.objects.get(patient=patient)
    assert (coverage.payer, coverage.member_id, coverage.order) == (
        world.a.payer,
        "LCI-555",
        "primary",
    )
    assert coverage.subscriber_first_name == "Olaf"
    visit = Visit.objects.get(patient=patient)
    assert visit.status == Visit.Status.CHECKED_OUT and visit.provider == world.a.provider
    assert [d.code for d in Diagnosis.objects.filter(visit=visit)] == ["J020"]
    assert [s.code for s in ServiceLine.objects.filter(visit=visit)] == ["87880"]
    assert "obesity" in visit.desk_note  # a SNOMED CT problem, in words, never mapped
    assert EhrLink.objects.get(visit=visit, kind="visit").codes_from_ehr
    assert ClinicalNote.objects.get(visit=visit).text == NOTE


def test_the_same_bundle_twice_and_the_same_resources_again_change_nothing(world):
    practice = world.a.practice
    assert import_bundle(practice, data(bundle())).status == "imported"
    assert import_bundle(practice, data(bundle())).status == "duplicate"
    # Another bundle (a searchset) with the same resources: no second patient or visit.
    assert import_bundle(practice, data(bundle("searchset"))).status == "imported"
    patients = Patient.objects.filter(practice=practice, last_name="Falkner")
    assert patients.count() == 1
    assert Visit.objects.filter(patient__in=patients).count() == 1
    assert ClinicalNote.objects.filter(visit__patient__in=patients).count() == 1
    assert InboundMessage.objects.filter(practice=practice, message_type="FHIR^Bundle").count() == 2


def test_a_bad_bundle_is_held_with_every_problem_and_writes_nothing(world):
    practice = world.a.practice
    doc = bundle()
    doc["entry"][5]["resource"]["participant"][0]["individual"]["reference"] = "urn:uuid:x"
    doc["entry"][5]["resource"]["participant"][0]["individual"]["display"] = "Nobody, Ned"
    doc["entry"][3]["resource"]["payor"] = [{"display": "Acme Mutual"}]
    outcome = import_bundle(practice, data(doc))
    assert outcome.status == "held"
    # Both problems, each naming its resource and element, not only the first.
    texts = [text for _, text, _ in outcome.problems]
    assert len(texts) == 2, texts
    assert texts[0].startswith("Coverage/cov-1.payor: payer 'Acme Mutual'")
    assert texts[1].startswith("Encounter/e-1.participant: provider 'Nobody, Ned'")
    assert not Patient.objects.filter(practice=practice, last_name="Falkner").exists()
    row = InboundMessage.objects.get(practice=practice, message_type="FHIR^Bundle")
    assert row.status == "held" and row.error == texts[0]
    assert [p["text"] for p in row.problems] == texts
    assert row.control_id == "fhir:urn:ehr|B-transaction-J02.0"

    bad_date = bundle()
    bad_date["entry"][0]["resource"]["birthDate"] = "1984-13-02"
    bad_date["entry"][5]["resource"]["period"]["start"] = "tuesday"
    with pytest.raises(FHIRError) as err:
        read_bundle(data(bad_date))
    assert err.value.location == "Patient/p-1.birthDate"
    assert [where for where, *_ in err.value.problems] == [
        "Patient/p-1.birthDate",
        "Encounter/e-1.period.start",
    ]


def test_a_held_bundle_sent_again_after_the_fix_is_imported(world):
    practice = world.a.practice
    doc = bundle()
    doc["entry"][3]["resource"]["payor"] = [{"display": "Acme Mutual"}]
    assert import_bundle(practice, data(doc)).status == "held"
    # The EHR corrects the payer and sends the bundle (same identifier) again.
    again = import_bundle(practice, data(bundle()))
    assert again.status == "imported", again.problems
    row = InboundMessage.objects.get(practice=practice, message_type="FHIR^Bundle")
    assert (row.status, row.attempts, row.problems) == ("accepted", 2, [])
    assert Patient.objects.filter(practice=practice, last_name="Falkner").count() == 1


def test_unreadable_input_is_held_too(world):
    outcome = import_bundle(world.a.practice, b"{not json")
    assert outcome.status == "held" and outcome.error.startswith("not FHIR JSON")
    row = InboundMessage.objects.get(practice=world.a.practice)
    assert row.control_id.startswith("fhir:sha256:") and row.raw == "{not json"


def test_the_cli_imports_and_holds_with_the_exit_status(world, tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(data(bundle()))
    broken = copy.deepcopy(bundle())
    del broken["entry"][0]["resource"]["birthDate"]
    broken["identifier"]["value"] = "B-broken"
    bad.write_bytes(data(broken))
    runner = CliRunner()
    first = runner.invoke(app, ["fhir", "import", str(good), "--practice", "CVFP"])
    assert first.exit_code == 0, first.output
    assert "good.json: imported: 1 patient(s), 1 visit(s), 1 note(s), 0 claim(s)" in first.output
    again = runner.invoke(app, ["fhir", "import", str(good), "--practice", "CVFP"])
    assert again.exit_code == 0 and "already imported" in again.output
    held = runner.invoke(app, ["fhir", "import", str(bad), "--practice", "CVFP"])
    assert held.exit_code == 1
    assert "bad.json: held in the interface queue, nothing imported (1 problem):" in held.output
    assert "  Patient/p-1.birthDate: the birth date is missing" in held.output


def test_synthea_conditions_stay_words_for_the_coder(shared_data):
    path = (
        shared_data
        / "fhir/synthea/smart__Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json"
    )
    result = map_bundle(read_bundle(path.read_bytes()))
    visits = [i for i in result.intakes if i.kind == "charges"]
    assert len(visits) == 3 and all(not v.diagnoses and not v.charges for v in visits)
    assert any("obesity" in p for v in visits for p in v.problems)
    assert "ExplanationOfBenefit" in result.ignored


def _procedure(doc: dict) -> dict:
    return next(e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "Procedure")


def test_a_procedure_charge_is_checked_as_an_hl7_charge_is(world):
    """An encounter's CPT-coded Procedure becomes a charge: an unknown code and a date after
    today are held, named by the Procedure's element; without its own date the charge
    takes the encounter's, and a problem of it names ``Encounter.period.start``."""
    practice = world.a.practice
    doc = bundle()
    proc = _procedure(doc)
    proc["code"]["coding"][0]["code"] = "99999"
    proc["performedDateTime"] = "2099-12-31"
    outcome = import_bundle(practice, data(doc))
    assert outcome.status == "held"
    assert [loc for loc, *_ in outcome.problems] == [
        "Procedure/pc-1.performedDateTime",
        "Procedure/pc-1.code",
    ], outcome.problems
    assert "12/31/2099 is after today" in outcome.problems[0][1]
    assert "99999" in outcome.problems[1][1]
    assert not Patient.objects.filter(last_name="Falkner").exists()

    undated = bundle()
    del _procedure(undated)["performedDateTime"]
    next(e for e in undated["entry"] if e["resource"]["resourceType"] == "Encounter")["resource"][
        "period"
    ]["start"] = "2099-03-03T09:30:00-06:00"
    outcome = import_bundle(practice, data(undated))
    assert [loc for loc, *_ in outcome.problems] == ["Encounter/e-1.period.start"]


def test_a_likely_duplicate_and_an_unknown_provider_are_held_together(world):
    """What the practice already has (a patient like this one) and what it lacks (the
    encounter's provider) in one answer, not one per replay."""
    doc = bundle()
    pat = doc["entry"][0]["resource"]
    pat["name"] = [{"use": "official", "family": "Ortega", "given": ["Mateo"]}]
    pat["birthDate"] = "2019-06-30"
    doctor = doc["entry"][4]["resource"]
    doctor["identifier"][0]["value"] = "1999999992"
    doctor["name"] = [{"family": "Nobody", "given": ["Ned"]}]
    outcome = import_bundle(world.a.practice, data(doc))
    assert outcome.status == "held"
    texts = [t for _, t, _ in outcome.problems]
    assert len(texts) == 2, texts
    assert "Patient/p-1.name: may be patient CVFP-0001 already registered" in texts[0]
    assert "provider 'Nobody, Ned (id 1999999992)' matches none" in texts[1]


def _three_visits(doc: dict) -> dict:
    """``doc`` with two more encounters of its patient, on other days, by the same
    Practitioner."""
    first = next(e for e in doc["entry"] if e["resource"]["resourceType"] == "Encounter")
    for n, day in ((2, "2026-03-04"), (3, "2026-03-05")):
        again = copy.deepcopy(first)
        again["fullUrl"] = f"urn:uuid:e-{n}"
        again["resource"]["id"] = f"e-{n}"
        again["resource"]["period"] = {"start": f"{day}T09:30:00-06:00"}
        doc["entry"].append(again)
    return doc


def test_a_bundle_asks_once_for_its_provider_and_its_ehr_links(world):
    """Every encounter of a patient's history names the same practitioner: the practice's
    provider is looked up once, and the EHR links of every resource in one query. A
    practitioner the practice does not have is still named for every encounter."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    practice = world.a.practice
    stranger = _three_visits(bundle())
    stranger["identifier"]["value"] = "B-stranger"
    practitioner = stranger["entry"][4]["resource"]
    practitioner["identifier"][0]["value"] = "1679576722"
    practitioner["name"] = [{"family": "Nobody", "given": ["Ned"]}]
    held = import_bundle(practice, data(stranger))
    assert held.status == "held"
    assert [p.text.split(" matches none")[0] for p in held.problems] == [
        "Encounter/e-1.participant: provider 'Nobody, Ned (id 1679576722)'"
    ]
    assert "(also Encounter/e-2.participant, Encounter/e-3.participant)" in held.problems[0].text

    with CaptureQueriesContext(connection) as done:
        outcome = import_bundle(practice, data(_three_visits(bundle())))
    assert (outcome.status, outcome.visits) == ("imported", 3), outcome.problems
    selects = [q["sql"] for q in done.captured_queries if q["sql"].startswith("SELECT")]
    assert len([s for s in selects if 'FROM "practice_provider"' in s]) == 1, selects
    assert len([s for s in selects if 'FROM "interfaces_ehrlink"' in s]) == 1, selects
    visits = Visit.objects.filter(patient__last_name="Falkner")
    assert {v.provider for v in visits} == {world.a.provider} and visits.count() == 3

"""The FHIR R4 read API: every served resource parses as an R4 resource with
``fhir.resources``; token or session; a user's practices only; every read audited."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.claim import Claim as FhirClaim
from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient as FhirPatient

from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json"


def fhir(response, model):
    assert response["Content-Type"].startswith(FHIR_JSON), response["Content-Type"]
    return model.model_validate_json(response.content)


def test_metadata_says_what_is_served(client):
    statement = fhir(client.get("/fhir/R4/metadata"), CapabilityStatement)
    assert statement.fhirVersion == "4.0.1"
    served = {r.type for r in statement.rest[0].resource}
    assert {"Patient", "Coverage", "Claim"} <= served


def test_patient_coverage_and_claim_read_with_a_token(world, api_client_for):
    site = world.a
    api = api_client_for(world.users["biller"])
    patient = fhir(api.get(f"/fhir/R4/Patient/{site.patient.pk}"), FhirPatient)
    assert patient.name[0].family == "Ortega" and patient.birthDate.isoformat() == "2019-06-30"
    assert patient.meta.lastUpdated is not None
    assert AuditEvent.objects.filter(
        object_type="frontdesk.Patient", object_id=str(site.patient.pk), action="view"
    ).exists()

    coverage = fhir(api.get(f"/fhir/R4/Coverage/{site.coverage.pk}"), FhirCoverage)
    assert coverage.subscriberId == site.coverage.member_id
    assert coverage.beneficiary.reference == f"Patient/{site.patient.pk}"
    assert coverage.payor[0].display == site.payer.name

    claim = fhir(api.get(f"/fhir/R4/Claim/{site.claim.pk}"), FhirClaim)
    assert claim.patient.reference == f"Patient/{site.patient.pk}"
    lines = list(site.claim.lines.order_by("line_number"))
    assert [i.productOrService.coding[0].code for i in claim.item] == [x.code for x in lines]
    assert claim.total.value == sum(x.charge for x in lines)


def test_search_by_patient_and_last_updated(world, api_client_for):
    site = world.a
    api = api_client_for(world.users["biller"])
    found = fhir(api.get(f"/fhir/R4/Coverage?patient=Patient/{site.patient.pk}"), Bundle)
    ids = {e.resource.id for e in found.entry}
    assert ids == {str(site.coverage.pk), str(site.secondary.pk)}
    claims = fhir(api.get(f"/fhir/R4/Claim?patient={site.patient.pk}"), Bundle)
    assert [e.resource.id for e in claims.entry] == [str(site.claim.pk)]
    assert fhir(api.get("/fhir/R4/Claim?_lastUpdated=ge2000-01-01"), Bundle).total >= 1
    assert fhir(api.get("/fhir/R4/Claim?_lastUpdated=lt2000-01-01"), Bundle).total == 0
    patients = fhir(api.get("/fhir/R4/Patient?_lastUpdated=ge2000-01-01"), Bundle)
    assert str(site.patient.pk) in {e.resource.id for e in patients.entry}
    assert AuditEvent.objects.filter(action="list", user=world.users["biller"]).exists()
    bad = api.get("/fhir/R4/Claim?_lastUpdated=yesterday")
    assert bad.status_code == 400
    assert "_lastUpdated" in fhir(bad, OperationOutcome).issue[0].diagnostics


def test_other_practices_and_strangers_get_nothing(world, api_client_for, client_for, client):
    other = world.b
    api = api_client_for(world.users["biller"])
    assert api.get(f"/fhir/R4/Patient/{other.patient.pk}").status_code == 404
    found = fhir(api.get(f"/fhir/R4/Claim?patient={other.patient.pk}"), Bundle)
    assert found.total == 0
    denied = client.get(f"/fhir/R4/Patient/{world.a.patient.pk}")
    assert denied.status_code == 401
    fhir(denied, OperationOutcome)
    # The signed-in session answers as well as a token.
    session = client_for(world.users["front_desk"])
    assert session.get(f"/fhir/R4/Patient/{world.a.patient.pk}").status_code == 200
    assert session.get("/fhir/R4/Observation/1").status_code == 404
    assert session.get(f"/fhir/R4/Patient/{'9' * 30}").status_code == 404
    assert session.get(f"/fhir/R4/Claim?patient={'9' * 30}").status_code == 400


def test_a_posted_835_reads_as_an_explanation_of_benefit(world, api_client_for):
    from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit

    from medbill.core.payersim import simulate
    from medbill.core.x12.m835 import write_835
    from medbill.web.billing.documents import claim_document
    from medbill.web.billing.era import import_era
    from medbill.web.billing.remittance_models import RemittanceClaim

    site = world.a
    data = write_835(simulate([claim_document(site.claim)], seed=4).remittances)
    import_era(None, site.practice, data, "pay.835", post=True)
    paid = RemittanceClaim.objects.get(claim=site.claim)
    api = api_client_for(world.users["biller"])
    eob = fhir(api.get(f"/fhir/R4/ExplanationOfBenefit/{paid.pk}"), ExplanationOfBenefit)
    assert eob.claim.reference == f"Claim/{site.claim.pk}"
    totals = {t.category.coding[0].code: t.amount.value for t in eob.total}
    assert totals == {"submitted": paid.charge, "benefit": paid.paid}
    for item in eob.item:
        amounts = {}
        cas = []
        for a in item.adjudication:
            code = a.category.coding[0].code
            if a.reason is not None:
                cas.append((code, a.reason.coding[0].code, a.amount.value))
            else:
                amounts[code] = a.amount.value
        # What the payer did with each line adds up to what was billed for it.
        assert amounts["submitted"] == amounts["benefit"] + sum(c[2] for c in cas), cas
        assert all(len(group) == 2 and reason for group, reason, _ in cas)
    assert (
        sum(
            a.amount.value
            for i in eob.item
            for a in i.adjudication
            if a.category.coding[0].code == "benefit"
        )
        == paid.paid
    )
    found = fhir(api.get(f"/fhir/R4/ExplanationOfBenefit?patient={site.patient.pk}"), Bundle)
    assert [e.resource.id for e in found.entry] == [str(paid.pk)]
    outsider = api_client_for(world.outsider)
    assert outsider.get(f"/fhir/R4/ExplanationOfBenefit/{paid.pk}").status_code == 404

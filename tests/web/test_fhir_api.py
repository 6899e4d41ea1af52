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


def test_a_visit_reads_as_an_encounter(world, api_client_for, client_for):
    from fhir.resources.R4B.encounter import Encounter

    from medbill.web.interfaces.models import EhrLink

    site = world.a
    EhrLink.objects.create(
        practice=site.practice,
        kind="visit",
        ehr_id="V-2231",
        patient=site.patient,
        visit=site.visit,
    )
    api = api_client_for(world.users["biller"])
    found = fhir(api.get(f"/fhir/R4/Encounter/{site.visit.pk}"), Encounter)
    assert found.subject.reference == f"Patient/{site.patient.pk}"
    assert found.status == "finished" and found.class_fhir.code == "AMB"
    assert found.participant[0].individual.identifier.value == site.provider.npi
    assert found.period.start.isoformat().startswith("2026-03-03")
    assert found.location[0].location.display == site.location.name
    ids = {(i.system, i.value) for i in found.identifier}
    assert ("urn:medbill:ehr-visit-number", "V-2231") in ids
    assert AuditEvent.objects.filter(
        object_type="frontdesk.Visit", object_id=str(site.visit.pk), action="view"
    ).exists()

    searched = fhir(api.get(f"/fhir/R4/Encounter?patient=Patient/{site.patient.pk}"), Bundle)
    assert [e.resource.id for e in searched.entry] == [str(site.visit.pk)]
    for entry in searched.entry:
        Encounter.model_validate(entry.resource.model_dump())
    assert fhir(api.get("/fhir/R4/Encounter?_lastUpdated=ge2000-01-01"), Bundle).total >= 1
    assert fhir(api.get("/fhir/R4/Encounter?_lastUpdated=lt2000-01-01"), Bundle).total == 0
    # Another practice's visit is a 404; the session answers like the token.
    assert api.get(f"/fhir/R4/Encounter/{world.b.visit.pk}").status_code == 404
    session = client_for(world.users["coder"])
    assert session.get(f"/fhir/R4/Encounter/{site.visit.pk}").status_code == 200
    assert client_for(world.outsider).get(f"/fhir/R4/Encounter/{site.visit.pk}").status_code == 404


def test_acknowledgements_read_as_claim_responses(world, api_client_for, client_for, tmp_path):
    from fhir.resources.R4B.claimresponse import ClaimResponse
    from test_claims_out import ack_277, submitted

    from medbill.web.claims_out.acks import import_acknowledgement
    from medbill.web.claims_out.models import ClaimEvent

    claim, sub = submitted(world, tmp_path)
    biller = world.users["biller"]
    rejected = ack_277(sub, claim.patient_control_number, "A7:562:85")
    import_acknowledgement(biller, world.a.practice, rejected, "reject.277")
    api = api_client_for(biller)
    event = ClaimEvent.objects.get(claim=claim, to_status="rejected")
    answer = fhir(api.get(f"/fhir/R4/ClaimResponse/{event.pk}"), ClaimResponse)
    assert answer.outcome == "error" and answer.request.reference == f"Claim/{claim.pk}"
    assert answer.patient.reference == f"Patient/{claim.patient_id}"
    codes = {(c.system, c.code) for c in answer.error[0].code.coding}
    assert codes == {
        ("https://x12.org/codes/claim-status-category-codes", "A7"),
        ("https://x12.org/codes/claim-status-codes", "562"),
    }
    assert "NPI is missing or invalid" in answer.disposition

    # Fixed and sent again, then accepted: a second response, queued for adjudication.
    from test_claims_out import NOW, scrubbed

    from medbill.web.claims_out.acks import resolve_work_item
    from medbill.web.claims_out.models import ClaimWorkItem
    from medbill.web.claims_out.services import submit_claims

    resolve_work_item(biller, ClaimWorkItem.objects.get(claim=claim), "fixed the NPI")
    claim.refresh_from_db()
    (again,) = submit_claims(biller, world.a.practice, [scrubbed(claim)], "prairie", now=NOW)
    accepted = ack_277(again, claim.patient_control_number, "A2:20:PR", ref1k="LCI26031000017")
    # Another interchange: its own control numbers.
    accepted = accepted.replace(b"000000311", b"000000313").replace(b"311*X", b"313*X")
    accepted = accepted.replace(b"GE*1*311", b"GE*1*313")
    import_acknowledgement(biller, world.a.practice, accepted, "accept.277")
    found = fhir(api.get(f"/fhir/R4/ClaimResponse?patient={claim.patient_id}"), Bundle)
    outcomes = [e.resource.outcome for e in found.entry]
    assert outcomes == ["error", "queued"]
    queued = found.entry[1].resource
    ClaimResponse.model_validate(queued.model_dump())
    assert ("urn:medbill:payer-claim-number", "LCI26031000017") in {
        (i.system, i.value) for i in queued.identifier
    }
    assert fhir(api.get("/fhir/R4/ClaimResponse?_lastUpdated=lt2000-01-01"), Bundle).total == 0

    statement = fhir(api.get("/fhir/R4/metadata"), CapabilityStatement)
    assert {"Encounter", "ClaimResponse"} <= {r.type for r in statement.rest[0].resource}
    assert (
        api_client_for(world.outsider).get(f"/fhir/R4/ClaimResponse/{event.pk}").status_code == 404
    )
    assert (
        client_for(world.users["front_desk"]).get(f"/fhir/R4/ClaimResponse/{event.pk}").status_code
        == 200
    )


def test_a_999_rejection_names_the_segment_and_its_error(world, api_client_for, tmp_path):
    from fhir.resources.R4B.claimresponse import ClaimResponse
    from test_claims_out import submitted

    from medbill.core.x12 import iter_segments
    from medbill.web.claims_out.acks import import_acknowledgement
    from medbill.web.claims_out.models import ClaimEvent

    claim, sub = submitted(world, tmp_path)
    segs = list(iter_segments(sub.content))
    st = next(s for s in segs if s.id == "ST")
    clm = next(s for s in segs if s.id == "CLM")
    data = (
        "ISA*00*          *00*          *ZZ*PRAIRIE        *ZZ*CVFP01         *260310*1200*^*"
        "00501*000000312*0*T*:~GS*FA*PRAIRIE*CVFP01*20260310*1200*312*X*005010X231A1~"
        "ST*999*0001*005010X231A1~"
        f"AK1*HC*{sub.group_control}*005010X222A1~AK2*837*0001*005010X222A1~"
        f"IK3*CLM*{clm.position - st.position + 1}*2300*8~IK4*5:1*1331*7*99~IK5*R*5~"
        "AK9*R*1*1*0~SE*8*0001~GE*1*312~IEA*1*000000312~"
    ).encode()
    import_acknowledgement(world.users["biller"], world.a.practice, data, "r.999")
    event = ClaimEvent.objects.get(claim=claim, source="999")
    api = api_client_for(world.users["biller"])
    answer = fhir(api.get(f"/fhir/R4/ClaimResponse/{event.pk}"), ClaimResponse)
    assert answer.outcome == "error"
    (error,) = answer.error
    assert [(c.system, c.code) for c in error.code.coding] == [
        ("urn:medbill:x12-999-error", "CLM:8")
    ]
    assert "CLM05" in answer.disposition


def test_an_encounter_starts_at_the_visits_date_of_service(world, api_client_for):
    """Not when the row was checked in or imported: an EHR visit of 2028-12-01 imported
    today, and an appointment of 2026-11-20 checked in two days late, start on their day."""
    import datetime

    from django.utils import timezone
    from fhir.resources.R4B.encounter import Encounter

    from medbill.web.frontdesk.models import Visit

    site = world.a
    api = api_client_for(world.users["biller"])
    now = timezone.now()
    imported = Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=timezone.make_aware(datetime.datetime(2028, 12, 1, 9, 0)),
        status=Visit.Status.CHECKED_OUT,
        checked_in_at=now,
        checked_out_at=now,
    )
    found = fhir(api.get(f"/fhir/R4/Encounter/{imported.pk}"), Encounter)
    assert timezone.localtime(found.period.start).date() == datetime.date(2028, 12, 1)
    assert found.period.end >= found.period.start

    booked = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 30))
    late = Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=booked,
        status=Visit.Status.CHECKED_IN,
        checked_in_at=booked + datetime.timedelta(days=2),
    )
    found = fhir(api.get(f"/fhir/R4/Encounter/{late.pk}"), Encounter)
    assert found.period.start == booked
    assert found.period.end is None


def test_a_search_pages_and_counts_every_match(world, api_client_for):
    """``total`` is every match, not the page; ``_count`` sizes a page and ``next`` /
    ``previous`` move through them keeping the other search parameters."""
    from urllib.parse import parse_qs, urlsplit

    from medbill.web.frontdesk.models import Patient

    site = world.a
    api = api_client_for(world.users["biller"])
    for n in range(4):
        Patient.objects.create(
            practice=site.practice,
            account_number=f"PG{n:04d}",
            first_name="Page",
            last_name=f"Test{n}",
            date_of_birth="1980-01-01",
            sex="F",
        )
    matches = Patient.objects.filter(practice=site.practice).count()
    assert matches >= 5
    first = fhir(api.get("/fhir/R4/Patient?_count=2&_lastUpdated=ge2000-01-01"), Bundle)
    assert first.total == matches and len(first.entry) == 2
    links = {link.relation: link.url for link in first.link}
    assert "previous" not in links
    seen = [e.resource.id for e in first.entry]
    page = first
    while "next" in {link.relation for link in page.link}:
        url = next(link.url for link in page.link if link.relation == "next")
        query = parse_qs(urlsplit(url).query)
        assert query["_lastUpdated"] == ["ge2000-01-01"] and query["_count"] == ["2"]
        page = fhir(api.get(f"{urlsplit(url).path}?{urlsplit(url).query}"), Bundle)
        assert page.total == matches and "previous" in {link.relation for link in page.link}
        seen += [e.resource.id for e in page.entry or []]
    assert len(seen) == len(set(seen)) == matches

    # Without _count a page holds 50 entries at most; total still counts them all.
    every = fhir(api.get("/fhir/R4/Patient"), Bundle)
    assert every.total == matches

    for bad in ("-1", "0", "junk", "201"):
        answer = api.get(f"/fhir/R4/Claim?_count={bad}")
        assert answer.status_code == 400, bad
        assert "_count" in fhir(answer, OperationOutcome).issue[0].diagnostics
    answer = api.get("/fhir/R4/Claim?_offset=x")
    assert answer.status_code == 400
    assert "_offset" in fhir(answer, OperationOutcome).issue[0].diagnostics


def test_only_json_is_served(world, api_client_for):
    api = api_client_for(world.users["biller"])
    for url in ("/fhir/R4/Claim?_format=xml", f"/fhir/R4/Patient/{world.a.patient.pk}?_format=xml"):
        answer = api.get(url)
        assert answer.status_code == 406, url
        assert "_format" in fhir(answer, OperationOutcome).issue[0].diagnostics
    answer = api.get("/fhir/R4/Claim", HTTP_ACCEPT="application/fhir+xml")
    assert answer.status_code == 406
    assert "Accept" in fhir(answer, OperationOutcome).issue[0].diagnostics
    assert api.get("/fhir/R4/metadata?_format=xml").status_code == 406
    assert api.get("/fhir/R4/Claim?_format=json").status_code == 200
    assert api.get("/fhir/R4/Claim", HTTP_ACCEPT="application/fhir+json").status_code == 200
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert api.get("/fhir/R4/Claim", HTTP_ACCEPT=browser).status_code == 200


SERVED = {
    "Organization",
    "Patient",
    "Coverage",
    "Encounter",
    "Claim",
    "ClaimResponse",
    "ExplanationOfBenefit",
}
TYPES = {
    "_id": "token",
    "_lastUpdated": "date",
    "_count": "number",
    "_offset": "number",
    "patient": "reference",
}


def test_the_statement_lists_exactly_the_search_parameters_served(world, api_client_for):
    """Every parameter the CapabilityStatement lists for a resource is taken by its search,
    alone and all together; any other is refused as an unknown parameter always was (400,
    ``not-supported``, naming it)."""
    site = world.a
    api = api_client_for(world.users["biller"])
    statement = fhir(api.get("/fhir/R4/metadata"), CapabilityStatement)
    values = {
        "_id": str(site.claim.pk),
        "_lastUpdated": "ge2000-01-01",
        "_count": "5",
        "_offset": "0",
        "patient": f"Patient/{site.patient.pk}",
    }
    listed: dict[str, set[str]] = {}
    for resource in statement.rest[0].resource:
        kind = resource.type
        names = {p.name for p in resource.searchParam}
        listed[kind] = names
        for param in resource.searchParam:
            assert param.type == TYPES[param.name], (kind, param.name)
            assert param.documentation, (kind, param.name)
            answer = api.get(f"/fhir/R4/{kind}", {param.name: values[param.name]})
            assert answer.status_code == 200, (kind, param.name, answer.content)
            fhir(answer, Bundle)
        together = api.get(f"/fhir/R4/{kind}", {name: values[name] for name in names})
        assert together.status_code == 200, (kind, together.content)
        others = {"patient", "_sort", "_summary", "_include", "identifier", "status", "date"}
        for name in sorted(others - names):
            refused = api.get(f"/fhir/R4/{kind}", {name: "x"})
            assert refused.status_code == 400, (kind, name)
            issue = fhir(refused, OperationOutcome).issue[0]
            assert issue.code == "not-supported" and f"'{name}'" in issue.diagnostics
    assert set(listed) == SERVED
    for kind in ("Organization", "Patient"):
        assert listed[kind] == {"_id", "_lastUpdated", "_count", "_offset"}, kind
    for kind in SERVED - {"Organization", "Patient"}:
        assert listed[kind] == {"_id", "_lastUpdated", "_count", "_offset", "patient"}, kind
    # ``_id`` finds the resource of that id, of any kind.
    by_id = fhir(api.get(f"/fhir/R4/Claim?_id={site.claim.pk}"), Bundle)
    assert [e.resource.id for e in by_id.entry] == [str(site.claim.pk)]
    coverage = fhir(api.get(f"/fhir/R4/Coverage?_id={site.coverage.pk}"), Bundle)
    assert [e.resource.id for e in coverage.entry] == [str(site.coverage.pk)]


def test_a_patient_names_the_practice_whose_patient_it_is(world, api_client_for):
    """A billing company's user of two practices tells their patients apart by
    ``managingOrganization``, an Organization the API serves; the user of one practice
    reads only that practice's Organization."""
    from django.contrib.auth.models import User
    from fhir.resources.R4B.organization import Organization as FhirOrganization

    from medbill.web.practice.models import Membership

    both = User.objects.create_user("billing-co", password="x")
    for site in (world.a, world.b):
        Membership.objects.create(user=both, practice=site.practice, role="biller")
    api = api_client_for(both)
    found = fhir(api.get("/fhir/R4/Patient?_count=200"), Bundle)
    owners = {e.resource.id: e.resource.managingOrganization for e in found.entry}
    for site in (world.a, world.b):
        owner = owners[str(site.patient.pk)]
        assert owner.reference == f"Organization/{site.practice.pk}"
        assert owner.display == site.practice.name
        assert owner.identifier.value == site.practice.group_npi
        org = fhir(api.get(f"/fhir/R4/{owner.reference}"), FhirOrganization)
        assert (org.name, org.identifier[0].value) == (site.practice.name, site.practice.group_npi)
    orgs = fhir(api.get("/fhir/R4/Organization"), Bundle)
    assert {e.resource.id for e in orgs.entry} == {
        str(world.a.practice.pk),
        str(world.b.practice.pk),
    }

    one = api_client_for(world.users["biller"])  # of practice A only
    assert one.get(f"/fhir/R4/Organization/{world.b.practice.pk}").status_code == 404
    orgs = fhir(one.get("/fhir/R4/Organization"), Bundle)
    assert [e.resource.id for e in orgs.entry] == [str(world.a.practice.pk)]
    assert AuditEvent.objects.filter(
        object_type="practice.Practice", action="list", user=world.users["biller"]
    ).exists()
    statement = fhir(one.get("/fhir/R4/metadata"), CapabilityStatement)
    assert "Organization" in {r.type for r in statement.rest[0].resource}


def test_a_user_of_one_practice_never_finds_anothers_patients(world, api_client_for):
    from medbill.web.frontdesk.models import Patient

    theirs = set(Patient.objects.filter(practice=world.b.practice).values_list("pk", flat=True))
    assert theirs
    api = api_client_for(world.users["biller"])  # of practice A only
    found = fhir(api.get("/fhir/R4/Patient?_count=200"), Bundle)
    assert found.total == Patient.objects.filter(practice=world.a.practice).count()
    assert {int(e.resource.id) for e in found.entry}.isdisjoint(theirs)
    assert {e.resource.managingOrganization.reference for e in found.entry} == {
        f"Organization/{world.a.practice.pk}"
    }
    for pk in theirs:
        assert api.get(f"/fhir/R4/Patient/{pk}").status_code == 404
        assert fhir(api.get(f"/fhir/R4/Patient?_id={pk}"), Bundle).total == 0
        assert fhir(api.get(f"/fhir/R4/Coverage?patient={pk}"), Bundle).total == 0

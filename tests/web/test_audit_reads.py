"""Reads of PHI in bulk are audited: lists and searches (count, ids, what was searched),
the API ledger and the 837P batch files, each linked to the patients it touched."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from medbill.web.billing.models import Claim
from medbill.web.billing.services import post_payment
from medbill.web.claims_out.models import ClaimWorkItem, Submission, SubmissionClaim
from medbill.web.frontdesk.models import Patient
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def patients_of(event):
    return sorted(event.patient_links.values_list("patient_id", flat=True))


def only_event(**lookup):
    return AuditEvent.objects.filter(**lookup).get()


@pytest.fixture
def second_patient(world):
    """A second patient of practice A, with a claim of their own."""
    site = world.a
    patient = Patient.objects.create(
        practice=site.practice,
        account_number="CVFP-0002",
        last_name="Ortiz",
        first_name="Lena",
        date_of_birth=datetime.date(1980, 1, 2),
        sex="F",
    )
    claim = Claim.objects.create(
        practice=site.practice,
        visit=site.visit,
        patient=patient,
        coverage=site.coverage,
        payer=site.payer,
        patient_control_number="CVFP-000103",
        diagnoses=["J020"],
    )
    return patient, claim


@pytest.fixture
def batch(world, second_patient):
    """An 837P file sent for practice A with the claims of two patients."""
    site = world.a
    sub = Submission.objects.create(
        practice=site.practice,
        connection="demo",
        file_name="CVFP-000000001.837",
        sha256="ab" * 32,
        size=11,
        content="ISA*00*...~",
        interchange_control=1,
        group_control=1,
        claim_count=2,
        total_charge=Decimal("260.00"),
    )
    for claim in (site.claim, second_patient[1]):
        SubmissionClaim.objects.create(submission=sub, claim=claim)
    return sub


class TestPatientList:
    def test_api_list_records_count_and_ids(self, world, second_patient, api_client_for):
        client = api_client_for(world.users["front_desk"])
        response = client.get("/api/patients")
        assert response.status_code == 200
        returned = sorted(p["id"] for p in response.json())
        event = only_event(action="list", object_type="frontdesk.Patient")
        assert (event.user, event.source) == (world.users["front_desk"], "api")
        assert event.practice_id == world.a.practice.pk
        assert event.detail["count"] == 2
        assert sorted(event.detail["ids"]) == returned
        assert patients_of(event) == returned

    def test_api_search_records_what_was_searched(self, world, second_patient, api_client_for):
        client = api_client_for(world.users["biller"])
        response = client.get("/api/patients", {"q": "Ortiz"})
        assert [p["id"] for p in response.json()] == [second_patient[0].pk]
        event = only_event(action="list", object_type="frontdesk.Patient")
        assert event.detail == {"count": 1, "ids": [second_patient[0].pk], "search": "Ortiz"}
        assert patients_of(event) == [second_patient[0].pk]

    def test_an_empty_result_records_nothing(self, world, api_client_for):
        client = api_client_for(world.users["biller"])
        assert client.get("/api/patients", {"q": "Nobodyhere"}).json() == []
        assert not AuditEvent.objects.filter(action="list").exists()

    def test_one_event_per_practice(self, world, api_client_for):
        from medbill.web.practice.models import Membership

        user = world.users["biller"]
        Membership.objects.create(user=user, practice=world.b.practice, role="biller")
        api_client_for(user).get("/api/patients")
        events = AuditEvent.objects.filter(action="list", object_type="frontdesk.Patient")
        assert {e.practice_id: e.detail["ids"] for e in events} == {
            world.a.practice.pk: [world.a.patient.pk],
            world.b.practice.pk: [world.b.patient.pk],
        }

    def test_web_list_and_search(self, world, second_patient, client_for):
        client = client_for(world.users["front_desk"])
        assert client.get("/patients/", {"q": "Ortega"}).status_code == 200
        event = only_event(action="list", object_type="frontdesk.Patient")
        assert (event.source, event.detail["search"]) == ("web", "Ortega")
        assert event.detail["ids"] == [world.a.patient.pk]


class TestOtherLists:
    @pytest.mark.parametrize(
        ("url", "label"),
        [
            ("/api/visits", "frontdesk.Visit"),
            ("/api/claims", "billing.Claim"),
            ("/api/coding/queue", "frontdesk.Visit"),
        ],
    )
    def test_api_lists_are_audited(self, world, second_patient, api_client_for, url, label):
        response = api_client_for(world.users["manager"]).get(url)
        assert response.status_code == 200 and response.json()
        event = only_event(action="list", object_type=label)
        assert event.detail["count"] == len(response.json())
        assert world.a.patient.pk in patients_of(event)

    def test_claim_list_links_each_claims_patient(self, world, second_patient, api_client_for):
        api_client_for(world.users["biller"]).get("/api/claims")
        event = only_event(action="list", object_type="billing.Claim")
        assert patients_of(event) == sorted([world.a.patient.pk, second_patient[0].pk])

    def test_web_claim_and_visit_lists(self, world, client_for):
        client = client_for(world.users["biller"])
        client.get("/claims/")
        client.get("/visits/")
        assert only_event(action="list", object_type="billing.Claim").detail["ids"] == [
            world.a.claim.pk
        ]
        assert only_event(action="list", object_type="frontdesk.Visit").detail["ids"] == [
            world.a.visit.pk
        ]


class TestQueuePages:
    @pytest.mark.parametrize(
        ("role", "url"),
        [("front_desk", "/desk/?on=2026-03-03"), ("coder", "/coding/queue/")],
    )
    def test_a_queue_page_records_the_visits_it_shows(self, world, client_for, role, url):
        assert client_for(world.users[role]).get(url).status_code == 200
        event = only_event(action="list", object_type="frontdesk.Visit")
        assert event.detail["ids"] == [world.a.visit.pk]
        assert patients_of(event) == [world.a.patient.pk]

    def test_the_claims_out_queue_records_claims_ready_to_send(self, world, client_for):
        Claim.objects.filter(pk=world.a.claim.pk).update(status="scrubbed")
        assert client_for(world.users["biller"]).get("/claims-out/").status_code == 200
        event = only_event(action="list", object_type="billing.Claim")
        assert event.detail["ids"] == [world.a.claim.pk]

    def test_one_view_of_the_claims_out_queue_is_one_event(self, world, client_for):
        """Claims ready to send and claims rejected, on one page: one read, one event naming
        every claim shown (it was two events, one per list)."""
        Claim.objects.filter(pk=world.a.claim.pk).update(status="scrubbed")
        rejected = Claim.objects.create(
            practice=world.a.practice,
            visit=world.a.visit,
            patient=world.a.patient,
            coverage=world.a.coverage,
            payer=world.a.payer,
            status="rejected",
            patient_control_number="CVFP-000199",
            diagnoses=["J020"],
        )
        ClaimWorkItem.objects.create(
            practice=world.a.practice,
            claim=rejected,
            source="999",
            reason="IK304 segment not expected",
        )
        client = client_for(world.users["biller"])  # signing in is an event of its own
        before = AuditEvent.objects.count()
        assert client.get("/claims-out/").status_code == 200
        assert AuditEvent.objects.count() == before + 1
        event = only_event(action="list", object_type="billing.Claim")
        assert sorted(event.detail["ids"]) == sorted([world.a.claim.pk, rejected.pk])
        assert patients_of(event) == [world.a.patient.pk]


class TestLedger:
    def test_api_ledger_read_is_audited(self, world, api_client_for):
        post_payment(world.users["biller"], world.a.patient, "20.00")
        client = api_client_for(world.users["biller"])
        response = client.get(f"/api/ledger/patients/{world.a.patient.pk}")
        assert response.status_code == 200
        event = only_event(action="view", source="api ledger")
        assert (event.object_type, event.object_id) == (
            "frontdesk.Patient",
            str(world.a.patient.pk),
        )
        assert event.detail == {"ledger_entries": 1}
        assert patients_of(event) == [world.a.patient.pk]


class TestBatchDownload:
    def test_web_download_names_every_claim_and_patient(
        self, world, batch, second_patient, client_for
    ):
        response = client_for(world.users["biller"]).get(
            f"/claims-out/submissions/{batch.pk}/file/"
        )
        assert response.status_code == 200
        event = only_event(action="export")
        assert (event.object_type, event.object_id) == ("claims_out.Submission", str(batch.pk))
        assert event.source == "web 837p download"
        assert event.detail["count"] == 2
        assert sorted(event.detail["claim_ids"]) == sorted([world.a.claim.pk, second_patient[1].pk])
        assert patients_of(event) == sorted([world.a.patient.pk, second_patient[0].pk])

    def test_api_download(self, world, batch, api_client_for):
        client = api_client_for(world.users["auditor"])
        response = client.get(f"/api/claims-out/submissions/{batch.pk}/file")
        assert response.status_code == 200
        event = only_event(action="export")
        assert (event.user, event.source) == (world.users["auditor"], "api 837p download")
        assert event.detail["file"] == "CVFP-000000001.837"

    def test_another_practice_downloads_nothing_and_records_no_export(
        self, world, batch, api_client_for
    ):
        client = api_client_for(world.outsider)
        assert client.get(f"/api/claims-out/submissions/{batch.pk}/file").status_code == 404
        assert not AuditEvent.objects.filter(action="export").exists()


class TestSingleReads:
    def test_claim_events_and_scrub_are_audited(self, world, api_client_for):
        client = api_client_for(world.users["biller"])
        assert client.get(f"/api/claims-out/claims/{world.a.claim.pk}/events").status_code == 200
        assert client.get(f"/api/scrub/claims/{world.a.claim.pk}").status_code == 200
        sources = set(
            AuditEvent.objects.filter(action="view", object_id=str(world.a.claim.pk)).values_list(
                "source", flat=True
            )
        )
        assert {"api claim events", "api scrub"} <= sources

    def test_paperwork_status_is_audited(self, world, api_client_for):
        client = api_client_for(world.users["front_desk"])
        assert client.get(f"/api/frontdesk/visits/{world.a.visit.pk}/paperwork").status_code == 200
        event = only_event(action="view", source="api paperwork")
        assert patients_of(event) == [world.a.patient.pk]


class TestPatientLinks:
    def test_changes_are_linked_to_the_patient(self, world):
        # A claim line reaches its patient through the claim.
        line = world.a.claim.lines.get()
        event = AuditEvent.objects.get(
            object_type="billing.ClaimLine", object_id=str(line.pk), action="create"
        )
        assert patients_of(event) == [world.a.patient.pk]

    def test_rows_without_a_patient_have_no_link(self, world):
        event = AuditEvent.objects.filter(object_type="practice.Payer").first()
        assert event is not None and patients_of(event) == []

    def test_an_insurance_card_reaches_its_patient_through_the_coverage(self, world):
        from medbill.web.frontdesk.models import InsuranceCard
        from medbill.web.practice.audit import patient_ids_of

        card = InsuranceCard(practice=world.a.practice, coverage=world.a.coverage, side="front")
        assert patient_ids_of(card) == [world.a.patient.pk]

    def test_a_list_finds_its_patients_in_one_query(self, world, django_assert_num_queries):
        from medbill.web.billing.models import ClaimLine
        from medbill.web.practice import audit

        line = world.a.claim.lines.get()
        rows = [ClaimLine.objects.get(pk=line.pk) for _ in range(3)]  # three instances
        # The event, one look-up of the claims' patients, the links.
        with django_assert_num_queries(3):
            (event,) = audit.record_list(rows, world.users["biller"])
        assert patients_of(event) == [world.a.patient.pk]


class TestCommandLine:
    def run(self, *args):
        from typer.testing import CliRunner

        from medbill.cli.main import app

        result = CliRunner().invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result

    def test_cms1500_from_the_database(self, world, tmp_path):
        self.run(
            "forms", "cms1500", world.a.claim.patient_control_number, "-o", str(tmp_path / "c.pdf")
        )
        event = only_event(action="export", source="cli cms1500")
        assert event.user is None and event.detail["ids"] == [world.a.claim.pk]
        assert patients_of(event) == [world.a.patient.pk]

    def test_superbill_from_the_database(self, world, tmp_path):
        self.run("forms", "superbill", str(world.a.visit.pk), "-o", str(tmp_path / "s.pdf"))
        event = only_event(action="view", source="cli superbill")
        assert patients_of(event) == [world.a.patient.pk]

    def test_ar_aging_by_patient(self, world, tmp_path):
        self.run(
            "reports",
            "ar-aging",
            "--by",
            "patient",
            "--practice",
            "CVFP",
            "-o",
            str(tmp_path / "ar.csv"),
        )
        event = only_event(action="export", source="cli report")
        assert event.practice_id == world.a.practice.pk
        assert event.detail["report"] == "ar-aging by patient"
        self.run(
            "reports",
            "ar-aging",
            "--by",
            "payer",
            "--practice",
            "CVFP",
            "-o",
            str(tmp_path / "ar2.csv"),
        )
        assert AuditEvent.objects.filter(action="export").count() == 1


class TestBillingPages:
    """The account list, the denial queue, a remittance and the patient A/R download."""

    def test_the_account_list_records_the_patients_shown(self, world, client_for):
        post_payment(world.users["biller"], world.a.patient, "20.00")
        client_for(world.users["biller"]).get("/accounts/")
        event = only_event(action="list", object_type="frontdesk.Patient")
        assert patients_of(event) == [world.a.patient.pk]

    def test_the_denial_queue_records_its_page(self, world, client_for):
        from medbill.web.billing.remittance_models import (
            DenialItem,
            Remittance,
            RemittanceClaim,
            RemittanceFile,
        )

        site = world.a
        file = RemittanceFile.objects.create(practice=site.practice, name="a", sha256="c" * 64)
        rem = Remittance.objects.create(
            practice=site.practice,
            file=file,
            payer_identifier="X",
            trace_number="T",
            total_paid=Decimal("0"),
            status="posted",
        )
        rc = RemittanceClaim.objects.create(
            practice=site.practice,
            remittance=rem,
            claim=site.claim,
            claim_identifier="X",
            status_code="4",
            charge=Decimal("10"),
            paid=Decimal("0"),
            outcome="denied",
        )
        DenialItem.objects.create(
            practice=site.practice,
            remittance_claim=rc,
            claim=site.claim,
            amount=Decimal("10"),
            reasons=[["CO", "16"]],
            reason_words=["missing information"],
            action="fix",
        )
        client_for(world.users["biller"]).get("/denials/")
        event = only_event(action="list", object_type="billing.DenialItem")
        assert patients_of(event) == [site.patient.pk]
        client_for(world.users["biller"]).get(f"/remittances/{rem.pk}/")
        view = only_event(action="view", object_type="billing.Remittance")
        assert patients_of(view) == [site.patient.pk]

    def test_the_patient_ar_download_is_an_export(self, world, client_for):
        client = client_for(world.users["manager"])
        client.get("/reports/?csv=ar-patient")
        event = only_event(action="export")
        assert event.detail["report"] == "ar-patient"
        client.get("/reports/?csv=ar-payer")
        assert AuditEvent.objects.filter(action="export").count() == 1

"""The audit trail: create, update, delete and view events with before and after values,
and the auditor's page that browses and filters them."""

from __future__ import annotations

import datetime

import pytest

from medbill.web.frontdesk.models import Guarantor, Patient
from medbill.web.practice import audit
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def events_for(row, action):
    return AuditEvent.objects.filter(
        object_type=row._meta.label, object_id=str(row.pk), action=action
    )


class TestEvents:
    def test_create_records_every_value(self, world):
        user = world.users["front_desk"]
        with audit.acting_as(user, source="web"):
            patient = Patient.objects.create(
                practice=world.a.practice,
                account_number="CVFP-0002",
                last_name="Lind",
                first_name="Ada",
                date_of_birth=datetime.date(1970, 5, 1),
                sex="F",
            )
        event = events_for(patient, "create").get()
        assert event.user == user and event.username == "front_desk"
        assert event.practice_id == world.a.practice.pk
        assert event.source == "web"
        assert event.changes["last_name"] == {"before": None, "after": "Lind"}
        assert event.changes["date_of_birth"] == {"before": None, "after": "1970-05-01"}
        # The readable label names the row, never the patient.
        assert "Lind" not in event.object_repr

    def test_update_records_only_changed_fields(self, world):
        patient = Patient.objects.get(pk=world.a.patient.pk)
        with audit.acting_as(world.users["biller"]):
            patient.phone = "608-555-0101"
            patient.city = "Verona"
            patient.save()
        event = events_for(patient, "update").get()
        assert event.changes == {
            "city": {"before": "Madison", "after": "Verona"},
            "phone": {"before": "", "after": "608-555-0101"},
        }
        assert event.user == world.users["biller"]

    def test_saving_without_changes_records_nothing(self, world):
        patient = Patient.objects.get(pk=world.a.patient.pk)
        patient.save()
        assert not events_for(patient, "update").exists()

    def test_delete_records_the_values_it_removed(self, world):
        guarantor = Guarantor.objects.create(
            practice=world.a.practice,
            patient=world.a.patient,
            relationship="other",
            last_name="Ortega",
            first_name="Lucia",
        )
        pk = guarantor.pk
        with audit.acting_as(world.users["manager"]):
            guarantor.delete()
        event = AuditEvent.objects.get(
            object_type="frontdesk.Guarantor", object_id=str(pk), action="delete"
        )
        assert event.changes["first_name"] == {"before": "Lucia", "after": None}
        assert event.user == world.users["manager"]

    def test_money_rows_are_audited(self, world):
        assert events_for(world.a.claim, "create").exists()
        line = world.a.claim.lines.get()
        assert events_for(line, "create").get().changes["charge"]["after"] == "130.00"

    def test_viewing_a_patient_record_is_audited(self, world, client_for):
        client = client_for(world.users["coder"])
        assert client.get(f"/patients/{world.a.patient.pk}/").status_code == 200
        event = events_for(world.a.patient, "view").get()
        assert event.user == world.users["coder"]
        assert event.source == "web"

    def test_api_reads_are_audited(self, world, api_client_for):
        client = api_client_for(world.users["biller"])
        assert client.get(f"/api/patients/{world.a.patient.pk}").status_code == 200
        event = events_for(world.a.patient, "view").get()
        assert (event.user, event.source) == (world.users["biller"], "api")

    def test_web_changes_are_attributed_to_the_signed_in_user(self, world, client_for):
        client = client_for(world.users["front_desk"])
        client.post(
            f"/patients/{world.a.patient.pk}/payments/new/", {"amount": "5.00", "method": "cash"}
        )
        event = AuditEvent.objects.get(object_type="billing.Entry", action="create")
        assert (event.username, event.source) == ("front_desk", "web")


class TestAuditPage:
    def test_auditor_can_browse(self, world, client_for):
        client = client_for(world.users["auditor"])
        client.get(f"/patients/{world.a.patient.pk}/")
        response = client.get("/audit/")
        assert response.status_code == 200
        assert b"frontdesk.Patient" in response.content

    def test_admin_can_browse(self, world, client_for):
        assert client_for(world.users["admin"]).get("/audit/").status_code == 200

    def test_a_manager_reads_the_trail_of_their_practices_only(self, world, client_for):
        client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
        client_for(world.outsider).get(f"/patients/{world.b.patient.pk}/")
        client = client_for(world.users["manager"])
        page = client.get("/audit/", {"object_type": "frontdesk.Patient", "action": "view"})
        assert page.status_code == 200
        assert [e.object_id for e in page.context["page"]] == [str(world.a.patient.pk)]
        assert b'href="/audit/"' in page.content  # in the menu
        # Read-only: the page offers no form that changes anything.
        assert b'method="post"' not in page.content.split(b"<main")[-1]

    @pytest.mark.parametrize("role", ["front_desk", "coder", "biller"])
    def test_other_roles_cannot(self, world, client_for, role):
        assert client_for(world.users[role]).get("/audit/").status_code == 403

    def test_filters(self, world, client_for):
        client = client_for(world.users["auditor"])
        client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
        page = client.get("/audit/", {"action": "view", "user": "coder"})
        rows = list(page.context["page"])
        assert rows and all(e.action == "view" and e.username == "coder" for e in rows)
        page = client.get(
            "/audit/", {"object_type": "billing.Claim", "object_id": str(world.a.claim.pk)}
        )
        assert [e.action for e in page.context["page"]] == ["create"]
        page = client.get("/audit/", {"since": "2999-01-01"})
        assert list(page.context["page"]) == []

    def test_filter_by_patient_finds_single_and_bulk_reads(self, world, client_for):
        client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
        client_for(world.users["biller"]).get("/patients/")
        other = Patient.objects.create(
            practice=world.a.practice,
            account_number="CVFP-0009",
            last_name="Lind",
            first_name="Ada",
            date_of_birth=datetime.date(1970, 5, 1),
            sex="F",
        )
        client_for(world.users["front_desk"]).get(f"/patients/{other.pk}/")
        client = client_for(world.users["auditor"])
        for wanted in (world.a.patient.account_number, str(world.a.patient.pk)):
            page = client.get("/audit/", {"patient": wanted, "action": "view"})
            assert [e.username for e in page.context["page"]] == ["coder"]
        page = client.get("/audit/", {"patient": world.a.patient.account_number})
        actions = {(e.username, e.action) for e in page.context["page"]}
        assert {("coder", "view"), ("biller", "list")} <= actions
        assert ("front_desk", "view") not in actions
        # Changes are linked too: the claim made for the patient in the fixtures.
        assert any(e.object_type == "billing.Claim" for e in page.context["page"])

    def test_filter_by_patient_name(self, world, client_for):
        client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
        client = client_for(world.users["auditor"])
        for wanted in ("Ortega", "mateo ortega", "Ortega, Mateo"):
            page = client.get("/audit/", {"patient": wanted, "action": "view"})
            assert [e.username for e in page.context["page"]] == ["coder"], wanted
            assert b"patient-error" not in page.content

    def test_a_patient_filter_that_names_no_one_says_so(self, world, client_for):
        client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
        page = client_for(world.users["auditor"]).get("/audit/", {"patient": "Nobodyhere"})
        assert list(page.context["page"]) == []
        html = page.content.decode()
        error = html.index('id="patient-error"')
        assert "No patient of this practice has this name or account number" in html[error:]
        assert html.index('name="patient"') < error < html.index('name="action"')

    @pytest.mark.parametrize("field", ["since", "until"])
    def test_an_invalid_date_is_an_error_next_to_its_field(self, world, client_for, field):
        client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
        page = client_for(world.users["auditor"]).get("/audit/", {field: "2026-02-30"})
        assert page.status_code == 422
        assert list(page.context["page"]) == []  # not every event, as if unfiltered
        html = page.content.decode()
        error = html.index(f'id="{field}-error"')
        assert "Not a date" in html[error : error + 120]
        assert html.index(f'name="{field}"') < error

    def test_filter_by_patient_of_another_practice_finds_nothing(self, world, client_for):
        client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
        page = client_for(world.users["auditor"]).get(
            "/audit/", {"patient": world.b.patient.account_number}
        )
        assert list(page.context["page"]) == []

    def test_new_actions_can_be_chosen_and_show_what_was_returned(self, world, client_for):
        client_for(world.users["biller"]).get("/patients/")
        client_for(world.users["coder"]).get("/audit/")
        client = client_for(world.users["auditor"])
        page = client.get("/audit/", {"action": "denied"})
        assert [e.username for e in page.context["page"]] == ["coder"]
        response = client.get("/audit/", {"action": "list", "user": "biller"})
        html = response.content.decode()
        assert 'value="list" selected>listed or searched<' in html
        assert 'value="denied">refused<' in html and 'value="export">exported<' in html
        assert "1 patients" in html and "count" in html

    def test_records_and_actions_are_named_in_words(self, world, client_for):
        client_for(world.users["biller"]).get("/patients/")
        html = client_for(world.users["auditor"]).get("/audit/").content.decode()
        assert 'value="frontdesk.Patient">Patient<' in html
        assert "frontdesk.Patient #" not in html and ">Patient #" in html
        assert ">listed or searched</span>" in html

    def test_record_kinds_keep_their_acronyms(self, world, client_for):
        for object_type, source in (
            ("interfaces.EhrLink", "hl7"),
            ("billing.EraImportRun", "web 837p download"),
            ("coding.HcpcsCode", "fhir"),
        ):
            AuditEvent.objects.create(
                practice=world.a.practice,
                object_type=object_type,
                object_id="7",
                action="create",
                source=source,
            )
        html = client_for(world.users["auditor"]).get("/audit/").content.decode()
        for label in ("EHR link", "ERA import run", "HCPCS code"):
            assert f"<td>{label} #7</td>" in html
        for via in ("HL7", "web 837P download", "FHIR"):
            assert f"<td>{via}</td>" in html
        assert 'value="interfaces.EhrLink">EHR link<' in html
        assert "Ehr link" not in html and "Era import run" not in html
        assert audit.type_label("practice.ApiToken") == "API token"
        assert audit.type_label("billing.ClaimLine") == "Claim line"

    def test_from_after_to_says_so(self, world, client_for):
        client = client_for(world.users["auditor"])
        response = client.get("/audit/", {"since": "2026-03-02", "until": "2026-03-01"})
        assert response.status_code == 422
        assert "Before the From date" in response.content.decode()
        assert list(response.context["page"]) == []

    def test_only_own_practice_events(self, world, client_for):
        page = client_for(world.users["auditor"]).get(
            "/audit/", {"object_type": "frontdesk.Patient"}
        )
        ids = {e.object_id for e in page.context["page"]}
        assert ids == {str(world.a.patient.pk)}


class TestConditionalUpdate:
    def test_it_changes_one_row_and_audits_it(self, world):
        from medbill.web.billing.models import Claim

        claim = world.a.claim
        with audit.acting_as(world.users["biller"]):
            assert audit.update_where(Claim, claim.pk, {"status": "draft"}, status="scrubbed")
        claim.refresh_from_db()
        assert claim.status == "scrubbed"
        event = events_for(claim, "update").get()
        assert event.changes == {"status": {"before": "draft", "after": "scrubbed"}}
        assert event.user == world.users["biller"]

    def test_it_brings_the_callers_instance_up_to_date(self, world, django_assert_num_queries):
        from medbill.web.frontdesk.models import Visit

        visit = world.a.visit
        stale = Visit.objects.get(pk=visit.pk)
        Visit.objects.filter(pk=visit.pk).update(reason="Changed elsewhere")
        # The UPDATE, the read-back for the audit, the event and its patient: no refresh.
        with django_assert_num_queries(4):
            audit.update_where(
                Visit, visit.pk, {"status": "checked_out"}, refresh=stale, status="coded"
            )
        assert (stale.status, stale.reason) == ("coded", "Changed elsewhere")
        assert stale.patient == world.a.patient

    def test_it_changes_nothing_when_the_row_moved_on(self, world):
        from medbill.web.billing.models import Claim

        claim = world.a.claim
        assert not audit.update_where(Claim, claim.pk, {"status": "submitted"}, status="paid")
        claim.refresh_from_db()
        assert claim.status == "draft"
        assert not events_for(claim, "update").exists()

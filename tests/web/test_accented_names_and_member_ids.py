"""A patient named José Muñoz is asked about and paid like anyone (the X12 carries Jose
Munoz, our records keep the accents); a member id the payer cannot be sent is refused when
the coverage is saved, from every door, and named in words on the eligibility page."""

from __future__ import annotations

import pytest
from desk_support import simulator
from django.urls import reverse
from test_fhir_import import bundle, data
from test_hl7_intake import IN1, adt, ehr_patients

from medbill.core.x12.m270 import read_270
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import Remittance
from medbill.web.frontdesk.eligibility import check_visits, inquiry_for
from medbill.web.frontdesk.models import Coverage, EligibilityCheck, Patient
from medbill.web.frontdesk.services import save_coverage
from medbill.web.interfaces.fhir_in import import_bundle
from medbill.web.interfaces.services import receive
from medbill.web.practice.errors import ServiceError

pytestmark = pytest.mark.django_db

ODD = ["😀😀<script>*~^|", "Ü😀李123", "XYZ 123", "AB.12"]


def accented(site) -> Patient:
    Patient.objects.filter(pk=site.patient.pk).update(last_name="Muñoz", first_name="José")
    Coverage.objects.filter(pk=site.coverage.pk).update(
        subscriber_last_name="Muñoz", subscriber_first_name="Lucía"
    )
    site.coverage.refresh_from_db()
    return Patient.objects.get(pk=site.patient.pk)


def test_eligibility_for_an_accented_name_is_asked_and_answered(world, client_for):
    site = world.a
    patient = accented(site)
    client = client_for(world.users["front_desk"])
    with simulator(site):
        response = client.post(reverse("check_eligibility", args=[patient.pk]), follow=True)
    assert response.status_code == 200
    check = EligibilityCheck.objects.get(patient=patient)
    assert check.status == "active", check.error
    assert "Active · copay $25" in response.content.decode()
    # The records keep the accents; only the X12 is folded.
    patient.refresh_from_db()
    assert (patient.last_name, patient.first_name) == ("Muñoz", "José")


def test_the_270_of_an_accented_name_reads_back_in_the_x12_character_set(world):
    from medbill.core.x12.m270 import Envelope, write_270

    site = world.a
    accented(site)
    site.coverage.patient.refresh_from_db()
    inquiry = inquiry_for(site.coverage, site.visit.date_of_service)
    env = Envelope("MEDBILL", "PAYER", 1, 1, site.practice.created_at)
    (back,) = read_270(write_270([inquiry], env))
    assert (back.subscriber.last, back.subscriber.first) == ("Munoz", "Lucia")
    assert (back.dependent.last, back.dependent.first) == ("Munoz", "Jose")


@pytest.mark.parametrize("member_id", ODD)
def test_the_coverage_form_refuses_an_odd_member_id_beside_the_field(world, client_for, member_id):
    client = client_for(world.users["front_desk"])
    response = client.post(
        reverse("add_coverage", args=[world.a.patient.pk]),
        {
            "payer": world.a.payer.pk,
            "order": "tertiary",
            "member_id": member_id,
            "group_number": "Ü😀李123",
            "relationship_to_subscriber": "self",
            "active": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Member ID: letters, digits and - only" in html
    assert "Group number: letters, digits and - only" in html
    assert not Coverage.objects.filter(patient=world.a.patient, order="tertiary").exists()


def test_the_service_refuses_an_odd_member_id_or_group_number(world):
    coverage = Coverage(payer=world.a.payer, order="tertiary", member_id="Ü😀李123")
    with pytest.raises(ServiceError) as err:
        save_coverage(world.users["front_desk"], world.a.patient, coverage)
    assert (err.value.field, err.value.problem) == ("member_id", "letters, digits and - only")
    coverage = Coverage(
        payer=world.a.payer, order="tertiary", member_id="AB-12", group_number="G^1"
    )
    with pytest.raises(ServiceError) as err:
        save_coverage(world.users["front_desk"], world.a.patient, coverage)
    assert err.value.field == "group_number"
    ok = Coverage(payer=world.a.payer, order="tertiary", member_id=" 1eg4-te5-mk72 ")
    assert save_coverage(world.users["front_desk"], world.a.patient, ok).member_id == (
        "1EG4-TE5-MK72"
    )


def test_hl7_and_fhir_intake_hold_an_odd_member_id(world):
    practice = world.a.practice
    outcome = receive(
        practice, adt("ADT-9").replace(IN1, IN1.replace("LCI-123", "LCI+123")), source="file"
    )
    assert outcome.code != "AA"
    assert "member_id: letters, digits and - only" in outcome.error
    assert not ehr_patients(practice).exists()

    doc = bundle()
    doc["entry"][3]["resource"]["subscriberId"] = "Ü😀李123"
    held = import_bundle(practice, data(doc))
    assert held.status == "held"
    assert any("member_id: letters, digits and - only" in t for _, t, _ in held.problems)
    assert not Patient.objects.filter(practice=practice, last_name="Falkner").exists()


def test_a_coverage_saved_before_with_an_odd_member_id_is_named_not_a_server_error(
    world, client_for, api_client_for
):
    site = world.a
    Coverage.objects.filter(pk=site.coverage.pk).update(member_id="😀😀<script>*~^|")
    client = client_for(world.users["front_desk"])
    with simulator(site):
        response = client.post(reverse("check_eligibility", args=[site.patient.pk]), follow=True)
        api = api_client_for(world.users["front_desk"]).post(
            f"/api/frontdesk/patients/{site.patient.pk}/eligibility",
            "{}",
            content_type="application/json",
        )
    assert response.status_code == 200
    assert (
        "Member ID: letters, digits and - only; correct the coverage, then ask again"
        in response.content.decode()
    )
    assert api.status_code == 422 and "member_id" in api.content.decode()
    assert not EligibilityCheck.objects.filter(patient=site.patient).exists()


def test_a_name_with_no_latin_form_is_named_on_the_eligibility_page(world, client_for):
    site = world.a
    Patient.objects.filter(pk=site.patient.pk).update(last_name="李")
    client = client_for(world.users["front_desk"])
    with simulator(site):
        response = client.post(reverse("check_eligibility", args=[site.patient.pk]), follow=True)
    assert response.status_code == 200
    assert "Patient last name: has a letter (U+674E) with no form" in response.content.decode()


def test_the_day_run_counts_a_coverage_it_cannot_send_apart(world):
    from desk_support import visit_today

    site = world.a
    visit = visit_today(site)
    Coverage.objects.filter(pk=site.coverage.pk).update(member_id="Ü123")
    with simulator(site):
        counts = check_visits([visit])
    assert counts == {"not_sendable": 1}


def test_a_paper_eob_for_an_accented_patient_posts(world, client_for):
    site = world.a
    patient = accented(site)
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    form = {
        "payer": site.payer.pk,
        "check_number": "100234",
        "check_date": "2026-03-20",
        "check_total": "90.00",
        "claim_1": site.claim.patient_control_number,
        "paid_1": "90.00",
        "adjustments_1": "CO-45 20.00; PR-2 20.00",
        "patient_1": "20.00",
    }
    response = client_for(world.users["biller"]).post("/remittances/paper/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    rem = Remittance.objects.get()
    assert rem.status == "posted"
    assert rem.claims.get().claim == site.claim
    patient.refresh_from_db()
    assert (patient.last_name, patient.first_name) == ("Muñoz", "José")

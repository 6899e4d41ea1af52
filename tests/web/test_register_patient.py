"""Registration: patient, duplicates before saving, guarantor, coverages with subscriber and
card images, required-for-billing fields."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from medbill.web.frontdesk.models import Coverage, Guarantor, InsuranceCard, Patient
from medbill.web.frontdesk.services import billing_gaps
from medbill.web.practice.models import AuditEvent

NEW = {
    "last_name": "Lindqvist",
    "first_name": "Maren",
    "date_of_birth": "1984-05-17",
    "sex": "F",
    "line1": "12 Elm St",
    "city": "Madison",
    "state": "wi",
    "zip": "53703-1418",
    "phone": "608-555-0142",
    "preferred_language": "English",
    "g-relationship": "self",
}


def test_it_shows_the_form_with_billing_fields_marked(world, client_for):
    page = client_for(world.users["front_desk"]).get(reverse("register_patient"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-billing="1"' in html and "needed on claims" in html


def test_it_registers_a_patient_with_the_next_account_number(world, client_for):
    client = client_for(world.users["front_desk"])
    response = client.post(reverse("register_patient"), NEW)
    patient = Patient.objects.get(last_name="Lindqvist")
    assert response.status_code == 302
    assert response["Location"] == reverse("add_coverage", args=[patient.pk])
    assert patient.practice_id == world.a.practice.pk
    assert patient.account_number == "CVFP-0002"
    assert patient.state == "WI" and patient.zip == "537031418"
    assert AuditEvent.objects.filter(
        object_type="frontdesk.Patient", object_id=str(patient.pk), action="create"
    ).exists()


def test_it_shows_likely_duplicates_before_saving(world, client_for):
    client = client_for(world.users["front_desk"])
    twin = dict(
        NEW,
        last_name="Ortega",
        first_name="Matteo",
        date_of_birth="2019-06-30",
        line1="905 Williamson St",
        zip="537031418",
    )
    page = client.post(reverse("register_patient"), twin)
    assert page.status_code == 200
    html = page.content.decode()
    assert "may be a patient we already have" in html
    assert "same date of birth" in html and "same last name" in html
    assert world.a.patient.account_number in html
    assert not Patient.objects.filter(first_name="Matteo").exists()
    # The clerk decides it is someone else: saved on the second press.
    saved = client.post(reverse("register_patient"), dict(twin, not_a_duplicate="1"))
    assert saved.status_code == 302
    assert Patient.objects.filter(first_name="Matteo").count() == 1


def test_duplicates_of_another_practice_are_not_shown(world, client_for):
    client = client_for(world.users["front_desk"])
    b = world.b.patient
    page = client.post(
        reverse("register_patient"),
        dict(NEW, last_name=b.last_name, first_name=b.first_name, date_of_birth="2019-06-30"),
    )
    assert b.account_number not in page.content.decode()


def test_it_edits_a_patient_and_sets_a_guarantor(world, client_for):
    client = client_for(world.users["front_desk"])
    patient = world.a.patient
    data = dict(
        NEW,
        last_name=patient.last_name,
        first_name=patient.first_name,
        date_of_birth="2019-06-30",
        sex="M",
        account_number=patient.account_number,
        not_a_duplicate="1",
        **{"g-relationship": "other", "g-last_name": "Ortega", "g-first_name": "Lucia"},
    )
    response = client.post(reverse("edit_patient", args=[patient.pk]), data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone == "608-555-0142"
    guarantor = Guarantor.objects.get(patient=patient)
    assert (guarantor.first_name, guarantor.relationship) == ("Lucia", "other")


def test_it_adds_a_secondary_coverage_with_a_subscriber_and_card_images(world, client_for):
    from desk_support import png
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users["front_desk"])
    patient = Patient.objects.create(
        practice=world.a.practice,
        account_number="CVFP-0100",
        last_name="Nakamura",
        first_name="Ken",
        date_of_birth="2012-01-09",
        sex="M",
    )
    form = reverse("add_coverage", args=[patient.pk])
    assert 'value="primary" selected' in client.get(form).content.decode()
    primary = client.post(
        form,
        {
            "payer": world.a.payer.pk,
            "order": "primary",
            "member_id": " abc123 ",
            "relationship_to_subscriber": "child",
            "subscriber_last_name": "Nakamura",
            "subscriber_first_name": "Aiko",
            "subscriber_date_of_birth": "1980-03-02",
            "subscriber_sex": "F",
            "effective_date": "2026-01-01",
            "active": "on",
            "another": "1",
            "card_front": SimpleUploadedFile("front.png", png(), content_type="image/png"),
            "card_back": SimpleUploadedFile("back.png", png(), content_type="image/png"),
        },
    )
    assert primary.status_code == 302 and primary["Location"] == form
    secondary = client.post(
        form,
        {
            "payer": world.a.secondary_payer.pk,
            "order": "secondary",
            "member_id": "WI55",
            "relationship_to_subscriber": "self",
            "active": "on",
        },
    )
    assert secondary.status_code == 302
    rows = {c.order: c for c in Coverage.objects.filter(patient=patient)}
    assert rows["primary"].member_id == "ABC123"
    assert rows["primary"].subscriber_first_name == "Aiko"
    assert rows["secondary"].payer == world.a.secondary_payer
    card = InsuranceCard.objects.get(coverage=rows["primary"], side="front")
    assert bytes(card.image).startswith(b"\x89PNG")
    image = client.get(reverse("show_card_image", args=[rows["primary"].pk, "back"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    # The audit trail records the upload but never the image bytes.
    event = AuditEvent.objects.filter(object_type="frontdesk.InsuranceCard").first()
    assert "image" not in event.changes


def test_it_refuses_a_second_active_primary_and_a_dependant_without_subscriber(world, client_for):
    client = client_for(world.users["front_desk"])
    form = reverse("add_coverage", args=[world.a.patient.pk])
    clash = client.post(
        form,
        {
            "payer": world.a.payer.pk,
            "order": "primary",
            "member_id": "X1",
            "relationship_to_subscriber": "self",
            "active": "on",
        },
    )
    assert "already has an active primary coverage" in clash.content.decode()
    nameless = client.post(
        form,
        {
            "payer": world.a.payer.pk,
            "order": "tertiary",
            "member_id": "X2",
            "relationship_to_subscriber": "child",
            "active": "on",
        },
    )
    assert "subscriber&#x27;s name is needed" in nameless.content.decode()
    assert Coverage.objects.filter(patient=world.a.patient).count() == 2


def test_it_refuses_a_card_that_is_not_an_image(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users["front_desk"])
    response = client.post(
        reverse("edit_coverage", args=[world.a.secondary.pk]),
        {
            "payer": world.a.secondary_payer.pk,
            "order": "secondary",
            "member_id": "WI00918273",
            "relationship_to_subscriber": "self",
            "active": "on",
            "card_front": SimpleUploadedFile("x.exe", b"MZ...", content_type="application/x-msdos"),
        },
    )
    assert "expected a JPEG, PNG, WebP image or a PDF" in response.content.decode()


def test_billing_gaps_name_what_a_claim_would_miss(world):
    patient = world.a.patient
    assert billing_gaps(patient) == []
    patient.line1 = ""
    patient.sex = "U"
    patient.save()
    world.a.coverage.subscriber_sex = ""
    world.a.coverage.save()
    gaps = billing_gaps(patient)
    assert "patient street address is missing" in gaps
    assert "patient sex is unknown" in gaps
    assert any("subscriber sex is missing" in g for g in gaps)


@pytest.mark.parametrize("role", ["coder", "auditor"])
def test_roles_without_edit_rights_cannot_register(world, client_for, role):
    assert client_for(world.users[role]).get(reverse("register_patient")).status_code == 403


def test_another_practices_patient_is_a_404(world, client_for):
    client = client_for(world.users["front_desk"])
    assert client.get(reverse("edit_patient", args=[world.b.patient.pk])).status_code == 404
    assert client.get(reverse("add_coverage", args=[world.b.patient.pk])).status_code == 404


def test_the_next_account_number_follows_the_highest_number_not_the_longest_text(world):
    from medbill.web.frontdesk.services import register_patient

    practice = world.a.practice
    for account in ("CVFP-9999", "CVFP-10000", "CVFP-12", "CVFP-X7", "CVFPX-99999"):
        Patient.objects.create(
            practice=practice,
            account_number=account,
            last_name="Nr",
            first_name=account,
            date_of_birth=datetime.date(1990, 1, 1),
        )
    new = Patient(last_name="Quist", first_name="Ida", date_of_birth=datetime.date(1968, 2, 21))
    assert register_patient(None, practice, new).account_number == "CVFP-10001"


def test_leading_zeros_do_not_make_a_number_bigger(world):
    from medbill.web.frontdesk.services import register_patient

    practice = world.a.practice
    for account in (
        "CVFP-10000",
        "CVFP-000000019999",  # the longest text, a smaller number than 20000
        "CVFP-0000",
        "CVFP-20000",
        "cvfp-99999",  # another prefix (letters are compared as written)
    ):
        Patient.objects.create(
            practice=practice,
            account_number=account,
            last_name="Nr",
            first_name=account,
            date_of_birth=datetime.date(1990, 1, 1),
        )
    new = Patient(last_name="Quist", first_name="Ida", date_of_birth=datetime.date(1968, 2, 21))
    assert register_patient(None, practice, new).account_number == "CVFP-20001"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"state": "ZZ"}, "state", "Not a US state"),
        ({"state": "qq"}, "state", "Not a US state"),
    ],
)
def test_registration_refuses_a_future_birth_date_and_an_unknown_state(
    world, client_for, change, field, words
):
    client = client_for(world.users["front_desk"])
    response = client.post(reverse("register_patient"), {**NEW, **change})
    assert response.status_code in (200, 422)
    html = response.content.decode()
    assert words in html
    assert not Patient.objects.filter(last_name="Lindqvist").exists()


def test_territories_and_military_addresses_are_states():
    from medbill.web.practice.fields import state_validator

    for code in ("PR", "GU", "VI", "DC", "AE", "ap"):
        state_validator(code)


def _register(practice, first, account_number=""):
    from medbill.web.frontdesk.services import register_patient

    new = Patient(
        last_name="Quist",
        first_name=first,
        date_of_birth=datetime.date(1968, 2, 21),
        account_number=account_number,
    )
    return register_patient(None, practice, new).account_number


def test_a_number_typed_by_hand_moves_the_next_number_past_it(world):
    practice = world.a.practice
    first = _register(practice, "Ida")
    assert _register(practice, "Ivo", "CVFP-50000") == "CVFP-50000"
    assert _register(practice, "Iris", "CVFPX-90000") == "CVFPX-90000"  # not our prefix
    assert _register(practice, "Ines") == "CVFP-50001"
    assert int(first.split("-")[1]) < 50000


def test_an_account_number_changed_on_the_patient_moves_the_next_number_past_it(world):
    from medbill.web.frontdesk.services import update_patient

    practice = world.a.practice
    _register(practice, "Ida")
    patient = Patient.objects.get(practice=practice, first_name="Ida", last_name="Quist")
    patient.account_number = "CVFP-70000"
    update_patient(None, patient)
    assert _register(practice, "Ivo") == "CVFP-70001"


def test_a_number_taken_outside_the_desk_is_skipped_not_failed_on(world):
    """A patient saved with the number the sequence would give next (by an import that
    wrote the rows itself, say): the registration reads the numbers again and goes on."""
    practice = world.a.practice
    number = int(_register(practice, "Ida").split("-")[1])
    for n in (number + 1, number + 7):
        Patient.objects.create(
            practice=practice,
            account_number=f"CVFP-{n:04d}",
            last_name="Nr",
            first_name=str(n),
            date_of_birth=datetime.date(1990, 1, 1),
        )
    assert _register(practice, "Ivo") == f"CVFP-{number + 8:04d}"


def test_a_new_short_code_starts_its_own_numbers(world):
    practice = world.a.practice
    _register(practice, "Ida")
    practice.short_code = "CVX"
    practice.save()
    assert _register(practice, "Ivo") == "CVX-0001"
    assert _register(practice, "Ines") == "CVX-0002"


def test_account_numbers_differing_only_in_case_are_one_account(world):
    from medbill.web.frontdesk.services import update_patient
    from medbill.web.practice.errors import ServiceError

    practice = world.a.practice
    assert _register(practice, "Ida", " cvfp-0200 ") == "CVFP-0200"
    with pytest.raises(ServiceError, match="another patient has this account number"):
        _register(practice, "Ivo", "Cvfp-0200")
    assert _register(practice, "Ines") == "CVFP-0201"
    other = Patient.objects.get(practice=practice, first_name="Ines", last_name="Quist")
    other.account_number = "cvfp-0200"
    with pytest.raises(ServiceError, match="another patient has this account number"):
        update_patient(None, other)

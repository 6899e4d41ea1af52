"""Paperwork: kiosk codes without a login, drawn and typed signatures with their PDFs,
completeness before billing, and the claim indicators the signatures drive."""

from __future__ import annotations

import datetime
import io

from desk_support import drawn, visit_today
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from medbill.web.billing.documents import claim_document
from medbill.web.claims_out.documents import claim_documents
from medbill.web.frontdesk.models import DeskSettings, KioskPass, PaperworkSignature
from medbill.web.frontdesk.paperwork import issue_kiosk_pass, packet_for, paperwork_status
from medbill.web.practice.models import AuditEvent

ALL = [
    "demographics",
    "insurance",
    "hipaa_notice",
    "consent",
    "assignment_of_benefits",
    "release_of_information",
    "financial_policy",
]


def _code_from_desk(world, client_for, visit) -> str:
    client = client_for(world.users["front_desk"])
    response = client.post(reverse("issue_kiosk_code", args=[visit.pk]), follow=True)
    html = response.content.decode()
    assert 'id="kiosk-code"' in html
    return html.split("Kiosk code <strong>")[1].split("</strong>")[0]


def test_the_kiosk_files_a_drawn_signature_with_its_pdf(world, client_for):
    visit = visit_today(world.a)
    code = _code_from_desk(world, client_for, visit)
    assert KioskPass.objects.get().code_hash != code  # only the hash is stored
    kiosk = Client(REMOTE_ADDR="10.1.2.3")
    start = kiosk.post(reverse("kiosk_start"), {"code": code.lower()})
    assert start.status_code == 302
    page = kiosk.get(start["Location"])
    assert page.status_code == 200 and "Hello Mateo" in page.content.decode()
    done = kiosk.post(
        start["Location"],
        {
            "documents": ALL,
            "signer_name": "Lucia Ortega",
            "relationship": "parent",
            "method": "drawn",
            "drawn_signature": drawn(),
        },
    )
    assert "Thank you" in done.content.decode()
    rows = PaperworkSignature.objects.filter(visit=visit)
    assert rows.count() == 7
    aob = rows.get(document="assignment_of_benefits")
    assert aob.method == "drawn" and aob.channel == "kiosk" and aob.ip_address == "10.1.2.3"
    assert aob.signer_relationship == "parent" and bytes(aob.signature_png).startswith(b"\x89PNG")
    text = PdfReader(io.BytesIO(bytes(aob.pdf))).pages[0].extract_text()
    assert "Assignment of benefits" in text and "Lucia Ortega" in text and "10.1.2.3" in text
    assert rows.get(document="demographics").method == "none"
    assert paperwork_status(visit).complete
    # The pass is spent: the same code opens nothing any more, nor does the tablet's page.
    assert start["Location"] == reverse("kiosk_packet")
    assert kiosk.get(start["Location"]).status_code == 404
    assert kiosk.get(reverse("kiosk_link", args=[code])).status_code == 404
    # No signature bytes in the audit trail.
    event = AuditEvent.objects.filter(object_type="frontdesk.PaperworkSignature").first()
    assert "pdf" not in event.changes and "signature_png" not in event.changes


def test_a_kiosk_packet_without_ink_is_refused_and_the_code_still_works(world, client_for):
    visit = visit_today(world.a)
    code = _code_from_desk(world, client_for, visit)
    kiosk = Client()
    assert kiosk.get(reverse("kiosk_link", args=[code])).status_code == 302
    url = reverse("kiosk_packet")
    bad = kiosk.post(
        url,
        {
            "documents": ["consent"],
            "signer_name": "Mateo Ortega",
            "method": "drawn",
            "drawn_signature": "data:image/png;base64,AAAA",
        },
    )
    assert "not a PNG" in bad.content.decode()
    assert not PaperworkSignature.objects.exists()
    typed = kiosk.post(
        url,
        {
            "documents": ["consent"],
            "signer_name": "Mateo Ortega",
            "method": "typed",
            "typed_signature": "mateo ortega",
        },
    )
    assert "Thank you" in typed.content.decode()
    assert PaperworkSignature.objects.get().method == "typed"


def test_an_expired_or_unknown_code_opens_nothing(world):
    visit = visit_today(world.a)
    code = issue_kiosk_pass(world.users["front_desk"], visit)
    KioskPass.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert Client().get(reverse("kiosk_link", args=[code])).status_code == 404
    assert Client().get(reverse("kiosk_packet")).status_code == 404
    start = Client().post(reverse("kiosk_start"), {"code": "ZZZZZZZZ"})
    assert "not valid or has expired" in start.content.decode()


def test_a_new_code_replaces_the_old_one(world):
    visit = visit_today(world.a)
    first = issue_kiosk_pass(world.users["front_desk"], visit)
    second = issue_kiosk_pass(world.users["front_desk"], visit)
    assert Client().get(reverse("kiosk_link", args=[first])).status_code == 404
    tablet = Client()
    assert tablet.get(reverse("kiosk_link", args=[second])).status_code == 302
    assert tablet.get(reverse("kiosk_packet")).status_code == 200


def test_staff_complete_the_packet_with_a_typed_signature(world, client_for):
    visit = visit_today(world.a)
    client = client_for(world.users["front_desk"])
    form = client.get(reverse("complete_paperwork", args=[visit.pk]))
    assert 'id="signature-pad"' in form.content.decode()
    response = client.post(
        reverse("complete_paperwork", args=[visit.pk]),
        {
            "documents": ["hipaa_notice", "consent"],
            "signer_name": "Lucia Ortega",
            "method": "typed",
            "typed_signature": "Lucia Ortega",
        },
    )
    assert response.status_code == 302
    row = PaperworkSignature.objects.get(document="consent")
    assert row.channel == "staff" and row.recorded_by == world.users["front_desk"]
    missing = paperwork_status(visit)
    assert not missing.complete
    assert "assignment_of_benefits" in missing.missing
    pdf = client.get(reverse("signed_document_pdf", args=[row.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_a_typed_name_that_differs_is_refused(world, client_for):
    visit = visit_today(world.a)
    client = client_for(world.users["front_desk"])
    response = client.post(
        reverse("complete_paperwork", args=[visit.pk]),
        {
            "documents": ["consent"],
            "signer_name": "Lucia Ortega",
            "method": "typed",
            "typed_signature": "L O",
        },
    )
    assert "type your name exactly as above" in response.content.decode()


def test_the_practice_chooses_its_packet(world, client_for):
    client = client_for(world.users["manager"])
    response = client.post(
        reverse("desk_settings"),
        {
            "part": "settings",
            "packet": ["hipaa_notice", "financial_policy"],
            "s-self_pay_discount": "0.25",
            "s-estimate_valid_days": "90",
            "s-kiosk_link_hours": "2",
            "s-hold_claims_for_paperwork": "always",
        },
    )
    assert response.status_code == 302
    assert DeskSettings.objects.get().hold_claims_for_paperwork == "always"
    assert [i.document for i in packet_for(world.a.practice)] == [
        "hipaa_notice",
        "financial_policy",
    ]
    assert str(DeskSettings.objects.get().self_pay_discount) == "0.250"
    assert client_for(world.users["front_desk"]).get(reverse("desk_settings")).status_code == 403


def test_signatures_drive_the_claim_indicators(world):
    claim = world.a.claim
    # No paperwork filed here: the claim keeps its defaults.
    assert claim_document(claim).release_of_information == "Y"
    visit = world.a.visit
    signed = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0))
    PaperworkSignature.objects.create(
        practice=world.a.practice,
        patient=world.a.patient,
        visit=visit,
        document="consent",
        signer_name="Lucia Ortega",
        method="typed",
        signed_at=signed,
        channel="staff",
        pdf=b"%PDF",
    )
    document = claim_document(claim)
    assert document.release_of_information == "I"
    assert document.benefits_assigned is False
    for name in ("release_of_information", "assignment_of_benefits"):
        PaperworkSignature.objects.create(
            practice=world.a.practice,
            patient=world.a.patient,
            visit=visit,
            document=name,
            signer_name="Lucia Ortega",
            method="drawn",
            signed_at=signed,
            channel="kiosk",
            pdf=b"%PDF",
        )
    document = claim_document(claim)
    assert document.release_of_information == "Y" and document.benefits_assigned is True
    assert claim_documents([claim]) == [document]


def test_the_patient_corrects_their_details_at_the_kiosk(world, client_for):
    visit = visit_today(world.a)
    code = _code_from_desk(world, client_for, visit)
    kiosk = Client()
    kiosk.get(reverse("kiosk_link", args=[code]))
    url = reverse("kiosk_packet")
    sign = {
        "documents": ["demographics"],
        "signer_name": "Mateo Ortega",
        "method": "typed",
        "typed_signature": "Mateo Ortega",
    }
    bad = kiosk.post(url, dict(sign, zip="5370"))
    assert "ZIP code: 5 or 9 digits" in bad.content.decode()
    assert not PaperworkSignature.objects.exists()
    done = kiosk.post(
        url,
        dict(sign, phone="608-555-0177", zip="53703-1418", state="wi", line1="905 Williamson St"),
    )
    assert "Thank you" in done.content.decode()
    patient = world.a.patient
    patient.refresh_from_db()
    assert patient.phone == "608-555-0177" and patient.zip == "537031418"
    event = AuditEvent.objects.filter(object_type="frontdesk.Patient", action="update").last()
    assert event.source == "kiosk" and set(event.changes) == {"phone"}


def test_the_manager_sets_up_a_payer_endpoint_and_its_password_stays_out_of_the_audit(
    world, client_for
):
    from medbill.web.frontdesk.models import PayerEndpoint

    client = client_for(world.users["manager"])
    form = {
        "part": "endpoint",
        "e-payer": world.a.payer.pk,
        "e-url": "https://eligibility.example.org/core",
        "e-sender_id": "CVFP01",
        "e-receiver_id": "LCI220",
        "e-username": "cvfp",
        "e-password": "s3cret-word",
        "e-envelope": "mime",
        "e-timeout_seconds": "8",
        "e-usage": "T",
        "e-active": "on",
    }
    assert client.post(reverse("desk_settings"), form).status_code == 302
    row = PayerEndpoint.objects.get(practice=world.a.practice, payer=world.a.payer)
    assert (row.envelope, row.password, str(row.timeout_seconds)) == ("mime", "s3cret-word", "8.0")
    # Saving again without a password keeps the one on file.
    assert (
        client.post(
            reverse("desk_settings"), dict(form, **{"e-password": "", "e-envelope": "soap"})
        ).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.password == "s3cret-word" and row.envelope == "soap"
    events = AuditEvent.objects.filter(object_type="frontdesk.PayerEndpoint")
    assert events.count() == 2 and all("password" not in e.changes for e in events)
    page = client.get(reverse("desk_settings")).content.decode()
    assert "s3cret-word" not in page and "eligibility.example.org" in page


def test_the_visit_document_for_printing_carries_the_indicators_too(world):
    from medbill.web.billing.printing import visit_document

    visit = world.a.visit
    assert visit_document(visit).benefits_assigned is True  # no paperwork here: defaults
    PaperworkSignature.objects.create(
        practice=world.a.practice,
        patient=world.a.patient,
        visit=visit,
        document="release_of_information",
        signer_name="Lucia Ortega",
        method="typed",
        signed_at=timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0)),
        channel="staff",
        pdf=b"%PDF",
    )
    document = visit_document(visit)
    assert document.release_of_information == "Y" and document.benefits_assigned is False

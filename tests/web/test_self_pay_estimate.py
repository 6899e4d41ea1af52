"""Self-pay: a good-faith estimate from the fee schedule with the practice's discount,
signed by the patient, with a deposit."""

from __future__ import annotations

import io
from decimal import Decimal

from desk_support import drawn
from django.urls import reverse
from pypdf import PdfReader

from medbill.web.billing.models import Entry
from medbill.web.frontdesk.models import DeskSettings, SelfPayEstimate


def test_it_prices_the_estimate_with_the_self_pay_discount(world, client_for):
    DeskSettings.objects.create(practice=world.a.practice, self_pay_discount=Decimal("0.2"))
    client = client_for(world.users["front_desk"])
    response = client.post(
        reverse("new_estimate", args=[world.a.patient.pk]),
        {
            "services": "99213, 36415 x2",
            "diagnoses": "J02.0",
            "service_date": "2026-12-01",
            "deposit": "50",
        },
    )
    assert response.status_code == 302
    est = SelfPayEstimate.objects.get()
    assert est.number == "GFE-CVFP-00001"
    assert [s["code"] for s in est.services] == ["99213", "36415"]
    # (130 + 2 x 18) = 166, less 20 % = 132.80
    assert est.total == Decimal("132.80")
    assert est.diagnoses == ["J020"]
    page = client.get(response["Location"]).content.decode()
    assert "$132.80" in page
    pdf = client.get(reverse("estimate_pdf", args=[est.pk]))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "GFE-CVFP-00001" in text and "99213" in text


def test_a_code_without_a_fee_is_named(world, client_for):
    client = client_for(world.users["front_desk"])
    response = client.post(
        reverse("new_estimate", args=[world.a.patient.pk]), {"services": "99213, 99999"}
    )
    assert "99999: not on the fee schedule" in response.content.decode()
    assert not SelfPayEstimate.objects.exists()


def test_the_patient_signs_and_pays_a_deposit(world, client_for):
    client = client_for(world.users["front_desk"])
    client.post(reverse("new_estimate", args=[world.a.patient.pk]), {"services": "99213"})
    est = SelfPayEstimate.objects.get()
    url = reverse("show_estimate", args=[est.pk])
    signed = client.post(
        url,
        {
            "action": "sign",
            "signer_name": "Lucia Ortega",
            "method": "drawn",
            "drawn_signature": drawn(),
        },
    )
    assert signed.status_code == 302
    est.refresh_from_db()
    assert est.signed_at is not None and est.signer_name == "Lucia Ortega"
    pages = PdfReader(io.BytesIO(bytes(est.signed_pdf))).pages
    assert len(pages) >= 2 and "acknowledgement" in pages[-1].extract_text()
    again = client.post(
        url,
        {
            "action": "sign",
            "signer_name": "Lucia Ortega",
            "method": "typed",
            "typed_signature": "Lucia Ortega",
        },
    )
    assert "already signed" in again.content.decode()
    client.post(url, {"action": "deposit", "amount": "60", "pay_method": "cash"})
    deposit = Entry.objects.get(source_ref="deposit")
    assert deposit.amount == Decimal("-60.00") and deposit.patient == world.a.patient

"""The patient record: demographics, coverage, visits, claims and the ledger."""

from __future__ import annotations

import pytest

from medbill.web.billing.services import post_payment

pytestmark = pytest.mark.django_db


def test_it_works(world, client_for):
    post_payment(world.users["biller"], world.a.patient, "15.00", method="check")
    response = client_for(world.users["biller"]).get(f"/patients/{world.a.patient.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mateo" in text and "Lakeland Commercial Insurance" in text
    assert "Wisconsin Medicaid" in text and "CVFP-000102" in text
    assert "-$15.00" in text
    assert "Post payment" in text  # a biller may post payments


def test_coder_sees_no_payment_button(world, client_for):
    response = client_for(world.users["coder"]).get(f"/patients/{world.a.patient.pk}/")
    assert response.status_code == 200
    assert "Post payment" not in response.content.decode()

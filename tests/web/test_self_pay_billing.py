"""A coded visit of a patient without insurance: billed to the patient from the claim
build, less the practice's self-pay discount, line by line; never twice, never for a
patient whose coverage is in effect."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from test_claims_out import coded_visit

from medbill.web.billing.models import Entry
from medbill.web.billing.self_pay import bill_self_pay
from medbill.web.frontdesk.desk_models import DeskSettings
from medbill.web.frontdesk.models import Coverage, Visit
from medbill.web.frontdesk.services import account_balance
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def _uninsured(site) -> Visit:
    Coverage.objects.filter(patient=site.patient).update(active=False)
    DeskSettings.objects.update_or_create(
        practice=site.practice, defaults={"self_pay_discount": Decimal("0.25")}
    )
    return coded_visit(site)


def test_the_build_page_bills_an_uninsured_visit_to_the_patient(world, client_for):
    site = world.a
    visit = _uninsured(site)
    client = client_for(world.users["biller"])
    page = client.get("/claims-out/build/").content.decode()
    assert "no primary coverage in effect on the date of service" in page
    assert f'action="/claims-out/build/self-pay/{visit.pk}/"' in page
    response = client.post(f"/claims-out/build/self-pay/{visit.pk}/", follow=True)
    said = response.content.decode()
    assert "$162.00 charged, less $40.50 self-pay discount" in said
    rows = Entry.objects.filter(visit=visit).order_by("pk")
    assert [(e.kind, e.responsibility, str(e.amount)) for e in rows] == [
        ("charge", "patient", "130.00"),
        ("charge", "patient", "32.00"),
        ("adjustment", "patient", "-40.50"),
    ]
    assert all(e.claim_id is None and e.payer_id is None for e in rows)
    assert account_balance(site.patient).amount == Decimal("121.50")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BILLED
    assert AuditEvent.objects.filter(object_type="billing.Entry", action="create").count() >= 3
    # Again (a second tab): refused, nothing posted twice.
    again = client.post(f"/claims-out/build/self-pay/{visit.pk}/", follow=True).content.decode()
    assert "is not ready to bill" in again
    assert Entry.objects.filter(visit=visit).count() == 3


def test_a_patient_with_coverage_in_effect_gets_a_claim_not_a_bill(world):
    site = world.a
    visit = coded_visit(site)
    with pytest.raises(ServiceError, match="has coverage in effect on 03/04/2026"):
        bill_self_pay(world.users["biller"], visit)
    assert not Entry.objects.filter(visit=visit).exists()


def test_without_a_discount_only_the_charges_are_posted(world):
    site = world.a
    Coverage.objects.filter(patient=site.patient).update(active=False)
    visit = coded_visit(site)
    entries = bill_self_pay(world.users["biller"], visit)
    assert [e.kind for e in entries] == ["charge", "charge"]
    assert account_balance(site.patient).amount == Decimal("162.00")


def test_billing_a_patient_needs_the_billers_role(world, client_for):
    site = world.a
    visit = _uninsured(site)
    with pytest.raises(PermissionDenied):
        bill_self_pay(world.users["front_desk"], visit)
    response = client_for(world.users["front_desk"]).post(f"/claims-out/build/self-pay/{visit.pk}/")
    assert response.status_code == 403
    other = client_for(world.users["biller"])
    b_visit = coded_visit(world.b)
    assert other.post(f"/claims-out/build/self-pay/{b_visit.pk}/").status_code == 404

"""Posting a payment: the service, the web form and the API; who may and who may not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from medbill.core.money import Money
from medbill.core.roles import ROLES, can
from medbill.web.billing.models import Entry
from medbill.web.billing.services import balance_of, post_payment
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


class TestService:
    def test_it_works(self, world):
        patient = world.a.patient
        entry = post_payment(
            world.users["front_desk"],
            patient,
            "25.00",
            method="card",
            reference="R-1",
            claim=world.a.claim,
        )
        assert entry.kind == Entry.Kind.PAYMENT
        assert entry.amount == Decimal("-25.00")
        assert entry.responsibility == Entry.Responsibility.PATIENT
        assert entry.created_by == world.users["front_desk"]
        assert entry.visit_id == world.a.visit.pk
        assert balance_of(patient) == Money("-25.00")

    def test_it_is_audited(self, world):
        entry = post_payment(world.users["biller"], world.a.patient, Money("10"))
        event = AuditEvent.objects.get(object_type="billing.Entry", object_id=str(entry.pk))
        assert event.action == "create"
        assert event.user == world.users["biller"]
        assert event.practice_id == world.a.practice.pk
        assert event.changes["amount"] == {"before": None, "after": "-10.00"}

    def test_coder_cannot_post_payments(self, world):
        with pytest.raises(PermissionDenied):
            post_payment(world.users["coder"], world.a.patient, "10.00")
        assert not Entry.objects.exists()

    def test_outsider_cannot_post_payments(self, world):
        with pytest.raises(PermissionDenied):
            post_payment(world.outsider, world.a.patient, "10.00")

    @pytest.mark.parametrize("amount", ["0", "-5", "ten", 10.5])
    def test_bad_amounts_name_the_field(self, world, amount):
        with pytest.raises(ServiceError) as info:
            post_payment(world.users["biller"], world.a.patient, amount)
        assert info.value.field == "amount"
        assert not Entry.objects.exists()

    def test_claim_of_another_patient_is_refused(self, world):
        with pytest.raises(ServiceError) as info:
            post_payment(world.users["biller"], world.a.patient, "5", claim=world.b.claim)
        assert info.value.field == "claim"

    def test_roles_match_the_rules_in_core(self, world):
        for role in ROLES:
            user = world.users[role]
            if can(role, "post_payment"):
                post_payment(user, world.a.patient, "1.00")
            else:
                with pytest.raises(PermissionDenied):
                    post_payment(user, world.a.patient, "1.00")


class TestWebForm:
    def url(self, world):
        return f"/patients/{world.a.patient.pk}/payments/new/"

    def test_it_works(self, world, client_for):
        client = client_for(world.users["front_desk"])
        assert client.get(self.url(world)).status_code == 200
        response = client.post(
            self.url(world), {"amount": "40.00", "method": "check", "reference": "1042"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/patients/{world.a.patient.pk}/"
        entry = Entry.objects.get()
        assert (entry.amount, entry.method, entry.reference) == (Decimal("-40.00"), "check", "1042")

    def test_coder_is_forbidden(self, world, client_for):
        client = client_for(world.users["coder"])
        assert client.get(self.url(world)).status_code == 403
        assert client.post(self.url(world), {"amount": "5"}).status_code == 403
        assert not Entry.objects.exists()

    def test_bad_amount_shows_the_error(self, world, client_for):
        client = client_for(world.users["biller"])
        response = client.post(self.url(world), {"amount": "-3", "method": "cash"})
        assert response.status_code == 422
        assert (
            b'<span class="field-error" id="amount-error">Must be more than zero'
            in response.content
        )
        assert not Entry.objects.exists()

    def test_anonymous_is_sent_to_login(self, world, client):
        response = client.get(self.url(world))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


class TestApi:
    def test_it_works(self, world, api_client_for):
        client = api_client_for(world.users["biller"])
        response = client.post(
            "/api/ledger/payments",
            {
                "patient_id": world.a.patient.pk,
                "amount": "12.34",
                "method": "eft",
                "claim_id": world.a.claim.pk,
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["amount"] == "-12.34"
        assert body["kind"] == "payment"
        assert body["source"] == "api"
        ledger = client.get(f"/api/ledger/patients/{world.a.patient.pk}").json()
        assert ledger["balance"] == "-12.34"
        assert [e["id"] for e in ledger["entries"]] == [body["id"]]

    def test_coder_is_forbidden(self, world, api_client_for):
        client = api_client_for(world.users["coder"])
        response = client.post(
            "/api/ledger/payments",
            {"patient_id": world.a.patient.pk, "amount": "5.00"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json() == {"error": "your role may not post payments to the ledger"}
        assert not Entry.objects.exists()

    def test_float_amount_is_a_422(self, world, api_client_for):
        client = api_client_for(world.users["biller"])
        response = client.post(
            "/api/ledger/payments",
            {"patient_id": world.a.patient.pk, "amount": 5.5},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["error"].startswith("amount:")

    def test_service_errors_are_422(self, world, api_client_for):
        client = api_client_for(world.users["biller"])
        response = client.post(
            "/api/ledger/payments",
            {"patient_id": world.a.patient.pk, "amount": "5", "method": "barter"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json() == {"error": "method: expected one of cash, check, card, eft, other"}

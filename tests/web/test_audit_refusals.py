"""Refused requests (403) are recorded in the audit trail, once, whichever door refused."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import ResolverMatch

from medbill.web.practice.middleware import CurrentPracticeMiddleware
from medbill.web.practice.models import AuditEvent
from medbill.web.practice.permissions import require

pytestmark = pytest.mark.django_db


def denied():
    return AuditEvent.objects.filter(action="denied")


class TestWebRefusals:
    def test_a_page_the_role_may_not_see(self, world, client_for):
        client = client_for(world.users["front_desk"])
        assert client.get("/audit/", {"user": "someone"}).status_code == 403
        event = denied().get()
        assert (event.user, event.source) == (world.users["front_desk"], "web")
        assert event.practice_id == world.a.practice.pk
        assert event.object_type == "request"
        assert event.detail["view"] == "list_audit_events"
        assert event.detail["rule"] == "view_audit"
        assert event.detail["reason"].startswith("your role may not")
        # What the user typed in the query string is not copied into the trail.
        assert "someone" not in str(event.detail)

    def test_the_ids_asked_for_are_kept(self, world, client_for):
        client = client_for(world.users["coder"])
        url = f"/patients/{world.a.patient.pk}/payments/new/"
        assert client.post(url, {"amount": "5.00", "method": "cash"}).status_code == 403
        event = denied().get()
        assert event.detail["ids"] == {"patient_id": world.a.patient.pk}
        assert event.detail["method"] == "POST"
        assert [link.patient_id for link in event.patient_links.all()] == [world.a.patient.pk]

    def test_allowed_requests_record_no_refusal(self, world, client_for):
        assert client_for(world.users["auditor"]).get("/audit/").status_code == 200
        assert not denied().exists()

    def test_a_failed_csrf_check_is_recorded(self, world):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users["biller"])
        assert client.post("/practice/switch/", {"practice": "1"}).status_code == 403
        event = denied().get()
        assert event.user == world.users["biller"]
        assert event.detail["status"] == 403

    def test_a_user_without_a_practice(self, world, client_for):
        assert client_for(world.nobody).get("/claims/").status_code == 403
        event = denied().get()
        assert event.user == world.nobody and event.practice_id is None


class TestApiRefusals:
    def test_a_role_check_in_the_api(self, world, api_client_for):
        client = api_client_for(world.users["coder"])
        response = client.post(
            "/api/ledger/payments",
            {"patient_id": world.a.patient.pk, "amount": "5.00", "method": "cash"},
            content_type="application/json",
        )
        assert response.status_code == 403
        event = denied().get()
        assert (event.user, event.source) == (world.users["coder"], "api")
        assert event.practice_id == world.a.practice.pk
        assert event.detail["rule"] == "post_payment"
        assert event.detail["reason"] == response.json()["error"]

    def test_the_practice_is_the_rows_not_the_sessions(self, world, api_client_for):
        from medbill.web.practice.models import Membership

        user = world.users["front_desk"]
        Membership.objects.create(user=user, practice=world.b.practice, role="auditor")
        response = api_client_for(user).post(
            "/api/ledger/payments",
            {"patient_id": world.b.patient.pk, "amount": "5.00", "method": "cash"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert denied().get().practice_id == world.b.practice.pk

    def test_another_practices_row_is_a_404_not_a_refusal(self, world, api_client_for):
        client = api_client_for(world.outsider)
        assert client.get(f"/api/patients/{world.a.patient.pk}").status_code == 404
        assert not denied().exists()


class TestRolledBackRefusal:
    def test_a_refusal_inside_a_transaction_is_kept(self, world):
        """A service refuses inside ``transaction.atomic()``; the transaction rolls back,
        the refusal is still recorded because the middleware writes it afterwards."""
        from django.core.exceptions import PermissionDenied

        practice = world.a.practice
        coder = world.users["coder"]

        def view(request):
            try:
                with transaction.atomic():
                    require(coder, practice, "submit_claims")
            except PermissionDenied as exc:
                return HttpResponse(str(exc), status=403)
            return HttpResponse("ok")

        request = RequestFactory().post("/claims-out/submit/")
        request.user = coder
        request.session = {}
        request.resolver_match = ResolverMatch(
            view, (), {}, url_name="submit_batch", route="claims-out/submit/"
        )
        response = CurrentPracticeMiddleware(view)(request)
        assert response.status_code == 403
        event = denied().get()
        assert event.detail["rule"] == "submit_claims"
        assert event.practice_id == practice.pk
        assert event.user == coder

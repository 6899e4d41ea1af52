"""API authentication and error format: session or bearer token; errors are {"error": ...}."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from medbill.web.practice.models import ApiToken

pytestmark = pytest.mark.django_db


class TestAuthentication:
    def test_no_credentials_is_401(self, world, client):
        response = client.get("/api/patients")
        assert response.status_code == 401
        assert response.json() == {
            "error": "authentication required: sign in or send a bearer token"
        }

    def test_bad_token_is_401(self, world):
        client = Client(HTTP_AUTHORIZATION="Bearer mb_not-a-real-token")
        assert client.get("/api/patients").status_code == 401

    def test_token_works_and_is_stored_hashed(self, world):
        token, key = ApiToken.issue(world.users["biller"], "billing export")
        assert key.startswith("mb_") and token.key_hash != key and key not in token.key_hash
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        assert client.get("/api/patients").status_code == 200
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_revoked_token_is_401(self, world):
        token, key = ApiToken.issue(world.users["biller"], "old")
        token.revoked_at = timezone.now()
        token.save()
        assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/patients").status_code == 401

    def test_inactive_user_token_is_401(self, world):
        user = world.users["biller"]
        _, key = ApiToken.issue(user, "t")
        user.is_active = False
        user.save()
        assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/patients").status_code == 401

    def test_session_works(self, world, client_for):
        assert client_for(world.users["coder"]).get("/api/visits").status_code == 200

    def test_session_writes_need_csrf(self, world):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users["biller"])
        response = client.post(
            "/api/ledger/payments",
            {"patient_id": world.a.patient.pk, "amount": "1.00"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert "error" in response.json()

    def test_user_without_practice_sees_nothing(self, world, api_client_for):
        client = api_client_for(world.nobody)
        assert client.get("/api/patients").json() == []
        assert client.get(f"/api/patients/{world.a.patient.pk}").status_code == 404


class TestErrors:
    def test_unknown_row_is_404(self, world, api_client_for):
        response = api_client_for(world.users["admin"]).get("/api/claims/999999")
        assert response.status_code == 404
        assert response.json() == {"error": "not found"}

    def test_bad_path_parameter_is_422(self, world, api_client_for):
        response = api_client_for(world.users["admin"]).get("/api/claims/abc")
        assert response.status_code == 422
        assert set(response.json()) == {"error"}
        assert "claim_id" in response.json()["error"]

    def test_malformed_json_is_422(self, world, api_client_for):
        response = api_client_for(world.users["biller"]).post(
            "/api/ledger/payments", "{not json", content_type="application/json"
        )
        assert response.status_code in (400, 422)
        assert set(response.json()) == {"error"}


class TestDocs:
    def test_openapi_docs_are_served(self, world, client_for):
        client = client_for(world.users["manager"])
        assert client.get("/api/docs").status_code == 200
        schema = client.get("/api/openapi.json").json()
        paths = set(schema["paths"])
        assert {
            "/api/patients",
            "/api/patients/{patient_id}",
            "/api/visits/{visit_id}/codes",
            "/api/claims/{claim_id}/document",
            "/api/ledger/payments",
        } <= paths

    def test_the_docs_page_loads_nothing_from_another_site(self, world, client_for):
        # Offline (a clinic's closed network) a CDN-hosted Swagger UI is a blank page.
        import re

        client = client_for(world.users["manager"])
        page = client.get("/api/docs").content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
        for asset in assets:
            assert asset.startswith("/"), f"{asset} is not served by medbill"
            response = client.get(asset)
            assert response.status_code == 200, asset
            b"".join(response.streaming_content if response.streaming else [response.content])


def test_unexpected_errors_are_json_500(world, api_client_for, monkeypatch):
    from medbill.web.api import patients

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(patients.audit, "record_view", broken)
    response = api_client_for(world.users["admin"]).get(f"/api/patients/{world.a.patient.pk}")
    assert response.status_code == 500
    assert response.json() == {"error": "internal server error"}


def test_a_row_id_beyond_the_database_is_a_422_naming_it(world, client_for):
    client = client_for(world.users["coder"])
    response = client.get("/api/visits", {"patient_id": str(2**80)})
    assert response.status_code == 422, response.content
    assert "patient_id" in response.content.decode()
    assert client.get("/api/visits", {"patient_id": str(2**63 - 1)}).json() == []


@pytest.mark.parametrize("name", ["provider_id", "payer_id"])
def test_the_coding_queue_refuses_ids_beyond_the_database(world, client_for, name):
    client = client_for(world.users["coder"])
    response = client.get("/api/coding/queue", {name: str(2**80)})
    assert response.status_code == 422, response.content
    assert name in response.content.decode()

"""The API at its edges: who may write, whose rows exist, what bad requests get back.

Every operation is taken from the OpenAPI schema, so a new endpoint is covered the day it
is added: an unauthenticated write is a 401 (never ninja's "CSRF check Failed" 403), a
row of another practice is a 404 exactly like a missing one, and whatever Django answers
itself under ``/api/`` (405, 404 for an unknown path, a NUL no column can store) still
comes back as ``{"error": ...}``.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from medbill.web.api.api import api

pytestmark = pytest.mark.django_db

SCHEMA = api.get_openapi_schema(path_prefix="/api")
OPERATIONS = [(method.upper(), path) for path, ops in SCHEMA["paths"].items() for method in ops]
WRITES = [(m, p) for m, p in OPERATIONS if m in ("POST", "PUT", "PATCH", "DELETE")]
NOT_SIGNED_IN = {"error": "authentication required: sign in or send a bearer token"}

# Rows of a practice the path ids name, and a body each write accepts.
ROWS = {"patient_id": "patient", "visit_id": "visit", "claim_id": "claim"}
BODIES = {
    ("PUT", "/api/visits/{visit_id}/codes"): {"diagnoses": [], "lines": []},
    ("PUT", "/api/coding/visits/{visit_id}/codes"): {"diagnoses": [], "lines": []},
    ("POST", "/api/coding/visits/{visit_id}/queries"): {"question": "Which ankle?"},
    ("POST", "/api/frontdesk/patients/{patient_id}/eligibility"): {},
    ("POST", "/api/frontdesk/visits/{visit_id}/payments"): {"amount": "5.00", "method": "cash"},
    ("POST", "/api/frontdesk/visits/{visit_id}/check-out"): {},
    ("POST", "/api/frontdesk/patients/{patient_id}/estimates"): {"services": []},
    ("POST", "/api/claims-out/claims/{claim_id}/correct"): {"frequency": "7"},
}
BY_ID = [
    (m, p)
    for m, p in OPERATIONS
    if (params := re.findall(r"\{(\w+)\}", p)) and set(params) <= set(ROWS)
]


def _url(path: str, site=None) -> str:
    if site is None:
        return re.sub(r"\{\w+\}", "1", path)
    return re.sub(r"\{(\w+)\}", lambda m: str(getattr(site, ROWS[m.group(1)]).pk), path)


def _send(client: Client, method: str, url: str, body=None):
    data = json.dumps(body if body is not None else {})
    return client.generic(method, url, data, content_type="application/json")


class TestUnauthenticatedWrites:
    @pytest.mark.parametrize("method, path", WRITES)
    def test_is_401(self, world, method, path):
        client = Client(enforce_csrf_checks=True)
        response = _send(client, method, _url(path))
        assert response.status_code == 401, response.content
        assert response.json() == NOT_SIGNED_IN

    def test_with_a_stale_session_cookie_too(self, world):
        client = Client(enforce_csrf_checks=True)
        client.cookies["sessionid"] = "no-such-session"
        response = _send(
            client,
            "POST",
            "/api/ledger/payments",
            {"patient_id": world.a.patient.pk, "amount": "1.00"},
        )
        assert response.status_code == 401
        assert response.json() == NOT_SIGNED_IN

    def test_signed_in_without_the_csrf_token_is_403_in_words(self, world):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users["biller"])
        response = _send(
            client,
            "POST",
            "/api/ledger/payments",
            {"patient_id": world.a.patient.pk, "amount": "1.00"},
        )
        assert response.status_code == 403
        assert "X-CSRFToken" in response.json()["error"]


class TestAnotherPracticesRows:
    @pytest.mark.parametrize("method, path", BY_ID)
    def test_are_404_like_missing_ones(self, world, api_client_for, method, path):
        client = api_client_for(world.users["admin"])
        body = BODIES.get((method, path))
        theirs = _send(client, method, _url(path, world.b), body)
        assert theirs.status_code == 404, theirs.content
        assert theirs.json() == {"error": "not found"}
        # The same request for practice A's row gets past the lookup: the 404 above is
        # the tenancy answer, not a body the endpoint refused.
        ours = _send(client, method, _url(path, world.a), body)
        assert ours.status_code not in (403, 404), ours.content

    def test_in_a_body_too(self, world, api_client_for):
        client = api_client_for(world.users["admin"])
        response = _send(
            client,
            "POST",
            "/api/ledger/payments",
            {"patient_id": world.b.patient.pk, "amount": "1.00"},
        )
        assert response.status_code == 404
        assert response.json() == {"error": "not found"}

    @pytest.mark.parametrize(
        "method, url, body",
        [
            (
                "POST",
                "/api/frontdesk/patients",
                {
                    "last_name": "Ortega",
                    "first_name": "Mateo",
                    "date_of_birth": "2019-06-30",
                    "sex": "M",
                },
            ),
            ("POST", "/api/suggest", {"text": "Sore throat."}),
            ("GET", "/api/frontdesk/desk-report?practice_id={practice}", None),
            ("GET", "/api/claims-out/queue?practice={practice}", None),
            ("POST", "/api/claims-out/build", {"visit_ids": []}),
        ],
    )
    def test_another_practice_itself(self, world, api_client_for, method, url, body):
        client = api_client_for(world.users["admin"])
        if body is not None:
            body = dict(body, practice_id=world.b.practice.pk, practice=world.b.practice.pk)
        response = _send(client, method, url.format(practice=world.b.practice.pk), body)
        assert response.status_code == 404, response.content
        assert response.json() == {"error": "not found"}

    def test_for_a_user_of_practice_b_only(self, world, api_client_for):
        client = api_client_for(world.outsider)
        response = client.get(f"/api/patients/{world.a.patient.pk}")
        assert response.status_code == 404


class TestPaging:
    @pytest.mark.parametrize(
        "url",
        ["/api/patients", "/api/visits", "/api/claims", "/api/coding/queue", "/api/coding/reviews"],
    )
    @pytest.mark.parametrize("offset", ["5980955105765123686400", "-3", "0"])
    def test_any_offset_is_a_page(self, world, api_client_for, url, offset):
        response = api_client_for(world.users["admin"]).get(f"{url}?offset={offset}&limit=500")
        assert response.status_code == 200, response.content
        assert isinstance(response.json(), list)

    def test_a_practice_filter_in_another_script(self, world, api_client_for):
        response = api_client_for(world.users["admin"]).get("/api/patients?practice=%C2%B2")
        assert response.status_code == 200


class TestAnswersDjangoGives:
    def test_a_method_the_path_does_not_take(self, world, api_client_for):
        response = api_client_for(world.users["admin"]).delete("/api/patients")
        assert response.status_code == 405
        assert response.json() == {"error": "DELETE is not allowed here; allowed: GET"}
        assert response["Allow"] == "GET"

    def test_a_path_no_route_matches(self, world, api_client_for):
        response = api_client_for(world.users["admin"]).get("/api/no-such-thing")
        assert response.status_code == 404
        assert response.json() == {"error": "not found"}

    @pytest.mark.parametrize(
        "url, where",
        [
            ("/api/patients?q=Ort%00ega", "q"),
            ("/api/remittances/denials?status=open%00", "status"),
            ("/api/codes/icd10cm/E11%00", "path"),
        ],
    )
    def test_a_nul_in_the_query_or_path(self, world, api_client_for, url, where):
        response = api_client_for(world.users["admin"]).get(url)
        assert response.status_code == 422
        assert response.json()["error"].startswith(f"{where}: text holds a NUL character or")

    @pytest.mark.parametrize(
        "body, where",
        [
            ('{"patient_id": 1, "amount": "1.00", "memo": "a\\u0000b"}', "memo"),
            ('{"patient_id": 1, "amount": "1.00", "memo": "a\\ud800b"}', "memo"),
            ('{"patient_id": 1, "amount": "1.00", "memo": "\\udc00"}', "memo"),
        ],
    )
    def test_a_nul_or_lone_surrogate_in_a_json_body(self, world, api_client_for, body, where):
        client = api_client_for(world.users["admin"])
        response = client.post("/api/ledger/payments", body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["error"].startswith(f"{where}: text holds a NUL character or")

    def test_an_acknowledgement_with_a_lone_surrogate(self, world, api_client_for):
        client = api_client_for(world.users["admin"])
        body = json.dumps(
            {"practice": world.a.practice.pk, "file_name": "a.999", "content": "ISA*\ud800"}
        )
        response = client.post("/api/claims-out/acks", body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["error"].startswith("content: text holds")

    def test_a_pair_of_surrogates_is_a_character(self, world, api_client_for):
        client = api_client_for(world.users["admin"])
        # json.dumps writes the emoji as the escaped pair \ud83d\ude00.
        body = json.dumps(
            {"patient_id": world.a.patient.pk, "amount": "1.00", "memo": "\U0001f600"}
        )
        assert "\\ud83d\\ude00" in body
        response = client.post("/api/ledger/payments", body, content_type="application/json")
        assert response.status_code == 201, response.content

    def test_a_body_that_is_no_json(self, world, api_client_for):
        client = api_client_for(world.users["admin"])
        response = client.post("/api/ledger/payments", b"{\xff", content_type="application/json")
        assert 400 <= response.status_code < 500
        assert isinstance(response.json()["error"], str)

"""``/api/frontdesk/``: the desk's use cases over the API, with tenancy and roles."""

from __future__ import annotations

import datetime
import json

from desk_support import simulator, visit_today
from django.utils import timezone

from medbill.web.frontdesk.models import Patient, Visit


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_registration_returns_duplicates_first(world, api_client_for):
    api = api_client_for(world.users["front_desk"])
    body = {
        "practice_id": world.a.practice.pk,
        "last_name": "Ortega",
        "first_name": "Mateo",
        "date_of_birth": "2019-06-30",
        "sex": "M",
    }
    first = _post(api, "/api/frontdesk/patients", body)
    assert first.status_code == 409
    assert first.json()["duplicates"][0]["account_number"] == world.a.patient.account_number
    saved = _post(api, "/api/frontdesk/patients", dict(body, not_a_duplicate=True))
    assert saved.status_code == 201
    assert Patient.objects.filter(first_name="Mateo", practice=world.a.practice).count() == 2
    # Another practice does not exist for this user.
    other = _post(api, "/api/frontdesk/patients", dict(body, practice_id=world.b.practice.pk))
    assert other.status_code == 404
    bad = _post(api, "/api/frontdesk/patients", dict(body, sex="X", not_a_duplicate=True))
    assert bad.status_code == 422 and bad.json()["error"].startswith("sex:")


def test_eligibility_check_in_payment_check_out(world, api_client_for):
    visit = visit_today(world.a)
    api = api_client_for(world.users["front_desk"])
    with simulator(world.a):
        check = _post(
            api, f"/api/frontdesk/patients/{world.a.patient.pk}/eligibility", {"visit_id": visit.pk}
        )
    assert check.status_code == 200, check.content
    assert check.json()["status"] == "active" and check.json()["copay"] == "25.00"
    queue = api.get("/api/frontdesk/queue").json()
    assert queue[0]["visit_id"] == visit.pk and queue[0]["eligibility"] == "active"
    assert _post(api, f"/api/frontdesk/visits/{visit.pk}/check-in").json()["status"] == (
        "checked_in"
    )
    assert _post(api, f"/api/frontdesk/visits/{visit.pk}/check-in").status_code == 422
    paid = _post(
        api, f"/api/frontdesk/visits/{visit.pk}/payments", {"amount": "25.00", "method": "cash"}
    )
    assert paid.status_code == 201 and paid.json()["receipt_number"].startswith("R")
    bad = _post(
        api,
        f"/api/frontdesk/visits/{visit.pk}/payments",
        {"amount": "5", "method": "card", "reference": "4111111111111111"},
    )
    assert bad.status_code == 422 and "reference" in bad.json()["error"]
    refund = _post(api, f"/api/frontdesk/payments/{paid.json()['id']}/refund", {"reason": "x"})
    assert refund.status_code == 403
    report = api.get(f"/api/frontdesk/desk-report?practice_id={world.a.practice.pk}").json()
    assert report["by_method"]["cash"] == "25.00" and report["count"] == 1
    codes = _post(api, f"/api/frontdesk/visits/{visit.pk}/kiosk-code")
    assert codes.status_code == 201 and len(codes.json()["code"]) == 8
    paperwork = api.get(f"/api/frontdesk/visits/{visit.pk}/paperwork").json()
    assert paperwork["complete"] is False and "consent" in paperwork["missing"]
    later = timezone.now() + datetime.timedelta(days=7)
    out = _post(
        api,
        f"/api/frontdesk/visits/{visit.pk}/check-out",
        {"desk_note": "needs interpreter", "follow_up_at": later.isoformat()},
    )
    assert out.status_code == 200 and out.json()["status"] == "checked_out"
    assert Visit.objects.get(pk=out.json()["follow_up_id"]).follow_up_of_id == visit.pk


def test_estimates_and_tenancy(world, api_client_for):
    api = api_client_for(world.users["front_desk"])
    made = _post(
        api,
        f"/api/frontdesk/patients/{world.a.patient.pk}/estimates",
        {"services": [{"code": "99213"}, {"code": "87880", "units": 1}]},
    )
    assert made.status_code == 201 and made.json()["total"] == "162.00"
    missing = _post(
        api,
        f"/api/frontdesk/patients/{world.a.patient.pk}/estimates",
        {"services": [{"code": "00000"}]},
    )
    assert missing.status_code == 422 and "00000" in missing.json()["error"]
    other = _post(api, f"/api/frontdesk/patients/{world.b.patient.pk}/eligibility")
    assert other.status_code == 404
    coder = api_client_for(world.users["coder"])
    visit = visit_today(world.a)
    assert _post(coder, f"/api/frontdesk/visits/{visit.pk}/check-in").status_code == 403

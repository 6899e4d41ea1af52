"""``/api/remittances/``: import, review, denials and reports through the API."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from medbill.core.payersim import simulate
from medbill.core.x12.m835 import write_835
from medbill.web.billing.documents import claim_document


def test_import_then_read_back(world, api_client_for):
    site = world.a
    client = api_client_for(world.users["biller"])
    data = write_835(simulate([claim_document(site.claim)], seed=8).remittances)
    response = client.post(
        "/api/remittances/import",
        {"practice": site.practice.pk, "post": "true", "file": SimpleUploadedFile("p.835", data)},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sets"][0]["status"] == "posted"
    assert body["sets"][0]["posted"] == [site.claim.patient_control_number]
    again = client.post(
        "/api/remittances/import",
        {"practice": site.practice.pk, "file": SimpleUploadedFile("p.835", data)},
    )
    assert again.json()["already_imported"] is True
    (listed,) = client.get("/api/remittances/").json()
    detail = client.get(f"/api/remittances/{listed['id']}").json()
    assert detail["claims"][0]["outcome"] == "posted"
    report = client.get(
        f"/api/remittances/reports/ar-aging?practice={site.practice.pk}&by=patient&as_of=2026-04-20"
    )
    assert report.status_code == 200 and report.json()["header"][0] == "patient"
    assert (
        client.get(f"/api/remittances/reports/nope?practice={site.practice.pk}").status_code == 404
    )
    assert client.get("/api/remittances/denials").status_code == 200


def test_roles_and_tenancy(world, api_client_for):
    site = world.a
    data = write_835(simulate([claim_document(site.claim)], seed=8).remittances)
    desk = api_client_for(world.users["front_desk"])
    response = desk.post(
        "/api/remittances/import",
        {"practice": site.practice.pk, "file": SimpleUploadedFile("p.835", data)},
    )
    assert response.status_code == 403
    outsider = api_client_for(world.outsider)
    response = outsider.post(
        "/api/remittances/import",
        {"practice": site.practice.pk, "file": SimpleUploadedFile("p.835", data)},
    )
    assert response.status_code == 404
    bad = api_client_for(world.users["biller"]).post(
        "/api/remittances/import",
        {"practice": site.practice.pk, "file": SimpleUploadedFile("x.835", b"nonsense")},
    )
    assert bad.status_code == 422 and "file" in bad.json()["error"]

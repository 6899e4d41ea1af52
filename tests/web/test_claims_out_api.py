"""``/api/claims-out/``: queue, submissions, acknowledgements and rejections over the API."""

from __future__ import annotations

import json

from test_claims_out import ack_277, connect, scrubbed

from medbill.web.billing.models import Claim


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_submit_then_reject_then_resolve(world, tmp_path, api_client_for):
    a = world.a
    client = api_client_for(world.users["biller"])
    connect(a, tmp_path)
    claim = scrubbed(a.claim)
    queue = client.get(f"/api/claims-out/queue?practice={a.practice.pk}").json()
    assert queue["counts"]["scrubbed"] == 1 and queue["open_rejections"] == 0

    resp = post(
        client,
        "/api/claims-out/submissions",
        {"practice": a.practice.pk, "connection": "prairie", "claim_ids": [claim.pk]},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["held"] == []
    (sub,) = resp.json()["submissions"]
    assert sub["status"] == "sent" and sub["claims"] == [claim.patient_control_number]
    file = client.get(f"/api/claims-out/submissions/{sub['id']}/file")
    assert file.status_code == 200 and file.content.startswith(b"ISA*00*")

    from medbill.web.claims_out.models import Submission

    data = ack_277(Submission.objects.get(pk=sub["id"]), claim.patient_control_number, "A7:562:85")
    resp = post(
        client,
        "/api/claims-out/acks",
        {"practice": a.practice.pk, "file_name": "r.277", "content": data.decode()},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["summary"]["rejected"] == [claim.patient_control_number]
    again = post(
        client,
        "/api/claims-out/acks",
        {"practice": a.practice.pk, "file_name": "r2.277", "content": data.decode()},
    )
    assert again.json()["duplicate"] is True

    (item,) = client.get("/api/claims-out/rejections").json()
    assert "NPI is missing or invalid" in item["reason"]
    events = client.get(f"/api/claims-out/claims/{claim.pk}/events").json()
    assert [e["to_status"] for e in events] == ["submitted", "rejected"]
    resp = post(
        client, f"/api/claims-out/rejections/{item['id']}/resolve", {"resolution": "fixed the NPI"}
    )
    assert resp.status_code == 200 and resp.json()["resolved_at"]
    assert Claim.objects.get(pk=claim.pk).status == "draft"


def test_roles_and_tenancy(world, tmp_path, api_client_for):
    a = world.a
    connect(a, tmp_path)
    claim = scrubbed(a.claim)
    coder = api_client_for(world.users["coder"])
    resp = post(
        coder,
        "/api/claims-out/submissions",
        {"practice": a.practice.pk, "connection": "prairie", "claim_ids": [claim.pk]},
    )
    assert resp.status_code == 403
    outsider = api_client_for(world.outsider)
    assert outsider.get(f"/api/claims-out/queue?practice={a.practice.pk}").status_code == 404
    biller = api_client_for(world.users["biller"])
    resp = post(
        biller,
        "/api/claims-out/submissions",
        {"practice": a.practice.pk, "connection": "prairie", "claim_ids": [world.b.claim.pk]},
    )
    assert resp.status_code == 422 and "claim_ids" in resp.json()["error"]
    bad = post(
        biller,
        "/api/claims-out/acks",
        {"practice": a.practice.pk, "file_name": "x", "content": "hello"},
    )
    assert bad.status_code == 422 and "not an X12" in bad.json()["error"]


def test_void_over_the_api(world, api_client_for):
    claim = world.a.claim
    claim.status, claim.payer_claim_number = "denied", "LCI77"
    claim.save()
    client = api_client_for(world.users["biller"])
    resp = post(client, f"/api/claims-out/claims/{claim.pk}/correct", {"frequency": "8"})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["frequency_code"] == "8" and body["original_claim_ref"] == "LCI77"
    assert body["status"] == "draft"
    again = post(client, f"/api/claims-out/claims/{claim.pk}/correct", {"frequency": "8"})
    assert again.status_code == 422

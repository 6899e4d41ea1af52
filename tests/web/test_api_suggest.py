"""``POST /api/suggest``: suggestions for a posted note, with the practice's fee schedule."""

from __future__ import annotations

import json

import pytest

from medbill.core.codesets.build import ensure_icd10cm
from medbill.core.suggest import _engine

pytestmark = pytest.mark.django_db

NOTE = (
    "Established patient with sore throat and fever.\n"
    "Rapid strep test positive.\n"
    "Assessment: strep throat. Start amoxicillin 500 mg twice daily.\n"
)


@pytest.fixture(autouse=True)
def model_free_engine(tmp_path, monkeypatch):
    ensure_icd10cm()
    monkeypatch.setattr(_engine, "model_path", lambda: tmp_path / "none.pickle")
    monkeypatch.setattr(_engine, "_engine", None)


def _post(client, body):
    return client.post("/api/suggest", json.dumps(body), content_type="application/json")


def test_it_works(world, api_client_for):
    api = api_client_for(world.users["coder"])
    response = _post(api, {"practice_id": world.a.practice.pk, "text": NOTE})
    assert response.status_code == 200, response.content
    data = response.json()
    codes = [d["code"] for d in data["diagnoses"] if d["status"] == "suggested"]
    assert "J02.0" in codes
    strep = next(d for d in data["diagnoses"] if d["code"] == "J02.0")
    ev = strep["evidence"][0]
    assert NOTE[ev["start"] : ev["end"]] == ev["text"]
    procs = {p["code"]: p for p in data["procedures"]}
    assert procs["87880"]["description"] == "Rapid strep test"
    assert data["em"]["code"] == "99213"


def test_role_and_tenancy(world, api_client_for):
    front = api_client_for(world.users["front_desk"])
    body = {"practice_id": world.a.practice.pk, "text": NOTE}
    assert _post(front, body).status_code == 403
    # Practice A does not exist for a user of practice B only.
    outsider = api_client_for(world.outsider)
    assert _post(outsider, body).status_code == 404


def test_bad_input_names_the_field(world, api_client_for):
    api = api_client_for(world.users["coder"])
    response = _post(api, {"practice_id": world.a.practice.pk, "text": NOTE, "setting": "ward"})
    assert response.status_code == 422
    assert "setting" in response.json()["error"]

"""``POST /api/suggest``: suggestions for a posted note, with the practice's fee schedule."""

from __future__ import annotations

import json

import pytest

from medbill.core.caches import DataCache
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
    monkeypatch.setattr(_engine, "_engines", DataCache("suggestion engines"))


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


PRENATAL = (
    "Routine prenatal visit.\n"
    "28-year-old G2P1 at 24 weeks gestation, uncomplicated pregnancy.\n"
    "Assessment: supervision of normal pregnancy, second trimester.\n"
)


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [d["code"] for d in response.json()["diagnoses"] if d["status"] == "suggested"]


def test_it_takes_the_visit_context_the_command_line_takes(world, api_client_for):
    api = api_client_for(world.users["coder"])
    body = {"practice_id": world.a.practice.pk, "text": PRENATAL, "patient_age": 28}
    women = _codes(_post(api, {**body, "sex": "F", "date_of_service": "2025-03-01"}))
    assert women[:2] == ["Z34.82", "Z3A.24"]
    # the supervision-of-pregnancy rule does not run for a male patient
    assert "Z34.82" not in _codes(_post(api, {**body, "sex": "M"}))

    denied = {"practice_id": world.a.practice.pk, "text": "Patient denies chest pain."}
    assert "R07.9" not in _codes(_post(api, denied))
    assert "R07.9" in _codes(_post(api, {**denied, "assertion": "mentions"}))


def test_bad_context_is_named(world, api_client_for):
    api = api_client_for(world.users["coder"])
    body = {"practice_id": world.a.practice.pk, "text": NOTE}
    for field, value in (("sex", "X"), ("assertion", "all"), ("date_of_service", "03/02/2025")):
        response = _post(api, {**body, field: value})
        assert response.status_code == 422, (field, response.content)
        assert field in response.json()["error"]
    # a date no ICD-10-CM release covers
    response = _post(api, {**body, "date_of_service": "1999-01-04"})
    assert response.status_code == 422
    assert "date_of_service" in response.json()["error"]


def test_the_schema_documents_the_context_and_the_answer(world, client_for):
    schema = client_for(world.users["coder"]).get("/api/openapi.json").json()
    request = schema["components"]["schemas"]["SuggestIn"]["properties"]
    assert {"sex", "date_of_service", "setting", "assertion", "patient_age"} <= set(request)
    assert "mentions" in str(request["assertion"])
    answer = schema["components"]["schemas"]["DiagnosisOut"]["properties"]
    assert {"code", "description", "score", "evidence", "status", "trail"} <= set(answer)

"""Saving on the coding screen keeps the work: codes that cannot be stored yet (a line
without a pointer, a code with no fee and no charge) are kept as a draft, and each
problem comes back tied to its line, in words."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from coding_support import new_visit, no_review, with_suggestions

from medbill.web.coding.models import CodingWork
from medbill.web.frontdesk.models import Visit

pytestmark = pytest.mark.django_db


def _save(client, visit, body):
    return client.post(
        f"/coding/visits/{visit.pk}/save.json", json.dumps(body), content_type="application/json"
    )


def _screen(client, visit):
    page = client.get(f"/coding/visits/{visit.pk}/")
    saved = json.loads(
        page.content.decode()
        .split('id="saved-codes" type="application/json">')[1]
        .split("</script>")[0]
    )
    problems = page.context["draft_problems"]
    return page, saved, problems


def test_an_em_line_saved_before_its_diagnosis_is_kept_and_named(world, client_for):
    visit = new_visit(world.a)
    with_suggestions(visit)
    client = client_for(world.users["coder"])
    # The E/M accepted first: a line and no diagnosis yet, which is a draft that saves.
    first = _save(
        client,
        visit,
        {"diagnoses": [], "lines": [{"code": "99213", "dx_pointers": [], "suggested": "99213"}]},
    )
    assert first.status_code == 200
    # Then the diagnosis, but the line still points at nothing.
    body = {
        "diagnoses": [{"code": "J02.0", "suggested": "J02.0"}],
        "lines": [{"code": "99213", "dx_pointers": [], "suggested": "99213"}],
        "rejected": ["E11.9"],
    }
    response = _save(client, visit, body)
    assert response.status_code == 422
    answer = response.json()
    assert answer["kept"] is True
    assert answer["error"] == (
        "Kept as a draft: 1 item still needs attention before the codes are saved."
    )
    assert [(p["line"], p["field"], p["message"]) for p in answer["problems"]] == [
        (0, "dx_pointers", "Point the line at one of the diagnoses (1, 2 …)")
    ]
    # Nothing half-done reached the codes; the draft survives a reload.
    assert list(visit.diagnoses.all()) == []
    page, saved, problems = _screen(client, visit)
    assert 'id="draft-kept"' in page.content.decode()
    assert saved["diagnoses"] == [{"code": "J020", "suggested": "J020"}]
    assert saved["lines"][0]["code"] == "99213" and saved["rejected"] == ["E11.9"]
    assert [(p["line"], p["field"]) for p in problems] == [(0, "dx_pointers")]
    # Finishing waits for the draft; saving it complete clears it.
    finish = client.post(f"/coding/visits/{visit.pk}/finish/", follow=True)
    assert "not saved yet" in finish.content.decode()
    body["lines"][0]["dx_pointers"] = ["1"]
    assert _save(client, visit, body).status_code == 200
    assert CodingWork.objects.get(visit=visit).draft == {}
    assert [d.code for d in visit.diagnoses.all()] == ["J020"]
    assert 'id="draft-kept"' not in client.get(f"/coding/visits/{visit.pk}/").content.decode()


def test_a_code_without_a_fee_asks_for_the_charge_on_its_line(world, client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    client = client_for(world.users["coder"])
    body = {
        "diagnoses": [{"code": "J02.0"}],
        "lines": [
            {"code": "99213", "dx_pointers": ["1"]},
            {"code": "87081", "dx_pointers": ["1"]},  # not on the fee schedule
        ],
    }
    response = _save(client, visit, body)
    assert response.status_code == 422
    assert [(p["line"], p["field"], p["message"]) for p in response.json()["problems"]] == [
        (1, "charge", "87081 has no price in the fee schedule; enter the charge")
    ]
    assert CodingWork.objects.get(visit=visit).draft["lines"][1]["code"] == "87081"
    body["lines"][1]["charge"] = "24.50"
    saved = _save(client, visit, body)
    assert saved.status_code == 200, saved.content
    assert [s.charge for s in visit.service_lines.order_by("position")] == [
        Decimal("130.00"),
        Decimal("24.50"),
    ]
    assert client.post(f"/coding/visits/{visit.pk}/finish/").status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CODED


def test_a_line_with_two_problems_gets_both(world, client_for):
    visit = new_visit(world.a)
    client = client_for(world.users["coder"])
    response = _save(
        client, visit, {"diagnoses": ["J02.0"], "lines": [{"code": "87081", "dx_pointers": []}]}
    )
    fields = [(p["line"], p["field"]) for p in response.json()["problems"]]
    assert fields == [(0, "dx_pointers"), (0, "charge")]

"""The coder's workspace: queue, coding screen, saving codes with their provenance, the live
scrub of the draft claim and finishing a visit."""

from __future__ import annotations

import json

import pytest
from coding_support import NOTE, SIMPLE_CODES, new_visit, no_review, with_suggestions

from medbill.core.codesets._alphabetic import index_releases
from medbill.web.claims_out.services import build_claims
from medbill.web.coding import workspace
from medbill.web.coding.models import CodeChoice, CodingWork
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_queue_lists_visits_oldest_first(world, client_for):
    late = new_visit(world.a, day=9)
    early = new_visit(world.a, day=5)
    new_visit(world.a, day=6, status="coded")
    response = client_for(world.users["coder"]).get("/coding/queue/")
    assert response.status_code == 200
    ids = [v.pk for v in response.context["visits"]]
    assert ids == [world.a.visit.pk, early.pk, late.pk]
    assert "Start with the oldest" in response.content.decode()


def test_queue_shows_work_nobody_has_taken_yet(world, client_for):
    # Asking for suggestions keeps them with a CodingWork before anyone is its coder.
    waiting = new_visit(world.a, day=5)
    CodingWork.objects.create(practice=world.a.practice, visit=waiting)
    taken = new_visit(world.a, day=6)
    CodingWork.objects.create(practice=world.a.practice, visit=taken, coder=world.users["coder"])
    response = client_for(world.users["coder"]).get("/coding/queue/")
    assert response.status_code == 200
    rows = response.content.decode().split("<tbody>")[1]
    assert world.users["coder"].get_full_name() in rows


def test_queue_filters_by_provider_and_payer(world, client_for):
    from medbill.web.practice.models import Provider

    other = Provider.objects.create(
        practice=world.a.practice, last_name="Okafor", first_name="Ada", npi="1093817465"
    )
    theirs = new_visit(world.a, day=7)
    theirs.provider = other
    theirs.save()
    client = client_for(world.users["coder"])
    by_provider = client.get(f"/coding/queue/?provider={other.pk}").context["visits"]
    assert [v.pk for v in by_provider] == [theirs.pk]
    by_payer = client.get(f"/coding/queue/?payer={world.a.payer.pk}").context["visits"]
    assert theirs.pk in [v.pk for v in by_payer]
    by_other_payer = client.get(f"/coding/queue/?payer={world.a.secondary_payer.pk}").context[
        "visits"
    ]
    assert list(by_other_payer) == []


def test_coding_screen_shows_note_codes_and_keys(world, client_for):
    visit = new_visit(world.a)
    response = client_for(world.users["coder"]).get(f"/coding/visits/{visit.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="note"' in page and 'id="suggestions"' in page and 'id="findings"' in page
    assert "accept the suggestion" in page and "<kbd>a</kbd>" in page
    assert response.context["editable"] is True
    viewed = AuditEvent.objects.filter(object_type="frontdesk.Visit", object_id=str(visit.pk))
    assert viewed.filter(action="view", user=world.users["coder"]).exists()


def test_suggestions_come_from_the_engine_with_offsets_into_the_note(world, client_for):
    visit = new_visit(world.a)
    response = client_for(world.users["coder"]).get(f"/coding/visits/{visit.pk}/suggestions.json")
    assert response.status_code == 200
    data = response.json()
    assert data["note"] == NOTE
    codes = [d["code"] for d in data["diagnoses"]]
    assert "E11.9" in codes
    for d in data["diagnoses"] + data["procedures"]:
        for ev in d["evidence"]:
            assert NOTE[ev["start"] : ev["end"]] == ev["text"]
    # each diagnosis says how the Alphabetic Index leads to it, when it does
    diabetes = next(d for d in data["diagnoses"] if d["code"] == "E11.9")
    assert "trail" in diabetes
    if index_releases():
        assert diabetes["trail"].startswith("Diabetes, diabetic, type 2")
    # kept with the work, so later saves can be traced to it
    assert CodingWork.objects.get(visit=visit).suggestions["diagnoses"]


def test_saving_records_where_each_code_came_from(world, client_for):
    visit = new_visit(world.a)
    with_suggestions(visit)
    coder = world.users["coder"]
    body = {
        "diagnoses": [
            {"code": "J02.0", "suggested": ""},  # accepted unchanged
            {"code": "E11.65", "suggested": "E11.9"},  # edited from a suggestion
            {"code": "I10", "suggested": "Z99.9"},  # by hand (the claimed suggestion is not one)
        ],
        "lines": [{"code": "99213", "dx_pointers": [1, 2], "units": "1"}],
        "rejected": ["J02.9"],
    }
    response = _post(client_for(coder), f"/coding/visits/{visit.pk}/save.json", body)
    assert response.status_code == 200, response.content
    choices = {c.code: c for c in CodeChoice.objects.filter(visit=visit)}
    assert choices["J020"].origin == "suggested"
    assert (choices["E1165"].origin, choices["E1165"].suggested_code) == ("changed", "E119")
    assert choices["I10"].origin == "manual"
    assert choices["99213"].origin == "suggested"  # the E/M level the engine proposed
    assert choices["J029"].origin == "rejected"
    assert {c.decided_by for c in choices.values()} == {coder}
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CODING
    assert [d.code for d in visit.diagnoses.all()] == ["J020", "E1165", "I10"]
    events = AuditEvent.objects.filter(object_type="coding.CodeChoice", user=coder)
    assert events.filter(action="create").count() == 5
    # the screen shows the rejected suggestion as rejected when the coder comes back
    page = client_for(coder).get(f"/coding/visits/{visit.pk}/")
    assert page.context["saved"]["rejected"] == ["J029"]


def test_a_decision_keeps_its_author_until_it_changes(world, client_for):
    visit = new_visit(world.a)
    with_suggestions(visit)
    first, second = world.users["coder"], world.users["manager"]
    body = {"diagnoses": [{"code": "J02.0"}], "lines": [{"code": "99213", "dx_pointers": [1]}]}
    _post(client_for(first), f"/coding/visits/{visit.pk}/save.json", body)
    body["diagnoses"].append({"code": "R50.9"})
    _post(client_for(second), f"/coding/visits/{visit.pk}/save.json", body)
    choices = {c.code: c.decided_by for c in CodeChoice.objects.filter(visit=visit)}
    assert choices == {"J020": first, "99213": first, "R509": second}


def test_bad_codes_are_refused_naming_the_field(world, client_for):
    visit = new_visit(world.a)
    body = {"diagnoses": [{"code": "J02.0"}], "lines": [{"code": "99213", "dx_pointers": [4]}]}
    response = _post(client_for(world.users["coder"]), f"/coding/visits/{visit.pk}/save.json", body)
    assert response.status_code == 422
    answer = response.json()
    assert "lines[0]" not in answer["error"]
    assert [(p["line"], p["field"]) for p in answer["problems"]] == [(0, "dx_pointers")]
    assert answer["problems"][0]["message"] == "Points at diagnosis 4; the visit has 1"


def test_scrub_of_the_draft_follows_the_codes_on_screen(world, client_for):
    visit = new_visit(world.a)
    client = client_for(world.users["coder"])
    url = f"/coding/visits/{visit.pk}/scrub.json"
    clean = _post(
        client, url, {"diagnoses": ["J020"], "lines": [{"code": "99213", "dx_pointers": [1]}]}
    )
    assert clean.status_code == 200
    assert clean.json()["findings"] == [] and clean.json()["can_submit"] is True
    broken = _post(
        client, url, {"diagnoses": ["J020"], "lines": [{"code": "99213", "dx_pointers": []}]}
    )
    codes = [f["code"] for f in broken.json()["findings"]]
    assert codes and broken.json()["can_submit"] is False
    # nothing was stored by scrubbing
    assert not visit.diagnoses.exists()


def test_finish_sends_the_visit_to_billing(world, client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    coder = world.users["coder"]
    workspace.save_codes(coder, visit, *SIMPLE_CODES)
    response = client_for(coder).post(f"/coding/visits/{visit.pk}/finish/")
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CODED
    assert CodingWork.objects.get(visit=visit).state == "coded"
    built = build_claims(world.users["biller"], world.a.practice, [visit.pk])
    assert [c.visit_id for c in built.created] == [visit.pk]


def test_finish_needs_codes(world, client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    client = client_for(world.users["coder"])
    client.get(f"/coding/visits/{visit.pk}/")
    workspace.start_coding(world.users["coder"], visit)
    response = client.post(f"/coding/visits/{visit.pk}/finish/", follow=True)
    assert "code at least one diagnosis" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CODING


def test_finished_visit_is_read_only_on_the_screen(world, client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    coder = world.users["coder"]
    workspace.save_codes(coder, visit, *SIMPLE_CODES)
    client = client_for(coder)
    client.post(f"/coding/visits/{visit.pk}/finish/")
    assert client.get(f"/coding/visits/{visit.pk}/").context["editable"] is False
    again = _post(
        client,
        f"/coding/visits/{visit.pk}/save.json",
        {"diagnoses": ["J020"], "lines": [{"code": "99213", "dx_pointers": [1]}]},
    )
    assert again.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"diagnoses": "J020", "lines": []},
        {"diagnoses": [], "lines": ["99213", 5, None]},
        {
            "diagnoses": ["J020"],
            "lines": [
                {"code": "99213", "modifiers": "25 59", "dx_pointers": "1, x", "units": "lots"}
            ],
        },
        {"diagnoses": [{"code": None}], "lines": [{"code": "993"}]},
        {"diagnoses": 5, "lines": {}, "rejected": 7},
    ],
)
def test_scrub_copes_with_half_typed_codes(world, client_for, body):
    visit = new_visit(world.a)
    response = _post(
        client_for(world.users["coder"]), f"/coding/visits/{visit.pk}/scrub.json", body
    )
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert isinstance(response.json()["findings"], list)
    saved = _post(client_for(world.users["coder"]), f"/coding/visits/{visit.pk}/save.json", body)
    assert saved.status_code == 422 and saved.json()["error"]


def test_screen_shows_only_charges_entered_by_hand(world, client_for):
    visit = new_visit(world.a)
    coder = world.users["coder"]
    lines = [
        {"code": "99213", "dx_pointers": [1]},
        {"code": "99215", "charge": "210.00", "dx_pointers": [1]},
    ]
    workspace.save_codes(coder, visit, ["J020"], lines)
    page = client_for(coder).get(f"/coding/visits/{visit.pk}/")
    assert [line["charge"] for line in page.context["saved"]["lines"]] == ["", "210.00"]
    # the live check uses the entered charge, not a missing fee schedule price
    body = {
        "diagnoses": ["J020"],
        "lines": [{"code": "99215", "charge": "210.00", "dx_pointers": [1]}],
    }
    result = _post(client_for(coder), f"/coding/visits/{visit.pk}/scrub.json", body).json()
    assert "FMT015" not in [f["code"] for f in result["findings"]]
    body["lines"][0]["charge"] = None
    result = _post(client_for(coder), f"/coding/visits/{visit.pk}/scrub.json", body).json()
    assert "FMT015" in [f["code"] for f in result["findings"]]


def test_without_the_engine_the_note_is_still_there(world, client_for, monkeypatch):
    from medbill.core.suggest import SuggestEngine

    def broken(cls):
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr(SuggestEngine, "shared", classmethod(broken))
    visit = new_visit(world.a)
    client = client_for(world.users["coder"])
    response = client.get(f"/coding/visits/{visit.pk}/suggestions.json")
    assert response.status_code == 503
    assert response.json() == {"error": "the suggestion engine is not available"}
    page = client.get(f"/coding/visits/{visit.pk}/")
    assert page.context["note"] == NOTE

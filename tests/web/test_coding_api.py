"""``/api/coding/`` and the coding pages: the same tenancy (404) and role (403) rules."""

from __future__ import annotations

import json

import pytest
from coding_support import SIMPLE_CODES, new_visit, no_review, with_suggestions

from medbill.web.coding import review as reviewing
from medbill.web.coding import workspace
from medbill.web.coding.models import CodeChoice

pytestmark = pytest.mark.django_db


def _json(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_queue_suggestions_save_and_finish(world, api_client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    api = api_client_for(world.users["coder"])
    queue = api.get("/api/coding/queue").json()
    assert [v["id"] for v in queue] == [world.a.visit.pk, visit.pk]
    suggestions = api.get(f"/api/coding/visits/{visit.pk}/suggestions")
    assert suggestions.status_code == 200 and "diagnoses" in suggestions.json()
    with_suggestions(visit)
    body = {
        "diagnoses": [{"code": "J02.0"}, {"code": "R50.9"}],
        "lines": [{"code": "99213", "dx_pointers": [1, 2]}],
        "rejected": ["E11.9"],
    }
    saved = _json(api, "put", f"/api/coding/visits/{visit.pk}/codes", body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["diagnoses"] == ["J020", "R509"] and saved.json()["can_submit"] is True
    origins = dict(CodeChoice.objects.filter(visit=visit).values_list("code", "origin"))
    assert origins == {
        "J020": "suggested",
        "R509": "manual",
        "99213": "suggested",
        "E119": "rejected",
    }
    done = api.post(f"/api/coding/visits/{visit.pk}/finish")
    assert done.status_code == 200
    assert done.json() == {"status": "coded", "review_id": None, "reasons": []}


def test_bad_input_is_422_naming_the_field(world, api_client_for):
    visit = new_visit(world.a)
    api = api_client_for(world.users["coder"])
    body = {"diagnoses": [{"code": "nonsense!"}], "lines": []}
    response = _json(api, "put", f"/api/coding/visits/{visit.pk}/codes", body)
    assert response.status_code == 422 and "diagnoses[0]" in response.json()["error"]


def test_review_decisions_and_own_work(world, api_client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    coder = world.users["coder"]
    workspace.save_codes(
        coder, visit, ["J020"], [{"code": "99215", "charge": "200", "dx_pointers": [1]}]
    )
    review = reviewing.finish_coding(coder, visit)
    mine = _json(api_client_for(coder), "post", f"/api/coding/reviews/{review.pk}", {"agree": True})
    assert mine.status_code == 403
    manager = api_client_for(world.users["manager"])
    assert [r["id"] for r in manager.get("/api/coding/reviews").json()] == [review.pk]
    vague = _json(manager, "post", f"/api/coding/reviews/{review.pk}", {"agree": False})
    assert vague.status_code == 422 and "reason" in vague.json()["error"]
    change = {
        "agree": False,
        "reason": "time does not support 99215",
        "diagnoses": ["J020"],
        "lines": [{"code": "99213", "dx_pointers": [1]}],
    }
    decided = _json(manager, "post", f"/api/coding/reviews/{review.pk}", change)
    assert decided.status_code == 200 and decided.json()["status"] == "changed"
    assert decided.json()["codes_after"]["lines"][0]["code"] == "99213"


def test_queries_through_the_api(world, api_client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    coder = api_client_for(world.users["coder"])
    workspace.save_codes(world.users["coder"], visit, *SIMPLE_CODES)
    asked = _json(
        coder,
        "post",
        f"/api/coding/visits/{visit.pk}/queries",
        {"topic": "diabetes_type", "question": "Type 1 or type 2?"},
    )
    assert asked.status_code == 201
    blocked = coder.post(f"/api/coding/visits/{visit.pk}/finish")
    assert blocked.status_code == 422 and "still open" in blocked.json()["error"]
    bad_topic = _json(
        coder, "post", f"/api/coding/visits/{visit.pk}/queries", {"topic": "mood", "question": "?"}
    )
    assert bad_topic.status_code == 422 and "topic" in bad_topic.json()["error"]
    manager = api_client_for(world.users["manager"])
    answered = _json(
        manager, "post", f"/api/coding/queries/{asked.json()['id']}/answer", {"answer": "Type 2."}
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "Type 2."
    assert [q["answer"] for q in coder.get(f"/api/coding/visits/{visit.pk}/queries").json()] == [
        "Type 2."
    ]
    assert coder.post(f"/api/coding/visits/{visit.pk}/finish").status_code == 200


def test_api_tenancy_and_roles(world, api_client_for):
    visit = new_visit(world.a)
    outsider = api_client_for(world.outsider)
    for method, url in (
        ("get", f"/api/coding/visits/{visit.pk}/suggestions"),
        ("post", f"/api/coding/visits/{visit.pk}/finish"),
        ("get", f"/api/coding/visits/{visit.pk}/queries"),
    ):
        assert getattr(outsider, method)(url).status_code == 404, url
    queue = outsider.get("/api/coding/queue").json()
    assert {v["practice_id"] for v in queue} == {world.b.practice.pk}
    desk = api_client_for(world.users["front_desk"])
    assert desk.get(f"/api/coding/visits/{visit.pk}/suggestions").status_code == 403
    assert desk.post(f"/api/coding/visits/{visit.pk}/finish").status_code == 403
    assert desk.get("/api/coding/queue").json() == []
    assert desk.get("/api/coding/reviews").json() == []
    put = _json(desk, "put", f"/api/coding/visits/{visit.pk}/codes", {"diagnoses": [], "lines": []})
    assert put.status_code == 403
    from django.test import Client

    assert Client().get("/api/coding/queue").status_code == 401


PAGES = [
    ("get", "/coding/queue/", "change_codes"),
    ("get", "/coding/visits/{visit}/", "change_codes"),
    ("get", "/coding/visits/{visit}/suggestions.json", "change_codes"),
    ("post", "/coding/visits/{visit}/scrub.json", "change_codes"),
    ("post", "/coding/visits/{visit}/save.json", "change_codes"),
    ("post", "/coding/visits/{visit}/finish/", "change_codes"),
    ("post", "/coding/visits/{visit}/queries/", "change_codes"),
    ("get", "/coding/queries/", "edit_notes"),
    ("get", "/coding/reviews/", "review_codes"),
    ("get", "/coding/em/", "view_reports"),
]


@pytest.mark.parametrize(("method", "url", "action"), PAGES)
def test_pages_refuse_roles_without_the_action(world, client_for, method, url, action):
    visit = new_visit(world.a)
    response = getattr(client_for(world.users["front_desk"]), method)(url.format(visit=visit.pk))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    ["/coding/visits/{visit}/", "/coding/visits/{visit}/suggestions.json"],
)
def test_other_practices_visits_are_404(world, client_for, url):
    visit = new_visit(world.a)
    assert client_for(world.outsider).get(url.format(visit=visit.pk)).status_code == 404


def test_other_practices_reviews_and_queries_are_404(world, client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    coder = world.users["coder"]
    workspace.save_codes(coder, visit, *SIMPLE_CODES)
    query = workspace.ask_query(coder, visit, "Which side?", "laterality")
    outsider = client_for(world.outsider)
    assert outsider.post(f"/coding/queries/{query.pk}/answer/", {"answer": "x"}).status_code == 404
    workspace.answer_query(world.users["manager"], query, "Left.")
    workspace.save_codes(
        coder, visit, ["J020"], [{"code": "99215", "charge": "200", "dx_pointers": [1]}]
    )
    review = reviewing.finish_coding(coder, visit)
    assert outsider.get(f"/coding/reviews/{review.pk}/").status_code == 404
    assert outsider.post(f"/coding/reviews/{review.pk}/", {"decision": "agree"}).status_code == 404


def test_accuracy_and_em_levels(world, api_client_for):
    no_review(world.a)
    coder, manager = world.users["coder"], world.users["manager"]
    visit = new_visit(world.a)
    workspace.save_codes(
        coder, visit, ["J020"], [{"code": "99215", "charge": "200", "dx_pointers": [1]}]
    )
    review = reviewing.finish_coding(coder, visit)
    reviewing.decide_review(manager, review, True)
    api = api_client_for(manager)
    assert api.get("/api/coding/accuracy").json() == [
        {"coder": "Coder", "reviewed": 1, "agreed": 1, "rate": 100.0}
    ]
    report = api.get("/api/coding/em-levels").json()
    assert report["practice"]["99215"] == 100.0
    assert [p["provider"] for p in report["providers"]] == ["Whitaker, Joan MD"]
    assert api.get("/api/coding/em-levels?since=2026-04-01").json()["providers"] == []
    # another tenant's practice is not found; a role without reports is refused
    other = world.b.practice.pk
    assert api.get(f"/api/coding/em-levels?practice={other}").status_code == 404
    assert api_client_for(coder).get("/api/coding/em-levels").status_code == 403
    assert api_client_for(world.users["front_desk"]).get("/api/coding/accuracy").status_code == 403
    assert api_client_for(world.outsider).get("/api/coding/accuracy").json() == []

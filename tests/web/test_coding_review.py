"""Second review (who is picked, who may review, agree or change), coder accuracy, provider
queries that hold a visit back from billing, and the E/M level page."""

from __future__ import annotations

import pytest
from coding_support import SIMPLE_CODES, new_visit, no_review, with_suggestions
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from medbill.core.second_review import in_sample
from medbill.web.claims_out.services import build_claims
from medbill.web.coding import review as reviewing
from medbill.web.coding import workspace
from medbill.web.coding.models import CodingPolicy, CodingWork
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent, Membership
from shared_data import need_built

pytestmark = pytest.mark.django_db


def _finish(user, visit, diagnoses, lines):
    workspace.save_codes(user, visit, diagnoses, lines)
    return reviewing.finish_coding(user, visit)


def _second_coder(world) -> User:
    user = User.objects.create_user("coder2", password="x-long-password-1")
    Membership.objects.create(user=user, practice=world.a.practice, role="coder")
    return user


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([{"code": "99215", "dx_pointers": [1]}], "highest-level office visit 99215"),
        ([{"code": "99205", "dx_pointers": [1]}], "highest-level office visit 99205"),
        ([{"code": "99213", "modifiers": ["25"], "dx_pointers": [1]}], "modifier 25 on 99213"),
        ([{"code": "87880", "modifiers": ["59"], "dx_pointers": [1]}], "modifier 59 on 87880"),
        ([{"code": "87880", "modifiers": ["XU"], "dx_pointers": [1]}], "modifier XU on 87880"),
    ],
)
def test_high_risk_codes_go_to_review(world, lines, expected):
    no_review(world.a)
    visit = new_visit(world.a)
    for line in lines:
        line["charge"] = "100.00"
    review = _finish(world.users["coder"], visit, ["J020"], lines)
    assert review is not None and expected in review.reasons
    visit.refresh_from_db()
    assert visit.status == Visit.Status.REVIEW
    assert build_claims(world.users["biller"], world.a.practice, [visit.pk]).created == []


def test_a_code_changed_from_the_suggestion_goes_to_review(world):
    no_review(world.a)
    visit = new_visit(world.a)
    with_suggestions(visit)
    review = _finish(
        world.users["coder"], visit, [{"code": "E11.65", "suggested": "E11.9"}], SIMPLE_CODES[1]
    )
    assert review.reasons == ["changed from the suggestion: E1165"]


def test_the_first_visits_of_a_new_coder_go_to_review(world):
    CodingPolicy.objects.create(practice=world.a.practice, review_percent=0, new_coder_visits=2)
    coder = world.users["coder"]
    picked = [_finish(coder, new_visit(world.a, day=4 + i), *SIMPLE_CODES) for i in range(3)]
    assert [bool(r) for r in picked] == [True, True, False]
    assert picked[0].reasons == ["new coder (visit 1 of the first 2)"]


def test_the_sample_share_is_deterministic(world):
    CodingPolicy.objects.create(practice=world.a.practice, review_percent=30, new_coder_visits=0)
    coder = world.users["coder"]
    visits = [new_visit(world.a, day=4 + i) for i in range(12)]
    outcome = {v.pk: bool(_finish(coder, v, *SIMPLE_CODES)) for v in visits}
    assert outcome == {v.pk: in_sample(v.pk, 30) for v in visits}
    assert any(outcome.values()) or not any(in_sample(v.pk, 30) for v in visits)


def test_routine_visit_goes_straight_to_billing(world):
    no_review(world.a)
    visit = new_visit(world.a)
    assert _finish(world.users["coder"], visit, *SIMPLE_CODES) is None
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CODED


def test_reviewer_cannot_review_own_work(world, client_for):
    need_built("mue")  # 99215 is not in the fee schedule: the MUE table makes it a known CPT code
    no_review(world.a)
    manager = world.users["manager"]
    review = _finish(
        manager,
        new_visit(world.a),
        ["J020"],
        [{"code": "99215", "charge": "200", "dx_pointers": [1]}],
    )
    with pytest.raises(PermissionDenied):
        reviewing.decide_review(manager, review, True)
    page = client_for(manager).get(f"/coding/reviews/{review.pk}/")
    assert page.context["own"] is True
    assert [f["code"] for f in page.context["scrub"]["findings"]] == []
    refused = client_for(manager).post(f"/coding/reviews/{review.pk}/", {"decision": "agree"})
    assert refused.status_code == 403
    review.refresh_from_db()
    assert review.status == "open"


def test_another_coder_agrees_and_the_visit_is_coded(world, client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    review = _finish(
        world.users["coder"],
        visit,
        ["J020"],
        [{"code": "99215", "charge": "200", "dx_pointers": [1]}],
    )
    other = _second_coder(world)
    response = client_for(other).post(f"/coding/reviews/{review.pk}/", {"decision": "agree"})
    assert response.status_code == 302
    review.refresh_from_db()
    visit.refresh_from_db()
    assert (review.status, review.reviewer) == ("agreed", other)
    assert visit.status == Visit.Status.CODED
    assert CodingWork.objects.get(visit=visit).state == "coded"


def test_manager_changes_codes_with_a_reason(world, client_for):
    no_review(world.a)
    visit = new_visit(world.a)
    review = _finish(
        world.users["coder"],
        visit,
        ["J020"],
        [{"code": "99215", "charge": "200", "dx_pointers": [1]}],
    )
    client = client_for(world.users["manager"])
    form = {
        "decision": "change",
        "diagnoses": "J020",
        "rows": "1",
        "line-0-code": "99213",
        "line-0-pointers": "1",
        "line-0-units": "1",
        "line-0-modifiers": "",
    }
    without_reason = client.post(f"/coding/reviews/{review.pk}/", form)
    assert without_reason.status_code == 422
    assert without_reason.context["error"].startswith("Reason: ")
    done = client.post(f"/coding/reviews/{review.pk}/", {**form, "reason": "MDM is low"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == "changed" and review.reason == "MDM is low"
    assert review.codes_before["lines"][0]["code"] == "99215"
    assert review.codes_after["lines"][0]["code"] == "99213"
    assert [s.code for s in visit.service_lines.all()] == ["99213"]
    assert AuditEvent.objects.filter(
        object_type="coding.CodingReview", action="update", user=world.users["manager"]
    ).exists()


def test_coder_accuracy_is_the_agreement_rate(world, client_for):
    no_review(world.a)
    coder, manager = world.users["coder"], world.users["manager"]
    high = [{"code": "99215", "charge": "200", "dx_pointers": [1]}]
    reviews = [_finish(coder, new_visit(world.a, day=4 + i), ["J020"], high) for i in range(4)]
    for r in reviews[:3]:
        reviewing.decide_review(manager, r, True)
    reviewing.decide_review(
        manager, reviews[3], False, "too high", ["J020"], [{"code": "99213", "dx_pointers": [1]}]
    )
    rows = reviewing.coder_accuracy(manager, world.a.practice)
    assert [(r.coder, r.reviewed, r.agreed, r.rate) for r in rows] == [("Coder", 4, 3, 75.0)]
    page = client_for(manager).get("/coding/reviews/").content.decode()
    assert "75%" in page


def test_review_settings_need_a_manager(world, client_for):
    client_for(world.users["coder"]).post(
        "/coding/reviews/", {"review_percent": "50", "new_coder_visits": "1"}
    )
    assert reviewing.policy_for(world.a.practice).review_percent == 10
    client_for(world.users["manager"]).post(
        "/coding/reviews/", {"review_percent": "50", "new_coder_visits": "1"}
    )
    assert reviewing.policy_for(world.a.practice).review_percent == 50
    with pytest.raises(ServiceError):
        reviewing.set_policy(world.users["manager"], world.a.practice, "150", "1")


# -- provider queries ----------------------------------------------------------------------


def test_query_round_trip_blocks_billing_until_answered(world, client_for):
    no_review(world.a)
    coder, manager = world.users["coder"], world.users["manager"]
    visit = new_visit(world.a)
    workspace.save_codes(coder, visit, *SIMPLE_CODES)
    client = client_for(coder)
    client.post(
        f"/coding/visits/{visit.pk}/queries/", {"topic": "laterality", "question": "Which side?"}
    )
    work = CodingWork.objects.get(visit=visit)
    assert work.state == "query"
    queue = client.get("/coding/queue/").content.decode()
    assert "waiting for provider" in queue
    screen = client.get(f"/coding/visits/{visit.pk}/")
    assert screen.context["open_query"] is True and screen.context["editable"] is True
    assert 'id="finish" disabled' in screen.content.decode()
    with pytest.raises(ServiceError, match="still open"):
        reviewing.finish_coding(coder, visit)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CODING
    skipped = build_claims(world.users["biller"], world.a.practice, [visit.pk])
    assert skipped.created == [] and "not coded" in skipped.skipped[visit.pk]
    query = visit.queries.get()
    # the coder who asked cannot answer for the provider
    with pytest.raises(ServiceError):
        workspace.answer_query(coder, query, "left")
    listing = client_for(manager).get("/coding/queries/")
    assert "Which side?" in listing.content.decode()
    client_for(manager).post(f"/coding/queries/{query.pk}/answer/", {"answer": "Left knee."})
    query.refresh_from_db()
    assert (query.answer, query.answered_by) == ("Left knee.", manager)
    assert CodingWork.objects.get(visit=visit).state == "coding"
    assert reviewing.finish_coding(coder, visit) is None
    built = build_claims(world.users["biller"], world.a.practice, [visit.pk])
    assert [c.visit_id for c in built.created] == [visit.pk]
    kinds = set(
        AuditEvent.objects.filter(object_type="coding.ProviderQuery").values_list(
            "action", flat=True
        )
    )
    assert kinds == {"create", "update"}


# -- E/M distribution ----------------------------------------------------------------------


def test_em_page_flags_an_outlier_provider(world, client_for):
    from medbill.web.coding.models import ServiceLine
    from medbill.web.practice.models import Provider

    other = Provider.objects.create(
        practice=world.a.practice, last_name="Okafor", first_name="Ada", npi="1093817465"
    )
    day = 1
    for provider, levels in (
        (world.a.provider, ["99213"] * 10 + ["99214"] * 2),
        (other, ["99215"] * 10 + ["99213"] * 2),
    ):
        for code in levels:
            visit = new_visit(world.a, day=(day % 28) + 1, status="coded")
            visit.provider = provider
            visit.save()
            ServiceLine.objects.create(
                practice=world.a.practice,
                visit=visit,
                position=1,
                code=code,
                charge="100.00",
                dx_pointers=[],
            )
            day += 1
    response = client_for(world.users["manager"]).get("/coding/em/")
    assert response.status_code == 200
    flagged = {p.provider: p.flagged for p in response.context["providers"]}
    assert flagged["Okafor, Ada"] is True
    assert "outlier" in response.content.decode()
    # the first ten days hold only Whitaker's visits: nobody to compare with, nothing flagged
    early = client_for(world.users["manager"]).get("/coding/em/?since=2026-03-01&until=2026-03-10")
    assert [p.provider for p in early.context["providers"]] == ["Whitaker, Joan MD"]
    assert not early.context["providers"][0].flagged
    bad = client_for(world.users["manager"]).get("/coding/em/?since=March")
    assert bad.context["error"] == "since: use YYYY-MM-DD"

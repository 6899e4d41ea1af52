"""Claim findings on the claim page, the scrub action, waivers and the submission gate."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied

from medbill.web.billing import scrubbing
from medbill.web.billing.models import Claim, ClaimLine, EditWaiver
from medbill.web.claims_out.models import ClaimEvent
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def _break_pointer(claim: Claim) -> None:
    line = claim.lines.get()
    line.dx_pointers = [3]
    line.save()


def test_it_works(world, client_for):
    response = client_for(world.users["biller"]).get(f"/claims/{world.a.claim.pk}/")
    assert response.status_code == 200
    assert response.context["scrub"].findings == ()
    assert "No edit found a problem" in response.content.decode()


def test_findings_show_inline_with_their_fix(world, client_for):
    _break_pointer(world.a.claim)
    first = world.a.claim.lines.get()
    ClaimLine.objects.create(
        practice=world.a.practice,
        claim=world.a.claim,
        line_number=2,
        code=first.code,
        charge=first.charge,
        dx_pointers=[1],
        date_of_service=first.date_of_service,
    )
    text = client_for(world.users["biller"]).get(f"/claims/{world.a.claim.pk}/").content.decode()
    assert "FMT017" in text and "points to diagnosis 3; the claim has 1" in text
    assert "FMT018" in text and "Bill the units of line 2 on line 1" in text
    assert "cannot be submitted until its errors are fixed" in text


def test_scrub_marks_a_clean_claim_ready(world, client_for):
    client = client_for(world.users["biller"])
    response = client.post(f"/claims/{world.a.claim.pk}/scrub/")
    assert response.status_code == 302
    world.a.claim.refresh_from_db()
    assert world.a.claim.status == Claim.Status.SCRUBBED


def test_a_claim_with_an_error_stays_draft_and_cannot_be_submitted(world, client_for):
    _break_pointer(world.a.claim)
    client_for(world.users["biller"]).post(f"/claims/{world.a.claim.pk}/scrub/")
    world.a.claim.refresh_from_db()
    assert world.a.claim.status == Claim.Status.DRAFT
    with pytest.raises(ServiceError, match="cannot be submitted: 1 error"):
        scrubbing.require_clean(world.users["biller"], world.a.claim)


def test_front_desk_may_not_scrub(world, client_for):
    response = client_for(world.users["front_desk"]).post(f"/claims/{world.a.claim.pk}/scrub/")
    assert response.status_code == 403


def test_a_waiver_needs_a_reason_and_the_right_role(world):
    manager, biller = world.users["manager"], world.users["biller"]
    a = world.a
    with pytest.raises(PermissionDenied):
        scrubbing.waive_edit(biller, a.practice, a.payer, "FMT017", "contract")
    with pytest.raises(ServiceError, match="needs a reason"):
        scrubbing.waive_edit(manager, a.practice, a.payer, "FMT017", " ")
    with pytest.raises(ServiceError, match="not an edit code"):
        scrubbing.waive_edit(manager, a.practice, a.payer, "XX999", "because")
    with pytest.raises(ServiceError, match="payer"):
        scrubbing.waive_edit(manager, a.practice, world.b.payer, "FMT017", "because")


def test_a_waived_edit_no_longer_blocks_and_is_audited(world):
    manager, biller = world.users["manager"], world.users["biller"]
    _break_pointer(world.a.claim)
    waiver = scrubbing.waive_edit(
        manager, world.a.practice, world.a.payer, "fmt017", "Payer reads pointers from notes"
    )
    assert waiver.code == "FMT017" and waiver.waived_by == manager
    assert AuditEvent.objects.filter(
        object_type="billing.EditWaiver", object_id=str(waiver.pk), action="create"
    ).exists()
    assert scrubbing.require_clean(biller, world.a.claim).findings == ()
    with pytest.raises(ServiceError, match="already waived"):
        scrubbing.waive_edit(manager, world.a.practice, world.a.payer, "FMT017", "again")
    scrubbing.revoke_waiver(manager, waiver)
    assert EditWaiver.objects.get(pk=waiver.pk).revoked_by == manager
    assert not scrubbing.scrub_claim(biller, world.a.claim).can_submit


def test_api_scrubs_a_stored_claim(world, api_client_for):
    _break_pointer(world.a.claim)
    response = api_client_for(world.users["biller"]).get(f"/api/scrub/claims/{world.a.claim.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["claim_id"] == "CVFP-000102" and body["can_submit"] is False
    assert [f["code"] for f in body["findings"]] == ["FMT017"]
    assert body["findings"][0]["line"] == 1
    other = api_client_for(world.outsider).get(f"/api/scrub/claims/{world.a.claim.pk}")
    assert other.status_code == 404


def test_api_scrubs_claim_json(world, api_client_for, shared_examples):
    client = api_client_for(world.users["biller"])
    body = (shared_examples / "all_claims.json").read_bytes()
    response = client.post("/api/scrub", body, content_type="application/json")
    assert response.status_code == 200
    assert [(r["claim_id"], r["findings"]) for r in response.json()] == [
        ("CVFP-000101", []),
        ("CVFP-000102", []),
        ("CVFP-000087", []),
    ]
    claim = json.loads((shared_examples / "office_visit.json").read_text())
    claim["lines"][0]["units"] = 0
    one = client.post("/api/scrub", json.dumps(claim), content_type="application/json").json()
    assert [f["code"] for f in one[0]["findings"]] == ["FMT016"]
    bad = client.post("/api/scrub", "{]", content_type="application/json")
    assert bad.status_code == 422 and "not valid JSON" in bad.json()["error"]


def test_api_lists_edits(world, api_client_for):
    edits = api_client_for(world.users["coder"]).get("/api/scrub/edits?select=MUE").json()
    assert [e["code"] for e in edits] == ["MUE001", "MUE002", "MUE003"]


def test_submission_refuses_a_scrubbed_claim_that_now_has_errors(world, tmp_path):
    from medbill.web.claims_out.models import ClearinghouseConnection
    from medbill.web.claims_out.services import submit_claims

    claim = world.a.claim
    claim.status = Claim.Status.SCRUBBED
    claim.save()
    _break_pointer(claim)
    ClearinghouseConnection.objects.create(
        practice=world.a.practice,
        name="prairie",
        settings={
            "sender_id": "CVFP01",
            "receiver_id": "PRAIRIE",
            "submitter_name": "Cedar Valley",
            "contact_name": "Billing Office",
            "contact_phone": "6085550142",
            "receiver_name": "Prairie Clearinghouse",
            "transport": "folder",
            "folder": str(tmp_path / "out"),
        },
    )
    with pytest.raises(ServiceError, match="cannot be submitted: 1 error.*FMT017"):
        submit_claims(world.users["biller"], world.a.practice, [claim], "prairie")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SCRUBBED


def test_coverage_dates_come_from_the_coverage_on_file(world):
    coverage = world.a.coverage
    coverage.termination_date = datetime.date(2026, 2, 28)
    coverage.save()
    result = scrubbing.scrub_claim(world.users["biller"], world.a.claim)
    assert [f.code for f in result.findings] == ["DEM006"]
    assert "after coverage ended 2026-02-28" in result.findings[0].message


def test_the_practice_fee_schedule_is_a_cpt_source(world):
    from medbill.web.practice.models import FeeSchedule, FeeScheduleEntry

    schedule = FeeSchedule.objects.get(practice=world.a.practice)
    FeeScheduleEntry.objects.create(
        practice=world.a.practice,
        fee_schedule=schedule,
        code="0999T",
        description="A category III service in our own words",
        price="250.00",
        effective_from=datetime.date(2026, 1, 1),
    )
    refs = scrubbing._references(world.a.claim)
    assert "0999T" in refs.cpt_known and "practice fee schedule" in refs.cpt_sources
    assert scrubbing._references(world.a.claim) is refs  # built once per fee schedule


def test_api_waivers(world, api_client_for):
    manager = api_client_for(world.users["manager"])
    body = {
        "practice": world.a.practice.pk,
        "payer": world.a.payer.pk,
        "code": "FMT017",
        "reason": "Payer reads pointers from notes",
    }
    created = manager.post("/api/scrub/waivers", body, content_type="application/json")
    assert created.status_code == 201, created.content
    waiver = created.json()
    assert waiver["code"] == "FMT017" and waiver["waived_by"] == "manager"
    assert [w["id"] for w in manager.get("/api/scrub/waivers").json()] == [waiver["id"]]
    biller = api_client_for(world.users["biller"])
    assert (
        biller.post("/api/scrub/waivers", body, content_type="application/json").status_code == 403
    )
    no_reason = manager.post(
        "/api/scrub/waivers", {**body, "reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]
    outsider = api_client_for(world.outsider)
    assert (
        outsider.post("/api/scrub/waivers", body, content_type="application/json").status_code
        == 404
    )
    assert outsider.get("/api/scrub/waivers").json() == []
    revoked = manager.post(f"/api/scrub/waivers/{waiver['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert manager.get("/api/scrub/waivers").json() == []


def test_a_manager_waives_an_edit_from_the_claim_page(world, client_for):
    _break_pointer(world.a.claim)
    manager = client_for(world.users["manager"])
    page = manager.get(f"/claims/{world.a.claim.pk}/").content.decode()
    assert "Waive for Lakeland Commercial Insurance" in page
    response = manager.post(
        f"/claims/{world.a.claim.pk}/waive/", {"code": "FMT017", "reason": "Payer policy 12"}
    )
    assert response.status_code == 302
    page = manager.get(f"/claims/{world.a.claim.pk}/").content.decode()
    assert "No edit found a problem" in page and "Payer policy 12" in page
    biller = client_for(world.users["biller"])
    assert "Waive for" not in biller.get(f"/claims/{world.a.claim.pk}/").content.decode()
    refused = biller.post(f"/claims/{world.a.claim.pk}/waive/", {"code": "FMT016", "reason": "x"})
    assert refused.status_code == 403


def test_payer_edit_selection_by_prefix(world):
    _break_pointer(world.a.claim)
    biller = world.users["biller"]
    assert "FMT017" in {f.code for f in scrubbing.scrub_claim(biller, world.a.claim).findings}
    payer = world.a.claim.payer
    payer.edits_ignore = "fmt017, "
    payer.save()
    world.a.claim.refresh_from_db()
    codes = {f.code for f in scrubbing.scrub_claim(biller, world.a.claim).findings}
    assert "FMT017" not in codes


def test_payer_edit_selection_is_validated():
    from django.core.exceptions import ValidationError

    from medbill.web.practice.models import Payer

    payer = Payer(name="X", payer_id="X1", edits_select="DX, 9!")
    with pytest.raises(ValidationError) as err:
        payer.clean()
    assert "edits_select" in err.value.message_dict


def test_the_command_line_and_the_api_print_the_same_json(
    world, api_client_for, shared_examples, tmp_path
):
    from typer.testing import CliRunner

    from medbill.cli.main import app

    claim = json.loads((shared_examples / "office_visit.json").read_text())
    claim["lines"][0]["units"] = 0
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim))
    printed = CliRunner().invoke(app, ["claims", "scrub", str(path), "--json"])
    client = api_client_for(world.users["biller"])
    answered = client.post("/api/scrub", json.dumps(claim), content_type="application/json")
    assert json.loads(printed.stdout) == answered.json()
    assert answered.json()[0]["can_submit"] is False


def test_a_scrubbed_claim_with_errors_goes_back_to_draft_in_its_history(world):
    from medbill.web.claims_out.models import ClaimEvent

    claim = world.a.claim
    biller = world.users["biller"]
    assert scrubbing.mark_scrubbed(biller, claim).can_submit
    assert Claim.objects.get(pk=claim.pk).status == "scrubbed"
    ClaimLine.objects.filter(claim=claim).update(units=0)
    result = scrubbing.mark_scrubbed(biller, claim)
    assert not result.can_submit
    assert Claim.objects.get(pk=claim.pk).status == "draft"
    moves = ClaimEvent.objects.filter(claim=claim).order_by("id")
    assert [(e.from_status, e.to_status, e.source) for e in moves] == [
        ("draft", "scrubbed", "scrub"),
        ("scrubbed", "draft", "scrub"),
    ]
    assert "FMT016" in moves[1].reason


def test_many_claims_scrubbed_at_once_settle_as_one_at_a_time_would(world):
    a, biller = world.a, world.users["biller"]
    broken = Claim.objects.create(
        practice=a.practice,
        visit=a.visit,
        patient=a.patient,
        coverage=a.coverage,
        payer=a.payer,
        patient_control_number=f"{a.practice.short_code}-000103",
        diagnoses=["J020"],
    )
    ClaimLine.objects.create(
        practice=a.practice,
        claim=broken,
        line_number=1,
        code="99213",
        charge="130.00",
        dx_pointers=[3],
        date_of_service=a.visit.date_of_service,
    )
    one = scrubbing.scrub_claim(biller, broken)
    clean, bad = scrubbing.mark_scrubbed_many(biller, a.practice, [broken.pk, a.claim.pk])
    assert clean.can_submit and not bad.can_submit
    assert [f.code for f in bad.findings] == [f.code for f in one.findings]
    a.claim.refresh_from_db()
    broken.refresh_from_db()
    assert (a.claim.status, broken.status) == (Claim.Status.SCRUBBED, Claim.Status.DRAFT)
    event = ClaimEvent.objects.get(claim=a.claim, to_status="scrubbed")
    assert (event.source, event.reason) == ("scrub", "no edit left an error")
    # Another practice's claim is not scrubbed through this one, nor by the front desk.
    assert scrubbing.mark_scrubbed_many(biller, a.practice, [world.b.claim.pk]) == []
    with pytest.raises(PermissionDenied):
        scrubbing.mark_scrubbed_many(world.users["front_desk"], a.practice, [broken.pk])


def test_an_eligibility_answer_that_the_coverage_is_not_active_warns(world):
    """The payer's latest 271 for the coverage and date of service said the member was not
    found: the claim warns (DEM007) with the answer's words; a later active answer for the
    same day clears it."""
    import datetime

    from django.utils import timezone

    from medbill.web.frontdesk.desk_models import EligibilityCheck

    site = world.a
    claim = site.claim
    day = claim.visit.date_of_service

    def answer(status, summary, hours):
        EligibilityCheck.objects.create(
            practice=site.practice,
            patient=site.patient,
            coverage=claim.coverage,
            service_date=day,
            checked_at=timezone.now() - datetime.timedelta(hours=hours),
            status=status,
            summary=summary,
        )

    answer("rejected", "Subscriber not found (75) – do not resubmit", hours=5)
    answer("active", "Active coverage", hours=30)  # older: the later answer counts
    result = scrubbing.scrub_claim(world.users["biller"], claim)
    found = [f for f in result.findings if f.code == "DEM007"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "Subscriber not found (75)" in found[0].message
    assert result.can_submit  # a warning: the biller decides
    answer("active", "Active coverage", hours=1)
    again = scrubbing.scrub_claim(world.users["biller"], claim)
    assert "DEM007" not in [f.code for f in again.findings]

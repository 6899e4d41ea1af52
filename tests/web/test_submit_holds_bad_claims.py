"""Sending claims holds a bad claim out with its reason and sends the others (page, API,
service), as the command line's ``build_batch`` does."""

from __future__ import annotations

import pytest
from test_claims_out import NOW, coded_visit, connect, scrubbed

from medbill.core.x12 import read_837p
from medbill.web.billing.models import Claim
from medbill.web.claims_out.models import Submission, SubmissionRun
from medbill.web.claims_out.services import build_claims, submit_claims
from medbill.web.practice.errors import ServiceError
from x12_pyx12 import pyx12_errors


@pytest.fixture
def three_claims(world, tmp_path):
    """A good scrubbed claim, one whose prior authorization no 837P can carry (a character
    outside the X12 set in an identifier, which is never rewritten), and a draft."""
    a, biller = world.a, world.users["biller"]
    connect(a, tmp_path)
    good = scrubbed(a.claim)
    coded_visit(a, day=5)
    coded_visit(a, day=6)
    long_auth, draft = build_claims(biller, a.practice).created
    long_auth.prior_authorization = "PA-7777\u00df"
    scrubbed(long_auth)
    return good, long_auth, draft


def test_the_bad_claims_are_held_with_their_reason_and_the_good_one_is_sent(world, three_claims):
    good, long_auth, draft = three_claims
    sent = submit_claims(
        world.users["biller"], world.a.practice, list(three_claims), "prairie", now=NOW
    )
    (sub,) = sent
    assert [c.patient_control_number for c in sub.claims.all()] == [good.patient_control_number]
    data = sub.content.encode()
    assert pyx12_errors(data) == []
    assert [r.claim.claim_id for r in read_837p(data)] == [good.patient_control_number]
    held = {h.claim_id: (h.field, h.reason) for h in sent.held}
    assert held[draft.patient_control_number] == (
        "status",
        "is draft; only scrubbed claims are sent",
    )
    field, reason = held[long_auth.patient_control_number]
    assert field == "edits" and "FMT025" in reason
    statuses = dict(
        Claim.objects.filter(pk__in=[c.pk for c in three_claims]).values_list("pk", "status")
    )
    assert statuses == {good.pk: "submitted", long_auth.pk: "scrubbed", draft.pk: "draft"}


def test_nothing_to_send_names_every_claim(world, three_claims):
    _, long_auth, draft = three_claims
    with pytest.raises(ServiceError) as exc:
        submit_claims(world.users["biller"], world.a.practice, [long_auth, draft], "prairie")
    assert f"claim {draft.patient_control_number}: status: is draft" in str(exc.value)
    assert f"claim {long_auth.patient_control_number}: edits:" in str(exc.value)
    assert not Submission.objects.exists()


def test_the_page_shows_the_held_claims(
    world, three_claims, client_for, django_capture_on_commit_callbacks
):
    good, long_auth, draft = three_claims
    client = client_for(world.users["biller"])
    with django_capture_on_commit_callbacks(execute=True):  # the run's task, once committed
        resp = client.post(
            "/claims-out/submit/", {"claim": [c.pk for c in three_claims], "connection": "prairie"}
        )
    run = SubmissionRun.objects.get()
    assert run.status == "done"
    # The run sends the claims still scrubbed; the one with edit errors is held out.
    assert run.held == [
        {
            "claim": long_auth.patient_control_number,
            "field": "edits",
            "reason": run.held[0]["reason"],
        }
    ]
    assert "FMT025" in run.held[0]["reason"]
    page = client.get(resp.url).content.decode()
    assert "Held out of the files" in page and long_auth.patient_control_number in page
    assert Submission.objects.get().claim_count == 1


def test_the_api_lists_the_held_claims(world, three_claims, api_client_for):
    good, long_auth, draft = three_claims
    client = api_client_for(world.users["biller"])
    resp = client.post(
        "/api/claims-out/submissions",
        {
            "practice": world.a.practice.pk,
            "connection": "prairie",
            "claim_ids": [c.pk for c in three_claims],
        },
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert [s["claims"] for s in body["submissions"]] == [[good.patient_control_number]]
    assert {(h["patient_control_number"], h["field"]) for h in body["held"]} == {
        (draft.patient_control_number, "status"),
        (long_auth.patient_control_number, "edits"),
    }

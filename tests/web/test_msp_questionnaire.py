"""The front desk's Medicare secondary payer questions set the Medicare coverage's MSP
type, which a claim to Medicare after another payer carries in 837P SBR05."""

from __future__ import annotations

import pytest

from medbill.core.x12 import read_837p, write_837p
from medbill.web.billing.documents import claim_document
from medbill.web.practice.models import AuditEvent, Payer
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def medicare(world):
    """The patient's second coverage is Medicare; the employer plan is primary."""
    a = world.a
    payer = Payer.objects.create(
        organization=a.practice.organization,
        name="Medicare Part B",
        payer_id="MCRWI",
        payer_type="medicare",
        claim_filing_indicator="MB",
    )
    a.secondary.payer = payer
    a.secondary.save()
    return a.secondary


def test_it_works(world, medicare, client_for):
    client = client_for(world.users["front_desk"])
    url = f"/coverages/{medicare.pk}/msp/"
    page = client.get(url).content.decode()
    assert "Black Lung" in page and "employer of 20 or more employees" in page
    edit = client.get(f"/coverages/{medicare.pk}/edit/").content.decode()
    assert url in edit
    resp = client.post(
        url, {"black_lung": "no", "work_related": "no", "working_aged_group_health_plan": "yes"}
    )
    assert resp.status_code == 302
    medicare.refresh_from_db()
    assert medicare.medicare_secondary_type == "12"
    assert medicare.msp_answers == {
        "black_lung": False,
        "work_related": False,
        "working_aged_group_health_plan": True,
    }
    assert medicare.msp_answered_at is not None
    event = AuditEvent.objects.filter(
        object_type="frontdesk.Coverage", action="update", object_id=str(medicare.pk)
    ).latest("id")
    assert event.changes["medicare_secondary_type"]["after"] == "12"
    # Answered again: nothing makes another payer primary now.
    client.post(url, {"working_aged_group_health_plan": "no"})
    medicare.refresh_from_db()
    assert medicare.medicare_secondary_type == ""


def test_a_claim_to_medicare_as_secondary_carries_the_type(world, medicare, client_for):
    client_for(world.users["front_desk"]).post(
        f"/coverages/{medicare.pk}/msp/", {"esrd_coordination_period": "yes"}
    )
    claim = world.a.claim
    claim.coverage, claim.payer = medicare, medicare.payer
    claim.save()
    document = claim_document(claim)
    assert document.subscriber.medicare_secondary_type == "13"
    data = write_837p([document], ENVELOPE, CONTROL, SUBMITTER, CREATED)
    sbr = next(s for s in data.decode().replace("\n", "").split("~") if s.startswith("SBR"))
    assert sbr.split("*")[1:6] == ["S", "18", "", "", "13"]
    assert read_837p(data)[0].claim.subscriber.medicare_secondary_type == "13"


def test_only_the_desk_of_the_practice_and_only_for_medicare(world, medicare, client_for):
    url = f"/coverages/{medicare.pk}/msp/"
    assert client_for(world.users["coder"]).post(url, {"black_lung": "yes"}).status_code == 403
    assert client_for(world.outsider).get(url).status_code in (403, 404)
    desk = client_for(world.users["front_desk"])
    assert desk.get(f"/coverages/{world.a.coverage.pk}/msp/").status_code == 404
    medicare.refresh_from_db()
    assert medicare.msp_answers == {}

"""Denial risk in the product: the claim page and the queue show the chance and why, a
biller holds a claim out of sending, the model is trained from the practice's remittances."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from test_claims_out import connect, scrubbed
from test_era_pages import denied_bytes

from medbill.core.denial_risk import ClaimFeatures, LineFeatures, fit
from medbill.web.billing import era
from medbill.web.billing.models import Claim
from medbill.web.risk import services
from medbill.web.risk.models import ClaimHold, RiskSettings


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def store_model(site, denied_share: float) -> None:
    """A model in which the site's payer denies 99213 in ``denied_share`` of claims."""
    examples = []
    for i in range(200):
        code = "99213" if i % 2 else "99214"
        feats = ClaimFeatures(
            f"T{i}",
            datetime.date(2026, 1, 1),
            site.payer.name,
            "",
            "11",
            (LineFeatures(code, (), ("J02",)),),
        )
        bad = code == "99213" and (i // 2) % 100 < denied_share * 100
        examples.append((feats, [bad]))
    path = services.model_path(site.practice)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fit(examples).to_json()))


def test_claim_page_shows_the_chance_and_what_drove_it(world, client_for, data):
    site = world.a
    scrubbed(site.claim)
    client = client_for(world.users["biller"])
    page = client.get(f"/claims/{site.claim.pk}/").content.decode()
    assert "No denial model for this practice yet" in page
    store_model(site, 0.8)
    page = client.get(f"/claims/{site.claim.pk}/").content.decode()
    assert "Chance of denial" in page and "at or above this practice" in page
    assert f"{site.payer.name} denied 99213 in" in page


def test_queue_flags_risky_claims_and_a_held_claim_is_not_sent(
    world, client_for, data, tmp_path, django_capture_on_commit_callbacks
):
    site = world.a
    connect(site, tmp_path)
    claim = scrubbed(site.claim)
    store_model(site, 0.8)
    client = client_for(world.users["biller"])
    queue = client.get("/claims-out/").content.decode()
    assert "flagged" in queue and "%" in queue
    assert f'value="{claim.pk}" aria-label' in queue  # flagged: left unticked

    assert client.post(f"/claims-out/claims/{claim.pk}/hold/", {"reason": ""}).status_code == 302
    assert not ClaimHold.objects.exists()  # a hold needs a reason
    client.post(f"/claims-out/claims/{claim.pk}/hold/", {"reason": "check the 25"})
    hold = ClaimHold.objects.get()
    assert hold.reason == "check the 25" and hold.probability is not None
    queue = client.get("/claims-out/").content.decode()
    assert "check the 25" in queue and "Release" in queue

    # Even sent by id, a held claim stays out.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"})
    assert Claim.objects.get(pk=claim.pk).status == "scrubbed"

    client.post(f"/claims-out/holds/{hold.pk}/release/")
    assert ClaimHold.objects.get().released_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/claims-out/submit/", {"claim": [claim.pk], "connection": "prairie"})
    assert Claim.objects.get(pk=claim.pk).status == "submitted"


def test_a_low_chance_is_not_flagged_and_the_threshold_is_the_practices(world, client_for, data):
    site = world.a
    scrubbed(site.claim)
    store_model(site, 0.2)
    biller = client_for(world.users["biller"])
    assert "<strong>flagged</strong>" not in biller.get("/claims-out/").content.decode()
    manager = client_for(world.users["manager"])
    manager.post("/claims-out/risk-threshold/", {"threshold": "10"})
    assert str(RiskSettings.objects.get(practice=site.practice).threshold) == "0.10"
    assert "<strong>flagged</strong>" in biller.get("/claims-out/").content.decode()
    assert biller.post("/claims-out/risk-threshold/", {"threshold": "50"}).status_code == 403


def test_others_may_not_hold_and_other_practices_claims_are_404(world, client_for, data):
    claim = scrubbed(world.a.claim)
    coder = client_for(world.users["coder"])
    assert coder.post(f"/claims-out/claims/{claim.pk}/hold/", {"reason": "x"}).status_code == 403
    outsider = client_for(world.outsider)
    other = scrubbed(world.b.claim)
    biller = client_for(world.users["biller"])
    assert biller.post(f"/claims-out/claims/{other.pk}/hold/", {"reason": "x"}).status_code == 404
    assert outsider.get("/claims-out/").status_code in (200, 302)
    assert not ClaimHold.objects.exists()


def test_training_learns_from_the_practices_remittances(world, data):
    site = world.a
    site.claim.status = "submitted"
    site.claim.submitted_at = timezone.now()
    site.claim.save()
    era.import_era(None, site.practice, denied_bytes(site), "denied.835", post=True)
    examples = services.training_examples(site.practice)
    assert [labels for _, labels in examples] == [[True]]
    assert services.train_practice(site.practice)["trained"] is False  # too little to learn
    summary = services.train_practice(site.practice, min_lines=1)
    assert summary == {
        "claims": 1,
        "lines": 1,
        "denied_lines": 1,
        "features": summary["features"],
        "trained": True,
    }
    assert services.model_path(site.practice).exists()
    assert services.load_model(site.practice) is not None
    assert not services.model_path(world.b.practice).exists()


def test_a_model_is_read_only_by_the_practice_it_was_trained_for(world, data):
    site = world.a
    site.claim.status = "submitted"
    site.claim.submitted_at = timezone.now()
    site.claim.save()
    era.import_era(None, site.practice, denied_bytes(site), "denied.835", post=True)
    services.train_practice(site.practice, min_lines=1)
    assert services.load_model(site.practice) is not None
    assert services.load_model(site.practice.pk) is not None
    # The same id in a database made again (the demo's reset): another practice.
    site.practice.created_at = site.practice.created_at + datetime.timedelta(seconds=1)
    site.practice.save()
    assert services.load_model(site.practice) is None
    assert services.predict_claims(site.practice, [site.claim]) == {}


def test_judged_on_months_it_did_not_learn_from(world, data):
    site = world.a
    site.claim.status = "submitted"
    site.claim.submitted_at = timezone.now()
    site.claim.save()
    era.import_era(None, site.practice, denied_bytes(site), "denied.835", post=True)
    ((features, _),) = services.training_examples(site.practice)
    month = features.month
    later = services.evaluate_by_month(site.practice, "9999-01")
    assert (later["train_claims"], later["test_claims"], later["auc"]) == (1, 0, None)
    earlier = services.evaluate_by_month(site.practice, month)
    assert (earlier["train_claims"], earlier["test_claims"]) == (0, 1)
    assert earlier["test_denied"] == 1 and earlier["auc"] is None

"""The claim page offers what fits the claim's state and shows codes as people read them."""

from __future__ import annotations

import pytest

from medbill.web.billing.models import Claim

pytestmark = pytest.mark.django_db


def test_a_paid_claim_offers_no_scrub(world, client_for):
    claim = world.a.claim
    client = client_for(world.users["biller"])
    scrub = f'action="/claims/{claim.pk}/scrub/"'
    assert scrub in client.get(f"/claims/{claim.pk}/").content.decode()  # a draft may
    Claim.objects.filter(pk=claim.pk).update(status="paid")
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert scrub not in page
    refused = client.post(f"/claims/{claim.pk}/scrub/", follow=True).content.decode()
    assert "past scrubbing" in refused
    claim.refresh_from_db()
    assert claim.status == "paid"


def test_diagnoses_show_with_their_decimal_point(world, client_for):
    claim = world.a.claim
    Claim.objects.filter(pk=claim.pk).update(diagnoses=["I495", "E1165", "R51"])
    page = client_for(world.users["biller"]).get(f"/claims/{claim.pk}/").content.decode()
    codes = page.split('class="codes"')[1].split("</ol>")[0]
    assert "<code>I49.5</code>" in codes and "<code>E11.65</code>" in codes
    assert "<code>R51</code>" in codes

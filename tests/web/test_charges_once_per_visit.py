"""A visit's services are charged once, whichever claims later ask payers for them."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from medbill.core.money import ZERO, Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import write_835
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.remittance_models import SecondaryClaimLink
from medbill.web.claims_out.services import correct_claim

pytestmark = pytest.mark.django_db


def total(rows) -> Money:
    value = rows.aggregate(t=Sum("amount"))["t"]
    return Money(value) if value is not None else ZERO


def _post(world, claim, seed: int, name: str):
    # The payer answers a claim it was sent.
    Claim.objects.filter(pk=claim.pk, status="draft").update(status="submitted")
    (remittance,) = simulate([claim_document(claim)], seed=seed).remittances
    data = write_835([remittance], control_number=seed)
    return era.import_era(world.users["biller"], world.a.practice, data, name)


def test_secondary_payment_does_not_charge_the_visit_again(world):
    site = world.a
    _post(world, site.claim, 1, "primary.835")
    charged = total(Entry.objects.filter(visit_id=site.claim.visit_id, kind="charge"))
    assert charged == Money("130")
    secondary = SecondaryClaimLink.objects.get(prior_claim=site.claim).claim
    result = _post(world, secondary, 2, "secondary.835")
    assert [s.status for s in result.sets] == ["posted"]
    assert total(Entry.objects.filter(visit_id=site.claim.visit_id, kind="charge")) == charged
    # Medicaid paid what the primary left: nothing is left for anyone.
    assert total(Entry.objects.filter(patient=site.patient)) == ZERO


def test_replacement_claim_does_not_charge_the_visit_again(world):
    site = world.a
    _post(world, site.claim, 1, "primary.835")
    original = Claim.objects.get(pk=site.claim.pk)
    replacement = correct_claim(world.users["biller"], original, "7", "wrong modifier")
    _post(world, replacement, 3, "replacement.835")
    assert total(Entry.objects.filter(visit_id=original.visit_id, kind="charge")) == Money("130")

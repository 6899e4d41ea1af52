"""Every claim status an ERA import changes is in the claim's history (``ClaimEvent``)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal

import pytest
from test_era_import import era_for

from medbill.core.money import ZERO
from medbill.core.x12.m835 import Adjustment, read_835, write_835
from medbill.web.billing import era
from medbill.web.billing.models import Claim, ClaimLine
from medbill.web.claims_out.models import ClaimEvent
from remittances import reversal_of

pytestmark = pytest.mark.django_db

negate = reversal_of


def file_of(rem, claims, trace, number) -> bytes:
    return write_835(
        [
            replace(
                rem,
                trace_number=trace,
                claims=tuple(claims),
                total_paid=sum((c.paid for c in claims), ZERO),
                provider_adjustments=(),
            )
        ],
        control_number=number,
    )


def events(claim: Claim) -> list[tuple[str, str]]:
    return list(
        ClaimEvent.objects.filter(claim=claim, source="835")
        .order_by("id")
        .values_list("from_status", "to_status")
    )


def submitted(site) -> Claim:
    site.secondary.delete()  # no secondary claim: only the primary's own history
    Claim.objects.filter(pk=site.claim.pk).update(status="submitted")
    return site.claim


def test_a_payment_writes_what_a_status_move_writes(world):
    site, biller = world.a, world.users["biller"]
    claim = submitted(site)
    data = era_for(claim, seed=31, trace_number="CHK-31")
    era.import_era(biller, site.practice, data, "paid.835")
    (rem,) = read_835(data)
    (event,) = ClaimEvent.objects.filter(claim=claim)
    assert (event.from_status, event.to_status, event.source) == ("submitted", "paid", "835")
    assert event.reason == f"paid by ERA CHK-31: {rem.claims[0].paid.format()} paid"
    sha = hashlib.sha256(data).hexdigest()
    assert event.source_ref == f"835 {sha[:16]} segment {rem.claims[0].position}"
    assert event.created_by == biller and event.practice_id == claim.practice_id
    # Paid again by another check: the status does not change, so no event.
    era.import_era(
        biller, site.practice, era_for(claim, seed=31, trace_number="CHK-32"), "again.835"
    )
    assert events(claim) == [("submitted", "paid")]


def test_a_denial_and_a_partial_payment(world):
    site, biller = world.a, world.users["biller"]
    claim = submitted(site)
    (rem,) = read_835(era_for(claim, seed=32))
    c = rem.claims[0]
    denied = replace(
        c,
        status="4",
        paid=ZERO,
        patient_responsibility=None,
        services=(),
        adjustments=(Adjustment("CO", "16", c.charge),),
    )
    era.import_era(biller, site.practice, file_of(rem, [denied], "DENY-1", 1), "denied.835")
    (event,) = ClaimEvent.objects.filter(claim=claim)
    assert (event.from_status, event.to_status) == ("submitted", "denied")
    assert event.reason.startswith("denied by ERA DENY-1: ") and "information" in event.reason

    other = world.b  # a claim with two lines: one paid, one denied
    Claim.objects.filter(pk=other.claim.pk).update(status="accepted")
    other.secondary.delete()
    ClaimLine.objects.create(
        practice=other.practice,
        claim=other.claim,
        line_number=2,
        code="36415",
        charge=Decimal("18.00"),
        dx_pointers=[1],
        date_of_service=other.visit.date_of_service,
    )
    (rem,) = read_835(era_for(other.claim, seed=33))
    c = rem.claims[0]
    first, second = c.services
    second = replace(second, paid=ZERO, adjustments=(Adjustment("CO", "16", second.charge),))
    share = sum((a.amount for a in first.adjustments if a.group == "PR"), ZERO)
    partial = replace(c, paid=first.paid, patient_responsibility=share, services=(first, second))
    result = era.import_era(
        None, other.practice, file_of(rem, [partial], "PART-1", 2), "partial.835"
    )
    assert result.sets[0].status == "posted", result.sets[0].reasons
    (event,) = ClaimEvent.objects.filter(claim=other.claim)
    assert (event.from_status, event.to_status) == ("accepted", "paid")
    assert event.reason.startswith(
        f"partially paid by ERA PART-1: {first.paid.format()} paid; denied: "
    )


def test_reversal_then_correction_are_two_steps(world):
    site, biller = world.a, world.users["biller"]
    claim = submitted(site)
    data = era_for(claim, seed=34)
    era.import_era(biller, site.practice, data, "paid.835")
    (rem,) = read_835(data)
    c = rem.claims[0]
    era.import_era(biller, site.practice, file_of(rem, [negate(c), c], "REV-1", 2), "rc.835")
    # Reopened and paid again within one set: both steps are in the history, in order.
    assert events(claim) == [("submitted", "paid"), ("paid", "accepted"), ("accepted", "paid")]
    assert Claim.objects.get(pk=claim.pk).status == "paid"
    era.import_era(biller, site.practice, file_of(rem, [negate(c)], "REV-2", 3), "rev.835")
    assert events(claim)[-1] == ("paid", "accepted")
    assert ClaimEvent.objects.filter(claim=claim).latest("id").reason == (
        "payment reversed by ERA REV-2; a corrected payment is due"
    )


def test_a_closed_claim_gets_no_event(world):
    site, biller = world.a, world.users["biller"]
    Claim.objects.filter(pk=site.claim.pk).update(status="closed")
    era.import_era(biller, site.practice, era_for(site.claim, seed=35), "late.835")
    assert not ClaimEvent.objects.filter(claim=site.claim).exists()
    assert Claim.objects.get(pk=site.claim.pk).status == "closed"


def test_the_command_line_import_has_no_user(world):
    site = world.a
    claim = submitted(site)
    era.import_era(None, site.practice, era_for(claim, seed=36), "cli.835")
    (event,) = ClaimEvent.objects.filter(claim=claim)
    assert event.created_by is None and event.to_status == "paid"

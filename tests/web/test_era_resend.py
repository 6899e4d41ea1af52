"""A remittance is one payment, however a clearinghouse re-sends it.

X12 names a payment by TRN02 (the trace) with TRN03 (the payer's own id); REF*2U and
N104 are ids a clearinghouse may rewrite or leave out, so they never decide whether a
payment was posted before.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.db.models import Sum

from medbill.core.money import ZERO, Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import write_835
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import Remittance

pytestmark = pytest.mark.django_db


def ledger(practice) -> tuple[Money, int]:
    rows = Entry.objects.filter(practice=practice)
    value = rows.aggregate(t=Sum("amount"))["t"]
    return (Money(value) if value is not None else ZERO), rows.count()


def remittance_for(claim, seed: int = 1):
    (rem,) = simulate([claim_document(claim)], seed=seed).remittances
    return rem


def as_file(rem, control: int) -> bytes:
    return write_835([rem], control_number=control)


def test_a_resend_with_the_clearinghouses_payer_ids_posts_nothing(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    first = era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    assert [s.status for s in first.sets] == ["posted"]
    before = ledger(site.practice)
    rewritten = replace(
        rem, payer=replace(rem.payer, id="CLEARHOUSE01", references=(("2U", "CH-99999"),))
    )
    again = era.import_era(biller, site.practice, as_file(rewritten, 2), "resent.835")
    assert [s.status for s in again.sets] == ["duplicate"]
    assert rem.trace_number in again.sets[0].reasons[0]
    assert ledger(site.practice) == before


def test_a_resend_without_payer_ids_posts_nothing(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    before = ledger(site.practice)
    bare = replace(rem, payer=replace(rem.payer, id_qualifier="", id="", references=()))
    again = era.import_era(biller, site.practice, as_file(bare, 3), "bare.835")
    assert [s.status for s in again.sets] == ["duplicate"]
    assert ledger(site.practice) == before
    assert Remittance.objects.filter(practice=site.practice, status="posted").count() == 1


def test_the_same_trace_from_another_originator_is_another_payment(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    other = replace(
        rem,
        trace_originator="1999999999",
        payment_date=rem.payment_date + datetime.timedelta(days=1),
    )
    result = era.import_era(biller, site.practice, as_file(other, 4), "other.835", post=False)
    assert [s.status for s in result.sets] == ["preview"]


def test_the_same_amount_date_and_payee_under_another_trace_is_held(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    before = ledger(site.practice)
    retraced = replace(rem, trace_number="NEWTRACE77", trace_originator="1000000009")
    held = era.import_era(biller, site.practice, as_file(retraced, 5), "retraced.835")
    (s,) = held.sets
    assert s.status == "repeat"
    assert rem.trace_number in s.reasons[0] and "same amount" in s.reasons[0]
    assert ledger(site.practice) == before
    assert Remittance.objects.get(trace_number="NEWTRACE77").status == "repeat"


def test_a_held_repeat_posts_when_the_same_file_comes_again_as_a_separate_payment(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    data = as_file(replace(rem, trace_number="NEWTRACE79", trace_originator="1000000009"), 8)
    era.import_era(biller, site.practice, data, "retraced.835")
    before = ledger(site.practice)
    again = era.import_era(biller, site.practice, data, "retraced.835")
    assert again.already_imported and ledger(site.practice) == before
    released = era.import_era(biller, site.practice, data, "retraced.835", same_payment=True)
    assert released.released and [s.status for s in released.sets] == ["posted"]
    assert "posting the sets held as repeats" in "\n".join(era.summary_lines(released))
    row = Remittance.objects.get(trace_number="NEWTRACE79")
    assert row.status == "posted" and row.held_reasons == []
    assert ledger(site.practice) != before
    # Saying so a second time posts nothing more.
    after = ledger(site.practice)
    twice = era.import_era(biller, site.practice, data, "retraced.835", same_payment=True)
    assert twice.sets == [] and ledger(site.practice) == after
    assert "no set of it is held" in "\n".join(era.summary_lines(twice))


def test_a_separate_payment_of_the_same_amount_posts_when_the_biller_says_so(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    retraced = replace(rem, trace_number="NEWTRACE78", trace_originator="1000000009")
    result = era.import_era(
        biller, site.practice, as_file(retraced, 6), "second.835", same_payment=True
    )
    assert [s.status for s in result.sets] == ["posted"]
    row = Remittance.objects.get(trace_number="NEWTRACE78")
    assert (row.trace_originator, row.status) == ("1000000009", "posted")


def test_a_payment_of_nothing_is_never_held_as_a_repeat(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    # A zero-pay notice on the same day to the same payee is ordinary, not a repeat.
    assert (
        era._same_payment(site.practice, replace(rem, total_paid=ZERO, trace_number="NOTICE1"))
        is None
    )
    assert era._same_payment(site.practice, replace(rem, trace_number="CHECK2")) is not None


def test_a_payment_for_a_claim_the_lifecycle_cannot_move_posts_and_says_so(world):
    from medbill.web.billing.models import Claim
    from medbill.web.billing.remittance_models import RemittanceClaim
    from medbill.web.claims_out.models import ClaimEvent

    site, biller = world.a, world.users["biller"]
    Claim.objects.filter(pk=site.claim.pk).update(status="draft")
    rem = remittance_for(site.claim)
    result = era.import_era(biller, site.practice, as_file(rem, 1), "early.835")
    (s,) = result.sets
    assert s.status == "posted"
    assert Claim.objects.get(pk=site.claim.pk).status == "draft"
    assert not ClaimEvent.objects.filter(claim=site.claim, source="835").exists()
    (paid,) = RemittanceClaim.objects.filter(claim=site.claim)
    assert any("draft claim cannot become paid" in n for n in paid.notes)
    assert any("cannot become paid" in w for w in s.warnings)
    assert Entry.objects.filter(claim=site.claim, kind="payment").exists()


def test_a_separate_check_of_the_same_amount_for_other_claims_posts(world):
    site, biller = world.a, world.users["biller"]
    rem = remittance_for(site.claim)
    era.import_era(biller, site.practice, as_file(rem, 1), "original.835")
    other = replace(
        rem,
        trace_number="OTHERCHK",
        trace_originator="1000000009",
        claims=tuple(replace(c, claim_id="NOT-OURS-1") for c in rem.claims),
    )
    result = era.import_era(biller, site.practice, as_file(other, 7), "other.835")
    assert [s.status for s in result.sets] == ["posted"]

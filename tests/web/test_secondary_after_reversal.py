"""A primary payment reversed by a later 835 (CLP02 = 22) takes the secondary claim built on
it along: an unsent one is voided and rebuilt from the corrected payment; a sent one is
left alone and flagged for the biller."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db.models import Sum
from test_era_claim_events import file_of, negate
from test_era_import import era_for

from medbill.core.money import ZERO, Money
from medbill.core.x12.m835 import Adjustment, ClaimPayment, read_835
from medbill.core.x12.m837p import write_837p
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.remittance_models import SecondaryClaimLink
from medbill.web.claims_out.models import ClaimEvent, ClaimWorkItem
from medbill.web.claims_out.services import submit_claims
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER
from x12_pyx12 import pyx12_errors

pytestmark = pytest.mark.django_db
SHIFT = Money("10.00")  # what the corrected payment pays less, as coinsurance instead


def corrected(c: ClaimPayment) -> ClaimPayment:
    """The payer's corrected decision: ``SHIFT`` less paid on the first line, owed by the
    patient as coinsurance (PR-2) instead; still balanced."""
    first, *rest = c.services
    first = replace(
        first,
        paid=first.paid - SHIFT,
        adjustments=(*first.adjustments, Adjustment("PR", "2", SHIFT)),
    )
    share = (c.patient_responsibility or ZERO) + SHIFT
    return replace(
        c,
        paid=c.paid - SHIFT,
        patient_responsibility=share,
        payer_claim_number=c.payer_claim_number + "C",
        services=(first, *rest),
    )


def secondary_balance(site) -> Money:
    value = Entry.objects.filter(patient=site.patient, payer=site.secondary_payer).aggregate(
        t=Sum("amount")
    )["t"]
    return Money(value) if value is not None else ZERO


def post_primary(site, biller, seed):
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    data = era_for(site.claim, seed=seed)
    era.import_era(biller, site.practice, data, "primary.835")
    (rem,) = read_835(data)
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)
    assert link.claim.status == "draft"
    assert Decimal(link.adjudication["paid"]) == rem.claims[0].paid.amount
    return rem, rem.claims[0], link.claim


def assert_rebuilt_from(site, old: Claim, payment: ClaimPayment, number: str) -> Claim:
    """The secondary claim now billable is a new draft carrying ``payment`` as COB data."""
    live = SecondaryClaimLink.objects.filter(prior_claim=site.claim).exclude(claim__status="closed")
    (link,) = live
    new = link.claim
    assert new.pk != old.pk and new.status == "draft" and new.patient_control_number == number
    assert new.payer == site.secondary_payer and new.lines.count() == old.lines.count()
    assert Decimal(link.adjudication["paid"]) == payment.paid.amount
    document = claim_document(new)
    (prior,) = [c for c in document.other_coverage if c.adjudication is not None]
    assert prior.adjudication.paid == payment.paid
    assert prior.adjudication.payer_claim_number == payment.payer_claim_number
    assert prior.adjudication.patient_responsibility == payment.patient_responsibility
    line_cas = [(a.group, a.reason, a.amount) for a in prior.adjudication.lines[0].adjustments]
    assert line_cas == [(a.group, a.reason, a.amount) for a in payment.services[0].adjustments]
    data = write_837p([document], ENVELOPE, CONTROL, SUBMITTER, CREATED)
    assert pyx12_errors(data) == []
    assert f"AMT*D*{payment.paid.x12()}~" in data.decode()
    (event,) = ClaimEvent.objects.filter(claim=new)
    assert (event.from_status, event.to_status, event.source) == ("", "draft", "835")
    assert AuditEvent.objects.filter(
        object_type="billing.Claim", object_id=str(new.pk), action="create"
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="billing.SecondaryClaimLink", object_id=str(link.pk), action="create"
    ).exists()
    # The secondary payer is owed the corrected patient share, once.
    assert secondary_balance(site) == payment.patient_responsibility
    return new


def assert_voided(old: Claim, biller, practice) -> None:
    old.refresh_from_db()
    assert old.status == "closed" and "reversed" in old.status_reason
    event = ClaimEvent.objects.get(claim=old, to_status="closed")
    assert event.source == "835" and "reversed" in event.reason and event.created_by == biller
    audit = AuditEvent.objects.filter(
        object_type="billing.Claim", object_id=str(old.pk), action="update"
    ).latest("id")
    assert audit.changes["status"]["after"] == "closed"
    assert "reversed" in audit.changes["status_reason"]["after"]
    with pytest.raises(ServiceError, match="only scrubbed claims are sent"):
        submit_claims(biller, practice, [old], "nowhere")


@pytest.fixture(autouse=True)
def connection(world, tmp_path):
    """A clearinghouse to try sending a voided claim to (it must refuse)."""
    from medbill.web.claims_out.models import ClearinghouseConnection

    return ClearinghouseConnection.objects.create(
        practice=world.a.practice,
        name="nowhere",
        settings={
            "sender_id": "CVFP01",
            "receiver_id": "PRAIRIE",
            "submitter_name": "Cedar Valley",
            "contact_name": "Billing Office",
            "contact_phone": "6085550142",
            "receiver_name": "Prairie Clearinghouse",
            "usage": "T",
            "transport": "folder",
            "folder": str(tmp_path / "out"),
        },
    )


def test_reversal_voids_the_draft_and_the_corrected_payment_rebuilds_it(world):
    site, biller = world.a, world.users["biller"]
    rem, original, draft = post_primary(site, biller, seed=21)
    assert secondary_balance(site) == original.patient_responsibility

    result = era.import_era(
        biller, site.practice, file_of(rem, [negate(original)], "TRACE-R", 2), "reversal.835"
    )
    assert result.sets[0].status == "posted", result.sets[0].reasons
    assert_voided(draft, biller, site.practice)
    assert (
        not SecondaryClaimLink.objects.filter(prior_claim=site.claim)
        .exclude(claim__status="closed")
        .exists()
    )
    assert secondary_balance(site) == ZERO
    assert any("voided" in how for _, how in result.sets[0].secondary)

    fixed = corrected(original)
    result = era.import_era(
        biller, site.practice, file_of(rem, [fixed], "TRACE-C", 3), "corrected.835"
    )
    assert result.sets[0].status == "posted", result.sets[0].reasons
    new = assert_rebuilt_from(site, draft, fixed, f"{site.claim.patient_control_number}-S1-2")
    assert Claim.objects.get(pk=site.claim.pk).status == "paid"
    assert not ClaimWorkItem.objects.exists()
    # The old draft stays closed for the record.
    draft.refresh_from_db()
    assert draft.status == "closed"
    # Another reversal and correction: the rebuilt one goes the same way, a third is made.
    era.import_era(
        biller, site.practice, file_of(rem, [negate(fixed), original], "TRACE-R2", 4), "again.835"
    )
    new.refresh_from_db()
    assert new.status == "closed"
    assert_rebuilt_from(site, new, original, f"{site.claim.patient_control_number}-S1-3")


def test_reversal_and_corrected_payment_in_one_set(world):
    site, biller = world.a, world.users["biller"]
    rem, original, draft = post_primary(site, biller, seed=22)
    fixed = corrected(original)
    era.import_era(
        biller, site.practice, file_of(rem, [negate(original), fixed], "TRACE-RC", 2), "rc.835"
    )
    assert_voided(draft, biller, site.practice)
    assert_rebuilt_from(site, draft, fixed, f"{site.claim.patient_control_number}-S1-2")


def test_payment_reversal_and_correction_in_one_set_make_one_secondary(world):
    site, biller = world.a, world.users["biller"]
    (rem,) = read_835(era_for(site.claim, seed=23))
    original = rem.claims[0]
    fixed = corrected(original)
    era.import_era(
        biller,
        site.practice,
        file_of(rem, [original, negate(original), fixed], "TRACE-ALL", 2),
        "all.835",
    )
    (link,) = SecondaryClaimLink.objects.filter(prior_claim=site.claim)
    assert link.claim.patient_control_number == f"{site.claim.patient_control_number}-S1"
    assert_rebuilt_from(site, site.claim, fixed, link.claim.patient_control_number)


def test_a_scrubbed_secondary_goes_back_to_draft_then_closed(world):
    site, biller = world.a, world.users["biller"]
    rem, original, draft = post_primary(site, biller, seed=24)
    Claim.objects.filter(pk=draft.pk).update(status="scrubbed")
    era.import_era(
        biller, site.practice, file_of(rem, [negate(original)], "TRACE-R", 2), "reversal.835"
    )
    steps = list(
        ClaimEvent.objects.filter(claim=draft, source="835").values_list("from_status", "to_status")
    )
    assert steps[-2:] == [("scrubbed", "draft"), ("draft", "closed")]
    assert_voided(draft, biller, site.practice)


@pytest.mark.parametrize("status", ["submitted", "accepted", "paid"])
def test_a_sent_secondary_is_flagged_not_changed(world, status):
    site, biller = world.a, world.users["biller"]
    rem, original, sent = post_primary(site, biller, seed=25)
    Claim.objects.filter(pk=sent.pk).update(status=status)
    link = SecondaryClaimLink.objects.get(claim=sent)
    before = (link.adjudication, sent.lines.count(), ClaimEvent.objects.filter(claim=sent).count())

    result = era.import_era(
        biller, site.practice, file_of(rem, [negate(original)], "TRACE-R", 2), "reversal.835"
    )
    sent.refresh_from_db()
    link.refresh_from_db()
    assert sent.status == status and sent.status_reason == ""
    assert (
        link.adjudication,
        sent.lines.count(),
        ClaimEvent.objects.filter(claim=sent).count(),
    ) == before
    (item,) = ClaimWorkItem.objects.filter(claim=sent, resolved_at=None)
    assert item.source == "835" and "reversed" in item.reason and "TRACE-R" in item.reason
    assert "corrected claim" in item.reason
    assert any("flagged" in how for _, how in result.sets[0].secondary)

    # The corrected payment does not make a second secondary claim beside the sent one.
    era.import_era(
        biller, site.practice, file_of(rem, [corrected(original)], "TRACE-C", 3), "corrected.835"
    )
    assert SecondaryClaimLink.objects.filter(prior_claim=site.claim).count() == 1
    sent.refresh_from_db()
    assert sent.status == status
    assert ClaimWorkItem.objects.count() == 1


def test_a_crossed_over_secondary_is_flagged(world):
    site, biller = world.a, world.users["biller"]
    (rem,) = read_835(era_for(site.claim, seed=26))
    crossed = replace(rem.claims[0], status="19")
    era.import_era(biller, site.practice, file_of(rem, [crossed], "TRACE-X", 1), "x.835")
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)
    assert link.crossed_over and link.claim.status == "submitted"
    era.import_era(
        biller, site.practice, file_of(rem, [negate(crossed)], "TRACE-R", 2), "reversal.835"
    )
    link.claim.refresh_from_db()
    assert link.claim.status == "submitted"
    (item,) = ClaimWorkItem.objects.filter(claim=link.claim)
    assert "crossed over" in item.reason


def test_a_reversal_without_a_secondary_changes_no_other_claim(world):
    site, biller = world.a, world.users["biller"]
    site.secondary.delete()
    data = era_for(site.claim, seed=27)
    era.import_era(biller, site.practice, data, "primary.835")
    (rem,) = read_835(data)
    count = Claim.objects.count()
    era.import_era(
        biller, site.practice, file_of(rem, [negate(rem.claims[0])], "TRACE-R", 2), "reversal.835"
    )
    assert Claim.objects.count() == count and not ClaimWorkItem.objects.exists()
    assert not SecondaryClaimLink.objects.exists()


def test_the_flag_is_in_the_billers_queue_and_resolving_it_leaves_the_claim(world, client_for):
    site, biller = world.a, world.users["biller"]
    rem, original, sent = post_primary(site, biller, seed=28)
    Claim.objects.filter(pk=sent.pk).update(status="submitted")
    era.import_era(
        biller, site.practice, file_of(rem, [negate(original)], "TRACE-R", 2), "reversal.835"
    )
    item = ClaimWorkItem.objects.get(claim=sent)
    client = client_for(biller)
    queue = client.get("/claims-out/").content.decode()
    assert sent.patient_control_number in queue and "reversed the payment" in queue
    assert ">Resolved</button>" in queue
    page = client.post(
        f"/claims-out/rejections/{item.pk}/resolve/",
        {"resolution": "sent a corrected claim"},
        follow=True,
    )
    assert f"Claim {sent.patient_control_number}: marked resolved." in page.content.decode()
    item.refresh_from_db()
    sent.refresh_from_db()
    assert item.resolved_at is not None and item.resolution == "sent a corrected claim"
    assert sent.status == "submitted"


def test_a_secondary_that_cannot_be_numbered_is_flagged_not_dropped(world):
    from medbill.web.billing.era_secondary import secondary_numbers

    site, biller = world.a, world.users["biller"]
    prior = site.claim
    # every number already used by a secondary claim voided after a reversal
    for number in secondary_numbers(prior.patient_control_number, "secondary"):
        voided = Claim.objects.create(
            practice=prior.practice,
            visit=prior.visit,
            patient=prior.patient,
            coverage=site.secondary,
            payer=site.secondary_payer,
            patient_control_number=number,
            status="closed",
        )
        SecondaryClaimLink.objects.create(
            practice=prior.practice,
            prior_claim=prior,
            claim=voided,
            adjudication={},
            prior_order="primary",
        )
    result = era.import_era(biller, site.practice, era_for(prior, seed=21), "primary.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    assert (
        not SecondaryClaimLink.objects.filter(prior_claim=prior)
        .exclude(claim__status="closed")
        .exists()
    )
    (item,) = ClaimWorkItem.objects.filter(claim=prior)
    assert item.source == "835" and "every claim number" in item.reason
    assert "Bill the next payer by hand" in item.reason
    assert (
        prior.patient_control_number,
        next(how for pcn, how in result.sets[0].secondary if pcn == prior.patient_control_number),
    ) == (
        prior.patient_control_number,
        "no secondary claim made (every claim number for its secondary claim is taken "
        "(10 built after reversals)); flagged for the biller",
    )

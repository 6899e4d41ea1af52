"""The bulk paths of ``import_era``: array filters, ledger order, the paused collector."""

from __future__ import annotations

import gc

import pytest
from django.db import connection

from medbill.core.payersim import simulate
from medbill.core.x12.m835 import write_835
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.era_bulk import one_of
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.practice.errors import ServiceError


def era_for(claim: Claim) -> bytes:
    return write_835(simulate([claim_document(claim)], seed=1).remittances, control_number=7)


def test_one_of_finds_what_in_finds(world):
    claims = Claim.objects.all()
    wanted = [c.patient_control_number for c in claims] + ["NOT-OURS", "it's"]
    found = Claim.objects.filter(one_of("patient_control_number", wanted))
    assert sorted(found.values_list("pk", flat=True)) == sorted(claims.values_list("pk", flat=True))
    ids = list(claims.values_list("pk", flat=True))
    lines = ClaimLine.objects.filter(one_of("claim_id", ids))
    assert lines.count() == ClaimLine.objects.filter(claim_id__in=ids).count() > 0
    assert not Claim.objects.filter(one_of("pk", [])).exists()


def test_charges_come_before_the_payment_that_answers_them(world):
    site = world.a
    assert not Entry.objects.filter(claim=site.claim).exists()
    era.import_era(world.users["biller"], site.practice, era_for(site.claim), "bulk.835")
    kinds = list(
        Entry.objects.filter(claim=site.claim)
        .order_by("posted_at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds[0] == "charge" and "payment" in kinds
    assert kinds.index("payment") > max(i for i, k in enumerate(kinds) if k == "charge")
    # One charge per line, even though the charges went in with the payment.
    charges = Entry.objects.filter(claim=site.claim, kind="charge").count()
    assert charges == site.claim.lines.count()
    # Times are stored the way the ORM stores them, so the rows sort together.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT CAST(posted_at AS TEXT) FROM billing_entry")
            stored = [value for (value,) in cursor.fetchall()]
        assert stored and not any("+" in value for value in stored)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(world, enabled):
    site = world.a
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        era.import_era(world.users["biller"], site.practice, era_for(site.claim), "gc.835")
        assert gc.isenabled() is enabled
        with pytest.raises(ServiceError):  # a failed import restores it too
            era.import_era(world.users["biller"], site.practice, b"not an 835", "bad.835")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_secondary_claims_written_in_bulk_are_audited_as_a_save_would_be(world):
    from medbill.web.billing.remittance_models import SecondaryClaimLink
    from medbill.web.claims_out.models import ClaimEvent
    from medbill.web.practice import audit
    from medbill.web.practice.models import AuditEvent

    site, biller = world.a, world.users["biller"]
    era.import_era(biller, site.practice, era_for(site.claim), "secondary.835")
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)
    new = Claim.objects.get(pk=link.claim_id)
    assert new.lines.count() == site.claim.lines.count()
    assert list(new.lines.values_list("code", "charge")) == list(
        site.claim.lines.values_list("code", "charge")
    )
    for row in (new, link):
        (event,) = AuditEvent.objects.filter(object_type=row._meta.label, object_id=str(row.pk))
        assert (event.action, event.user, event.username) == ("create", biller, "biller")
        assert event.practice_id == site.practice.pk
        # The values as stored, read back, are the values the event says were set.
        assert event.changes == {
            k: {"before": None, "after": v}
            for k, v in audit.snapshot(row).items()
            if v not in (None, "", [], {})
        }
    (made,) = ClaimEvent.objects.filter(claim=new)
    assert (made.from_status, made.to_status, made.source) == ("", "draft", "835")
    assert made.created_by == biller

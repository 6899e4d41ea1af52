"""Shares posted before posting moved them onto the secondary claim are moved there by the
data migration ``billing/0016_carry_secondary_shares``, once, and only for secondary
claims still open."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from test_era_claim_events import file_of, negate
from test_secondary_after_reversal import corrected
from test_secondary_share_aging import (
    AS_OF,
    aging_rows,
    assert_only_the_claim_changes,
    carried,
    post_primary,
    post_secondary,
    share_of,
)

from medbill.core.money import ZERO
from medbill.web.billing import era, reports
from medbill.web.billing.era_secondary import Secondaries
from medbill.web.billing.models import Claim, Entry
from medbill.web.billing.remittance_models import SecondaryClaimLink
from medbill.web.billing.services import balances_of
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db

migration = importlib.import_module("medbill.web.billing.migrations.0016_carry_secondary_shares")


def test_shares_left_on_prior_claims_move_to_their_open_secondary_claims(world, monkeypatch):
    biller = world.users["biller"]
    with monkeypatch.context() as m:
        # How posting left them before: the share stays on the primary claim.
        m.setattr(Secondaries, "_write_moves", lambda self: None)
        a = world.a
        _, paid, secondary = post_primary(a, biller, seed=31)
        answer = post_secondary(a, biller, secondary, seed=32, change=corrected)
        # Practice B: a secondary voided by a reversal, then rebuilt from the correction.
        b = world.b
        rem, original, voided = post_primary(b, biller_of(world), seed=33)
        fixed = corrected(original)
        era.import_era(
            biller_of(world),
            b.practice,
            file_of(rem, [negate(original), fixed], "TRACE-RC", 2),
            "rc.835",
        )
    assert not Entry.objects.filter(source="cob").exists()
    assert carried(a.claim, a.secondary_payer) == share_of(paid)
    # The payer credit the aging showed: the payment and the patient's part, both posted
    # on the secondary claim.
    assert answer.paid > ZERO
    assert carried(secondary) == -share_of(paid)
    assert aging_rows(a)["TOTAL"][-2] == str(-share_of(paid))
    before = {
        site.practice.pk: (
            balances_of(site.practice, Entry.Responsibility.PAYER),
            balances_of(site.practice, Entry.Responsibility.PATIENT),
            reports.ar_aging(site.practice, "payer", AS_OF).rows[-1][-1],
        )
        for site in (a, b)
    }

    migration.forwards(apps, None)

    assert carried(a.claim) == ZERO and carried(secondary) == ZERO
    assert aging_rows(a)["TOTAL"][1:] == ["0.00"] * 7
    (live,) = SecondaryClaimLink.objects.filter(prior_claim=b.claim).exclude(claim__status="closed")
    assert voided.pk != live.claim_id
    assert carried(live.claim) == share_of(fixed) and carried(b.claim) == ZERO
    assert carried(Claim.objects.get(pk=voided.pk)) == ZERO
    for site in (a, b):
        assert_only_the_claim_changes(site)
        assert before[site.practice.pk] == (
            balances_of(site.practice, Entry.Responsibility.PAYER),
            balances_of(site.practice, Entry.Responsibility.PATIENT),
            reports.ar_aging(site.practice, "payer", AS_OF).rows[-1][-1],
        )
        (event,) = AuditEvent.objects.filter(practice=site.practice, source="migration")
        assert event.action == "create" and event.object_type == "billing.Entry"
        assert list(event.patient_links.values_list("patient_id", flat=True)) == [site.patient.pk]
    moves = Entry.objects.filter(source="cob").count()
    assert moves == 4

    migration.forwards(apps, None)  # nothing left to move: nothing is written
    assert Entry.objects.filter(source="cob").count() == moves


def test_posting_after_the_migration_moves_only_what_is_new(world, monkeypatch):
    biller = world.users["biller"]
    site = world.a
    with monkeypatch.context() as m:
        m.setattr(Secondaries, "_write_moves", lambda self: None)
        rem, original, draft = post_primary(site, biller, seed=34)
    migration.forwards(apps, None)
    assert carried(draft) == share_of(original)
    # The reversal voids the draft: the migrated share goes back like a posted one.
    era.import_era(biller, site.practice, file_of(rem, [negate(original)], "R", 2), "r.835")
    assert carried(Claim.objects.get(pk=draft.pk)) == ZERO
    assert carried(site.claim, site.secondary_payer) == ZERO
    assert_only_the_claim_changes(site)


def biller_of(world):
    """A biller of practice B (the world's users work at practice A)."""
    from medbill.web.practice.models import Membership

    user = world.outsider
    Membership.objects.filter(user=user, practice=world.b.practice).update(role="biller")
    return user

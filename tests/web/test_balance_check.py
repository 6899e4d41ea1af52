"""The nightly check of the balances the database keeps against the ledger's own sums:
quiet when they agree (after 835 postings and desk payments), and on the managers' jobs
page, naming the claim and the figures, when a kept row was changed by hand."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from test_era_import import era_for

from medbill.core.money import Money
from medbill.web.billing import era
from medbill.web.billing.balance_check import check_balances
from medbill.web.billing.models import Claim
from medbill.web.billing.services import post_payment
from medbill.web.jobs import recurring
from medbill.web.jobs.models import JobRun
from medbill.web.jobs.runner import run_job

pytestmark = pytest.mark.django_db


def _posted(world):
    site, biller = world.a, world.users["biller"]
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    era.import_era(biller, site.practice, era_for(site.claim, seed=5), "p.835")
    post_payment(biller, site.patient, Money("12.34"), effective_date=timezone.localdate())
    return site


def test_balances_kept_by_the_database_agree_with_the_ledger(world):
    site = _posted(world)
    result = check_balances(site.practice)
    assert result.keys >= 2  # the claim's sides and the payment on account
    assert result.differ == []
    assert "attention" not in result.summary()


def test_a_balance_changed_by_hand_is_named_with_its_figures(world):
    site = _posted(world)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_balance SET amount = amount + 1 "
            "WHERE claim_id = %s AND responsibility = 'payer' AND payer_id = %s",
            [site.claim.pk, site.payer.pk],
        )
    result = check_balances(site.practice)
    assert len(result.differ) == 1
    (words,) = result.differ
    assert f"payer side of claim {site.claim.pk} (payer {site.payer.pk})" in words
    assert "amount kept" in words and "ledger" in words
    # Another practice's balances are not this practice's problem.
    assert check_balances(world.b.practice).differ == []


def test_the_nightly_job_needs_attention_only_when_they_differ(world):
    site = _posted(world)
    now = datetime.datetime.combine(
        timezone.localdate(), datetime.time(3), tzinfo=site.practice.zone
    )
    (run,) = run_job("balances", now=now, practices=[site.practice])
    assert run.status == JobRun.Status.OK
    assert "agree with the ledger" in recurring.job_named("balances").words(run.summary)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_balance SET charges = charges - 5 WHERE claim_id = %s",
            [site.claim.pk],
        )
    (again,) = run_job("balances", now=now, practices=[site.practice], force=True)
    assert again.status == JobRun.Status.ATTENTION
    words = recurring.job_named("balances").words(again.summary)
    assert "differ from the ledger" in words and "charges kept" in words
    assert again.summary["differ"] >= 1

"""Filing and appeal deadlines: on the claim page, in the work list, in the daily job."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from test_era_pages import denied_bytes

from medbill.web.billing import era
from medbill.web.billing.deadlines import appeal_clock_of, due_rows, warn_of_deadlines
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import DenialItem
from medbill.web.jobs import recurring

pytestmark = pytest.mark.django_db


def as_medicare(site) -> None:
    site.payer.payer_type = "medicare"
    site.payer.save()


def test_the_claim_page_shows_the_filing_clock_and_the_limit_it_follows(world, client_for):
    site, biller = world.a, client_for(world.users["biller"])
    service = site.visit.date_of_service
    site.payer.timely_filing_days = 90
    site.payer.save()
    page = biller.get(reverse("show_claim", args=[site.claim.pk])).content.decode()
    deadline = service + datetime.timedelta(days=90)
    today = timezone.localdate()
    expected = (
        f"File by {deadline.isoformat()}: {(today - deadline).days} days past the limit"
        if today > deadline
        else f"File by {deadline.isoformat()}"
    )
    assert expected in page
    assert "90 days from the date of service (set by the practice for this payer)" in page


def test_a_claim_sent_after_the_limit_says_it_was_late_and_why(world, client_for):
    site = world.a
    site.payer.timely_filing_days = 30
    site.payer.save()
    sent = timezone.make_aware(
        datetime.datetime.combine(site.visit.date_of_service, datetime.time(9))
    ) + datetime.timedelta(days=45)
    Claim.objects.filter(pk=site.claim.pk).update(status="submitted", submitted_at=sent)
    page = client_for(world.users["biller"]).get(reverse("show_claim", args=[site.claim.pk]))
    html = page.content.decode()
    assert "15 days after the limit of" in html and "CARC 29" in html


def test_the_work_list_puts_the_nearest_deadline_first_and_keeps_to_the_practice(world, client_for):
    site = world.a
    as_medicare(site)
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")
    today = timezone.localdate()
    rows = due_rows(site.practice, today, 730)
    kinds = [r.what for r in rows]
    assert "appeal" in kinds
    assert [r.clock.deadline for r in rows] == sorted(r.clock.deadline for r in rows)
    appeal = next(r for r in rows if r.what == "appeal")
    assert appeal.level == "Redetermination"
    page = client_for(world.users["biller"]).get(reverse("list_deadlines"), {"within": "730"})
    html = page.content.decode()
    assert page.status_code == 200 and site.claim.patient_control_number in html
    assert "Redetermination" in html
    other = client_for(world.outsider).get(reverse("list_deadlines"), {"within": "730"})
    assert site.claim.patient_control_number not in other.content.decode()
    bad = client_for(world.users["biller"]).get(reverse("list_deadlines"), {"within": "soon"})
    assert bad.status_code == 422 and "from 0 to 730" in bad.content.decode()


def test_the_daily_job_counts_what_is_due_and_what_is_late(world):
    site = world.a
    site.payer.timely_filing_days = 30
    site.payer.save()
    service = site.visit.date_of_service
    late = warn_of_deadlines(site.practice, service + datetime.timedelta(days=40))
    assert late["file_late"] == 1 and late["file_soon"] == 0
    soon = warn_of_deadlines(site.practice, service + datetime.timedelta(days=20))
    assert soon["file_soon"] == 1 and soon["file_late"] == 0
    job = recurring.job_named("deadlines")
    assert "1 claim(s) not filed" in job.words(late)
    assert "1 claim(s) to file" in job.words(soon)


def test_the_denial_queue_shows_when_each_appeal_is_due(world, client_for):
    site = world.a
    as_medicare(site)
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")
    page = client_for(world.users["biller"]).get(reverse("list_denials")).content.decode()
    assert "Appeal by" in page
    denial = DenialItem.objects.get()
    _level, clock = appeal_clock_of(denial, timezone.localdate())
    assert clock.deadline.isoformat() in page

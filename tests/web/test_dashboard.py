"""The dashboard: work queues with counts for the current practice."""

from __future__ import annotations

import datetime

import pytest
from desk_support import visit_today
from django.utils import timezone

from medbill.web.billing.models import Claim
from medbill.web.frontdesk.models import Visit

pytestmark = pytest.mark.django_db


def queue_counts(response):
    return {q["key"]: q["count"] for q in response.context["queues"]}


def test_it_works(world, client_for):
    a = world.a
    now = timezone.now()
    for status in ("scheduled", "scheduled", "review", "coded"):
        Visit.objects.create(
            practice=a.practice,
            patient=a.patient,
            provider=a.provider,
            location=a.location,
            scheduled_at=now,
            status=status,
        )
    # Next week's appointment is not waiting to be checked in today.
    Visit.objects.create(
        practice=a.practice,
        patient=a.patient,
        provider=a.provider,
        location=a.location,
        scheduled_at=now + datetime.timedelta(days=7),
    )
    world.b.claim.status = Claim.Status.REJECTED  # another practice: not counted
    world.b.claim.save()
    response = client_for(world.users["biller"]).get("/")
    assert response.status_code == 200
    assert queue_counts(response) == {
        "to_check_in": 2,
        "not_arrived": 0,
        "to_code": 1,
        "to_review": 1,
        "to_bill": 1,
        "rejected": 0,
        "denied": 0,
    }
    assert b'data-queue="denied"' in response.content


def test_to_check_in_counts_the_visits_the_desk_lists_today(world, client_for):
    """The count, the dashboard's list of today and the front desk's day are one rule: an
    appointment of an earlier day nobody checked in is not waiting today (it has a queue
    of its own), and a cancelled one is not waiting at all."""
    a = world.a
    missed = visit_today(a, 12)
    missed.scheduled_at -= datetime.timedelta(days=3)  # never arrived
    missed.save()
    visit_today(a, 12, Visit.Status.CANCELLED)
    arrived = visit_today(a, 12, Visit.Status.CHECKED_IN)
    client = client_for(world.users["front_desk"])
    response = client.get("/")
    queues = {q["key"]: q for q in response.context["queues"]}
    assert queues["to_check_in"]["count"] == 0
    assert queues["not_arrived"]["count"] == 1
    assert [v.pk for v in response.context["todays_visits"]] == [arrived.pk]
    desk = client.get("/desk/")
    assert desk.context["waiting"] == 0 and [r["visit"] for r in desk.context["rows"]] == [arrived]

    waiting = visit_today(a, 12)
    response = client.get("/")
    queues = {q["key"]: q for q in response.context["queues"]}
    assert queues["to_check_in"]["count"] == 1 == client.get("/desk/").context["waiting"]
    listed = client.get(queues["to_check_in"]["url"]).context["page"]
    assert [v.pk for v in listed] == [waiting.pk]
    earlier = client.get(queues["not_arrived"]["url"]).context["page"]
    assert [v.pk for v in earlier] == [missed.pk]


def test_queue_links_list_the_work(world, client_for):
    client = client_for(world.users["biller"])
    queues = {q["key"]: q for q in client.get("/").context["queues"]}
    page = client.get(queues["to_code"]["url"])
    assert [v.pk for v in page.context["page"]] == [world.a.visit.pk]
    assert queues["denied"]["url"] == "/denials/"  # counted there (test_work_denials)


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_nav_follows_the_role(world, client_for):
    auditor = client_for(world.users["auditor"]).get("/")
    coder = client_for(world.users["coder"]).get("/")
    assert b'href="/audit/"' in auditor.content
    assert b'href="/audit/"' not in coder.content

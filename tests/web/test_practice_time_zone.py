"""Each practice keeps its own time zone: pages show its local times, times typed in its
forms are its local times, and the demo's Pennsylvania practices are on Eastern time."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from medbill.web.frontdesk.models import Visit

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _at_utc(site, hour, minute=0):
    site.visit.scheduled_at = datetime.datetime(2026, 3, 3, hour, minute, tzinfo=UTC)
    site.visit.save()
    return site.visit


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/New_York", "2026-03-03 10:30"),
        ("America/Los_Angeles", "2026-03-03 07:30"),
    ],
)
def test_the_visit_page_shows_the_practices_local_time(world, client_for, zone, shown):
    world.a.practice.time_zone = zone
    world.a.practice.save()
    visit = _at_utc(world.a, 15, 30)
    page = client_for(world.users["front_desk"]).get(f"/visits/{visit.pk}/")
    assert shown in page.content.decode()


def test_a_time_typed_at_the_desk_is_the_practices_local_time(world, client_for):
    world.a.practice.time_zone = "America/New_York"
    world.a.practice.save()
    client = client_for(world.users["front_desk"])
    year = timezone.localdate().year + 1  # in winter, and within the booking window
    client.post(
        reverse("book_visit", args=[world.a.patient.pk]),
        {
            "on": f"{year}-01-08",
            "at": "15:20",
            "provider": world.a.provider.pk,
            "location": world.a.location.pk,
            "reason": "Cough",
            "minutes": "20",
        },
    )
    visit = Visit.objects.get(reason="Cough")
    assert visit.scheduled_at == datetime.datetime(year, 1, 8, 20, 20, tzinfo=UTC)


def test_a_practice_without_a_zone_uses_the_servers(world, settings):
    assert world.a.practice.time_zone == ""
    assert str(world.a.practice.zone) == settings.TIME_ZONE


def test_the_zone_must_be_a_real_one(world):
    world.a.practice.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not an IANA name"):
        world.a.practice.full_clean()


def test_the_demo_practices_are_on_eastern_time(db):
    from medbill.web.demo.seed import seed
    from medbill.web.practice.models import Practice

    result = seed(3)
    assert set(Practice.objects.values_list("time_zone", flat=True)) == {"America/New_York"}
    eastern = zoneinfo.ZoneInfo("America/New_York")
    stored = {v.pk: v for v in Visit.objects.all()}
    by_start = sorted(result.data.visits, key=lambda v: v.start)
    first = min(stored.values(), key=lambda v: v.scheduled_at)
    # The schedule's wall-clock times are Eastern times.
    assert first.scheduled_at.astimezone(eastern).replace(tzinfo=None) == by_start[0].start

"""A date typed into a page's address outside the range the practice works in (or one Python
cannot step past, like 9999-12-31) shows today with a message, never a server error."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

FAR = [
    ("front_desk", "/schedule/?on=9999-12-31"),
    ("front_desk", "/schedule/?on=0001-01-01"),
    ("front_desk", "/desk/?on=9999-12-31"),
    ("front_desk", "/desk/?on=0001-01-01"),
    ("manager", "/desk/report/?on=9999-12-31"),
    ("manager", "/financials/?as_of=0001-01-01"),
    ("manager", "/reports/?as_of=0001-01-01"),
]


@pytest.mark.parametrize(("role", "url"), FAR)
def test_a_date_out_of_range_shows_today_with_a_message(world, client_for, role, url):
    response = client_for(world.users[role]).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "is outside the dates shown here (1900–2199); showing today instead." in page


def test_the_week_at_the_end_of_the_calendar_shows_today(world, client_for):
    provider = world.a.provider.pk
    url = f"/schedule/?on=9999-12-27&view=week&provider={provider}"
    response = client_for(world.users["front_desk"]).get(url)
    assert response.status_code == 200
    assert "showing today instead" in response.content.decode()


def test_a_date_in_range_is_shown_without_a_message(world, client_for):
    response = client_for(world.users["front_desk"]).get("/schedule/?on=2199-12-31")
    assert response.status_code == 200
    assert "showing today instead" not in response.content.decode()


def test_a_malformed_date_says_so(world, client_for):
    response = client_for(world.users["front_desk"]).get("/desk/?on=tomorrow")
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a date (YYYY-MM-DD); showing today instead." in page
    assert timezone.localdate().isoformat() in page or "Today" in page

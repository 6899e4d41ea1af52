"""Desk forms fit their cards in a real browser (Debian's Chromium, see ``make browser``)."""

from __future__ import annotations

import pytest
from desk_support import visit_today

from browser_support import browser_marks, open_page, session_of
from medbill.web.frontdesk.models import Visit

pytestmark = browser_marks


@pytest.fixture
def checked_in(world):
    """A checked-in visit and a signed-in front desk (set up before the browser's loop)."""
    visit = visit_today(world.a, status=Visit.Status.CHECKED_IN)
    return visit, session_of(world.users["front_desk"])


@pytest.mark.django_db(transaction=True)
def test_every_check_out_input_stays_inside_its_card(
    checked_in, live_server, browser, shots
) -> None:
    visit, session = checked_in
    page = open_page(browser, live_server.url, session)
    page.goto(f"{live_server.url}/visits/{visit.pk}/check-out/")
    shots(page, "check-out")
    card = page.locator("#check-out-form").bounding_box()
    for name in ("follow_up_on", "follow_up_time", "follow_up_reason", "desk_note"):
        box = page.locator(f"[name={name}]").bounding_box()
        assert box["x"] >= card["x"], name
        assert box["x"] + box["width"] <= card["x"] + card["width"], (
            f"{name} ends at {box['x'] + box['width']:.0f}px, "
            f"the card at {card['x'] + card['width']:.0f}px"
        )

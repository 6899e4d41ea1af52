"""Desk forms fit their cards in a real browser (Debian's Chromium, see ``make browser``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from desk_support import visit_today
from django.test import Client

from medbill.web.frontdesk.models import Visit

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "desk-layout"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def checked_in(world):
    """A checked-in visit and a signed-in front desk (set up before the browser's loop)."""
    visit = visit_today(world.a, status=Visit.Status.CHECKED_IN)
    client = Client()
    client.force_login(world.users["front_desk"])
    return visit, client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_every_check_out_input_stays_inside_its_card(checked_in, live_server) -> None:
    from playwright.sync_api import sync_playwright

    visit, session = checked_in
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.context.add_cookies(
                [{"name": "sessionid", "value": session, "url": live_server.url}]
            )
            page.goto(f"{live_server.url}/visits/{visit.pk}/check-out/")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "check-out.png"), full_page=True)
            card = page.locator("#check-out-form").bounding_box()
            for name in ("follow_up_on", "follow_up_time", "follow_up_reason", "desk_note"):
                box = page.locator(f"[name={name}]").bounding_box()
                assert box["x"] >= card["x"], name
                assert box["x"] + box["width"] <= card["x"] + card["width"], (
                    f"{name} ends at {box['x'] + box['width']:.0f}px, "
                    f"the card at {card['x'] + card['width']:.0f}px"
                )
        finally:
            browser.close()

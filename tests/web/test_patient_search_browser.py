"""The header's patient search in a real browser: "/" puts the cursor in it from any page,
and a patient is one search and one click away (Debian's Chromium, ``make browser``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "patient-search"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def desk_session(world):
    client = Client()
    client.force_login(world.users["front_desk"])
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_slash_search_and_open(world, desk_session, live_server) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.context.add_cookies([{"name": "sessionid", "value": desk_session,
                                       "url": live_server.url}])
            page.goto(f"{live_server.url}/claims/")
            page.keyboard.press("/")
            expect(page.locator("#patient-search")).to_be_focused()
            page.keyboard.type("UHW5512093301")  # the member id off the insurance card
            page.keyboard.press("Enter")
            expect(page.locator("#search-results tbody tr")).to_have_count(1)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)
            page.locator("#search-results a", has_text="Ortega, Mateo").click()
            expect(page).to_have_url(f"{live_server.url}/patients/{world.a.patient.pk}/")
            # Typing "/" in a text field is just a slash.
            page.locator("#patient-search").fill("")
            page.locator("#patient-search").type("06/30/2019")
            expect(page.locator("#patient-search")).to_have_value("06/30/2019")
        finally:
            browser.close()

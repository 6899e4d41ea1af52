"""The header's patient search in a real browser: "/" puts the cursor in it from any page,
and a patient is one search and one click away (Debian's Chromium, ``make browser``)."""

from __future__ import annotations

import pytest

from browser_support import browser_marks, open_page, session_of

pytestmark = browser_marks


@pytest.fixture
def desk_session(world):
    return session_of(world.users["front_desk"])


@pytest.mark.django_db(transaction=True)
def test_slash_search_and_open(world, desk_session, live_server, browser, shots) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, live_server.url, desk_session, height=800)
    page.goto(f"{live_server.url}/claims/")
    page.keyboard.press("/")
    expect(page.locator("#patient-search")).to_be_focused()
    page.keyboard.type("UHW5512093301")  # the member id off the insurance card
    page.keyboard.press("Enter")
    expect(page.locator("#search-results tbody tr")).to_have_count(1)
    shots(page, "results")
    page.locator("#search-results a", has_text="Ortega, Mateo").click()
    expect(page).to_have_url(f"{live_server.url}/patients/{world.a.patient.pk}/")
    # Typing "/" in a text field is just a slash.
    page.locator("#patient-search").fill("")
    page.locator("#patient-search").type("06/30/2019")
    expect(page.locator("#patient-search")).to_have_value("06/30/2019")

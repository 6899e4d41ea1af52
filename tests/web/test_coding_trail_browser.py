"""The coding screen shows the Alphabetic Index route (trail) of suggested and typed codes."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from coding_support import SUGGESTIONS, new_visit, with_suggestions
from django.test import Client

from medbill.core.codesets.build import ensure_icd10cm
from shared_data import need_built

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

TRAIL = "Pharyngitis, streptococcal → J02.0"


@pytest.fixture
def screen(world):
    """A visit whose stored suggestions carry a trail, and a coder's session."""
    ensure_icd10cm()
    need_built("icd10cm-index")
    visit = new_visit(world.a)
    suggestions = copy.deepcopy(SUGGESTIONS)
    suggestions["diagnoses"][0]["trail"] = TRAIL
    with_suggestions(visit, suggestions)
    client = Client()
    client.force_login(world.users["coder"])
    return visit, client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_suggested_and_typed_codes_show_their_trail(screen, live_server) -> None:
    from playwright.sync_api import expect, sync_playwright

    visit, session = screen
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.context.add_cookies(
                [{"name": "sessionid", "value": session, "url": live_server.url}]
            )
            page.goto(f"{live_server.url}/coding/visits/{visit.pk}/")
            strep = page.locator(
                "#suggestions li.suggestion", has=page.locator("code:text-is('J02.0')")
            )
            expect(strep.locator(".s-trail")).to_have_text(f"Index: {TRAIL}")
            strep.locator("button.accept").click()
            coded = page.locator("#dx-list li.dx")
            expect(coded.first.locator(".dx-trail")).to_have_text(f"Index: {TRAIL}")

            # a code typed as shorthand keeps the route search found to it
            page.fill("#add-code", "T2DM w/ CKD3b")
            hit = page.locator("#add-results li[data-code='E11.22']")
            expect(hit.locator(".hit-trail")).to_contain_text(
                "Diabetes, diabetic, type 2", timeout=10_000
            )
            hit.dispatch_event("mousedown")
            typed = coded.filter(has=page.locator("code:text-is('E11.22')"))
            expect(typed.locator(".dx-trail")).to_contain_text("chronic kidney disease → E11.22")
        finally:
            browser.close()

"""The coding screen in a real browser keeps the coder's work: the E/M accepted before any
diagnosis gets the first diagnosis as its pointer, and a code with no fee is marked on its
own line, asks for the charge there, and the draft survives a reload until it is saved."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from coding_support import SUGGESTIONS, new_visit, with_suggestions
from django.test import Client

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "coding-draft"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def screen(world):
    """A visit whose stored suggestions include a lab code with no fee, and a coder's
    session (set up before the browser's event loop starts)."""
    visit = new_visit(world.a)
    suggestions = copy.deepcopy(SUGGESTIONS)
    suggestions["procedures"].append({
        "code": "87081", "description": "Culture, screening", "score": 0.8, "evidence": [],
        "status": "suggested", "reasons": []})
    with_suggestions(visit, suggestions)
    client = Client()
    client.force_login(world.users["coder"])
    return visit, client.cookies["sessionid"].value


def _accept(page, code: str) -> None:
    item = page.locator("#suggestions li.suggestion", has=page.locator(f"code:text-is('{code}')"))
    item.locator("button.accept").click()


@pytest.mark.django_db(transaction=True)
def test_the_work_is_kept_and_each_line_says_what_it_needs(screen, live_server) -> None:
    from playwright.sync_api import expect, sync_playwright

    visit, session = screen
    url = f"{live_server.url}/coding/visits/{visit.pk}/"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.context.add_cookies([{"name": "sessionid", "value": session,
                                       "url": live_server.url}])
            page.goto(url)
            expect(page.locator("#suggestions li.suggestion").first).to_be_visible()
            # The E/M first, then the lab with no fee, then the diagnosis.
            _accept(page, "99213")
            _accept(page, "87081")
            expect(page.locator("#line-table input.line-pointers").first).to_have_value("")
            _accept(page, "J02.0")
            pointers = page.locator("#line-table input.line-pointers")
            expect(pointers.nth(0)).to_have_value("1")
            expect(pointers.nth(1)).to_have_value("1")
            page.click("#save-codes")
            problem = page.locator("#line-table tr.line-problem")
            expect(problem).to_have_text(
                "Line 2: 87081 has no price in the fee schedule; enter the charge")
            charge = page.locator("#line-table input.line-charge").nth(1)
            expect(charge).to_be_focused()
            expect(page.locator("#save-state")).to_contain_text("Kept as a draft")
            page.screenshot(path=str(ARTIFACTS / "01-charge-missing.png"), full_page=True)

            # A reload shows the kept draft with its problem, not the last saved codes.
            page.reload()
            expect(page.locator("#draft-kept")).to_be_visible()
            expect(page.locator("#line-table tr.line-problem")).to_contain_text("87081")
            expect(page.locator("#line-table code")).to_have_text(["99213", "87081"])

            page.locator("#line-table input.line-charge").nth(1).fill("24.50")
            page.click("#save-codes")
            expect(page.locator("#save-state")).to_have_text("saved")
            expect(page.locator("#line-table tr.line-problem")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "02-saved.png"), full_page=True)
        finally:
            browser.close()
    charges = [str(s.charge) for s in visit.service_lines.order_by("position")]
    assert charges == ["130.00", "24.50"]


@pytest.fixture
def drug_screen(world):
    """A visit coded with a drug line (its NDC stored) and a coder's session."""
    from medbill.web.coding.services import set_visit_codes

    visit = new_visit(world.a)
    set_visit_codes(world.users["coder"], visit, ["M5450"], [
        {"code": "J1885", "units": "2", "charge": "18.40", "dx_pointers": [1],
         "ndc": "00409-3795-01", "ndc_quantity": "1.5", "ndc_unit": "ML"}])
    client = Client()
    client.force_login(world.users["coder"])
    return visit, client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_a_drug_line_shows_and_keeps_its_ndc(drug_screen, live_server) -> None:
    from playwright.sync_api import expect, sync_playwright

    visit, session = drug_screen
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.context.add_cookies([{"name": "sessionid", "value": session,
                                       "url": live_server.url}])
            page.goto(f"{live_server.url}/visits/{visit.pk}/codes/")  # the old address
            expect(page).to_have_url(f"{live_server.url}/coding/visits/{visit.pk}/")
            expect(page.locator("#line-table input.line-ndc")).to_have_value("00409-3795-01")
            expect(page.locator("#line-table select.line-ndc_unit")).to_have_value("ML")
            page.locator("#line-table input.line-ndc_quantity").fill("2")
            page.click("#save-codes")
            expect(page.locator("#save-state")).to_have_text("saved")
            page.screenshot(path=str(ARTIFACTS / "03-drug-line.png"), full_page=True)
        finally:
            browser.close()
    line = visit.service_lines.get()
    assert (line.ndc, str(line.ndc_quantity), line.ndc_unit) == ("00409379501", "2.000", "ML")

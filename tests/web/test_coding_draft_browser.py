"""The coding screen in a real browser keeps the coder's work: the E/M accepted before any
diagnosis gets the first diagnosis as its pointer, and a code with no fee is marked on its
own line, asks for the charge there, and the draft survives a reload until it is saved."""

from __future__ import annotations

import copy

import pytest
from coding_support import SUGGESTIONS, new_visit, with_suggestions

from browser_support import browser_marks, open_page, session_of

pytestmark = browser_marks


@pytest.fixture
def screen(world):
    """A visit whose stored suggestions include a lab code with no fee, and a coder's
    session (set up before the browser's event loop starts)."""
    visit = new_visit(world.a)
    suggestions = copy.deepcopy(SUGGESTIONS)
    suggestions["procedures"].append(
        {
            "code": "87081",
            "description": "Culture, screening",
            "score": 0.8,
            "evidence": [],
            "status": "suggested",
            "reasons": [],
        }
    )
    with_suggestions(visit, suggestions)
    return visit, session_of(world.users["coder"])


def _accept(page, code: str) -> None:
    item = page.locator("#suggestions li.suggestion", has=page.locator(f"code:text-is('{code}')"))
    item.locator("button.accept").click()


@pytest.mark.django_db(transaction=True)
def test_the_work_is_kept_and_each_line_says_what_it_needs(
    screen, live_server, browser, shots
) -> None:
    from playwright.sync_api import expect

    visit, session = screen
    url = f"{live_server.url}/coding/visits/{visit.pk}/"
    page = open_page(browser, live_server.url, session, width=1400, height=1000)
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
    expect(problem).to_have_text("Line 2: 87081 has no price in the fee schedule; enter the charge")
    charge = page.locator("#line-table input.line-charge").nth(1)
    expect(charge).to_be_focused()
    expect(page.locator("#save-state")).to_contain_text("Kept as a draft")
    shots(page, "01-charge-missing")

    # A reload shows the kept draft with its problem, not the last saved codes.
    page.reload()
    expect(page.locator("#draft-kept")).to_be_visible()
    expect(page.locator("#line-table tr.line-problem")).to_contain_text("87081")
    expect(page.locator("#line-table code")).to_have_text(["99213", "87081"])

    page.locator("#line-table input.line-charge").nth(1).fill("24.50")
    page.click("#save-codes")
    expect(page.locator("#save-state")).to_have_text("saved")
    expect(page.locator("#line-table tr.line-problem")).to_have_count(0)
    shots(page, "02-saved")
    charges = [str(s.charge) for s in visit.service_lines.order_by("position")]
    assert charges == ["130.00", "24.50"]


@pytest.fixture
def drug_screen(world):
    """A visit coded with a drug line (its NDC stored) and a coder's session."""
    from medbill.web.coding.services import set_visit_codes

    visit = new_visit(world.a)
    set_visit_codes(
        world.users["coder"],
        visit,
        ["M5450"],
        [
            {
                "code": "J1885",
                "units": "2",
                "charge": "18.40",
                "dx_pointers": [1],
                "ndc": "00409-3795-01",
                "ndc_quantity": "1.5",
                "ndc_unit": "ML",
            }
        ],
    )
    return visit, session_of(world.users["coder"])


@pytest.mark.django_db(transaction=True)
def test_a_drug_line_shows_and_keeps_its_ndc(drug_screen, live_server, browser, shots) -> None:
    from playwright.sync_api import expect

    visit, session = drug_screen
    page = open_page(browser, live_server.url, session, width=1400, height=1000)
    page.goto(f"{live_server.url}/visits/{visit.pk}/codes/")  # the old address
    expect(page).to_have_url(f"{live_server.url}/coding/visits/{visit.pk}/")
    expect(page.locator("#line-table input.line-ndc")).to_have_value("00409-3795-01")
    expect(page.locator("#line-table select.line-ndc_unit")).to_have_value("ML")
    page.locator("#line-table input.line-ndc_quantity").fill("2")
    page.click("#save-codes")
    expect(page.locator("#save-state")).to_have_text("saved")
    shots(page, "03-drug-line")
    line = visit.service_lines.get()
    assert (line.ndc, str(line.ndc_quantity), line.ndc_unit) == ("00409379501", "2.000", "ML")

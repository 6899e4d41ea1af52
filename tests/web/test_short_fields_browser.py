"""Short fields read as one line with their words in a real browser (Debian's Chromium):
the claim queue's clearinghouse choice beside its Send button, the denial threshold and
the days to wait for an answer inside their sentences, the jobs' settings beside Save."""

from __future__ import annotations

import pytest
from test_claims_out import connect, scrubbed

from browser_support import browser_marks, open_page, session_of

pytestmark = browser_marks


@pytest.fixture
def manager_with_a_ready_claim(world, tmp_path):
    """A scrubbed claim and a signed-in manager (set up before the browser's loop)."""
    connect(world.a, tmp_path)
    scrubbed(world.a.claim)
    return session_of(world.users["manager"])


def _one_line(page, label_selector: str, input_selector: str) -> None:
    """The label's words and its input share one line, the input at its own width."""
    label = page.locator(label_selector).bounding_box()
    field = page.locator(input_selector).bounding_box()
    assert label["height"] < 2 * field["height"], (
        f"{label_selector} is {label['height']:.0f}px high: its words wrapped around the input"
    )
    assert field["width"] < 160, f"{input_selector} is {field['width']:.0f}px wide"


def _side_by_side(page, first: str, second: str) -> None:
    a, b = page.locator(first).bounding_box(), page.locator(second).bounding_box()
    middle_a, middle_b = a["y"] + a["height"] / 2, b["y"] + b["height"] / 2
    assert abs(middle_a - middle_b) < 8, f"{second} is not on the line of {first}"
    assert b["x"] > a["x"] + a["width"], f"{second} is not right of {first}"


@pytest.mark.django_db(transaction=True)
def test_the_claim_queue_fields_sit_in_their_sentences(
    manager_with_a_ready_claim, live_server, browser, shots
) -> None:
    page = open_page(browser, live_server.url, manager_with_a_ready_claim)
    page.goto(f"{live_server.url}/claims-out/")
    shots(page, "claim-queue")
    select = page.locator("select[name=connection]").bounding_box()
    assert select["width"] < 300, f"the clearinghouse choice is {select['width']:.0f}px wide"
    _side_by_side(page, "select[name=connection]", "button:has-text('Send as 837P')")
    _one_line(page, "form.risk-threshold label", "input[name=threshold]")
    _side_by_side(page, "input[name=threshold]", "form.risk-threshold button")
    _one_line(page, "form.claim-status-days label", "input[name=days]")
    _side_by_side(page, "input[name=days]", "button:has-text('Check status')")
    assert page.errors == []


@pytest.mark.django_db(transaction=True)
def test_a_jobs_settings_sit_beside_its_switch(
    manager_with_a_ready_claim, live_server, browser, shots
) -> None:
    page = open_page(browser, live_server.url, manager_with_a_ready_claim)
    page.goto(f"{live_server.url}/jobs/")
    shots(page, "jobs")
    row = "tr[data-job=claimstatus]"
    _one_line(page, f"{row} label:has(input[name=days])", f"{row} input[name=days]")
    _side_by_side(page, f"{row} input[name=enabled]", f"{row} input[name=days]")

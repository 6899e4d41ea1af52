"""A biller works the interface queue in a real browser: a held message with its reason,
opened, corrected, replayed and seen applied."""

from __future__ import annotations

import pytest

from browser_support import browser_marks, open_page, session_of
from medbill.web.interfaces.services import receive

pytestmark = browser_marks

HELD = (
    "MSH|^~\\&|EHR|CLINIC|MEDBILL|CVFP|20260303113000||ADT^A04|Q-7|P|2.5.1\r"
    "PID|1||E7007^^^EHR^MR||Quist^Ida||1968021|F|||3 Lake Rd^^Madison^WI^53703\r"
)


@pytest.fixture
def biller_session(world) -> str:
    assert receive(world.a.practice, HELD, source="mllp").code == "AE"
    return session_of(world.users["biller"])


@pytest.mark.django_db(transaction=True)
def test_a_biller_fixes_and_replays_a_held_message(biller_session, live_server, browser, shots):
    from playwright.sync_api import expect

    page = open_page(browser, live_server.url, biller_session)
    page.goto(f"{live_server.url}/interfaces/")
    held = page.locator("table.held-messages tr[data-control-id='Q-7']")
    expect(held.locator(".reason")).to_contain_text("PID-7 birth date '1968021' is not a date")
    shots(page, "1-queue")
    held.get_by_role("link", name="Q-7").click()
    editor = page.locator("textarea#raw")
    expect(editor).to_contain_text("Quist^Ida||1968021")
    editor.fill(editor.input_value().replace("1968021", "19680221"))
    shots(page, "2-edited")
    page.get_by_role("button", name="Replay").click()
    expect(page.locator(".msg.success")).to_contain_text("Message Q-7 replayed and applied")
    shots(page, "3-replayed")
    page.goto(f"{live_server.url}/interfaces/")
    expect(page.locator("table.held-messages")).to_contain_text("No message is held")
    applied = page.locator("table.applied-messages tr[data-control-id='Q-7']")
    expect(applied).to_contain_text("Replayed")
    shots(page, "4-applied")
    assert page.errors == []


@pytest.mark.django_db(transaction=True)
def test_a_biller_discards_a_junk_message(biller_session, live_server, browser, shots):
    from playwright.sync_api import expect

    page = open_page(browser, live_server.url, biller_session)
    page.goto(f"{live_server.url}/interfaces/")
    page.locator("table.held-messages").get_by_role("link", name="Q-7").click()
    page.get_by_label("Discard it").fill("test message from the EHR vendor")
    shots(page, "1-reason")
    page.get_by_role("button", name="Discard").click()
    expect(page.locator(".msg.success")).to_contain_text("Message Q-7 discarded")
    expect(page.locator("table.held-messages")).to_contain_text("No message is held")
    kept = page.locator("table.applied-messages tr[data-control-id='Q-7']")
    expect(kept).to_contain_text("Discarded by Biller: test message from the EHR vendor")
    shots(page, "2-discarded")
    assert page.errors == []

"""The code search type-ahead in a real browser (Debian's Chromium, see ``make browser``)."""

from __future__ import annotations

import pytest

from browser_support import browser_marks, open_page, session_of
from medbill.core.codesets.build import ensure_icd10cm

pytestmark = browser_marks


@pytest.fixture
def coder_session(world) -> str:
    """Sign the coder in before the browser starts (the ORM refuses to run inside its loop)."""
    ensure_icd10cm()
    return session_of(world.users["coder"])


@pytest.fixture
def browser_page(coder_session, live_server, browser):
    return open_page(browser, live_server.url, coder_session)


@pytest.mark.django_db(transaction=True)
def test_results_appear_while_typing(coder_session, live_server, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    # A locator, not wait_for_function: the Content-Security-Policy forbids eval'd script.
    first_code = page.locator("#code-results tbody tr code").first
    page.goto(f"{live_server.url}/codes/")
    page.locator("#code-q").press_sequentially("t2dm with chronic kid", delay=20)
    expect(first_code).to_have_text("E11.22", timeout=10_000)
    first = page.locator("#code-results tbody tr").first
    assert "t2dm" in first.inner_text() and "yes" in first.inner_text()
    page.select_option("#code-system", "cpt")
    page.fill("#code-q", "rapid strep")
    expect(first_code).to_have_text("87880", timeout=10_000)

"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_data import shared_examples_dir, shared_path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` as a whole; prefer ``shared_data.shared_path("x12/835")``, whose
    skip reason names the folder a test reads."""
    return shared_path()


@pytest.fixture(scope="session")
def shared_examples() -> Path:
    """``../shared/examples``: the claim JSON files the command line accepts."""
    return shared_examples_dir()


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium under Playwright, closed after the test (see browser_support).

    Playwright's sync API keeps an event loop on this thread; nothing runs on it while
    the test uses the database between browser steps, so Django's guard is lifted.
    """
    from playwright.sync_api import sync_playwright

    from browser_support import ARGS, CHROMIUM

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def shots(request, tmp_path):
    """``shots(page, "1-preview")`` saves a full-page screenshot of the step."""
    from browser_support import shot_dir

    folder = shot_dir(request.node.name, tmp_path / "screens")

    def take(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    take.folder = folder
    return take


@pytest.fixture(autouse=True)
def _codeset_caches_stay_with_their_data_dir():
    """A test that points MEDBILL_DATA_DIR elsewhere leaves no loaded code set behind.

    The caches are keyed on the data directory already; this only frees what such a test
    loaded from its temporary directory.
    """
    import os

    before = os.environ.get("MEDBILL_DATA_DIR")
    yield
    if os.environ.get("MEDBILL_DATA_DIR") != before:
        from medbill.core.codesets import reset_cache
        from medbill.core.codesets._alphabetic import reset_index_cache
        from medbill.core.codesets.hcpcs import reset_hcpcs_cache
        from medbill.core.codesets.search import reset_search_index

        for reset in (reset_cache, reset_hcpcs_cache, reset_search_index, reset_index_cache):
            reset()

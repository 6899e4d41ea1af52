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
def _caches_stay_with_their_data_dir():
    """After each test, core holds nothing read from any data directory but the suite's own.

    Core's caches are keyed on the resolved data directory, so a test that points
    MEDBILL_DATA_DIR elsewhere never sees the suite's data, nor the suite its data; this
    frees what such a test loaded. Keeping what the suite's own directory holds keeps the
    code sets from being read again for every test. Checked after the test (whatever the
    order in which fixtures undo their changes), not by comparing the variable.
    """
    yield
    from medbill.core import caches
    from medbill.core.paths import data_dir

    if caches.directories() - {data_dir().resolve()}:
        caches.reset()

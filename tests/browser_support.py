"""What every browser test shares: Debian's Chromium, how it is started, a signed-in page.

Tests mark themselves with ``pytestmark = browser_marks`` and take the ``browser``
fixture (``tests/conftest.py``), after the fixtures that sign users in: those touch the
database before Playwright's event loop starts on this thread. ``session_of(user)``
signs a user in; ``open_page`` opens a page with that session and records the page's
script errors in ``page.errors``; ``shots`` saves screenshots of the key steps.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

__all__ = ["ARGS", "CHROMIUM", "browser_marks", "open_page", "session_of", "shot_dir"]

CHROMIUM = "/usr/bin/chromium"
# Never `playwright install`: the tests drive the distribution's Chromium (make browser).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

browser_marks = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (make browser)",
    ),
]


def session_of(user: Any) -> str:
    """The session cookie of ``user``, signed in (call it before the browser starts)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def open_page(
    browser: Any, base: str, session: str | None = None, *, width: int = 1280, height: int = 900
) -> Any:
    """A new page of ``browser`` signed in with ``session``; ``page.errors`` collects the
    script errors and failed requests the console reports (the favicon aside)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if session is not None:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "favicon" not in msg.location.get("url", "")
            else None
        ),
    )
    page.errors = errors
    return page


def shot_dir(name: str, default: Path) -> Path:
    """Where a test's screenshots go: ``$MEDBILL_SCREENSHOTS/<name>`` when set (to look at
    them after a run), else ``default`` (the test's temporary directory)."""
    root = os.environ.get("MEDBILL_SCREENSHOTS")
    folder = Path(root) / name if root else default
    folder.mkdir(parents=True, exist_ok=True)
    return folder

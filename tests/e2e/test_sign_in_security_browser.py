"""Sign-in security in a real browser (Debian's Chromium): the lockout after ten failed
sign-ins, enrolling an authenticator app and signing in with its code (computed here from
the secret the page shows), and the idle sign-out warning. Screenshots go to
the test's temporary directory (or ``$MEDBILL_SCREENSHOTS``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import struct
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from browser_support import browser_marks
from medbill.web.practice.models import AuditEvent, Membership

PASSWORD = "a-long-test-password-9"

pytestmark = browser_marks


def totp(secret: str, at: float) -> str:
    """RFC 6238: the six-digit code an authenticator app shows for ``secret`` at ``at``."""
    key = secret.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    mac = hmac.new(base64.b32decode(key), struct.pack(">Q", int(at // 30)), hashlib.sha1)
    digest = mac.digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


def _load_site_builder():
    spec = importlib.util.spec_from_file_location(
        "web_site_builder", Path(__file__).resolve().parents[1] / "web" / "conftest.py"
    )
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module.build_site


@pytest.fixture
def world(transactional_db):
    site = _load_site_builder()("CVFP", "Cedar Valley")
    users = {}
    for role in ("biller", "coder"):
        users[role] = User.objects.create_user(role, password=PASSWORD, first_name=role.title())
        Membership.objects.create(user=users[role], practice=site.practice, role=role)
    return SimpleNamespace(a=site, users=users)


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_ten_failures_lock_the_account(world, live_server, browser, shots):
    from playwright.sync_api import expect

    page = browser.new_page()
    for attempt in range(10):
        _sign_in(page, live_server.url, "coder", f"wrong-{attempt}")
        if attempt < 9:
            expect(page.locator("p.error")).to_contain_text("did not match")
    expect(page.locator("#locked-out")).to_contain_text("Sign-in locked")
    _sign_in(page, live_server.url, "coder", PASSWORD)
    locked = page.locator("#locked-out")
    expect(locked).to_contain_text("even with the right password")
    expect(locked).to_contain_text("30 minutes")
    expect(locked).to_contain_text("ask your practice administrator")
    shots(page, "locked-out")
    assert "/login/" in page.url
    assert AuditEvent.objects.filter(action="lockout", username="coder").exists()


def test_enrol_an_authenticator_and_sign_in_with_its_code(world, live_server, browser, shots):
    from playwright.sync_api import expect

    world.a.practice.mfa_required = True
    world.a.practice.save()
    base = live_server.url
    page = browser.new_page()
    _sign_in(page, base, "biller", PASSWORD)
    # A biller must enrol first; the page shows the QR code and the secret as text.
    expect(page).to_have_url(f"{base}/account/security/?next=%2F")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    shots(page, "enrol")
    page.fill("input[name=otp_token]", totp(secret, time.time()))
    page.click("text=Turn on")
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    shots(page, "recovery-codes")
    page.click("text=Continue")
    expect(page).to_have_url(f"{base}/")
    page.click("button:has-text('Sign out')")

    # Signing in again: password, then the code of the next time step (the enrolment's
    # code is spent).
    _sign_in(page, base, "biller", PASSWORD)
    expect(page).to_have_url(f"{base}/login/verify/?next=%2F")
    page.fill("input[name=otp_token]", totp(secret, time.time() + 30))
    page.click("button:has-text('Verify')")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator(".who")).to_contain_text("Biller")


def test_the_idle_warning_offers_to_stay_signed_in(world, live_server, browser, settings, shots):
    from playwright.sync_api import expect

    world.a.practice.idle_timeout_minutes = 1
    world.a.practice.save()
    settings.IDLE_WARNING_SECONDS = 56  # the warning comes 4 seconds after the page
    page = browser.new_page()
    _sign_in(page, live_server.url, "coder", PASSWORD)
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=10_000)
    expect(page.locator("#idle-countdown")).to_contain_text("0:5")
    shots(page, "idle-warning")
    page.click("#idle-stay")
    expect(warning).to_be_hidden()

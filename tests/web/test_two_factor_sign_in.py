"""Two-factor sign-in with an authenticator app (TOTP) and recovery codes.

Codes are computed here from the secret the enrolment page shows, as an app would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def totp(secret: str, at: float | None = None, step: int = 30) -> str:
    """RFC 6238 code of a base32 ``secret`` (spaces allowed) at time ``at``."""
    key = secret.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(base64.b32decode(key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


@pytest.fixture
def required(world):
    """Practice A requires two factors (the default of a new practice)."""
    world.a.practice.mfa_required = True
    world.a.practice.save()
    for user in world.users.values():
        user.set_password(PASSWORD)
        user.save()
    return world


def sign_in(client: Client, username: str) -> object:
    return client.post("/login/", {"username": username, "password": PASSWORD})


def enrol(client: Client) -> tuple[str, list[str]]:
    page = client.post("/account/security/", {"action": "start"})
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    done = client.post("/account/security/", {"action": "confirm", "otp_token": totp(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    return secret, codes


def test_new_practices_require_two_factors_for_admins_managers_and_billers(world):
    from medbill.web.practice.mfa import MFA_ROLES
    from medbill.web.practice.models import Practice

    assert Practice._meta.get_field("mfa_required").default is True
    assert set(MFA_ROLES) == {"admin", "manager", "biller"}


@pytest.mark.parametrize("role", ["admin", "manager", "biller"])
def test_required_roles_must_enrol_before_anything_else(required, role):
    client = Client()
    response = sign_in(client, role)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/security/")
    for path in ("/", "/patients/", "/claims/"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith("/account/security/")
    page = client.get("/account/security/")
    assert b"requires two-factor" in page.content
    assert b"<svg" in page.content  # the QR code
    assert client.get("/api/patients").status_code == 401  # nor through the API


def test_a_json_request_before_the_second_factor_is_refused(required):
    client = Client()
    sign_in(client, "biller")
    response = client.get("/patients/", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.json() == {"error": "finish signing in with your authentication code"}


def test_other_roles_sign_in_with_a_password_alone(required):
    client = Client()
    response = sign_in(client, "coder")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_enrolment_then_sign_in_with_a_code(required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the wrong code below
    client = Client()
    sign_in(client, "biller")
    secret, codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/").status_code == 200  # this session is verified by enrolment
    assert TOTPDevice.objects.filter(user=required.users["biller"], confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="mfa_on", username="biller").exists()
    client.post("/logout/")

    again = Client()
    response = sign_in(again, "biller")
    assert response["Location"].startswith("/login/verify/")
    assert again.get("/").status_code == 302
    wrong = again.post(
        "/login/verify/", {"otp_token": "000000" if totp(secret) != "000000" else "111111"}
    )
    assert b"did not match" in wrong.content
    # The code of the next time step: the one of enrolment was already used.
    ok = again.post(
        "/login/verify/", {"otp_token": totp(secret, time.time() + 30), "next": "/claims/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/claims/"
    assert again.get("/").status_code == 200


def test_a_recovery_code_works_once(required):
    client = Client()
    sign_in(client, "manager")
    _, codes = enrol(client)
    client.post("/logout/")
    for expected in (302, 200):
        c = Client()
        sign_in(c, "manager")
        response = c.post("/login/verify/", {"otp_token": codes[0]})
        assert response.status_code == expected
    assert StaticToken.objects.filter(device__user=required.users["manager"]).count() == 9


def test_optional_enrolment_and_turning_it_off(required):
    client = Client()
    sign_in(client, "front_desk")
    assert b"Off: you sign in with your password only" in client.get("/account/security/").content
    enrol(client)
    assert b"On: you sign in" in client.get("/account/security/").content
    client.post("/account/security/", {"action": "off"})
    assert not TOTPDevice.objects.filter(user=required.users["front_desk"]).exists()
    assert AuditEvent.objects.filter(action="mfa_off", username="front_desk").exists()


def test_required_users_cannot_turn_it_off(required):
    client = Client()
    sign_in(client, "admin")
    enrol(client)
    client.post("/account/security/", {"action": "off"})
    assert TOTPDevice.objects.filter(user=required.users["admin"], confirmed=True).exists()


def test_wrong_codes_count_towards_the_lockout(required, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    sign_in(client, "biller")
    secret, _ = enrol(client)
    client.post("/logout/")
    c = Client()
    sign_in(c, "biller")
    bad = "000000" if totp(secret) != "000000" else "111111"
    c.post("/login/verify/", {"otp_token": bad})
    c.post("/login/verify/", {"otp_token": bad})
    locked = c.post("/login/verify/", {"otp_token": bad})
    assert locked.status_code == 429
    assert b"Sign-in locked" in locked.content
    assert "_auth_user_id" not in c.session  # signed out


def test_the_demo_sign_in_needs_no_code(world):
    # Practices that leave two factors optional (the demo's) keep username + password.
    world.a.practice.mfa_required = False
    world.a.practice.save()
    user = world.users["admin"]
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    assert sign_in(client, "admin")["Location"] == "/"
    switched = client.post("/practice/switch/", {"practice": world.a.practice.pk})
    assert switched.status_code == 302
    assert client.get("/claims/").status_code == 200


def test_password_changes_follow_the_policy(required):
    client = Client()
    sign_in(client, "coder")
    page = client.get("/account/password/")
    assert page.status_code == 200
    for weak, why in (
        ("password1234", b"too common"),
        ("short-9", b"too short"),
        ("736492018375", b"entirely numeric"),
    ):
        response = client.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200 and why in response.content, weak
    good = "plum-ladder-Orbit-47"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": good, "new_password2": good},
    )
    assert response.status_code == 302
    required.users["coder"].refresh_from_db()
    assert required.users["coder"].check_password(good)
    assert AuditEvent.objects.filter(action="password", username="coder").exists()


def test_a_lost_phone_is_reset_from_the_command_line(required):
    from typer.testing import CliRunner

    from medbill.cli.main import app

    client = Client()
    sign_in(client, "biller")
    enrol(client)
    result = CliRunner().invoke(app, ["security", "reset-mfa", "biller"])
    assert result.exit_code == 0, result.output
    assert "removed 2 device(s) of biller" in result.output
    assert not TOTPDevice.objects.filter(user=required.users["biller"]).exists()
    again = Client()
    assert sign_in(again, "biller")["Location"].startswith("/account/security/")
    assert AuditEvent.objects.filter(action="mfa_off", username="biller", source="cli").exists()
    unknown = CliRunner().invoke(app, ["security", "reset-mfa", "nobody-here"])
    assert unknown.exit_code == 2

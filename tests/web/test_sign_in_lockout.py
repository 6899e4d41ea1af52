"""Failed sign-ins lock a username, and an address, out (django-axes); administrators unlock.

Every sign-in, sign-out, failure and lockout is an audit event.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LIMIT = 10


@pytest.fixture(autouse=True)
def coder_password(world):
    user = world.users["coder"]
    user.set_password(PASSWORD)
    user.save()


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.5"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_limit_is_ten_failures():
    assert settings.AXES_ENABLED
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_ten_failures_lock_the_username_even_for_the_right_password(world):
    client = Client()
    for attempt in range(1, LIMIT):
        response = sign_in(client, "coder", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert b"did not match" in response.content
    # The right password still works before the limit...
    assert sign_in(Client(), "coder", PASSWORD, ip="10.0.0.6").status_code == 302
    # ...and resets the count (a successful sign-in clears the username's failures).
    client = Client()
    for attempt in range(1, LIMIT):
        assert sign_in(client, "coder", f"wrong-{attempt}", ip="10.0.1.5").status_code == 200
    response = sign_in(client, "coder", "wrong-again", ip="10.0.1.5")
    assert response.status_code == 429
    assert b"Sign-in locked" in response.content
    refused = sign_in(Client(), "coder", PASSWORD, ip="10.0.0.7")
    assert refused.status_code == 429
    assert b"even with the right password" in refused.content
    assert b"30 minutes" in refused.content
    assert "_auth_user_id" not in refused.client.session


def test_ten_failures_from_one_address_lock_the_address(world):
    client = Client()
    for attempt in range(LIMIT):
        sign_in(client, f"guess{attempt}", "whatever", ip="10.9.9.9")
    # Another user's right password from that address is refused too...
    assert sign_in(Client(), "coder", PASSWORD, ip="10.9.9.9").status_code == 429
    # ...while the same user from elsewhere signs in.
    assert sign_in(Client(), "coder", PASSWORD, ip="10.1.1.1").status_code == 302


def test_sign_in_events_are_audited(world):
    client = Client()
    for attempt in range(LIMIT):
        sign_in(client, "coder", f"wrong-{attempt}", ip="10.2.2.2")
    sign_in(client, "coder", PASSWORD, ip="10.2.2.2")
    events = AuditEvent.objects.filter(username="coder")
    failed = events.filter(action="login_failed")
    assert failed.count() == LIMIT + 1
    assert failed.filter(changes__reason__after="locked out").count() == 1
    assert events.filter(action="lockout").count() >= 1
    lockout = events.filter(action="lockout").first()
    assert lockout.object_id == str(world.users["coder"].pk)
    assert lockout.changes["ip"]["after"] == "10.2.2.2"
    assert "password" not in str(list(events.values_list("changes", flat=True)))

    fresh = Client()
    sign_in(fresh, "frontdesk-unknown", "x", ip="10.3.3.3")
    unknown = AuditEvent.objects.get(action="login_failed", username="frontdesk-unknown")
    assert unknown.object_id == "" and unknown.user_id is None

    AccessAttempt.objects.all().delete()
    assert sign_in(fresh, "coder", PASSWORD, ip="10.3.3.3").status_code == 302
    fresh.post("/logout/")
    actions = list(events.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["login", "logout"]


def lock(username: str) -> None:
    client = Client()
    for attempt in range(LIMIT):
        sign_in(client, username, f"wrong-{attempt}", ip="10.4.4.4")


def test_admin_unlocks_a_user_of_the_practice(world, client_for):
    lock("coder")
    assert sign_in(Client(), "coder", PASSWORD, ip="10.5.5.5").status_code == 429
    admin = client_for(world.users["admin"])
    page = admin.get("/practice/security/")
    assert page.status_code == 200
    assert b"coder" in page.content and b"locked" in page.content
    response = admin.post("/practice/security/unlock/", {"username": "coder"})
    assert response.status_code == 302
    assert sign_in(Client(), "coder", PASSWORD, ip="10.5.5.5").status_code == 302
    unlock = AuditEvent.objects.get(action="unlock")
    assert unlock.username == "coder" and unlock.changes["by"]["after"] == "admin"


def test_only_admins_of_the_users_practice_unlock(world, client_for):
    lock("outsider")
    assert client_for(world.users["manager"]).get("/practice/security/").status_code == 403
    admin = client_for(world.users["admin"])
    assert b"outsider" not in admin.get("/practice/security/").content
    admin.post("/practice/security/unlock/", {"username": "outsider"})
    assert AccessAttempt.objects.filter(username="outsider").exists()


def test_unlock_from_the_command_line(world):
    lock("coder")
    result = CliRunner().invoke(app, ["security", "unlock", "--username", "coder"])
    assert result.exit_code == 0, result.output
    assert "cleared 1 lockout record" in result.output
    assert sign_in(Client(), "coder", PASSWORD, ip="10.6.6.6").status_code == 302
    assert AuditEvent.objects.filter(action="unlock", source="cli").exists()


def test_behind_a_proxy_failures_count_per_client(world, settings):
    settings.PROXY_COUNT = 1
    for attempt in range(LIMIT):
        Client().post(
            "/login/",
            {"username": f"guess{attempt}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    # The proxy's address is not locked: another client behind it signs in...
    ok = Client().post(
        "/login/",
        {"username": "coder", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert ok.status_code == 302
    # ...and a spoofed left-hand entry does not free the locked client.
    spoofed = Client().post(
        "/login/",
        {"username": "coder", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert spoofed.status_code == 429


def test_sign_in_without_a_request_is_refused_outside_tests(world, settings):
    from axes.exceptions import AxesBackendRequestParameterRequired
    from django.contrib.auth import authenticate

    assert authenticate(username="coder", password=PASSWORD) == world.users["coder"]
    assert Client().login(username="coder", password=PASSWORD)
    settings.LOCKOUT_WITHOUT_REQUEST = False
    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="coder", password=PASSWORD)


def test_lockouts_are_listed_on_the_command_line(world):
    lock("coder")
    result = CliRunner().invoke(app, ["security", "lockouts"])
    assert result.exit_code == 0, result.output
    assert "coder" in result.output and "10.4.4.4" in result.output and "10" in result.output

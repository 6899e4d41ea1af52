"""Sessions end when idle (per practice), after an absolute lifetime, and with the browser
unless "remember this device" was ticked."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from medbill.web.practice.sessions import LAST_SEEN, SIGNED_IN_AT

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def coder(world):
    user = world.users["coder"]
    user.set_password(PASSWORD)
    user.save()
    return user


def signed_in(remember: bool = False) -> Client:
    client = Client()
    data = {"username": "coder", "password": PASSWORD}
    if remember:
        data["remember"] = "1"
    response = client.post("/login/", data)
    assert response.status_code == 302
    return client


def age(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_the_idle_timeout_is_fifteen_minutes_by_default(world, coder):
    assert world.a.practice.idle_timeout_minutes == 15
    client = signed_in()
    age(client, LAST_SEEN, 14 * 60)
    assert client.get("/").status_code == 200
    age(client, LAST_SEEN, 15 * 60 + 5)
    response = client.get("/claims/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/claims/"
    page = client.get(response["Location"])
    assert b"signed out after 15 minutes without activity" in page.content
    assert client.get("/").status_code == 302  # the session is gone


def test_the_practice_sets_the_timeout(world, coder):
    world.a.practice.idle_timeout_minutes = 5
    world.a.practice.save()
    client = signed_in()
    age(client, LAST_SEEN, 6 * 60)
    assert client.get("/").status_code == 302


def test_the_page_carries_the_timeout_for_its_warning(world, coder):
    client = signed_in()
    page = client.get("/").content.decode()
    assert 'data-idle-seconds="900"' in page
    assert f'data-idle-warning="{settings.IDLE_WARNING_SECONDS}"' in page
    assert 'id="idle-warning"' in page and "medbill/medbill.js" in page


def test_asking_for_the_time_left_is_not_activity(world, coder):
    client = signed_in()
    age(client, LAST_SEEN, 10 * 60)
    status = client.get("/session/status/").json()
    assert status["signed_in"] is True
    assert 290 <= status["remaining"] <= 300
    assert client.get("/session/status/").json()["remaining"] <= 300
    kept = client.post("/session/keepalive/").json()
    assert kept["remaining"] == 900
    assert client.get("/session/status/").json()["remaining"] > 890


def test_status_after_the_timeout(world, coder):
    client = signed_in()
    age(client, LAST_SEEN, 16 * 60)
    assert client.get("/session/status/").json() == {"signed_in": False, "remaining": 0}


def test_the_absolute_lifetime(world, coder):
    client = signed_in()
    age(client, SIGNED_IN_AT, settings.SESSION_MAX_AGE + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert b"sessions last at most 12 hours" in client.get(response["Location"]).content


def test_the_session_ends_with_the_browser_unless_remembered(world, coder):
    forgetful = Client()
    response = forgetful.post("/login/", {"username": "coder", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]
    remembered = Client()
    response = remembered.post(
        "/login/", {"username": "coder", "password": PASSWORD, "remember": "1"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_MAX_AGE
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_api_with_an_idle_session_is_unauthenticated(world, coder):
    client = signed_in()
    assert client.get("/api/patients").status_code == 200
    age(client, LAST_SEEN, 16 * 60)
    assert client.get("/api/patients").status_code == 401


def test_administrators_set_the_practice_timeout_and_mfa(world, client_for):
    from medbill.web.practice.models import AuditEvent

    admin = client_for(world.users["admin"])
    page = admin.get("/practice/security/")
    assert page.status_code == 200 and b'name="idle_timeout_minutes"' in page.content
    assert client_for(world.users["manager"]).get("/practice/security/").status_code == 403
    too_long = admin.post("/practice/security/", {"idle_timeout_minutes": "999"})
    assert too_long.status_code == 200 and b"error" in too_long.content
    response = admin.post("/practice/security/", {"idle_timeout_minutes": "10"})
    assert response.status_code == 302
    world.a.practice.refresh_from_db()
    assert world.a.practice.idle_timeout_minutes == 10
    change = AuditEvent.objects.get(object_type="practice.Practice", action="update")
    assert change.changes["idle_timeout_minutes"] == {"before": 15, "after": 10}
    # Requiring two factors applies at once, to the administrator too.
    admin.post("/practice/security/", {"idle_timeout_minutes": "10", "mfa_required": "on"})
    world.a.practice.refresh_from_db()
    assert world.a.practice.mfa_required
    assert admin.get("/practice/security/")["Location"].startswith("/account/security/")

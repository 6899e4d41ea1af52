"""How long a signed-in session lasts: an idle timeout and an absolute lifetime.

* **Idle**: a session unused for the practice's ``idle_timeout_minutes`` (15 by default)
  ends. The page warns ``IDLE_WARNING_SECONDS`` before (``static/medbill/session.js``),
  asking ``/session/status/`` how long is left (that request does not count as use) and
  offering to stay signed in (``/session/keepalive/``).
* **Absolute**: no session outlives ``SESSION_MAX_AGE`` seconds from sign-in, used or not.
* **Browser close**: the session cookie is a browser-session cookie unless the user ticked
  "remember this device" at sign-in (``SESSION_EXPIRE_AT_BROWSER_CLOSE``; see
  ``remember_device``).

A user who works for several practices gets the timeout of the practice they are working
in; before one is chosen, the strictest of their practices.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from medbill.web.practice.requests import MiddlewareRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "SessionLifetimeMiddleware",
    "connect_signals",
    "idle_timeout_seconds",
    "remember_device",
    "session_keepalive",
    "session_status",
]

SIGNED_IN_AT = "medbill_signed_in_at"
LAST_SEEN = "medbill_last_seen"
STATUS_PATH = "/session/status/"
# Rewriting the session on every request costs a database write; a few seconds of slack
# in the idle clock does not matter.
TOUCH_EVERY = 10


def idle_timeout_seconds(user: User, practice_id: int | None) -> int:
    """The idle timeout for ``user`` working in ``practice_id`` (None: not chosen yet)."""
    from medbill.web.practice.models import Membership, Practice

    mine = Practice.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("practice_id")
    )
    if practice_id:
        chosen = mine.filter(pk=practice_id).values_list("idle_timeout_minutes", flat=True)
        minutes = next(iter(chosen), None)
    else:
        minutes = mine.aggregate(m=Min("idle_timeout_minutes"))["m"]
    return 60 * (minutes or settings.IDLE_TIMEOUT_DEFAULT_MINUTES)


def _ended(request: HttpRequest, why: str) -> HttpResponse | None:
    """Sign the user out; pages go to the sign-in page with ``why``, API calls go on unsigned."""
    logout(request)
    if request.path.startswith("/api/"):
        return None
    if request.path == STATUS_PATH:
        return JsonResponse({"signed_in": False, "remaining": 0})
    messages.info(request, why)
    return redirect_to_login(request.get_full_path())


class SessionLifetimeMiddleware:
    """Ends sessions that were idle too long or are older than the absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: MiddlewareRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            ended = self._check(request, user)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _check(self, request: MiddlewareRequest, user: User) -> HttpResponse | None:
        from medbill.web.practice.middleware import SESSION_KEY

        session = request.session
        now = time.time()
        started = session.setdefault(SIGNED_IN_AT, now)
        last = session.setdefault(LAST_SEEN, now)
        if now - started > settings.SESSION_MAX_AGE:
            hours = settings.SESSION_MAX_AGE // 3600
            return _ended(request, f"You were signed out: sessions last at most {hours} hours.")
        idle = idle_timeout_seconds(user, session.get(SESSION_KEY))
        request.idle_timeout_seconds = idle
        if now - last > idle:
            return _ended(
                request, f"You were signed out after {idle // 60} minutes without activity."
            )
        request.idle_remaining_seconds = int(idle - (now - last))
        if request.path != STATUS_PATH and now - last >= TOUCH_EVERY:
            session[LAST_SEEN] = now
            request.idle_remaining_seconds = idle
        return None


def remember_device(request: HttpRequest, remember: bool) -> None:
    """Keep the session cookie after the browser closes (up to the absolute lifetime) or not."""
    request.session.set_expiry(settings.SESSION_MAX_AGE if remember else 0)


def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def connect_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="medbill_session_started")


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How many seconds are left before an idle sign-out; asking does not count as use."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining": 0})
    return JsonResponse(
        {"signed_in": True, "remaining": getattr(request, "idle_remaining_seconds", 0)}
    )


@require_POST
def session_keepalive(request: HttpRequest) -> JsonResponse:
    """The "stay signed in" button: counts as use of the application."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining": 0}, status=401)
    request.session[LAST_SEEN] = time.time()
    return JsonResponse(
        {"signed_in": True, "remaining": getattr(request, "idle_timeout_seconds", 0)}
    )

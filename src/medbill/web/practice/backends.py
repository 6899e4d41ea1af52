"""The lockout check of sign-in: django-axes' backend, marking the attempts it refuses, and
the client address it counts failures against."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.http import HttpRequest

__all__ = ["LockoutBackend", "client_ip"]


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, as the nearest ``MEDBILL_PROXY_COUNT`` proxies report it.

    Behind a proxy every request comes from the proxy's address, so one person's typos
    would lock the whole office out. Each trusted proxy appends the address it was reached
    from to ``X-Forwarded-For``; the client is the entry that many places from the right.
    Entries further left are whatever the client sent, and are never trusted.
    """
    count = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or None


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username or address before the password is checked.

    It marks the request it refused, so the audit trail can tell a sign-in refused during
    a lockout from the failed password that started it. Only in the test suite
    (``LOCKOUT_WITHOUT_REQUEST``) does a call without a request pass to the password check.
    """

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request is None and settings.LOCKOUT_WITHOUT_REQUEST:
            # Test code (``Client.login``, ``authenticate()``) has no request to count
            # against; every sign-in over HTTP has one, and without this setting a call
            # without one is refused as django-axes does.
            return None
        try:
            return super().authenticate(request, *args, **kwargs)
        except AxesBackendPermissionDenied:
            request.medbill_refused_while_locked = True
            raise

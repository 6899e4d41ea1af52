"""``GET /healthz``: is this instance able to serve? For load balancers and monitoring.

Answered by the first middleware, before host validation, the HTTPS redirect, sessions or
sign-in: a load balancer probes over plain HTTP with whatever Host header it likes. It says
only whether the database (and the broker, when one is configured) answered: no PHI, no
version, no configuration.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

__all__ = ["HealthMiddleware", "health"]

PATH = "/healthz"


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means: not ready
        return "down"
    return "ok"


def _broker() -> str:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        return "not configured"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "down"
    return "ok"


def health() -> tuple[int, dict[str, str]]:
    """HTTP status and the body's checks: 200 when everything configured answers."""
    checks = {"database": _database(), "broker": _broker()}
    ok = all(v in ("ok", "not configured") for v in checks.values())
    return (200 if ok else 503), {"status": "ok" if ok else "unavailable", **checks}


class HealthMiddleware:
    """Answers ``/healthz`` itself; every other request goes on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != PATH:
            return self.get_response(request)
        status, body = health()
        response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response

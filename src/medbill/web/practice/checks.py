"""medbill's own deployment checks, run by ``medbill check --deploy`` beside Django's.

Django's deployment checks (``security.W0xx``) cover HSTS, cookies, the SSL redirect and
the secret key's length; these add what is particular to a system holding PHI.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

__all__ = ["DEVELOPMENT_KEY", "check_deployment", "register"]

DEVELOPMENT_KEY = "medbill-development-only-key-never-use-in-production-0123456789"
_HINT_HTTPS = "Serve over HTTPS and set MEDBILL_HTTPS=1 (docs/security.md)."


def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    if settings.DEBUG:
        problems.append(
            checks.Error(
                "DEBUG is on: error pages would show patient data and settings.",
                hint="Unset MEDBILL_DEBUG (and DEBUG) in production.",
                id="medbill.E001",
            )
        )
    key = settings.SECRET_KEY
    if key == DEVELOPMENT_KEY or len(key) < 50 or len(set(key)) < 10:
        problems.append(
            checks.Error(
                "SECRET_KEY is the development key or too weak (under 50 characters or "
                "fewer than 10 different ones).",
                hint="Set SECRET_KEY to a long random value, e.g. the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'.",
                id="medbill.E002",
            )
        )
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts or "*" in hosts:
        problems.append(
            checks.Error(
                "ALLOWED_HOSTS is empty or allows any host.",
                hint="Set ALLOWED_HOSTS to the host names the site is served under.",
                id="medbill.E003",
            )
        )
    if not settings.SESSION_COOKIE_SECURE or not settings.SECURE_SSL_REDIRECT:
        problems.append(
            checks.Warning(
                "The site is not configured for HTTPS: session cookies and passwords could "
                "travel in clear text.",
                hint=_HINT_HTTPS,
                id="medbill.W004",
            )
        )
    if not settings.AXES_ENABLED:
        problems.append(
            checks.Warning(
                "Sign-in lockout is off (MEDBILL_LOGIN_LOCKOUT=0): passwords can be guessed "
                "without limit.",
                hint="Unset MEDBILL_LOGIN_LOCKOUT.",
                id="medbill.W005",
            )
        )
    if settings.MAX_UPLOAD_BYTES > 200 * 1024 * 1024:
        problems.append(
            checks.Warning(
                "MEDBILL_MAX_UPLOAD_MB is above 200: one upload can take a lot of memory.",
                id="medbill.W006",
            )
        )
    if settings.METRICS_TOKEN and len(settings.METRICS_TOKEN) < 32:
        problems.append(
            checks.Warning(
                "MEDBILL_METRICS_TOKEN is shorter than 32 characters: /metrics could be "
                "guessed open.",
                hint="python -c 'import secrets; print(secrets.token_urlsafe(32))'",
                id="medbill.W007",
            )
        )
    return problems


def register() -> None:
    checks.register(check_deployment, checks.Tags.security, deploy=True)

"""The current practice of a web request, chosen with the practice switcher."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from medbill.web.practice import audit
from medbill.web.practice.requests import MiddlewareRequest
from medbill.web.practice.tenancy import practices_for, role_in

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

SESSION_KEY = "medbill_practice_id"


def current_practice(request: MiddlewareRequest) -> Practice | None:
    """The practice chosen in the session, else the user's first practice (or None)."""
    user = request.user
    if not user.is_authenticated:
        return None
    choices = practices_for(user)
    chosen = request.session.get(SESSION_KEY)
    practice = choices.filter(pk=chosen).first() if chosen else None
    if practice is None:
        practice = choices.first()
        if practice is not None:
            request.session[SESSION_KEY] = practice.pk
    return practice


def _api_error(response: HttpResponse) -> str:
    """The ``{"error": ...}`` of an API refusal (the API answers PermissionDenied itself)."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return ""
    try:
        body = json.loads(response.content)
    except (ValueError, AttributeError):  # not JSON, or a streamed body
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) else ""


class CurrentPracticeMiddleware:
    """Sets ``request.practice`` and ``request.role``, attributes audit events to the user,
    and records every refused request (403) in the audit trail.

    ``request.practice`` is always one of the user's own practices (or None); views
    scope every query with it through ``medbill.web.practice.tenancy``. Refusals are
    recorded here, once, whichever door raised them: a view's ``@requires``, a service's
    ``require``, the API's role checks or the CSRF check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: MiddlewareRequest) -> HttpResponse:
        request.practice = current_practice(request)
        request.role = role_in(request.user, request.practice)
        source = "api" if request.path.startswith("/api/") else "web"
        # Times on the page, "today" and times typed in forms are the practice's local ones.
        if request.practice is not None:
            timezone.activate(request.practice.zone)
        try:
            with audit.acting_as(request.user, source=source), audit.watching_refusals():
                response = self.get_response(request)
                if response.status_code == 403:
                    practice = getattr(request, "practice", None)
                    audit.record_denied(
                        request,
                        response.status_code,
                        getattr(request, "_medbill_refusal_reason", "") or _api_error(response),
                        practice_id=practice.pk if practice is not None else None,
                    )
                return response
        finally:
            timezone.deactivate()

    def process_exception(self, request: MiddlewareRequest, exception: Exception) -> None:
        # Keep the refusal's reason (the role may not ...) for the audit event.
        if isinstance(exception, PermissionDenied):
            request._medbill_refusal_reason = str(exception)  # type: ignore[attr-defined]

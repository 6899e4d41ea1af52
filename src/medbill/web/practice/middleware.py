"""The current practice of a web request, chosen with the practice switcher."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from medbill.web.practice import audit
from medbill.web.practice.tenancy import practices_for, role_in

SESSION_KEY = "medbill_practice_id"


def current_practice(request: HttpRequest) -> Any:
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


class CurrentPracticeMiddleware:
    """Sets ``request.practice`` and ``request.role``, and attributes audit events to the user.

    ``request.practice`` is always one of the user's own practices (or None); views
    scope every query with it through ``medbill.web.practice.tenancy``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.practice = current_practice(request)
        request.role = role_in(request.user, request.practice)
        source = "api" if request.path.startswith("/api/") else "web"
        # Times on the page, "today" and times typed in forms are the practice's local ones.
        if request.practice is not None:
            timezone.activate(request.practice.zone)
        try:
            with audit.acting_as(request.user, source=source):
                return self.get_response(request)
        finally:
            timezone.deactivate()

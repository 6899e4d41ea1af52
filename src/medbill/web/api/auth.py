"""API authentication: the web session, or a bearer token (``Authorization: Bearer mb_...``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from medbill.web.practice import audit
from medbill.web.practice.mfa import session_complete
from medbill.web.practice.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["SessionUser", "TokenUser", "API_AUTH"]


class SessionUser(SessionAuth):
    """The signed-in web user (unsafe methods need the CSRF token, as in the web app).

    Without a session there is nobody to check a CSRF token for: the request is
    unauthenticated (401), not forbidden (ninja's own check would answer 403 first).
    """

    def __call__(self, request: HttpRequest) -> User | None:
        user = self.authenticate(request, None)
        if user is None:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                "CSRF check failed: a signed-in session must send the "
                "X-CSRFToken header (or use a bearer token)",
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        # A session still waiting for its authenticator code is not signed in yet.
        if user.is_authenticated and user.is_active and session_complete(request):
            return user
        return None


class TokenUser(HttpBearer):
    """A user authenticated by one of their API tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        audit.set_actor(user, "api")
        return user


API_AUTH = [TokenUser(), SessionUser()]

"""The lockout check of sign-in: django-axes' backend, marking the attempts it refuses."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied

__all__ = ["LockoutBackend"]


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username or address before the password is checked.

    It marks the request it refused, so the audit trail can tell a sign-in refused during
    a lockout from the failed password that started it.
    """

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().authenticate(request, *args, **kwargs)
        except AxesBackendPermissionDenied:
            request.medbill_refused_while_locked = True
            raise

"""Role checks for views, API endpoints and services.

The rules (which role may do what) live in ``medbill.core.roles``; this module asks
them for the user's role in one practice:

``has_permission(user, practice, action)``
    True or False.
``require(user, practice, action)``
    Returns the role, or raises ``PermissionDenied`` (a 403 in the web app and the API).
    Services call it too, so a use case is protected whichever door it is reached by.
    A refusal notes the practice and rule for the audit trail; the request middleware
    records every 403 (this module writes nothing, so a rolled-back transaction cannot
    take the record with it).
``@requires(action)``
    Decorator for web views: login required, a current practice required, and the
    user's role in ``request.practice`` must allow ``action``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from medbill.core.roles import ACTIONS, can
from medbill.web.practice import audit
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import Actor, PracticeRef, practice_pk, role_in

__all__ = ["has_permission", "require", "require_unless_system", "requires"]

P = ParamSpec("P")


def has_permission(user: Actor, practice: PracticeRef | None, action: str) -> bool:
    """Whether ``user``'s role in ``practice`` (a Practice or its id) allows ``action``."""
    return can(role_in(user, practice), action)


def require(user: Actor, practice: PracticeRef | None, action: str) -> str:
    """The user's role in ``practice``; ``PermissionDenied`` unless it allows ``action``."""
    role = role_in(user, practice)
    if not can(role, action):
        reason = f"your role may not {ACTIONS[action]}"
        audit.note_refusal(practice_pk(practice) if practice is not None else None, action, reason)
        raise PermissionDenied(reason)
    return role  # type: ignore[return-value]


def requires(
    action: str,
) -> Callable[
    [Callable[Concatenate[PracticeRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """Protect a view: signed in, a current practice, and a role that allows ``action``.

    The view receives a ``PracticeRequest``: its ``practice`` is the current practice,
    never None, and its ``user`` is signed in."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}; add it to medbill.core.roles.ACTIONS")

    def decorate(
        view: Callable[Concatenate[PracticeRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            practice = getattr(request, "practice", None)
            if practice is None:
                raise PermissionDenied("you have no access to any practice")
            if not can(getattr(request, "role", None), action):
                reason = f"your role may not {ACTIONS[action]}"
                audit.note_refusal(practice.pk, action, reason)
                raise PermissionDenied(reason)
            # What was checked above is what PracticeRequest promises.
            return view(cast(PracticeRequest, request), *args, **kwargs)

        # Read by the crawl of the served demo, which tries each view as every role.
        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorate


def require_unless_system(user: Actor, practice: PracticeRef | None, action: str) -> str | None:
    """As ``require``, except that ``None`` passes: the system itself acting, for an EHR
    interface or the command line (a request always has a user, signed in or anonymous,
    so no web or API caller reaches a use case with ``None``)."""
    if user is None:
        return None
    return require(user, practice, action)

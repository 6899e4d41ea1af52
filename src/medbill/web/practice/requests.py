"""The request types of medbill's views: Django's, with what the middleware adds.

They exist for the type checker only; no instance is ever made of these classes.

``MiddlewareRequest``
    Any request after medbill's middleware: the user's current practice (one of their
    own, or None) and role in it, the idle time left, django-axes' lockout flag.
``SignedInRequest``
    A request to a ``login_required`` view: its user is signed in.
``PracticeRequest``
    A request to a view behind ``@requires(action)`` (``permissions.requires``): signed
    in, with a current practice and a role in it that allows the action. Its ``practice``
    is never None, so views hand it to services as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from medbill.web.practice.models import Practice

__all__ = ["MiddlewareRequest", "PracticeRequest", "SignedInRequest"]


class MiddlewareRequest(HttpRequest):
    """A request after medbill's middleware: the user's current practice (one of their own,
    or None) and their role in it (``CurrentPracticeMiddleware``), the idle time left
    (``SessionLifetimeMiddleware``) and django-axes' lockout flag."""

    practice: Practice | None
    role: str | None
    idle_timeout_seconds: int
    idle_remaining_seconds: int
    axes_locked_out: bool


class SignedInRequest(MiddlewareRequest):
    """A request to a ``login_required`` view: its user is signed in."""

    user: User


class PracticeRequest(SignedInRequest):
    """A request to a view behind ``@requires``, which lets none in without a signed-in
    user, a current practice and a role there that allows the view's action."""

    practice: Practice
    role: str

"""The request type of medbill's views: Django's, with what CurrentPracticeMiddleware adds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from medbill.web.practice.models import Practice

__all__ = ["PracticeRequest", "SignedInRequest"]


class PracticeRequest(HttpRequest):
    """A request after medbill's middleware: the user's current practice (one of their own,
    or None) and their role in it (``CurrentPracticeMiddleware``), the idle time left
    (``SessionLifetimeMiddleware``) and django-axes' lockout flag. Views annotate
    ``request`` with it; no instance is ever made of this class."""

    practice: Practice | None
    role: str | None
    idle_timeout_seconds: int
    idle_remaining_seconds: int
    axes_locked_out: bool


class SignedInRequest(HttpRequest):
    """A request to a ``login_required`` view: its user is signed in. Views annotate
    ``request`` with it; no instance is ever made of this class."""

    user: User

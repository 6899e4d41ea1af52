"""Sign-in events in the audit trail: every sign-in, sign-out, failed sign-in and lockout.

Django sends ``user_logged_in``, ``user_logged_out`` and ``user_login_failed``; django-axes
sends ``user_locked_out``. Each becomes an ``AuditEvent`` about the user (object type
``auth.User``) with the client address. A failed sign-in for a username that does not
exist is recorded with that username and no object id. Passwords are never recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from medbill.web.practice.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["connect_signals", "record_auth_event"]


def _ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def record_auth_event(
    action: str,
    username: str,
    user: User | None = None,
    request: HttpRequest | None = None,
    source: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one sign-in event; ``user`` is looked up by ``username`` when not given."""
    model = get_user_model()
    if user is None and username:
        user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if source is None:
        source = "api" if request is not None and request.path.startswith("/api/") else "web"
    changes = {"ip": {"before": None, "after": _ip(request)}} if request is not None else {}
    for key, value in details.items():
        changes[key] = {"before": None, "after": value}
    return AuditEvent.objects.create(
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        object_type=model._meta.label,
        object_id=str(user.pk) if user is not None else "",
        object_repr=f"user {user.pk}" if user is not None else "unknown user",
        action=action,
        changes=changes,
        source=source,
    )


def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record_auth_event("login", user.get_username(), user, request)


def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_auth_event("logout", user.get_username(), user, request)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    username = str(credentials.get("username") or "")
    refused = getattr(request, "medbill_refused_while_locked", False)
    reason = "locked out" if refused else "wrong credentials"
    record_auth_event("login_failed", username, request=request, reason=reason)


def _locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kw: Any
) -> None:
    record_auth_event("lockout", str(username or ""), request=request)


def connect_signals() -> None:
    """Hook the sign-in events into the audit trail (called once from the app's ``ready``)."""
    user_logged_in.connect(_logged_in, dispatch_uid="medbill_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="medbill_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="medbill_audit_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="medbill_audit_lockout")

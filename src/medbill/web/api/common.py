"""What every router uses: the acting user, tenancy scope and role checks for API requests.

The API scopes to all practices the user belongs to (``?practice=<id>`` narrows it to one)
and checks the role the user holds in the practice of the row being read or changed:

    patient = get_or_404(request, Patient, pk=patient_id)     # 404 for other tenants' rows
    require_role(request, patient, "view_patients")           # 403 if the role may not
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import get_scoped_or_404, scoped

__all__ = ["acting_user", "get_or_404", "require_role", "scope"]


def acting_user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _practice_filter(request: HttpRequest) -> Any:
    value = request.GET.get("practice", "")
    return int(value) if value.isdigit() else None


def scope(request: HttpRequest, model_or_qs: Any, action: str | None = None) -> Any:
    """``model_or_qs`` limited to the API user's practices (or ``?practice=``); with
    ``action``, to the practices where the user's role allows it."""
    return scoped(model_or_qs, acting_user(request), _practice_filter(request), action)


def get_or_404(request: HttpRequest, model_or_qs: Any, **lookup: Any) -> Any:
    """One row of the user's practices, or a 404."""
    return get_scoped_or_404(model_or_qs, acting_user(request), None, **lookup)


def require_role(request: HttpRequest, row: Any, action: str) -> str:
    """The user's role in ``row``'s practice; ``PermissionDenied`` (403) unless it may act."""
    practice_id = row.pk if row._meta.label == "practice.Practice" else row.practice_id
    return require(acting_user(request), practice_id, action)

"""What every router uses: the acting user, tenancy scope and role checks for API requests.

The API scopes to all practices the user belongs to (``?practice=<id>`` narrows it to one)
and checks the role the user holds in the practice of the row being read or changed:

    patient = get_or_404(request, Patient, pk=patient_id)     # 404 for other tenants' rows
    require_role(request, patient, "view_patients")           # 403 if the role may not
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest
from pydantic import Field

from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import Actor, get_scoped_or_404, practices_for, scoped

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

M = TypeVar("M", bound=models.Model)

# A row id as a query parameter: any number the database's 64-bit ids can hold. A larger one
# is a 422 naming the parameter, not a database error.
RowId = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]

__all__ = ["RowId", "acting_user", "get_or_404", "page", "practice_or_404", "require_role", "scope"]

# Further than any table goes; keeps OFFSET inside PostgreSQL's bigint (a larger one was a
# server error).
MAX_OFFSET = 10**12


def acting_user(request: HttpRequest) -> Actor:
    """Who the API request acts for: the user its token or session authenticated."""
    user: Actor = request.auth  # type: ignore[attr-defined]
    return user


def _practice_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("practice", "")
    # ASCII digits only: int() refuses superscripts that isdigit() accepts.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def scope(
    request: HttpRequest, model_or_qs: type[M] | models.QuerySet[M], action: str | None = None
) -> models.QuerySet[M]:
    """``model_or_qs`` limited to the API user's practices (or ``?practice=``); with
    ``action``, to the practices where the user's role allows it."""
    return scoped(model_or_qs, acting_user(request), _practice_filter(request), action)


def get_or_404(
    request: HttpRequest, model_or_qs: type[M] | models.QuerySet[M], **lookup: object
) -> M:
    """One row of the user's practices, or a 404."""
    return get_scoped_or_404(model_or_qs, acting_user(request), None, **lookup)


def practice_or_404(request: HttpRequest, practice_id: int) -> Practice:
    """One of the API user's practices; any other practice, existing or not, is a 404."""
    row = practices_for(acting_user(request)).filter(pk=practice_id).first()
    if row is None:
        raise Http404("no such practice")
    return row


def page(rows: Any, limit: int, offset: int = 0, max_limit: int = 200) -> Any:
    """``rows[offset:offset + limit]`` with ``limit`` in 1..``max_limit`` and ``offset`` in
    0..``MAX_OFFSET``."""
    limit = max(1, min(limit, max_limit))
    offset = max(0, min(offset, MAX_OFFSET))
    return rows[offset : offset + limit]


def require_role(request: HttpRequest, row: Any, action: str) -> str:
    """The user's role in ``row``'s practice; ``PermissionDenied`` (403) unless it may act."""
    practice_id = row.pk if row._meta.label == "practice.Practice" else row.practice_id
    return require(acting_user(request), practice_id, action)

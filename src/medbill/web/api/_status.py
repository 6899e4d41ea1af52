"""``Status``: a response with its HTTP status, from django-ninja.

django-ninja 1.5 and later want ``Status(code, body)`` rather than a ``(code, body)`` tuple;
before that the tuple is what a view returns. The routers import it from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Status"]

if TYPE_CHECKING:
    from ninja import Status
else:
    try:
        from ninja import Status
    except ImportError:  # pragma: no cover - older django-ninja

        def Status(code: int, value: Any) -> Any:
            return code, value

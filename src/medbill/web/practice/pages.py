"""Pagination and query-string parsing shared by list views."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

__all__ = ["paginate", "parse_date", "query_without_page"]

PER_PAGE = 50


def paginate(request: HttpRequest, rows: Any, per_page: int = PER_PAGE) -> Page:
    """The page of ``rows`` named by ``?page=`` (the last page when out of range)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def parse_date(text: str | None) -> datetime.date | None:
    """A ``YYYY-MM-DD`` date from a query parameter, or ``None`` when absent or malformed."""
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        return None

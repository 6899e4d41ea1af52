"""Pagination and query-string parsing shared by list views."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils import timezone

__all__ = ["EARLIEST", "LATEST", "paginate", "parse_date", "query_date", "query_without_page"]

# The days a page will show. Python's dates end at 9999-12-31 and start at 0001-01-01, so a
# page that steps a day or a week from an edge would fail; nothing a practice does lies out here.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2199, 12, 31)

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


def query_date(request: HttpRequest, key: str) -> datetime.date:
    """The day a page is asked for by ``?key=``, today when absent.

    A malformed date or one outside 1900–2199 shows today instead, with a message saying why,
    so a typed or bookmarked address never breaks the page.
    """
    text = (request.GET.get(key) or "").strip()
    today = timezone.localdate()
    if not text:
        return today
    day = parse_date(text)
    if day is None:
        messages.warning(request, f"“{text}” is not a date (YYYY-MM-DD); showing today instead.")
        return today
    if not EARLIEST <= day <= LATEST:
        messages.warning(
            request,
            f"{day.isoformat()} is outside the dates shown here "
            f"({EARLIEST.year}–{LATEST.year}); showing today instead.",
        )
        return today
    return day

"""Errors under ``/api/`` are always ``{"error": "..."}``, whoever answers.

The API's exception handlers format what its views raise. Some answers come from
elsewhere: ninja's 405 for a method a path does not take, Django's 404 for a path no
route matches, its 400 for a bad Host header or a body too large. This middleware gives
those the same shape, with the same status and headers (``Allow`` stays on a 405).

It also refuses, before any view runs, text that no field can store: PostgreSQL text
holds neither a NUL character nor a lone surrogate (which JSON escapes can make), so
either in the path, a query parameter or a JSON field is a 422 naming where it is (an
uploaded file may hold one; its reader decides).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

__all__ = ["ApiErrorMiddleware"]

PREFIX = "/api/"

_MESSAGES = {
    400: "bad request",
    404: "not found",
    405: "method not allowed",
    413: "request too large",
}


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX):
            where = _unstorable_in(request)
            if where is not None:
                return _json(
                    422,
                    f"{where}: text holds a NUL character or a lone surrogate, "
                    "which no field can store",
                )
        response = self.get_response(request)
        status = response.status_code
        if (
            400 <= status < 500
            and request.path.startswith(PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message = _MESSAGES.get(status, response.reason_phrase.lower())
            if status == 405 and response.get("Allow"):
                message = f"{request.method} is not allowed here; allowed: {response['Allow']}"
            response.content = json.dumps({"error": message}).encode()
            response["Content-Type"] = "application/json; charset=utf-8"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def _json(status: int, message: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"error": message}),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _unstorable_in(request: HttpRequest) -> str | None:
    """Where the request carries text no column stores: "path", a query parameter, or a
    JSON field (``lines[0].code``). Query strings and paths are decoded leniently, so
    only a NUL gets there; JSON escapes can also make lone surrogates (``\\ud800``)."""
    if "\x00" in request.path:
        return "path"
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            return name.replace("\x00", "") or "query"
    if request.content_type != "application/json":
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None  # Django refuses it on the first read; the view never runs
    if b"\\u" not in body and b"\x00" not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # the API answers that itself
    stack = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if not _storable(value):
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if not _storable(key):
                    return path or "body"
                stack.append((item, where))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
    return None


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")  # fails on a lone surrogate
    except UnicodeEncodeError:
        return False
    return True

"""Middleware that protects every response: an upload size limit and no caching of pages.

``UploadLimitMiddleware``
    Refuses a request whose body is larger than ``settings.MAX_UPLOAD_BYTES`` with HTTP
    413 before any view reads it (a 50 MB upload read into memory cost several times its
    size). The API gets ``{"error": ...}`` like its other errors; pages get a short page.
``NoStoreMiddleware``
    ``Cache-Control: no-store`` on every page and download the application serves: nearly
    all of them carry PHI, and a shared or browser cache must not keep a copy. Static files
    are served by whitenoise above this middleware and stay cacheable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

__all__ = ["NoStoreMiddleware", "UploadLimitMiddleware", "too_large_message"]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def too_large_message(size: int, limit: int) -> str:
    return (
        f"The upload is {_megabytes(size)}; the largest this server accepts is "
        f"{_megabytes(limit)}. Split the file, or ask the administrator to raise "
        "MEDBILL_MAX_UPLOAD_MB."
    )


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_UPLOAD_BYTES
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > limit:
            return self._refuse(request, size, limit)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, size: int, limit: int) -> HttpResponse:
        message = too_large_message(size, limit)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"error": message}, status=413)
        else:
            html = render_to_string("413.html", {"message": message})
            response = HttpResponse(html, status=413)
        # The body was not read: close the connection instead of reading it to the end.
        response["Connection"] = "close"
        response["Cache-Control"] = "no-store"
        return response


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"  # HTTP/1.0 caches and proxies
        return response

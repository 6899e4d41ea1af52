"""The API at ``/api/`` with OpenAPI docs at ``/api/docs``.

Add an area's router with one line: ``api.add_router("/<area>", <module>.router)``.
Errors are always ``{"error": "..."}`` with the status that fits: 401 without valid
credentials, 403 when the role may not act, 404 for rows that do not exist or belong to
another practice, 422 for input that fails validation (the message names the field).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from medbill.web.api import claims, ledger, patients, visits
from medbill.web.api.auth import API_AUTH
from medbill.web.api.claims_out import router as claims_out_router
from medbill.web.api.codes import router as codes_router
from medbill.web.api.coding import router as coding_router
from medbill.web.api.frontdesk import router as frontdesk_router
from medbill.web.api.remittances import router as remittances_router
from medbill.web.api.scrub import router as scrub_router
from medbill.web.api.suggest import router as suggest_router
from medbill.web.practice.errors import ServiceError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="medbill API",
    version="1",
    description="Patients, visits, claims and the ledger of the practices you belong to.",
    auth=API_AUTH,
    urls_namespace="api",
)


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"error": message}, status=status)


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text


@api.exception_handler(ValidationError)
def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        field = _field(err.get("loc", ()))
        message = err.get("msg", "is not valid")
        problems.append(f"{field}: {message}" if field else message)
    return _error(request, "; ".join(problems) or "invalid request", 422)


@api.exception_handler(ServiceError)
def _on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, str(exc), 422)


@api.exception_handler(AuthenticationError)
def _on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, "authentication required: sign in or send a bearer token", 401)


@api.exception_handler(PermissionDenied)
def _on_permission(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, str(exc) or "forbidden", 403)


@api.exception_handler(Http404)
def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, "not found", 404)


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(OverflowError)
def _on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id or a count beyond what the database stores (64 bits): no row can match it.
    return _error(request, "a number in the request is too large to be an id or a count", 422)


@api.exception_handler(Exception)
def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The traceback goes to the log (through the PHI filter); the client learns nothing more.
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return _error(request, "internal server error", 500)


api.add_router("/patients", patients.router)
api.add_router("/visits", visits.router)
api.add_router("/claims", claims.router)
api.add_router("/claims-out", claims_out_router)
api.add_router("/ledger", ledger.router)
api.add_router("/scrub", scrub_router)
api.add_router("/codes", codes_router)
api.add_router("/coding", coding_router)
api.add_router("/suggest", suggest_router)
api.add_router("/frontdesk", frontdesk_router)
api.add_router("/remittances", remittances_router)

"""The FHIR R4 read API at ``/fhir/R4/``: ``metadata``, and ``Organization`` (a practice
of the user's), ``Patient``, ``Coverage``,
``Encounter`` (a visit), ``Claim``, ``ClaimResponse`` (a 999 or 277CA verdict on a claim)
and ``ExplanationOfBenefit`` (a posted 835 claim payment) read by id and searched by the
parameters of ``SEARCH`` (``_id``, ``_lastUpdated``, ``patient``, paged by ``_count`` and
``_offset``), as ``application/fhir+json``; the CapabilityStatement lists that same
table. The same credentials as ``/api/`` (a bearer token or the signed-in session), the
same tenancy (``scoped``: another practice's row is a 404) and the same audit trail (a
read is a view of the patient record, a search a list with its ids)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from medbill.web.api.auth import API_AUTH
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import RemittanceClaim
from medbill.web.claims_out.models import ClaimEvent
from medbill.web.frontdesk.models import Coverage, Patient, Visit
from medbill.web.interfaces import fhir_out, fhir_out_visits
from medbill.web.practice import audit
from medbill.web.practice.models import Practice
from medbill.web.practice.permissions import require
from medbill.web.practice.tenancy import practice_ids_for, scoped

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["GENERAL", "KINDS", "SEARCH", "read_resource", "search_resources", "show_metadata"]

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
MAX_RESULTS = 200  # the most entries one page holds (``_count``)
PAGE_SIZE = 50  # a page's entries when ``_count`` is not given


class _Problem(Exception):
    def __init__(self, status: int, code: str, text: str) -> None:
        super().__init__(text)
        self.status, self.code, self.text = status, code, text


def _answer(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def _outcome(problem: _Problem) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": problem.code, "diagnostics": problem.text}],
    }
    response = _answer(body, problem.status)
    if problem.status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _user(request: HttpRequest) -> User:
    for auth in API_AUTH:
        user = auth(request)
        if user:
            request.auth = user  # type: ignore[attr-defined]
            return user
    raise _Problem(401, "login", "a bearer token or a signed-in session is needed")


def _of_practices(rows: QuerySet, user: Any, action: str) -> QuerySet:
    """Practice-owned ``rows`` of the user's practices where the role allows ``action``."""
    return scoped(rows, user, None, action)


def _practices(rows: QuerySet, user: Any, action: str) -> QuerySet:
    """The practices themselves: those of the user's where the role allows ``action``."""
    return rows.filter(pk__in=practice_ids_for(user, None, action))


@dataclass(frozen=True)
class Kind:
    """A resource type served: its rows, the action a role needs to read them, the row to
    resource, and the field its ``patient`` search matches (None: no such search);
    ``scope`` keeps the rows of the user's practices, ``practice_of`` names a row's."""

    rows: Callable[[], QuerySet]
    action: str
    to_resource: Callable[[Any], dict[str, Any]]
    patient: str | None
    scope: Callable[[QuerySet, Any, str], QuerySet] = _of_practices
    practice_of: Callable[[Any], int] = lambda row: int(row.practice_id)


KINDS: dict[str, Kind] = {
    "Organization": Kind(
        lambda: Practice.objects.all(),
        "view_patients",
        fhir_out.organization,
        None,
        scope=_practices,
        practice_of=lambda row: int(row.pk),
    ),
    "Patient": Kind(
        lambda: Patient.objects.select_related("practice"),
        "view_patients",
        fhir_out.patient,
        None,
    ),
    "Coverage": Kind(
        lambda: Coverage.objects.select_related("payer"),
        "view_patients",
        fhir_out.coverage,
        "patient_id",
    ),
    "Encounter": Kind(
        lambda: Visit.objects.select_related("provider", "location", "practice").prefetch_related(
            "ehr_links"
        ),
        "view_patients",
        fhir_out_visits.encounter,
        "patient_id",
    ),
    "Claim": Kind(
        lambda: Claim.objects.select_related("payer", "practice").prefetch_related("lines"),
        "view_claims",
        fhir_out.claim,
        "patient_id",
    ),
    "ClaimResponse": Kind(
        lambda: ClaimEvent.objects.filter(
            source__in=fhir_out_visits.ACK_SOURCES, to_status__in=("accepted", "rejected")
        ).select_related("claim__payer"),
        "view_claims",
        fhir_out_visits.claim_response,
        "claim__patient_id",
    ),
    "ExplanationOfBenefit": Kind(
        lambda: RemittanceClaim.objects.filter(claim__isnull=False).select_related(
            "remittance__file", "claim__payer", "claim__practice"
        ),
        "view_claims",
        fhir_out.explanation_of_benefit,
        "claim__patient_id",
    ),
}

# The search parameters of every kind, as the CapabilityStatement lists them: the search
# takes these and refuses any other (400), so the two cannot disagree.
_EVERY_KIND = (
    fhir_out.SearchParam("_id", "token", "the resource's id"),
    fhir_out.SearchParam(
        "_lastUpdated",
        "date",
        "meta.lastUpdated: a day (YYYY-MM-DD, eq optional), or a day or instant after "
        "ge, gt, le or lt; repeat it for a range",
    ),
    fhir_out.SearchParam(
        "_count", "number", f"entries a page holds, 1 to {MAX_RESULTS} (default {PAGE_SIZE})"
    ),
    fhir_out.SearchParam(
        "_offset", "number", "entries to skip: the page; the next and previous links move it"
    ),
)
_PATIENT = fhir_out.SearchParam(
    "patient", "reference", "the patient it is about: Patient/123 (or 123)"
)
SEARCH: dict[str, tuple[fhir_out.SearchParam, ...]] = {
    kind: (*_EVERY_KIND, _PATIENT) if served.patient else _EVERY_KIND
    for kind, served in KINDS.items()
}
# Taken by every interaction (reads too), searches included; the CapabilityStatement
# states it as its ``format``, not as a search parameter.
GENERAL = ("_format",)
# The field ``_lastUpdated`` searches (Patient, Coverage and Encounter: ``last_changed``,
# from the audit trail; an acknowledgement never changes once recorded).
STAMPS = {
    "Claim": "updated_at",
    "ClaimResponse": "created_at",
    "ExplanationOfBenefit": "remittance__posted_at",
}


def _rows(request: HttpRequest, kind: str) -> tuple[QuerySet, Callable[[Any], dict[str, Any]]]:
    if kind not in KINDS:
        raise _Problem(404, "not-supported", f"{kind} is not served (see /fhir/R4/metadata)")
    user = _user(request)
    served = KINDS[kind]
    rows = served.scope(served.rows(), user, served.action)
    if kind not in STAMPS:
        rows = fhir_out.last_changed(rows)
    return rows, served.to_resource


def _wants_json(request: HttpRequest) -> None:
    """Only JSON is served: ``_format`` naming another format, or an ``Accept`` that
    takes no JSON, is refused (406) rather than answered in a format not asked for."""
    asked = request.GET.get("_format", "").strip().lower()
    if asked and "json" not in asked:
        raise _Problem(406, "not-supported", f"_format: '{asked}' is not served; only JSON is")
    accept = request.headers.get("Accept", "").lower()
    if accept and not any(
        kind.split(";")[0].strip() in _JSON_TYPES or kind.split(";")[0].strip().endswith("json")
        for kind in accept.split(",")
    ):
        raise _Problem(
            406, "not-supported", f"Accept: '{accept}' asks for no JSON; only JSON is served"
        )


_JSON_TYPES = {"*/*", "application/*", ""}


def _handle(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            _wants_json(request)
            return view(request, *args, **kwargs)
        except _Problem as problem:
            return _outcome(problem)
        except PermissionDenied:
            return _outcome(_Problem(403, "forbidden", "your role may not read this"))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
def show_metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement (no credentials needed: it holds no PHI)."""
    try:
        _wants_json(request)
    except _Problem as problem:
        return _outcome(problem)
    return _answer(fhir_out.capability(request.build_absolute_uri("/fhir/R4"), SEARCH))


@require_GET
@_handle
def read_resource(request: HttpRequest, kind: str, resource_id: str) -> HttpResponse:
    rows, to_resource = _rows(request, kind)
    row = rows.filter(pk=int(resource_id)).first() if _is_id(resource_id) else None
    if row is None:
        raise _Problem(404, "not-found", f"{kind}/{resource_id} is not known")
    served = KINDS[kind]
    require(request.auth, served.practice_of(row), served.action)  # type: ignore[attr-defined]
    audit.record_view(row, request.auth, source="api")  # type: ignore[attr-defined]
    return _answer(to_resource(row))


def _is_id(text: str) -> bool:
    # ASCII digits that fit a database key (a longer one overflows SQLite and PostgreSQL).
    return text.isascii() and text.isdigit() and len(text) < 19


_PREFIXES = {"eq": "", "ge": "__gte", "gt": "__gt", "le": "__lte", "lt": "__lt"}


def _when(value: str) -> tuple[str, datetime.datetime]:
    prefix = value[:2] if value[:2] in _PREFIXES else "eq"
    text = value[2:] if value[:2] in _PREFIXES else value
    try:
        if len(text) == 10:
            when = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time())
        else:
            when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Problem(
            400, "invalid", f"_lastUpdated: '{value}' is not a date (e.g. ge2026-03-01)"
        ) from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when, datetime.UTC)
    return prefix, when


@require_GET
@_handle
def search_resources(request: HttpRequest, kind: str) -> HttpResponse:
    rows, to_resource = _rows(request, kind)
    taken = {param.name for param in SEARCH[kind]} | set(GENERAL)
    for name in request.GET:
        if name not in taken:
            raise _Problem(
                400,
                "not-supported",
                f"search parameter '{name}' is not supported for {kind} "
                f"({', '.join(sorted(taken - set(GENERAL)))} are; see /fhir/R4/metadata)",
            )
    patient = request.GET.get("patient", "").removeprefix("Patient/")
    field = KINDS[kind].patient
    if patient and field:
        if not _is_id(patient):
            raise _Problem(400, "invalid", f"patient: '{patient}' is not a Patient id")
        rows = rows.filter(**{field: int(patient)})
    if request.GET.get("_id"):
        ident = request.GET["_id"]
        rows = rows.filter(pk=int(ident)) if _is_id(ident) else rows.none()
    stamp = STAMPS.get(kind, "last_changed")
    for value in request.GET.getlist("_lastUpdated"):
        prefix, when = _when(value)
        if prefix == "eq":
            rows = rows.filter(**{f"{stamp}__date": when.date()})
        else:
            rows = rows.filter(**{f"{stamp}{_PREFIXES[prefix]}": when})
    limit = _page_size(request.GET.get("_count"))
    offset = _offset(request.GET.get("_offset"))
    total = rows.count()
    found = list(rows.order_by("pk")[offset : offset + limit])
    audit.record_list(
        found,
        request.auth,  # type: ignore[attr-defined]
        source="api",
        search=request.GET.urlencode()[:200],
    )
    base = request.build_absolute_uri(f"/fhir/R4/{kind}")
    return _answer(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": _links(request, base, offset, limit, total),
            "entry": [
                {
                    "fullUrl": f"{base}/{row.pk}",
                    "resource": to_resource(row),
                    "search": {"mode": "match"},
                }
                for row in found
            ],
        }
    )


def _page_size(value: str | None) -> int:
    if value is None:
        return PAGE_SIZE
    if not _is_id(value) or not 0 < int(value) <= MAX_RESULTS:
        raise _Problem(
            400, "invalid", f"_count: '{value}' is not a page size from 1 to {MAX_RESULTS}"
        )
    return int(value)


def _offset(value: str | None) -> int:
    if value is None:
        return 0
    if not _is_id(value):
        raise _Problem(400, "invalid", f"_offset: '{value}' is not a number of entries to skip")
    return int(value)


def _links(
    request: HttpRequest, base: str, offset: int, limit: int, total: int
) -> list[dict[str, str]]:
    """``self``, ``first``, and ``previous``/``next`` where there is such a page; each keeps
    the search's other parameters and moves only ``_offset``."""

    def page(at: int) -> str:
        query = request.GET.copy()
        query["_count"] = str(limit)
        query["_offset"] = str(at)
        return f"{base}?{query.urlencode()}"

    links = [
        {"relation": "self", "url": page(offset)},
        {"relation": "first", "url": page(0)},
    ]
    if offset > 0:
        links.append({"relation": "previous", "url": page(max(offset - limit, 0))})
    if offset + limit < total:
        links.append({"relation": "next", "url": page(offset + limit)})
    return links

"""The coder's workspace: queue, coding screen with its JSON endpoints, provider queries,
second review and the E/M distribution page. Thin: the work is in ``workspace.py`` and
``review.py``."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from medbill.web.coding import review as reviewing
from medbill.web.coding import workspace
from medbill.web.coding.models import CodeChoice, CodingReview, ProviderQuery
from medbill.web.coding.views import codes_from_form, ndc_text, units_text
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.models import Payer, Provider
from medbill.web.practice.permissions import has_permission, requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404, scoped

logger = logging.getLogger(__name__)

SHORTCUTS = [
    ("j / k", "next / previous suggestion"),
    ("a", "accept the suggestion"),
    ("r", "reject the suggestion"),
    ("e", "edit the suggestion's code"),
    ("/", "search for a code to add"),
    ("s", "save"),
    ("f", "finish and send to billing"),
    ("n", "next visit in the queue"),
    ("?", "show or hide these keys"),
]


def _visit(request: PracticeRequest, visit_id: int) -> Visit:
    return get_scoped_or_404(
        Visit.objects.select_related("patient", "provider", "location"),
        request.user,
        request.practice,
        pk=visit_id,
    )


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@requires("change_codes")
def list_coding_queue(request: PracticeRequest) -> HttpResponse:
    provider_id = _int(request.GET.get("provider", ""))
    payer_id = _int(request.GET.get("payer", ""))
    visits = workspace.coding_queue(request.user, request.practice, provider_id, payer_id)
    shown = list(visits[:200])
    audit.record_list(shown, request.user)
    return render(
        request,
        "coding/queue.html",
        {
            "visits": shown,
            "count": visits.count(),
            "providers": scoped(Provider, request.user, request.practice).order_by("last_name"),
            "payers": scoped(Payer, request.user, request.practice).order_by("name"),
            "provider_id": provider_id,
            "payer_id": payer_id,
        },
    )


def _next_in_queue(request: PracticeRequest, visit: Visit) -> Visit | None:
    queue = workspace.coding_queue(request.user, request.practice).exclude(pk=visit.pk)
    return queue.exclude(coding_work__state="query").first()


@requires("change_codes")
def code_visit(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    audit.record_view(visit, request.user)
    work = workspace.work_for(visit)
    queries = ProviderQuery.objects.filter(visit=visit).select_related("asked_by", "answered_by")
    choices = CodeChoice.objects.filter(visit=visit).select_related("decided_by")
    draft = workspace.draft_for_screen(work)
    problems: list[dict[str, Any]] = []
    if draft is not None:
        # The work kept from a save that could not store it yet, with what it still needs.
        saved = draft
        problems = workspace.draft_problems(visit, draft["diagnoses"], draft["lines"])
    else:
        saved = reviewing.codes_of(visit)
        saved["rejected"] = [c.code for c in choices if c.origin == CodeChoice.Origin.REJECTED]
        typed = workspace.typed_charges(visit)
        stored = visit.service_lines.order_by("position")
        for position, (line, row) in enumerate(zip(saved["lines"], stored, strict=False), 1):
            line["charge"] = typed.get(position, "")
            line["unit_basis"] = row.unit_basis
            line["ndc"] = ndc_text(row.ndc)
            line["ndc_quantity"] = units_text(row.ndc_quantity) if row.ndc_quantity else ""
            line["ndc_unit"] = row.ndc_unit
    return render(
        request,
        "coding/workspace.html",
        {
            "visit": visit,
            "patient": visit.patient,
            "work": work,
            "queries": queries,
            "choices": choices,
            "topics": ProviderQuery.Topic.choices,
            "saved": saved,
            "draft_problems": problems,
            "draft_kept": draft is not None,
            "note": workspace.note_text(visit),
            "next_visit": _next_in_queue(request, visit),
            "shortcuts": SHORTCUTS,
            "editable": visit.status in (Visit.Status.CHECKED_OUT, Visit.Status.CODING)
            and (work is None or work.state in ("coding", "query")),
            "open_query": any(q.is_open for q in queries),
            "codes_from_ehr": workspace.codes_from_ehr(visit),
        },
    )


def _json_body(request: PracticeRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ServiceError("body", "expected JSON") from None
    if not isinstance(data, dict):
        raise ServiceError("body", "expected a JSON object")
    return data


def _codes(data: dict[str, Any]) -> tuple[list[Any], list[Any], list[str]]:
    """``diagnoses``, ``lines`` and ``rejected`` of a posted draft, each a list."""
    out = []
    for name in ("diagnoses", "lines", "rejected"):
        value = data.get(name) or []
        if not isinstance(value, list):
            raise ServiceError(name, "expected a list")
        out.append(value)
    return out[0], out[1], [str(c) for c in out[2] if isinstance(c, str)]


def _error(exc: ServiceError) -> JsonResponse:
    return JsonResponse({"error": in_words(exc)}, status=422)


@require_GET
@requires("change_codes")
def visit_suggestions_json(request: PracticeRequest, visit_id: int) -> JsonResponse:
    visit = _visit(request, visit_id)
    try:
        return JsonResponse(workspace.suggestions_for(request.user, visit))
    except Exception:
        logger.exception("suggestion engine failed for visit %s", visit.pk)
        return JsonResponse({"error": "the suggestion engine is not available"}, status=503)


@require_POST
@requires("change_codes")
def scrub_visit_json(request: PracticeRequest, visit_id: int) -> JsonResponse:
    visit = _visit(request, visit_id)
    try:
        diagnoses, lines, _ = _codes(_json_body(request))
    except ServiceError as exc:
        return _error(exc)
    result = workspace.scrub_draft(request.user, visit, diagnoses, lines)
    return JsonResponse(result)


@require_POST
@requires("change_codes")
def save_visit_json(request: PracticeRequest, visit_id: int) -> JsonResponse:
    visit = _visit(request, visit_id)
    try:
        diagnoses, lines, rejected = _codes(_json_body(request))
        workspace.save_codes(request.user, visit, diagnoses, lines, rejected, keep_draft=True)
    except workspace.DraftKept as exc:
        count = len({p["line"] for p in exc.problems})
        return JsonResponse(
            {
                "error": f"Kept as a draft: {count} item{'s' if count != 1 else ''} "
                f"still need{'' if count != 1 else 's'} attention before the codes are saved.",
                "kept": True,
                "problems": exc.problems,
            },
            status=422,
        )
    except ServiceError as exc:
        return _error(exc)
    return JsonResponse(
        {"saved": reviewing.codes_of(visit), **workspace.scrub_draft(request.user, visit)}
    )


@require_POST
@requires("change_codes")
def finish_visit(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    try:
        review = reviewing.finish_coding(request.user, visit)
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect("code_visit", visit_id=visit.pk)
    if review is not None:
        messages.success(
            request, f"Visit {visit.pk} sent to second review: " + "; ".join(review.reasons) + "."
        )
    else:
        messages.success(request, f"Visit {visit.pk} coded and ready for billing.")
    nxt = _next_in_queue(request, visit)
    if nxt is not None and request.POST.get("then") == "next":
        return redirect("code_visit", visit_id=nxt.pk)
    return redirect("list_coding_queue")


@require_POST
@requires("change_codes")
def ask_provider(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    try:
        workspace.ask_query(
            request.user, visit, request.POST.get("question", ""), request.POST.get("topic", "")
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        messages.success(request, "Question sent; the visit waits for the provider's answer.")
    return redirect("code_visit", visit_id=visit.pk)


@requires("edit_notes")
def list_provider_queries(request: PracticeRequest) -> HttpResponse:
    rows = (
        scoped(ProviderQuery, request.user, request.practice)
        .select_related("visit", "visit__provider", "visit__patient", "asked_by", "answered_by")
        .order_by("answered_at", "asked_at")
    )
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(answered_at=None)
    return render(request, "coding/queries.html", {"queries": rows[:200], "show": show})


@require_POST
@requires("edit_notes")
def answer_provider_query(request: PracticeRequest, query_id: int) -> HttpResponse:
    query = get_scoped_or_404(ProviderQuery, request.user, request.practice, pk=query_id)
    try:
        workspace.answer_query(request.user, query, request.POST.get("answer", ""))
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    else:
        messages.success(
            request, f"Answer recorded; visit {query.visit_id} is back with its coder."
        )
    return redirect("list_provider_queries")


@requires("review_codes")
def list_reviews(request: PracticeRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            reviewing.set_policy(
                request.user,
                request.practice,
                request.POST.get("review_percent", ""),
                request.POST.get("new_coder_visits", ""),
            )
        except ServiceError as exc:
            messages.error(request, in_words(exc))
        else:
            messages.success(request, "Review settings saved.")
        return redirect("list_reviews")
    open_reviews = (
        scoped(CodingReview, request.user, request.practice)
        .filter(status=CodingReview.Status.OPEN)
        .select_related("visit", "visit__provider", "coder")
    )
    decided = (
        scoped(CodingReview, request.user, request.practice)
        .exclude(status=CodingReview.Status.OPEN)
        .select_related("visit", "coder", "reviewer")
        .order_by("-decided_at")
    )
    open_list, decided_list = list(open_reviews), list(decided[:30])
    audit.record_list(open_list + decided_list, request.user)
    return render(
        request,
        "coding/reviews.html",
        {
            "open_reviews": open_list,
            "decided": decided_list,
            "accuracy": reviewing.coder_accuracy(request.user, request.practice),
            "policy": reviewing.policy_for(request.practice),
            "may_set_policy": has_permission(request.user, request.practice, "manage_master_data"),
        },
    )


@requires("review_codes")
def review_visit(request: PracticeRequest, review_id: int) -> HttpResponse:
    review = get_scoped_or_404(
        CodingReview.objects.select_related("visit", "visit__patient", "visit__provider", "coder"),
        request.user,
        request.practice,
        pk=review_id,
    )
    own = review.coder_id == request.user.pk
    error = None
    if request.method == "POST":
        agree = request.POST.get("decision") == "agree"
        try:
            if agree:
                reviewing.decide_review(request.user, review, True, request.POST.get("reason", ""))
            else:
                diagnoses, lines = codes_from_form(request.POST)
                reviewing.decide_review(
                    request.user, review, False, request.POST.get("reason", ""), diagnoses, lines
                )
        except ServiceError as exc:
            error = in_words(exc)
        else:
            messages.success(request, f"Review of visit {review.visit_id} recorded.")
            return redirect("list_reviews")
    visit = review.visit
    audit.record_view(visit, request.user)
    codes = reviewing.codes_of(visit)
    rows = [
        {
            **line,
            "modifiers": " ".join(line["modifiers"]),
            "dx_pointers": " ".join(str(p) for p in line["dx_pointers"]),
        }
        for line in codes["lines"]
    ] + [{}]
    return render(
        request,
        "coding/review.html",
        {
            "review": review,
            "visit": visit,
            "note": workspace.note_text(visit),
            "choices": CodeChoice.objects.filter(visit=visit).select_related("decided_by"),
            "diagnoses": " ".join(codes["diagnoses"]),
            "rows": rows,
            "own": own,
            "error": error,
            "scrub": workspace.scrub_draft(request.user, visit)
            if has_permission(request.user, request.practice, "change_codes")
            else None,
        },
        status=422 if error else 200,
    )


@requires("view_reports")
def show_em_distribution(request: PracticeRequest) -> HttpResponse:
    bounds: dict[str, date | None] = {}
    error = None
    for name in ("since", "until"):
        text = request.GET.get(name, "").strip()
        try:
            bounds[name] = date.fromisoformat(text) if text else None
        except ValueError:
            bounds[name], error = None, f"{name}: use YYYY-MM-DD"
    practice_share, providers = reviewing.em_report(request.user, request.practice, **bounds)
    return render(
        request,
        "coding/em_distribution.html",
        {
            "practice_share": practice_share,
            "providers": providers,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
            "error": error,
        },
    )

"""The code search page: a type-ahead over every code set (works without JavaScript too)."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render

from medbill.core.codesets.search import SYSTEMS, search
from medbill.web.coding.codesets import practice_search_index
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest

SYSTEM_LABELS = {
    "icd10cm": "ICD-10-CM",
    "hcpcs": "HCPCS",
    "cpt": "CPT (fee schedule)",
    "modifier": "Modifiers",
    "pos": "Place of service",
}


@requires("view_claims")
def search_codes(request: PracticeRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    system = request.GET.get("system", "")
    systems = [system] if system in SYSTEMS else None
    on: date | None = None
    error = None
    if request.GET.get("date"):
        try:
            on = date.fromisoformat(request.GET["date"])
        except ValueError:
            error = "Date of service: use YYYY-MM-DD."
    hits = []
    if query and not error:
        extra = practice_search_index(request.practice.pk)
        hits = search(query, systems=systems, dos=on, limit=25, extra=extra)
    return render(
        request,
        "coding/code_search.html",
        {
            "query": query,
            "system": system,
            "date": request.GET.get("date", ""),
            "systems": SYSTEM_LABELS,
            "hits": hits,
            "error": error,
        },
    )

"""Coding a visit: its diagnoses and service lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from medbill.web.coding import services
from medbill.web.coding.models import NDC_UNITS
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import requires
from medbill.web.practice.tenancy import get_scoped_or_404

BLANK_ROWS = 3


def _units_text(units: Decimal) -> str:
    """``1`` for whole units, ``1.5`` otherwise (never ``1.00``)."""
    text = format(units, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ndc_text(ndc: str) -> str:
    """``12345-6789-01`` for a stored 11-digit NDC, as printed on the package."""
    return f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}" if len(ndc) == 11 else ndc


def _split(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def codes_from_form(data: QueryDict) -> tuple[list[str], list[dict[str, Any]]]:
    """Diagnoses and lines from the posted form; blank rows are skipped."""
    diagnoses = _split(data.get("diagnoses", ""))
    lines = []
    for i in range(int(data.get("rows", "0") or 0)):
        code = data.get(f"line-{i}-code", "").strip()
        if not code:
            continue
        lines.append(
            {
                "code": code,
                "modifiers": _split(data.get(f"line-{i}-modifiers", "")),
                "units": data.get(f"line-{i}-units", "").strip() or "1",
                "charge": data.get(f"line-{i}-charge", "").strip() or None,
                "dx_pointers": _split(data.get(f"line-{i}-pointers", "")),
                "unit_basis": data.get(f"line-{i}-unit_basis", "").strip() or "UN",
                "ndc": data.get(f"line-{i}-ndc", "").strip(),
                "ndc_quantity": data.get(f"line-{i}-ndc_quantity", "").strip(),
                "ndc_unit": data.get(f"line-{i}-ndc_unit", "").strip(),
            }
        )
    return diagnoses, lines


@requires("change_codes")
def edit_visit_codes(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = get_scoped_or_404(
        Visit.objects.select_related("patient", "provider"),
        request.user,
        request.practice,
        pk=visit_id,
    )
    error = None
    if request.method == "POST":
        diagnoses, lines = codes_from_form(request.POST)
        try:
            services.set_visit_codes(request.user, visit, diagnoses, lines)
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(request, "Codes saved.")
            return redirect("show_visit", visit_id=visit.pk)
        rows = lines
        dx_text = " ".join(diagnoses)
    else:
        dx_text = " ".join(d.code for d in visit.diagnoses.all())
        rows = [
            {
                "code": s.code,
                "modifiers": s.modifiers,
                "units": _units_text(s.units),
                "charge": s.charge,
                "dx_pointers": s.dx_pointers,
                "unit_basis": s.unit_basis,
                "ndc": _ndc_text(s.ndc),
                "ndc_quantity": _units_text(s.ndc_quantity) if s.ndc_quantity else "",
                "ndc_unit": s.ndc_unit,
            }
            for s in visit.service_lines.all()
        ]
    rows = [
        {
            **row,
            "modifiers": " ".join(row.get("modifiers") or []),
            "dx_pointers": " ".join(str(p) for p in row.get("dx_pointers") or []),
        }
        for row in rows
    ] + [{} for _ in range(BLANK_ROWS)]
    return render(
        request,
        "coding/visit_codes.html",
        {
            "visit": visit,
            "patient": visit.patient,
            "diagnoses": dx_text,
            "rows": rows,
            "error": error,
            "codable": visit.status in services.CODABLE_STATUSES,
            "ndc_units": NDC_UNITS,
        },
        status=422 if error else 200,
    )

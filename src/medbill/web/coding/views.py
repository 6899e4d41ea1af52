"""Codes typed in a form (the second reviewer's), and the old codes form's address."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect

from medbill.web.frontdesk.models import Visit
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404


def units_text(units: Decimal) -> str:
    """``1`` for whole units, ``1.5`` otherwise (never ``1.00``)."""
    text = format(units, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def ndc_text(ndc: str) -> str:
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
def edit_visit_codes(request: PracticeRequest, visit_id: int) -> HttpResponse:
    """The old three-line codes form's address: a visit is coded in the workspace, where
    every code keeps where it came from and the edits run live."""
    visit = get_scoped_or_404(Visit, request.user, request.practice, pk=visit_id)
    return redirect("code_visit", visit_id=visit.pk)

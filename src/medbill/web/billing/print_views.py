"""PDF downloads: a claim's CMS-1500, a visit's superbill, the practice's encounter form."""

from __future__ import annotations

from django.http import HttpResponse

from medbill.core.forms import (
    Cms1500Error,
    SuperbillError,
    render_cms1500,
    render_encounter_form,
    render_superbill,
)
from medbill.core.forms.lookups import common_diagnoses, icd10cm_describer
from medbill.web.billing import printing
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim
from medbill.web.frontdesk.models import Visit
from medbill.web.practice import audit
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import get_scoped_or_404


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # these carry PHI
    return response


def _unprintable(problem: str) -> HttpResponse:
    return HttpResponse(
        f"This document cannot be printed: {problem}",
        status=422,
        content_type="text/plain; charset=utf-8",
    )


@requires("view_claims")
def claim_cms1500_pdf(request: PracticeRequest, claim_id: int) -> HttpResponse:
    claim = get_scoped_or_404(Claim.objects.all(), request.user, request.practice, pk=claim_id)
    audit.record_view(claim, request.user, source="cms1500 pdf")
    mode = "replica" if request.GET.get("mode") == "replica" else "print"
    try:
        pdf = render_cms1500(claim_document(claim), mode=mode)
    except Cms1500Error as exc:
        return _unprintable(str(exc))
    return _pdf(pdf, f"cms1500-{claim.patient_control_number}-{mode}.pdf")


@requires("view_claims")
def visit_superbill_pdf(request: PracticeRequest, visit_id: int) -> HttpResponse:
    visit = get_scoped_or_404(
        Visit.objects.select_related("patient", "practice"),
        request.user,
        request.practice,
        pk=visit_id,
    )
    audit.record_view(visit, request.user, source="superbill pdf")
    try:
        bill = printing.superbill_for_visit(visit)
        pdf = render_superbill(bill, icd10cm_describer(bill.date_of_service))
    except (LookupError, SuperbillError) as exc:
        return _unprintable(str(exc))
    return _pdf(pdf, f"superbill-visit-{visit.pk}.pdf")


@requires("view_patients")
def encounter_form_pdf(request: PracticeRequest) -> HttpResponse:
    practice = request.practice
    form = printing.encounter_form_for(practice, diagnoses=common_diagnoses())
    if not form.items:
        return _unprintable("the practice has no standard fee schedule in force today")
    return _pdf(render_encounter_form(form), "encounter-form.pdf")

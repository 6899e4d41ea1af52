"""The Medicare secondary payer questionnaire of a Medicare coverage, at the front desk.

The desk asks a Medicare patient CMS's MSP questions (``medbill.core.msp``); the answers
are kept on the coverage with when they were given, and they set the coverage's Medicare
secondary payer type, which a claim to Medicare after another payer carries (837P SBR05).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone

from medbill.core.msp import MEDICARE_TYPES, MSP_QUESTIONS, MSP_TYPES, MspAnswers, msp_type
from medbill.web.frontdesk.models import Coverage
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.permissions import require, requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.tenancy import Actor, get_scoped_or_404

__all__ = ["is_medicare", "record_msp_answers", "msp_questionnaire"]


def is_medicare(coverage: Coverage) -> bool:
    """Whether the coverage is with Medicare (the questionnaire applies to it)."""
    return coverage.payer.payer_type in MEDICARE_TYPES


def record_msp_answers(
    user: Actor, coverage: Coverage, answers: MspAnswers, now: datetime.datetime | None = None
) -> Coverage:
    """Keep the patient's answers on the Medicare coverage and set its MSP type from them
    (empty when no answer makes another payer primary)."""
    require(user, coverage.practice_id, "edit_patients")
    with transaction.atomic(), audit.acting_as(user):
        locked = Coverage.objects.select_for_update().select_related("payer").get(pk=coverage.pk)
        if not is_medicare(locked):
            raise ServiceError("coverage", "the MSP questionnaire is for Medicare coverages")
        locked.msp_answers = answers.to_dict()
        locked.msp_answered_at = now or timezone.now()
        locked.medicare_secondary_type = msp_type(answers) or ""
        locked.save()
    return locked


def _answers_from(post: QueryDict) -> MspAnswers:
    values = {
        name: {"yes": True, "no": False}.get(post.get(name, "")) for name, _, _ in MSP_QUESTIONS
    }
    return MspAnswers.from_dict(values)


@requires("edit_patients")
def msp_questionnaire(request: PracticeRequest, coverage_id: int) -> HttpResponse:
    coverage = get_scoped_or_404(
        Coverage.objects.select_related("payer", "patient"),
        request.user,
        request.practice,
        pk=coverage_id,
    )
    if not is_medicare(coverage):
        raise Http404("not a Medicare coverage")
    if request.method == "POST":
        saved = record_msp_answers(request.user, coverage, _answers_from(request.POST))
        code = saved.medicare_secondary_type
        messages.success(
            request,
            f"MSP answers saved: Medicare is secondary ({code} {MSP_TYPES[code]})."
            if code
            else "MSP answers saved: Medicare pays first.",
        )
        return redirect("show_patient", patient_id=coverage.patient_id)
    audit.record_view(coverage, request.user)
    answers = coverage.msp_answers or {}
    questions = [
        (name, text, MSP_TYPES[code], answers.get(name)) for name, text, code in MSP_QUESTIONS
    ]
    return render(
        request,
        "frontdesk/msp_questionnaire.html",
        {"coverage": coverage, "patient": coverage.patient, "questions": questions},
    )

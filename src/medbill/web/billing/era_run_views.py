"""The 835 import of the remittances page as a run: start it, follow it, read the result."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medbill.web.billing.era_runs import start_era_run
from medbill.web.billing.remittance_models import EraImportRun, Remittance
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.permissions import requires
from medbill.web.practice.runs import status_of
from medbill.web.practice.tenancy import get_scoped_or_404

MAX_UPLOAD = 20 * 1024 * 1024


@requires("import_remittance")
@require_POST
def upload_remittance(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_UPLOAD:
        messages.error(request, "File: choose an 835 file (at most 20 MB)")
        return redirect("list_remittances")
    try:
        run = start_era_run(
            request.user,
            request.practice,
            upload.read(),
            upload.name,
            post=request.POST.get("post") == "1",
            same_payment=request.POST.get("same_payment") == "1",
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect("list_remittances")
    return redirect("show_era_run", run_id=run.pk)


@requires("import_remittance")
def show_era_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(EraImportRun, request.user, request.practice, pk=run_id)
    remittances = (
        {
            r.trace_number: r
            for r in Remittance.objects.for_user(request.user, request.practice).filter(
                file_id=run.file_id
            )
        }
        if run.file_id
        else {}
    )
    sets = [{**s, "remittance": remittances.get(s["trace"])} for s in run.sets]
    return render(request, "billing/era_run.html", {"run": run, "sets": sets})


@requires("import_remittance")
def era_run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    run = get_scoped_or_404(EraImportRun, request.user, request.practice, pk=run_id)
    return JsonResponse(status_of(run))

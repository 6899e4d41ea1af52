"""The biller's pages for claims out: the queue, batch submission, files sent, acknowledgements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medbill.core.denial_risk import Prediction
from medbill.web.billing.models import Claim
from medbill.web.claims_out.acks import import_acknowledgement, resolve_work_item
from medbill.web.claims_out.models import (
    AckImport,
    ClaimWorkItem,
    ClearinghouseConnection,
    Submission,
    SubmissionRun,
)
from medbill.web.claims_out.services import record_file_download
from medbill.web.claims_out.submit_runs import start_submit_run
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import in_words
from medbill.web.practice.pages import paginate
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.runs import status_of
from medbill.web.practice.tenancy import get_scoped_or_404
from medbill.web.risk import services as risk
from medbill.web.risk.models import ClaimHold

MAX_ACK_BYTES = 5 * 1024 * 1024


@requires("view_claims")
def claim_queue(request: PracticeRequest) -> HttpResponse:
    practice = request.practice
    claims = Claim.objects.for_user(request.user, practice)
    counts = {value: 0 for value, _ in Claim.Status.choices}
    for status in claims.values_list("status", flat=True):
        counts[status] += 1
    scrubbed = list(claims.filter(status="scrubbed").select_related("patient", "payer", "visit"))
    held = risk.held_claim_ids(practice)
    ready = [c for c in scrubbed if c.pk not in held]
    predictions = risk.predict_claims(practice, scrubbed)
    threshold = risk.threshold_of(practice)
    holds = list(
        ClaimHold.objects.for_user(request.user, practice)
        .filter(released_at__isnull=True)
        .select_related("claim", "claim__patient", "claim__payer", "held_by")
    )
    rejections = list(
        ClaimWorkItem.objects.for_user(request.user, practice)
        .filter(resolved_at=None)
        .select_related("claim", "claim__patient")
    )
    # One page, one read: the claims it shows, ready or rejected, in one event.
    shown = {
        c.pk: c for c in [*scrubbed, *(r.claim for r in rejections), *(h.claim for h in holds)]
    }
    audit.record_list(list(shown.values()), request.user)
    return render(
        request,
        "claims_out/queue.html",
        {
            "counts": [(label, counts[value], value) for value, label in Claim.Status.choices],
            "ready": [_risk_row(predictions.get(c.pk), threshold, claim=c) for c in ready],
            "holds": [_risk_row(predictions.get(h.claim_id), threshold, hold=h) for h in holds],
            "risk_percent": round(threshold * 100),
            "risk_trained": bool(predictions) or risk.load_model(practice) is not None,
            "rejections": rejections,
            "connections": ClearinghouseConnection.objects.for_user(request.user, practice).filter(
                active=True
            ),
            "sending": SubmissionRun.objects.for_user(request.user, practice)
            .filter(status__in=("queued", "running"))
            .first(),
        },
    )


def _risk_row(prediction: Prediction | None, threshold: float, **row: Any) -> dict[str, Any]:
    return {
        **row,
        "risk": prediction,
        "percent": round(prediction.probability * 100) if prediction else None,
        "flagged": bool(prediction and prediction.probability >= threshold),
    }


@require_POST
@requires("submit_claims")
def submit_batch(request: PracticeRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("claim") if x.isdigit()]
    try:
        run = start_submit_run(
            request.user, request.practice, ids, request.POST.get("connection", "")
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
        return redirect("claims_out_queue")
    return redirect("show_submit_run", run_id=run.pk)


@requires("submit_claims")
def show_submit_run(request: PracticeRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(SubmissionRun, request.user, request.practice, pk=run_id)
    files = list(
        Submission.objects.for_user(request.user, request.practice)
        .filter(pk__in=run.submissions)
        .order_by("id")
    )
    return render(request, "claims_out/submit_run.html", {"run": run, "files": files})


@requires("submit_claims")
def submit_run_status(request: PracticeRequest, run_id: int) -> JsonResponse:
    run = get_scoped_or_404(SubmissionRun, request.user, request.practice, pk=run_id)
    return JsonResponse(status_of(run))


@require_POST
@requires("create_claims")
def resolve_rejection(request: PracticeRequest, item_id: int) -> HttpResponse:
    item = get_scoped_or_404(ClaimWorkItem, request.user, request.practice, pk=item_id)
    try:
        item = resolve_work_item(request.user, item, request.POST.get("resolution", "").strip())
        claim = item.claim  # read after the change
        messages.success(
            request,
            f"Claim {claim.patient_control_number} is back in draft."
            if claim.status == "draft"
            else f"Claim {claim.patient_control_number}: marked resolved.",
        )
    except ServiceError as exc:
        messages.error(request, in_words(exc))
    return redirect("claims_out_queue")


@requires("view_claims")
def list_submissions(request: PracticeRequest) -> HttpResponse:
    rows = Submission.objects.for_user(request.user, request.practice).prefetch_related("claims")
    return render(request, "claims_out/submissions.html", {"page": paginate(request, rows)})


@requires("view_claims")
def download_submission(request: PracticeRequest, submission_id: int) -> HttpResponse:
    row = get_scoped_or_404(Submission, request.user, request.practice, pk=submission_id)
    record_file_download(request.user, row, source="web 837p download")
    response = HttpResponse(row.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{row.file_name}"'
    return response


@requires("view_claims")
def list_acks(request: PracticeRequest) -> HttpResponse:
    if request.method == "POST":
        return _import_ack(request)
    rows = AckImport.objects.for_user(request.user, request.practice)
    return render(request, "claims_out/acks.html", {"page": paginate(request, rows)})


# The page is for anyone who sees claims; its POST imports, which only some roles may.
list_acks.post_action = "import_remittance"  # type: ignore[attr-defined]


@requires("import_remittance")
def _import_ack(request: PracticeRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "file: choose a 999 or 277CA file")
    elif (upload.size or 0) > MAX_ACK_BYTES:  # an uploaded file always has its size
        messages.error(request, "file: larger than an acknowledgement should be (5 MB)")
    else:
        try:
            result = import_acknowledgement(
                request.user, request.practice, upload.read(), upload.name or ""
            )
        except ServiceError as exc:
            messages.error(request, in_words(exc))
        else:
            if result.duplicate:
                messages.info(request, f"{upload.name} was imported before; nothing changed.")
            else:
                messages.success(
                    request,
                    f"{upload.name}: {len(result.accepted)} accepted, "
                    f"{len(result.rejected)} rejected.",
                )
    return redirect("claims_out_acks")

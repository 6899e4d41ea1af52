"""The statements pages: choose, preview, run with progress, download, history; send one now."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.web.billing.remittance_models import Statement, StatementRun
from medbill.web.billing.statement_runs import (
    run_folder,
    start_statement_run,
    statement_limits,
    zip_of_pdfs,
)
from medbill.web.billing.statements import preview_statements
from medbill.web.frontdesk.models import Patient
from medbill.web.practice import audit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.form_errors import errors_by_input
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest
from medbill.web.practice.runs import status_of
from medbill.web.practice.tenancy import get_scoped_or_404

DEFAULTS = {"threshold": "5.00", "write_off_under": "1.00"}
# Each choice's error is shown beside its input.
INPUTS = {
    "statement_date": "statement_date",
    "threshold": "threshold",
    "write_off_under": "write_off_under",
}


def _choices(data: dict[str, str]) -> dict[str, str]:
    return {
        "statement_date": data.get("statement_date") or str(timezone.localdate()),
        "threshold": data.get("threshold") or DEFAULTS["threshold"],
        "write_off_under": data.get("write_off_under") or DEFAULTS["write_off_under"],
    }


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ServiceError("statement_date", "enter the statement date as YYYY-MM-DD") from None


@requires("send_statements")
def list_statement_runs(request: PracticeRequest) -> HttpResponse:
    choices = _choices(request.GET)
    preview, errors = None, {}
    if "preview" in request.GET:
        try:
            threshold, small = statement_limits(choices["threshold"], choices["write_off_under"])
            preview = preview_statements(
                request.user,
                request.practice,
                statement_date=_day(choices["statement_date"]),
                threshold=threshold,
                write_off_under=small,
            )
        except ServiceError as exc:
            errors = errors_by_input(exc, INPUTS)
        else:
            audit.record_list([o.patient for o in preview], request.user)
    runs = StatementRun.objects.for_user(request.user, request.practice)
    context: dict[str, Any] = {
        "choices": choices,
        "preview": preview,
        "errors": errors,
        "runs": runs[:20],
        "running": runs.filter(status__in=("queued", "running")).first(),
    }
    if preview is not None:
        to_send = [o for o in preview if o.action == "send"]
        context["to_send"] = to_send
        context["send_total"] = sum(
            (o.doc.amount_due.amount for o in to_send if o.doc is not None),
            start=Decimal(0),
        )
        context["to_write_off"] = [o for o in preview if o.action == "write_off"]
        context["to_skip"] = [o for o in preview if o.action == "skip"]
    return render(request, "billing/statement_runs.html", context)


@require_POST
@requires("send_statements")
def start_statements(request: PracticeRequest) -> HttpResponse:
    choices = _choices(request.POST)
    try:
        run = start_statement_run(
            request.user,
            request.practice,
            statement_date=_day(choices["statement_date"]),
            threshold=choices["threshold"],
            write_off_under=choices["write_off_under"],
        )
    except ServiceError:
        # The choices page says what is wrong, beside the choice.
        return redirect(f"{reverse('statement_runs')}?{urlencode({'preview': '1', **choices})}")
    return redirect("show_statement_run", run_id=run.pk)


@require_POST
@requires("send_statements")
def send_statement_now(request: PracticeRequest, patient_id: int) -> HttpResponse:
    patient = get_scoped_or_404(Patient, request.user, request.practice, pk=patient_id)
    today = timezone.localdate()
    if (
        Statement.objects.filter(patient=patient, statement_date=today).exists()
        and request.POST.get("confirm") != "1"
    ):
        messages.error(
            request,
            "A statement already went out to this patient today. To send another one, "
            "tick “Send another one anyway” and send again.",
        )
        return redirect("show_account", patient_id=patient.pk)
    try:
        run = start_statement_run(
            request.user,
            request.practice,
            statement_date=today,
            threshold="0.01",
            write_off_under="0",
            patient=patient,
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("show_account", patient_id=patient.pk)
    return redirect("show_statement_run", run_id=run.pk)


def _statements(request: PracticeRequest, run: StatementRun) -> list[Statement]:
    return list(
        Statement.objects.for_user(request.user, request.practice)
        .filter(pk__in=run.statements)
        .select_related("patient")
        .order_by("patient__last_name", "patient__first_name", "id")
    )


@requires("send_statements")
def show_statement_run(request: PracticeRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(StatementRun, request.user, request.practice, pk=run_id)
    statements = _statements(request, run)
    audit.record_list([s.patient for s in statements], request.user)
    return render(
        request,
        "billing/statement_run.html",
        {
            "run": run,
            "statements": statements,
            "total": sum((s.balance for s in statements), start=0),
        },
    )


@requires("send_statements")
def statement_run_status(request: PracticeRequest, run_id: int) -> JsonResponse:
    run = get_scoped_or_404(StatementRun, request.user, request.practice, pk=run_id)
    return JsonResponse(status_of(run))


def _attachment(content: bytes | str, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@requires("send_statements")
def download_statement_pdfs(request: PracticeRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(StatementRun, request.user, request.practice, pk=run_id)
    statements = _statements(request, run)
    if run.running or not statements:
        raise Http404("this run has no statements to download")
    content = zip_of_pdfs(run, [Path(s.pdf_path).name for s in statements])
    audit.record_export(
        run,
        [s.patient_id for s in statements],
        {"file": "statements.zip", "statements": len(statements)},
        user=request.user,
        source="web statements download",
    )
    return _attachment(content, "application/zip", f"statements-{run.run_id}.zip")


@requires("send_statements")
def download_statement_csv(request: PracticeRequest, run_id: int) -> HttpResponse:
    run = get_scoped_or_404(StatementRun, request.user, request.practice, pk=run_id)
    path = run_folder(run) / "statements.csv"
    if run.running or not run.has_csv or not path.is_file():
        raise Http404("this run has no vendor file")
    audit.record_export(
        run,
        [s.patient_id for s in _statements(request, run)],
        {"file": "statements.csv", "statements": len(run.statements)},
        user=request.user,
        source="web statements download",
    )
    return _attachment(path.read_bytes(), "text/csv", f"statements-{run.run_id}.csv")


@requires("send_statements")
def download_statement(request: PracticeRequest, statement_id: int) -> HttpResponse:
    row = get_scoped_or_404(Statement, request.user, request.practice, pk=statement_id)
    run = (
        StatementRun.objects.for_user(request.user, request.practice)
        .filter(
            pk=int(row.run_id[4:])
            if row.run_id.startswith("run-") and row.run_id[4:].isdigit()
            else -1
        )
        .first()
    )
    path = run_folder(run) / Path(row.pdf_path).name if run else None
    if path is None or not path.is_file():
        raise Http404("this statement's PDF is not kept")
    audit.record_export(
        row,
        [row.patient_id],
        {"file": path.name},
        user=request.user,
        source="web statement download",
    )
    return _attachment(path.read_bytes(), "application/pdf", path.name)

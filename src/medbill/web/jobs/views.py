"""The recurring jobs page: what runs when, what it last did, on or off, run now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from medbill.web.jobs.models import JobRun, JobSetting, PickedUpFile
from medbill.web.jobs.recurring import JOBS, Job, job_named
from medbill.web.jobs.runner import enabled_for
from medbill.web.practice import audit
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import PracticeRequest


@dataclass
class JobRow:
    job: Job
    enabled: bool
    options: dict[str, Any]
    last: JobRun | None
    last_words: str


def _scope(job: Job, practice: Any) -> str:
    return f"practice-{practice.pk}" if job.per_practice else "all"


@requires("manage_jobs")
def list_jobs(request: PracticeRequest) -> HttpResponse:
    rows = []
    for job in JOBS:
        enabled, options = enabled_for(job, request.practice) if job.per_practice else (True, {})
        last = JobRun.objects.filter(job=job.name, scope=_scope(job, request.practice)).first()
        words = ""
        if last is not None:
            words = (
                last.error
                if last.status == JobRun.Status.FAILED
                else job.words(last.summary)
                if last.status != JobRun.Status.RUNNING
                else "running"
            )
        rows.append(JobRow(job, enabled, options, last, words))
    practice = request.practice
    assert practice is not None  # @requires refuses a request without one
    history = JobRun.objects.filter(scope__in=(f"practice-{practice.pk}", "all"))[:30]
    files = PickedUpFile.objects.filter(practice=request.practice)[:20]
    return render(
        request,
        "jobs/list.html",
        {"rows": rows, "history": [(r, _words(r)) for r in history], "files": files},
    )


def _words(run: JobRun) -> str:
    if run.status == JobRun.Status.FAILED:
        return run.error
    if run.status == JobRun.Status.RUNNING:
        return "running"
    try:
        return job_named(run.job).words(run.summary)
    except KeyError:
        return ""


@require_POST
@requires("manage_jobs")
def change_job(request: PracticeRequest, name: str) -> HttpResponse:
    try:
        job = job_named(name)
    except KeyError:
        messages.error(request, f"There is no job called {name}.")
        return redirect("list_jobs")
    if not job.per_practice:
        messages.error(request, f"{job.title} runs for every practice; it cannot be switched off.")
        return redirect("list_jobs")
    setting = JobSetting.objects.filter(
        job=job.name, practice=request.practice
    ).first() or JobSetting(job=job.name, practice=request.practice, options={})
    setting.enabled = request.POST.get("enabled") == "on"
    if "day_of_month" in job.options:
        raw = request.POST.get("day_of_month", "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 31:
            messages.error(request, "Statement day: enter a day of the month from 1 to 31.")
            return redirect("list_jobs")
        setting.options = {**setting.options, "day_of_month": int(raw)}
    if "days" in job.options:
        raw = request.POST.get("days", "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 365:
            messages.error(request, f"{job.title}: enter the days to wait, from 1 to 365.")
            return redirect("list_jobs")
        setting.options = {**setting.options, "days": int(raw)}
    setting.save()  # audited by the model's signals, as the request's user
    messages.success(request, f"{job.title}: {'on' if setting.enabled else 'off'}.")
    return redirect("list_jobs")


@require_POST
@requires("manage_jobs")
def run_job_now(request: PracticeRequest, name: str) -> HttpResponse:
    from medbill.web.jobs.tasks import run_recurring_job

    try:
        job = job_named(name)
    except KeyError:
        messages.error(request, f"There is no job called {name}.")
        return redirect("list_jobs")
    practice = request.practice
    assert practice is not None  # @requires refuses a request without one
    ids = [practice.pk] if job.per_practice else None
    run_recurring_job.delay(job.name, ids, True, request.user.pk)
    audit.record(practice, "run_job", user=request.user, detail={"job": job.name}, patients=())
    messages.success(request, f"{job.title}: started. Its result shows below when it is done.")
    return redirect("list_jobs")

"""The recurring jobs page: what runs when, what it last did, on or off, run now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice


@dataclass
class JobRow:
    job: Job
    enabled: bool
    options: dict[str, Any]
    last: JobRun | None
    last_words: str
    errors: dict[str, str]


# A job's number options: (lowest, highest, what to say when a typed value is neither).
_LIMITS = {
    "day_of_month": (1, 31, "Enter a day of the month from 1 to 31."),
    "days": (1, 365, "Enter the number of days to wait, from 1 to 365."),
}


def _scope(job: Job, practice: Practice) -> str:
    return f"practice-{practice.pk}" if job.per_practice else "all"


# A refused change waits here for the page the browser is sent back to (post/redirect/
# get): reloading that page then shows it again instead of posting the form twice.
REFUSED = "medbill_jobs_refused"


@requires("manage_jobs")
def list_jobs(request: PracticeRequest) -> HttpResponse:
    refused = request.session.pop(REFUSED, None) or {}
    if refused.get("practice") != getattr(request.practice, "pk", None):
        refused = {}  # refused in another practice, since switched from
    return _page(request, refused.get("errors"), refused.get("typed"))


def _page(
    request: PracticeRequest,
    errors: dict[str, dict[str, str]] | None = None,
    typed: dict[str, dict[str, str]] | None = None,
) -> HttpResponse:
    """The page; ``errors`` and ``typed`` (by job name, then option) show a refused change
    beside its field, with what the manager typed."""
    errors, typed = errors or {}, typed or {}
    rows = []
    for job in JOBS:
        enabled, options = enabled_for(job, request.practice) if job.per_practice else (True, {})
        options = {**options, **typed.get(job.name, {})}
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
        rows.append(JobRow(job, enabled, options, last, words, errors.get(job.name, {})))
    practice = request.practice
    history = JobRun.objects.filter(scope__in=(f"practice-{practice.pk}", "all"))[:30]
    files = PickedUpFile.objects.filter(practice=request.practice)[:20]
    return render(
        request,
        "jobs/list.html",
        {"rows": rows, "history": [_history_row(r) for r in history], "files": files},
    )


def _history_row(run: JobRun) -> tuple[JobRun, str, str, str]:
    """A past run with its job's title, what it covered and its result, in words."""
    try:
        job = job_named(run.job)
    except KeyError:
        return run, run.job, run.key, _words(run)
    return run, job.title, job.covers(run.key), _words(run)


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
    problems, typed = {}, {}
    for option, (low, high, problem) in _LIMITS.items():
        if option not in job.options:
            continue
        raw = request.POST.get(option, "").strip()
        typed[option] = raw
        if not raw.isdigit() or not low <= int(raw) <= high:
            problems[option] = problem
        else:
            setting.options = {**setting.options, option: int(raw)}
    if problems:
        request.session[REFUSED] = {
            "practice": getattr(request.practice, "pk", None),
            "errors": {job.name: problems},
            "typed": {job.name: typed},
        }
        messages.error(request, f"{job.title}: not saved. " + " ".join(problems.values()))
        return redirect("list_jobs")
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
    ids = [practice.pk] if job.per_practice else None
    run_recurring_job.delay(job.name, ids, True, request.user.pk)
    audit.record(practice, "run_job", user=request.user, detail={"job": job.name}, patients=())
    messages.success(request, f"{job.title}: started. Its result shows below when it is done.")
    return redirect("list_jobs")

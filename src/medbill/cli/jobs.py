"""``medbill jobs``: the recurring jobs — list them, run one now; ``medbill scheduler``."""

from __future__ import annotations

import datetime

import typer

from medbill.cli._django import console, setup

__all__ = ["app", "scheduler"]

app = typer.Typer(
    help="Recurring jobs: nightly eligibility, statements, pick-up, reminders.",
    no_args_is_help=True,
)


@app.command("list")
def list_command() -> None:
    """Every job, when it runs, and its last result per practice."""
    setup()
    from medbill.web.jobs.models import JobRun
    from medbill.web.jobs.recurring import JOBS

    for job in JOBS:
        console.print(f"[bold]{job.name}[/bold] — {job.title} ({job.when})", highlight=False)
        seen = set()
        for run in JobRun.objects.filter(job=job.name)[:50]:
            if run.scope in seen:
                continue
            seen.add(run.scope)
            words = run.error if run.status == JobRun.Status.FAILED else job.words(run.summary)
            console.print(
                f"  {run.scope}: {run.started_at:%Y-%m-%d %H:%M} "
                f"{run.get_status_display()} — {words}",
                markup=False,
                highlight=False,
            )


@app.command("run")
def run_command(
    name: str = typer.Argument(..., help="The job (see `medbill jobs list`)."),
    practice: str | None = typer.Option(
        None,
        "--practice",
        help="Practice short code (default: every practice that has the job on).",
    ),
    at: str | None = typer.Option(
        None, "--at", help="Run as of this local date (YYYY-MM-DD), e.g. to redo a missed night."
    ),
    force: bool = typer.Option(False, "--force", help="Run even if it already ran for this day."),
) -> None:
    """Run one job now, as the scheduler would; exit 1 when a run failed."""
    setup()
    from django.utils import timezone

    from medbill.cli.era import pick_practice
    from medbill.web.jobs.models import JobRun
    from medbill.web.jobs.recurring import job_named
    from medbill.web.jobs.runner import run_job

    try:
        job = job_named(name)
    except KeyError as exc:
        console.print(f"[red]error:[/red] {exc.args[0]}", highlight=False)
        raise typer.Exit(2) from None
    now = timezone.now()
    if at:
        try:
            day = datetime.date.fromisoformat(at)
        except ValueError:
            console.print("[red]error:[/red] --at: give a date as YYYY-MM-DD")
            raise typer.Exit(2) from None
        now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    practices = [pick_practice(practice)] if practice else None
    runs = run_job(job.name, now=now, practices=practices, force=force)
    if not runs:
        console.print(
            f"{job.name}: nothing to do (already done for this day, switched off, or not due)"
        )
    for run in runs:
        words = run.error if run.status == JobRun.Status.FAILED else job.words(run.summary)
        console.print(
            f"{job.name} {run.scope} {run.key}: {run.get_status_display()} — {words}",
            markup=False,
            highlight=False,
        )
    if any(r.status == JobRun.Status.FAILED for r in runs):
        raise typer.Exit(1)


def scheduler(
    loglevel: str = typer.Option("info", "--loglevel", "-l", help="debug, info, warning …"),
) -> None:
    """Start the scheduler (Celery beat) that sends the recurring jobs to the workers.

    Run exactly one per installation; the workers (``medbill worker``) do the work.
    """
    setup()
    from django.conf import settings

    from medbill.core.paths import data_dir

    if settings.CELERY_TASK_ALWAYS_EAGER:
        console.print(
            "[red]error:[/red] CELERY_BROKER_URL is not set: the scheduler sends "
            "jobs to workers through a broker. Set it (redis://… or amqp://…), or "
            "run a job by hand with `medbill jobs run NAME`."
        )
        raise typer.Exit(2)
    from medbill.web.worker import app as celery_app

    state = data_dir() / "celerybeat-schedule"
    celery_app.start(["beat", f"--loglevel={loglevel}", f"--schedule={state}"])

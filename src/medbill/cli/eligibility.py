"""``medbill eligibility check PATIENT`` and ``medbill eligibility batch --date``."""

from __future__ import annotations

import datetime as dt

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from medbill.cli._django import console, setup

__all__ = ["app"]

app = typer.Typer(
    help="Real-time eligibility (270/271) for patients and appointments.", no_args_is_help=True
)


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option}: not a date (YYYY-MM-DD): {value!r}") from None


@app.command("check")
def check(
    patient: str = typer.Argument(..., help="The patient's account number (or record id)."),
    practice: str | None = typer.Option(None, "--practice", help="Practice short code."),
    on: str | None = typer.Option(None, "--date", help="Date of service (default: today)."),
) -> None:
    """Ask the payer of the patient's primary coverage and print the answer."""
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.web.frontdesk.eligibility import check_coverage, coverage_to_check
    from medbill.web.frontdesk.models import Patient
    from medbill.web.practice.errors import ServiceError

    where = pick_practice(practice)
    rows = Patient.objects.for_practice(where)
    found = rows.filter(account_number=patient).first()
    if found is None and patient.isdigit():
        found = rows.filter(pk=int(patient)).first()
    if found is None:
        console.print(f"[red]error:[/red] PATIENT: no patient {patient!r} at {where.short_code}")
        raise typer.Exit(2)
    day = _date(on, "--date") or dt.date.today()
    coverage = coverage_to_check(found, day)
    if coverage is None:
        console.print(f"{found.account_number}: no coverage in effect on {day}: self-pay")
        raise typer.Exit(1)
    try:
        result = check_coverage(None, coverage, service_date=day, source="cli", authorised=True)
    except ServiceError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    colour = {"active": "green", "error": "red", "rejected": "red"}.get(result.status, "yellow")
    console.print(f"{found.account_number} · {coverage.payer.name} · {day}")
    console.print(f"[{colour}]{result.summary}[/{colour}]")
    for problem in result.problems:
        console.print(f"  [yellow]![/yellow] {problem}")
    if result.error:
        console.print(f"  [red]{result.error}[/red]")
    raise typer.Exit(0 if result.status == "active" else 1)


@app.command("batch")
def batch(
    on: str | None = typer.Option(
        None, "--date", help="Appointments of this day (YYYY-MM-DD; default: tomorrow)."
    ),
    practice: str | None = typer.Option(None, "--practice", help="Only this practice."),
    background: bool = typer.Option(
        False, "--background", help="Send to the Celery workers instead of running here."
    ),
) -> None:
    """Check eligibility for every appointment of a day, with a progress bar."""
    setup(development=True)
    from medbill.web.frontdesk.eligibility import check_visits, visits_on
    from medbill.web.frontdesk.tasks import check_eligibility_batch
    from medbill.web.practice.models import Practice

    day = _date(on, "--date") or dt.date.today() + dt.timedelta(days=1)
    where = None
    if practice:
        where = Practice.objects.filter(short_code=practice).first()
        if where is None:
            console.print(f"[red]error:[/red] --practice: no practice {practice!r}")
            raise typer.Exit(2)
    visits = visits_on(day, where)
    if not visits:
        console.print(f"No appointments on {day}.")
        return
    if background:
        sent = check_eligibility_batch.delay([v.pk for v in visits])
        console.print(f"{len(visits)} appointments of {day} sent to the workers (task {sent.id}).")
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(f"eligibility {day}", total=len(visits))
        counts = check_visits(
            visits, source="batch", on_each=lambda visit, check: progress.advance(task)
        )
    parts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(counts.items()))
    console.print(f"{len(visits)} appointments of {day}: {parts}")

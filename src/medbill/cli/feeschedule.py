"""``medbill feeschedule import FILE.csv``: load a practice's fee schedule (its own words)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from medbill.cli._django import console, setup

app = typer.Typer(help="The practice fee schedule: codes, own descriptions, prices.",
                  no_args_is_help=True)  # fmt: skip


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV file."),
    practice: str = typer.Option(None, "--practice", help="Practice short code."),
    name: str = typer.Option("Standard charges", "--name", help="Fee schedule name."),
    payer: str = typer.Option(None, "--payer", help="Payer ID when the schedule is a payer's."),
    effective_from: str = typer.Option(
        None, "--effective-from", help="Date for rows without an effective_from."
    ),
) -> None:
    """Import CSV columns code, description, price, effective_from[, effective_to, modifier].

    All rows or none; importing the same file again changes nothing.
    """
    from medbill.core.codesets.feeschedule import FeeScheduleError, read_fee_schedule

    default = None
    if effective_from:
        try:
            default = date.fromisoformat(effective_from)
        except ValueError:
            raise typer.BadParameter(
                "not a date (YYYY-MM-DD)", param_hint="--effective-from"
            ) from None
    try:
        rows = read_fee_schedule(file, default_from=default)
    except FeeScheduleError as exc:
        console.print(f"[red]error:[/red] {file.name}: {exc}")
        raise typer.Exit(1) from None
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.web.coding.codesets import import_fee_schedule
    from medbill.web.practice.models import Payer

    where = pick_practice(practice)
    payer_row = None
    if payer:
        payer_row = Payer.objects.filter(organization=where.organization, payer_id=payer).first()
        if payer_row is None:
            console.print(f"[red]error:[/red] --payer: no payer with ID {payer!r}")
            raise typer.Exit(2)
    schedule, counts = import_fee_schedule(where, rows, name=name, payer=payer_row)
    console.print(f"{where.short_code} {schedule.name}: {counts} ({len(rows)} rows in {file.name})")

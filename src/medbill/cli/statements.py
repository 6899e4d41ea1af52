"""``medbill statements run``: the patient statement cycle (PDFs and a CSV for the vendor)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from medbill.cli._django import console, setup

__all__ = ["app"]

app = typer.Typer(help="Patient statements.", no_args_is_help=True)


@app.command("run")
def run_command(
    out: Path = typer.Option(Path("statements"), "-o", "--out", help="Folder for the files."),
    practice: str | None = typer.Option(None, "--practice", help="Practice short code."),
    threshold: str = typer.Option("5.00", help="Skip patient balances under this amount."),
    write_off_under: str = typer.Option("1.00", help="Write off balances under this amount."),
    date: str | None = typer.Option(None, "--date", help="Statement date (YYYY-MM-DD)."),
) -> None:
    """Statements for every patient balance at or over the threshold.

    Accounts with a payment plan in good standing are skipped; old unpaid accounts are
    flagged for collections.
    """
    day = None
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise typer.BadParameter(f"--date: not a date (YYYY-MM-DD): {date!r}") from None
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.core.money import MoneyError
    from medbill.web.billing.statements import run_statements

    try:
        result = run_statements(
            None,
            pick_practice(practice),
            out,
            statement_date=day,
            threshold=threshold,
            write_off_under=write_off_under,
        )
    except MoneyError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    for account, due, path in result.sent:
        console.print(f"statement {account}: {due.format()} -> {path}", highlight=False)
    for account, why in result.skipped:
        console.print(f"skipped {account}: {why}", highlight=False)
    for account, amount in result.written_off:
        console.print(f"written off {account}: {amount.format()}", highlight=False)
    for account in result.collections:
        console.print(f"collections flag: {account}", highlight=False)
    console.print(
        f"{len(result.sent)} statement(s)"
        + (f"; vendor CSV {result.csv_path}" if result.csv_path else "")
    )


@app.command("plan")
def plan_command(
    account: str = typer.Argument(..., help="The patient's account number."),
    total: str = typer.Argument(..., help="Amount the plan covers, e.g. 240.00."),
    installments: int = typer.Option(..., help="How many payments (1-60)."),
    first_due: str = typer.Option(..., "--first-due", help="First due date (YYYY-MM-DD)."),
    interval_days: int = typer.Option(30, help="Days between installments."),
    practice: str | None = typer.Option(None, "--practice", help="Practice short code."),
) -> None:
    """Put an account on a payment plan; statements skip it while it is in good standing."""
    try:
        first = dt.date.fromisoformat(first_due)
    except ValueError:
        raise typer.BadParameter(f"--first-due: not a date (YYYY-MM-DD): {first_due!r}") from None
    setup(development=True)
    from medbill.cli.era import pick_patient, pick_practice
    from medbill.core.money import MoneyError
    from medbill.web.billing.statements import create_payment_plan
    from medbill.web.practice.errors import ServiceError

    patient = pick_patient(pick_practice(practice), account)
    try:
        plan = create_payment_plan(None, patient, total, installments, first, interval_days)
    except (ServiceError, MoneyError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(
        f"plan for {account}: {plan.installments} x {plan.installment} from "
        f"{plan.first_due} every {plan.interval_days} days",
        highlight=False,
    )

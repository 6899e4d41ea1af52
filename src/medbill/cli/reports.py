"""``medbill reports ...``: A/R aging, denials and key numbers as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import typer

from medbill.cli._django import console, setup

__all__ = ["app"]

app = typer.Typer(
    help="Billing reports as CSV: A/R aging, denials, key numbers.", no_args_is_help=True
)

PRACTICE = typer.Option(None, "--practice", help="Practice short code.")
OUT = typer.Option(None, "-o", "--out", help="CSV file (default: standard output).")
AS_OF = typer.Option(
    None,
    "--as-of",
    help="Report date (YYYY-MM-DD): the books as they stood at the end of it; default today.",
)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"--as-of: not a date (YYYY-MM-DD): {value!r}") from None


def _write(table, out: Path | None) -> None:
    fh = out.open("w", newline="") if out else sys.stdout
    try:
        writer = csv.writer(fh)
        writer.writerow(table.header)
        writer.writerows(table.rows)
    finally:
        if out:
            fh.close()
            console.print(f"{table.title}: {len(table.rows)} row(s) -> {out}")


@app.command("ar-aging")
def ar_aging_command(
    by: str = typer.Option("payer", "--by", help="payer or patient"),
    practice: str | None = PRACTICE,
    out: Path | None = OUT,
    as_of: str | None = AS_OF,
) -> None:
    """Open A/R by payer or patient in 0-30, 31-60, 61-90, 91-120 and 120+ days."""
    if by not in ("payer", "patient"):
        raise typer.BadParameter("--by: expected payer or patient")
    day = _date(as_of)
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.web.billing.reports import ar_aging
    from medbill.web.practice import audit

    where = pick_practice(practice)
    table = ar_aging(where, by, day)
    if by == "patient":  # names and balances of patients
        audit.record(
            where,
            "export",
            source="cli report",
            detail={"report": "ar-aging by patient", "rows": len(table.rows) - 1},
        )
    _write(table, out)


@app.command("denials")
def denials_command(practice: str | None = PRACTICE, out: Path | None = OUT) -> None:
    """Denials by payer and reason (CARC) with counts and amounts."""
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.web.billing.reports import denials

    _write(denials(pick_practice(practice)), out)


@app.command("kpis")
def kpis_command(
    practice: str | None = PRACTICE, out: Path | None = OUT, as_of: str | None = AS_OF
) -> None:
    """Days in A/R, first-pass rate, net collection rate and the totals behind them."""
    day = _date(as_of)
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.web.billing.reports import kpis

    _write(kpis(pick_practice(practice), day), out)

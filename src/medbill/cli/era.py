"""``medbill era import FILE [--post]``: read an 835 and post it to the practice's ledger."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from medbill.cli._django import console, setup

if TYPE_CHECKING:
    from medbill.web.practice.models import Practice

__all__ = ["app", "pick_practice"]

app = typer.Typer(
    help="835 remittances: import, post, and see what was held.", no_args_is_help=True
)


def pick_practice(code: str | None) -> Practice:
    """The practice named by ``--practice`` (its short code), or the only one there is."""
    from medbill.web.practice.models import Practice

    rows = Practice.objects.all()
    if code:
        found = rows.filter(short_code=code).first()
        if found is None:
            console.print(f"[red]error:[/red] --practice: no practice with short code {code!r}")
            raise typer.Exit(2)
        return found
    if rows.count() != 1:
        console.print(
            "[red]error:[/red] --practice: give the practice's short code "
            f"({rows.count()} practices in this database)"
        )
        raise typer.Exit(2)
    return rows.get()


def pick_patient(practice: Any, account: str) -> Any:
    """The practice's patient with account number ``account``; exit 2 naming it if none."""
    from medbill.web.frontdesk.models import Patient

    patient = Patient.objects.filter(practice=practice, account_number=account).first()
    if patient is None:
        console.print(f"[red]error:[/red] account: no patient with account number {account!r}")
        raise typer.Exit(2)
    return patient


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="835 files."),
    post: bool = typer.Option(False, "--post", help="Post to the ledger (default: preview)."),
    practice: str | None = typer.Option(None, "--practice", help="Practice short code."),
    same_payment: bool = typer.Option(
        False,
        "--same-amount-is-separate",
        help="Post a payment even though one with the same amount, date and payee was "
        "posted under another trace (checked with the bank).",
    ),
) -> None:
    """Read each 835, balance it, match its claims, and (with --post) post it.

    Prints per payment what was posted, held (with why), denied and unmatched. A file
    imported before posts nothing; an error anywhere in a file posts nothing of it.
    """
    setup(development=True)
    from medbill.web.billing.era import import_era, summary_lines
    from medbill.web.practice.errors import ServiceError

    where = pick_practice(practice)
    failed = False
    for path in files:
        try:
            result = import_era(
                None, where, path.read_bytes(), path.name, post=post, same_payment=same_payment
            )
        except ServiceError as exc:
            console.print(f"[red]error:[/red] {exc}")
            failed = True
            continue
        for line in summary_lines(result):
            console.print(line, markup=False, highlight=False)
        if not post and not result.already_imported:
            console.print("(preview: nothing was posted; add --post to post)")
    if failed:
        raise typer.Exit(1)

"""``medbill payments post``: a patient payment received by mail or at the desk, with its
receipt PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from medbill.cli._django import console, setup

__all__ = ["app"]

app = typer.Typer(help="Patient payments.", no_args_is_help=True)


@app.command("post")
def post_command(
    account: str = typer.Argument(..., help="The patient's account number."),
    amount: str = typer.Argument(..., help="Amount received, e.g. 45.00."),
    method: str = typer.Option("check", help="cash, check or card"),
    reference: str = typer.Option("", help="Check number, or card brand and last four."),
    channel: str = typer.Option("mail", help="mail or desk"),
    practice: str | None = typer.Option(None, "--practice", help="Practice short code."),
    receipt: Path | None = typer.Option(None, "--receipt", help="Write the receipt PDF here."),
) -> None:
    """Post a patient payment to the ledger (a lockbox or mailed check, or desk cash/card)."""
    if method not in ("cash", "check", "card"):
        raise typer.BadParameter("--method: expected cash, check or card")
    if channel not in ("mail", "desk"):
        raise typer.BadParameter("--channel: expected mail or desk")
    setup(development=True)
    from medbill.cli.era import pick_patient, pick_practice
    from medbill.web.billing.services import balance_of
    from medbill.web.frontdesk.receipts import receipt_number, receipt_pdf
    from medbill.web.practice.errors import ServiceError

    where = pick_practice(practice)
    patient = pick_patient(where, account)
    if method == "check" and not reference:
        console.print("[red]error:[/red] --reference: a check payment needs the check number")
        raise typer.Exit(2)
    try:
        entry = _post(where, patient, amount, method, reference, channel)
    except ServiceError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(
        f"posted {receipt_number(entry)}: {-entry.money} by {method} for account "
        f"{account}; patient balance now "
        f"{balance_of(patient, 'patient').format()}",
        highlight=False,
    )
    if receipt is not None:
        receipt.write_bytes(receipt_pdf(entry))
        console.print(f"receipt: {receipt}")


def _post(practice, patient, amount, method, reference, channel):
    """Record the payment as the system (the command line has no signed-in user)."""
    import datetime
    import re

    from django.db import transaction

    from medbill.core.money import Money, MoneyError
    from medbill.web.billing.models import Entry
    from medbill.web.practice import audit
    from medbill.web.practice.errors import ServiceError

    if method == "card" and re.search(r"\d{5,}", reference):
        raise ServiceError("reference", "keep only the card brand and last four digits")
    try:
        received = Money(amount)
    except MoneyError as exc:
        raise ServiceError("amount", str(exc)) from None
    if received <= Money(0):
        raise ServiceError("amount", "must be more than zero")
    with transaction.atomic(), audit.acting_as(None, "cli"):
        return Entry.objects.create(
            practice_id=practice.pk,
            patient=patient,
            kind=Entry.Kind.PAYMENT,
            amount=-received,
            responsibility=Entry.Responsibility.PATIENT,
            effective_date=datetime.date.today(),
            method=method,
            reference=reference[:50],
            memo=f"patient payment by {channel}",
            source="mail" if channel == "mail" else "desk",
            source_ref=channel,
        )

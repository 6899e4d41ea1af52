"""``medbill acks import FILE...``: import 999 and 277CA acknowledgements."""

from __future__ import annotations

from pathlib import Path

import typer

from medbill.cli._django import console, setup

__all__ = ["app"]

app = typer.Typer(
    help="Clearinghouse and payer acknowledgements (999, 277CA).", no_args_is_help=True
)


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, help="999 or 277CA files."
    ),
    practice: str | None = typer.Option(None, "--practice", help="Practice short code."),
) -> None:
    """Import each file: claims move to accepted or rejected; rejections join the queue.

    A file imported before changes nothing; an error anywhere in a file changes
    nothing of it.
    """
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.web.claims_out.acks import import_acknowledgement
    from medbill.web.claims_out.models import ClaimWorkItem
    from medbill.web.practice.errors import ServiceError

    where = pick_practice(practice)
    failed = False
    for path in files:
        try:
            result = import_acknowledgement(None, where, path.read_bytes(), path.name)
        except ServiceError as exc:
            console.print(f"[red]error:[/red] {path.name}: {exc}")
            failed = True
            continue
        ack = result.ack
        if result.duplicate:
            when = f"{ack.imported_at:%Y-%m-%d %H:%M}"
            console.print(f"{path.name}: already imported ({ack.kind}, {when}); nothing changed")
            continue
        console.print(
            f"{path.name}: {ack.kind}, {len(result.accepted)} accepted, "
            f"{len(result.rejected)} rejected, {len(result.unknown)} not ours"
        )
        for item in ClaimWorkItem.objects.filter(ack=ack).select_related("claim"):
            console.print(
                f"  rejected {item.claim.patient_control_number}: {item.reason}",
                markup=False,
                highlight=False,
            )
    if failed:
        raise typer.Exit(1)

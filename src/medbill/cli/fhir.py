"""``medbill fhir import BUNDLE.json... --practice CODE``: FHIR R4 Bundles from a
practice's EHR (see docs/interfaces.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from medbill.cli._django import console, setup

__all__ = ["app"]

app = typer.Typer(help="FHIR R4 from the practice's EHR: import Bundles.", no_args_is_help=True)


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="Bundle JSON files."),
    practice: str = typer.Option(..., "--practice", help="Practice short code."),
) -> None:
    """Import each Bundle (transaction, batch, collection or searchset; a lone resource
    is taken as a bundle of one), all or nothing per file.

    Prints one line per file: imported (with counts), already imported, or held in the
    interface queue with every resource and element at fault, one per line. Exits 1 when
    any was held.
    """
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.web.interfaces.fhir_in import import_bundle

    where = pick_practice(practice)
    failed = False
    for path in files:
        outcome = import_bundle(where, path.read_bytes(), source="file")
        if outcome.status == "imported":
            words = (
                f"imported: {outcome.patients} patient(s), {outcome.visits} visit(s), "
                f"{outcome.notes} note(s), {outcome.claims} claim(s)"
            )
            if outcome.ignored:
                words += f"; not used: {', '.join(outcome.ignored)}"
        elif outcome.status == "duplicate":
            words = "already imported, nothing changed"
        else:
            failed = True
            count = len(outcome.problems)
            words = (
                f"held in the interface queue, nothing imported "
                f"({count} problem{'s' if count != 1 else ''}):"
            )
        console.print(f"{path.name}: {words}", markup=False, highlight=False, soft_wrap=True)
        for problem in outcome.problems:
            console.print(f"  {problem.text}", markup=False, highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)

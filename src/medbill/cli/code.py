"""``medbill code ...``: computer-assisted coding of a clinical note."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Suggest codes for clinical notes.", no_args_is_help=True)
console = Console()


@app.command("suggest")
def suggest(
    note: Path = typer.Argument(..., help="The clinical note, a UTF-8 text file ('-' = stdin)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    setting: str = typer.Option("outpatient", help="outpatient or inpatient."),
    encounter: str = typer.Option(
        None, help="Injury encounter when the note does not say: initial, subsequent, sequela."
    ),
    age: int = typer.Option(None, help="Patient age in years (preventive codes)."),
    new_patient: bool = typer.Option(
        None, "--new-patient/--established", help="New or established patient."
    ),
    sex: str = typer.Option(None, help="Patient sex: F or M (pregnancy and sex-specific codes)."),
    date_of_service: str = typer.Option(
        None, help="Date of service, YYYY-MM-DD: the ICD-10-CM release in force that day."
    ),
    assertion: str = typer.Option(
        "guidelines",
        help="guidelines (the Official Guidelines, for the claim) or mentions (every mention "
        "coded, as research corpora such as CodiEsp annotate).",
    ),
) -> None:
    """Suggest ICD-10-CM diagnoses, services and the E/M level, with evidence in the note.

    The first diagnosis is the first-listed one; only diagnoses with status "suggested" are
    what the engine would put on the claim, the rest are for review.
    """
    import sys
    from datetime import date

    from medbill.core.collector import collector_paused
    from medbill.core.suggest import SuggestEngine

    if str(note) == "-":
        text = sys.stdin.read()
    else:
        if not note.is_file():
            console.print(f"[red]error:[/red] {note}: no such file")
            raise typer.Exit(2)
        try:
            text = note.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            console.print(f"[red]error:[/red] {note}: not UTF-8 text")
            raise typer.Exit(2) from None
    if encounter not in (None, "initial", "subsequent", "sequela"):
        console.print("[red]error:[/red] --encounter: expected initial, subsequent or sequela")
        raise typer.Exit(2)
    if sex is not None and sex.upper() not in ("F", "M"):
        console.print("[red]error:[/red] --sex: expected F or M")
        raise typer.Exit(2)
    if assertion not in ("guidelines", "mentions"):
        console.print("[red]error:[/red] --assertion: expected guidelines or mentions")
        raise typer.Exit(2)
    dos = None
    if date_of_service:
        try:
            dos = date.fromisoformat(date_of_service)
        except ValueError:
            console.print("[red]error:[/red] --date-of-service: expected YYYY-MM-DD")
            raise typer.Exit(2) from None
    try:
        # the engine's tables are a few million objects made once and kept: the collector
        # would walk them again and again while they load, and at every full collection after
        with collector_paused(keep=True):
            engine = SuggestEngine.shared() if dos is None else SuggestEngine.for_date(dos)
        result = engine.suggest(
            text,
            setting=setting,
            encounter=encounter,
            patient_age=age,
            new_patient=new_patient,
            sex=sex.upper() if sex else None,
            date_of_service=dos,
            assertion=assertion,
        )
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    table = Table(title="Diagnoses (in reporting order)")
    for col in ("#", "code", "description", "score", "status", "evidence"):
        table.add_column(col)
    for i, d in enumerate(result.diagnoses, 1):
        ev = "; ".join(f"{e.start}-{e.end} '{e.text}'" for e in d.evidence[:2])
        table.add_row(str(i), d.code, d.description, f"{d.score:.2f}", d.status, ev)
    console.print(table)
    if result.procedures:
        table = Table(title="Services")
        for col in ("code", "units", "description", "evidence"):
            table.add_column(col)
        for p in result.procedures:
            ev = "; ".join(f"{e.start}-{e.end} '{e.text}'" for e in p.evidence[:2])
            table.add_row(p.code, str(p.units), p.description, ev)
        console.print(table)
    if result.em:
        mods = f" -{' -'.join(result.em.modifiers)}" if result.em.modifiers else ""
        console.print(
            f"E/M: {result.em.code or 'none'}{mods} ({result.em.basis}): {result.em.reason}"
        )
    for line in result.notes:
        console.print(f"note: {line}")

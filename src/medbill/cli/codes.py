"""``medbill codes ...``: look codes up, judge them for a date of service, and search."""

from __future__ import annotations

from datetime import date
from typing import overload

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from medbill.core.codesets import Icd10cmRelease, IcdCode, icd10cm, undot, validity

app = typer.Typer(help="Look up, validate and search codes.", no_args_is_help=True)
console = Console()

_NOTE_TITLES = (
    ("includes", "Includes"),
    ("excludes1", "Excludes1"),
    ("excludes2", "Excludes2"),
    ("code_first", "Code first"),
    ("use_additional", "Use additional code"),
    ("code_also", "Code also"),
)


@overload
def _dos(value: str) -> date: ...
@overload
def _dos(value: str | None) -> date | None: ...
def _dos(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--date"
        ) from None


def render_icd(code: IcdCode, release: Icd10cmRelease) -> Panel:
    """A Rich panel with everything the tabular says about one code."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    status = "billable" if code.billable else f"not billable ({code.kind})"
    grid.add_row("Status", status)
    grid.add_row("Release", code.release)
    if code.parent:
        parent = release.get(code.parent)
        grid.add_row("Parent", f"{parent.dotted}  {parent.description}" if parent else code.parent)
    if code.inclusion_terms:
        grid.add_row("Inclusion terms", "\n".join(code.inclusion_terms))
    for name, title in _NOTE_TITLES:
        notes = getattr(code, name)
        if notes:
            lines = [
                n if n.source == code.code else f"{n}  [dim](from {n.source})[/]" for n in notes
            ]
            grid.add_row(title, "\n".join(lines))
    if code.notes:
        grid.add_row("Notes", "\n".join(code.notes))
    if code.seventh_characters:
        table = "\n".join(f"{k}  {v}" for k, v in code.seventh_characters.items())
        grid.add_row("7th character", table)
        if code.needs_seventh:
            grid.add_row("", "[yellow]a 7th character is required; pad with X to six characters[/]")
    if code.has_placeholder:
        grid.add_row("Placeholder", "X fills the empty positions before the 7th character")
    if code.is_manifestation:
        grid.add_row("Manifestation", "code the underlying condition first")
    title = f"[bold]{code.dotted}[/]  {code.description}"
    return Panel(grid, title=title, title_align="left")


@app.command("show")
def show(
    code: str = typer.Argument(..., help="An ICD-10-CM code, with or without the dot."),
    on: str | None = typer.Option(
        None, "--date", help="Date of service (default: newest release)."
    ),
) -> None:
    """Print a code with its notes, inherited notes and 7th characters."""
    dos = _dos(on)
    release = icd10cm(dos)
    found = release.get(code)
    if found is None:
        console.print(f"[red]{code}[/] is not in ICD-10-CM {icd10cm(dos).name}")
        if dos is not None:
            console.print(validity(code, dos).note)
        raise typer.Exit(1)
    console.print(render_icd(found, release))
    if not found.billable and found.kind == "code":
        children = icd10cm(dos).children(undot(code))
        below = [child.dotted for c in children if (child := release.get(c)) is not None]
        console.print("Codes below it: " + ", ".join(below))


@app.command("validity")
def validity_command(
    code: str = typer.Argument(...),
    on: str = typer.Option(..., "--date", help="Date of service (YYYY-MM-DD)."),
) -> None:
    """Say whether a code may be reported on a date of service, and what replaced it if not."""
    result = validity(code, _dos(on))
    color = "green" if result.ok else "red"
    console.print(f"[{color}]{result.status}[/] {code} on {on} ({result.release or 'no release'})")
    if result.description:
        console.print(result.description)
    if result.successors:
        console.print("Use instead: " + ", ".join(result.successors))
    if result.note:
        console.print(f"[dim]{result.note}[/]")
    if not result.ok:
        raise typer.Exit(1)


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help="Words, abbreviations or a code (prefix)."),
    system: list[str] = typer.Option(
        None, "--system", "-s", help="icd10cm, hcpcs, cpt, modifier or pos (repeatable)."
    ),
    on: str | None = typer.Option(None, "--date", help="Only codes valid on this date of service."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=200),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
    practice: str = typer.Option(
        None, "--practice", help="Also search this practice's fee schedule (its short code)."
    ),
) -> None:
    """Search ICD-10-CM, HCPCS, practice CPT, modifiers and places of service."""
    import json

    from medbill.core.codesets.search import SYSTEMS, search

    unknown = [s for s in system or () if s not in SYSTEMS]
    if unknown:
        raise typer.BadParameter(f"unknown system {unknown[0]!r}", param_hint="--system")
    extra = None
    if practice is not None:
        from medbill.cli._django import setup

        setup(development=True)
        from medbill.cli.era import pick_practice
        from medbill.web.coding.codesets import practice_search_index

        extra = practice_search_index(pick_practice(practice).pk)
    hits = search(query, systems=system or None, dos=_dos(on), limit=limit, extra=extra)
    if as_json:
        typer.echo(json.dumps([h.to_json() for h in hits], indent=2))
        return
    if not hits:
        console.print("no codes found")
        raise typer.Exit(1)
    trails = any(hit.trail for hit in hits)
    columns = ["code", "system", "description", "billable", "score", "matched"]
    table = Table(*columns, *(["Index trail"] if trails else []))
    for hit in hits:
        row = [
            hit.code,
            hit.system,
            hit.description,
            "yes" if hit.billable else "no",
            f"{hit.score:.2f}",
            ", ".join(hit.matched),
        ]
        table.add_row(*row, *([hit.trail] if trails else []))
    console.print(table)

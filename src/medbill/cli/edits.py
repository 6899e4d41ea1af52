"""``medbill edits ...``: the claim edit registry and its reference page."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from medbill.core.scrubber import REGISTRY
from medbill.core.scrubber.docs import citation_pattern, render_markdown

app = typer.Typer(help="List the claim edits and write their reference page.", no_args_is_help=True)
console = Console()
DOCS = Path(__file__).resolve().parents[3] / "docs" / "edits.md"


@app.command("list")
def list_edits(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    select: str = typer.Option("", "--select", help="Only codes starting with this prefix."),
) -> None:
    """Every registered edit: code, slug, kind, severity and what it cites."""
    edits = [e for e in REGISTRY if e.code.startswith(select)]
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "code": e.code,
                        "slug": e.slug,
                        "kind": e.kind,
                        "severity": e.severity,
                        "family": e.family,
                        "default": e.default,
                        "citation": e.citation,
                        "mechanical_fix": e.mechanical_fix or None,
                    }
                    for e in edits
                ],
                indent=2,
            )
        )
        return
    table = Table("code", "slug", "kind", "severity", "cites", expand=False)
    for e in edits:
        sev = e.severity + ("" if e.default else " (opt-in)")
        table.add_row(e.code, e.slug, e.kind, sev, citation_pattern(e.citation))
    console.print(table)


@app.command("docs")
def write_docs(
    out: Path = typer.Option(DOCS, "--out", help="Where to write the page."),
    check: bool = typer.Option(False, "--check", help="Fail if the page is out of date."),
) -> None:
    """Write docs/edits.md from the registry (or check that it is current)."""
    text = render_markdown()
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            console.print(f"[red]{out} is out of date; run `medbill edits docs`[/]")
            raise typer.Exit(1)
        console.print(f"{out} is current")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out} ({len(REGISTRY)} edits)")

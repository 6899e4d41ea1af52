"""``medbill codesets import {mue,aoc,ptp,mce} FILE``: the scrubber's CMS edit tables."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from medbill.cli.codesets import import_app
from medbill.core.scrubber.build import import_and_store
from medbill.core.scrubber.importers import ImportError_

console = Console()

_HELP = {
    "mue": "Practitioner MUE table (CMS CSV, or the JSON conversion).",
    "aoc": "NCCI add-on code edits (CMS file, or the JSON conversion).",
    "ptp": "NCCI practitioner PTP edits (CMS tab-separated text).",
    "mce": "Medicare Code Editor diagnosis lists (FY JSON or simple-code-edits text).",
}


def _command(kind: str) -> None:
    def run(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, help=_HELP[kind]),
        quarter: str = typer.Option(
            None,
            "--quarter",
            help="Release name (2026Q2; FY2026 for MCE) when the file name does not tell it.",
        ),
    ) -> None:
        try:
            table, _ = import_and_store(kind, file, quarter)
        except (ImportError_, ValueError) as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(1) from None
        size = {"mue": "values", "aoc": "addons", "ptp": "pairs", "mce": "lists"}[kind]
        console.print(
            f"imported {kind} {table.quarter} (effective "
            f"{table.effective_from}): {len(getattr(table, size))} {size}"
        )

    run.__doc__ = _HELP[kind]
    import_app.command(kind)(run)


for _kind in _HELP:
    _command(_kind)

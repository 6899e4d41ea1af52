"""``medbill codesets ...``: build and import reference code sets into ``data_dir()``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from medbill.connect.packages import pip_download
from medbill.core.codesets import import_tabular, releases
from medbill.core.codesets.build import build as run_build
from medbill.core.codesets.build import steps

app = typer.Typer(help="Build and import reference code sets.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import a code-set file published by CMS or X12.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
console = Console()


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


@app.command("build")
def build_command(
    only: list[str] = typer.Option(None, "--only", help="Run only these steps."),
    no_download: bool = typer.Option(False, "--no-download", help="Never call pip download."),
) -> None:
    """Build every prebuilt reference file (ICD-10-CM releases, HCPCS, edits) under data_dir()."""
    with console.status("building code sets") as status:
        fetch = None if no_download else pip_download
        results = run_build(only, fetch=fetch, report=status.update)
    failed = False
    for result in results:
        mark = "[green]ok[/]" if result.ok else "[red]failed[/]"
        console.print(f"{mark} {result.name}: {result.summary}")
        failed |= not result.ok
    if failed:
        raise typer.Exit(1)


@app.command("steps")
def steps_command() -> None:
    """List the registered build steps."""
    for name in steps():
        console.print(name)


@app.command("releases")
def releases_command() -> None:
    """List the ICD-10-CM releases built, with their effective windows."""
    table = Table("release", "effective from", "effective to", "source")
    for info in releases():
        table.add_row(
            info.name, str(info.effective_from), str(info.effective_to or "open"), info.source
        )
    console.print(table)


@import_app.command("icd10cm")
def import_icd10cm(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CMS tabular XML file."),
    release: str = typer.Option(..., "--release", help="Name, e.g. FY2027."),
    effective_from: str = typer.Option(..., "--effective-from", help="First date of service."),
    effective_to: str = typer.Option(None, "--effective-to", help="Last date of service."),
) -> None:
    """Add an ICD-10-CM release from the tabular XML CMS publishes each year."""
    start = _date(effective_from, "--effective-from")
    end = _date(effective_to, "--effective-to") if effective_to else None
    if end is not None and end < start:
        raise typer.BadParameter("ends before it starts", param_hint="--effective-to")
    from medbill.core.codesets.search import build_search_index

    try:
        info = import_tabular(file, release, start, end)
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None
    build_search_index()
    console.print(f"imported ICD-10-CM {info.name} ({info.effective_from}..{info.effective_to})")


@import_app.command("icd10cm-addenda")
def import_icd10cm_addenda_command(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="Addenda CSV: code,action,effective,description."
    ),
) -> None:
    """Add ICD-10-CM codes added or deleted between October releases, each valid from its
    own effective date (for example U07.1 from 2020-04-01)."""
    from medbill.core.codesets import AddendaError, import_icd10cm_addenda

    try:
        summary = import_icd10cm_addenda(file)
    except (AddendaError, UnicodeDecodeError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None
    console.print(f"imported {summary}")


from medbill.cli import codesets_ncci  # noqa: E402,F401 - registers `import mue/aoc/ptp/mce`


@import_app.command("hcpcs")
def import_hcpcs(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CMS HCPCS xlsx or txt."),
    database: bool = typer.Option(True, "--db/--no-db", help="Also load it into the database."),
) -> None:
    """Import the CMS quarterly HCPCS Level II file (Excel or fixed-width text)."""
    from medbill.core.codesets.build import import_hcpcs_file
    from medbill.core.codesets.hcpcs import HcpcsFormatError, read_hcpcs
    from medbill.core.codesets.search import build_search_index

    try:
        codes = read_hcpcs(file)
        console.print(import_hcpcs_file(file, force=True))
    except HcpcsFormatError as exc:
        console.print(f"[red]error:[/] {file.name}: {exc}")
        raise typer.Exit(1) from None
    build_search_index()
    if database:
        from medbill.cli._django import setup

        setup(development=True)
        from medbill.web.coding.codesets import import_hcpcs_rows

        counts = import_hcpcs_rows(codes, file.name)
        console.print(f"database: {counts}")


@import_app.command("cpt")
def import_cpt(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Licensed CPT CSV."),
) -> None:
    """Import a CPT file your practice licenses (kept under the data folder only).

    Columns: code, description, and optionally effective_from, effective_to.
    """
    from medbill.core.codesets.cpt import CptFileError, import_licensed_cpt
    from medbill.core.codesets.search import build_search_index

    try:
        count = import_licensed_cpt(file)
    except CptFileError as exc:
        console.print(f"[red]error:[/] {file.name}: {exc}")
        raise typer.Exit(1) from None
    build_search_index()
    console.print(f"CPT: {count} codes from {file.name}")


def _import_adjustments(kind: str, file: Path) -> None:
    from medbill.core.codesets._adjustments import AdjustmentCsvError, import_adjustment_csv

    try:
        count = import_adjustment_csv(kind, file)
    except AdjustmentCsvError as exc:
        console.print(f"[red]error:[/] {file.name}: {exc}")
        raise typer.Exit(1) from None
    console.print(f"{kind.upper()}: {count} codes from {file.name}")


@import_app.command("carc")
def import_carc(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import the full claim adjustment reason code list (CSV: code, description)."""
    _import_adjustments("carc", file)


@import_app.command("rarc")
def import_rarc(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import the full remittance advice remark code list (CSV: code, description)."""
    _import_adjustments("rarc", file)

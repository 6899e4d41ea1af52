"""``medbill demo seed`` and ``medbill demo run``: the demo practice, end to end.

Both commands need no configuration: the embedded SQLite database under ``var/`` unless
``DATABASE_URL`` says otherwise, and a secret key of their own kept in the data directory.
DEBUG stays off (error pages show no patient data) unless ``MEDBILL_DEBUG=1`` is set.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from medbill.cli._django import console, setup

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["app"]

app = typer.Typer(
    help="The demo practice: generate it, and run the revenue cycle over it.", no_args_is_help=True
)

SEED_HELP = "Random seed; the same seed always gives the same practice."
START_HELP = "First Monday of the two weeks of visits (YYYY-MM-DD)."


def _start(value: str | None) -> dt.date:
    from medbill.web.demo.generate import DEFAULT_START

    if not value:
        return DEFAULT_START
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"--start: not a date (YYYY-MM-DD): {value!r}") from None
    if day.weekday() != 0:
        raise typer.BadParameter(f"--start: {value} is a {day:%A}; give a Monday")
    return day


def _progress() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _users_table() -> Table:
    from medbill.web.demo.seed import demo_users

    table = Table(title="Demo users (sign in at /login/)")
    for col in ("username", "password", "role", "practices"):
        table.add_column(col)
    for u in demo_users():
        table.add_row(u["username"], u["password"], u["role"], u["practices"])
    return table


def _seed(seed: int, start: dt.date) -> Any:
    from medbill.cli.migrate import migrate_database
    from medbill.web.demo.seed import DemoSeedError
    from medbill.web.demo.seed import seed as write_seed

    migrate_database()
    steps = 6
    with _progress() as progress:
        task = progress.add_task("seeding the demo practice", total=steps)

        def step(label: str) -> None:
            progress.update(task, description=f"seed: {label}", advance=1)

        try:
            result = write_seed(seed, start, progress=step)
        except DemoSeedError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        progress.update(task, description="seed: done", completed=steps)
    return result


@app.command("seed")
def seed_command(
    seed: int = typer.Option(None, help=SEED_HELP),
    start: str = typer.Option(None, help=START_HELP),
) -> None:
    """Replace the database's demo data with a freshly generated demo practice."""
    setup(development=True)
    from medbill.web.demo.generate import DEFAULT_SEED, digest
    from medbill.web.demo.seed import database_digest

    seed = DEFAULT_SEED if seed is None else seed
    result = _seed(seed, _start(start))
    counts = Table(title=f"Demo practice, seed {seed}")
    counts.add_column("rows")
    counts.add_column("count", justify="right")
    for name, value in result.counts.items():
        counts.add_row(name, str(value))
    console.print(counts)
    console.print(_users_table())
    console.print(f"data digest {digest(result.data)}", soft_wrap=True)
    console.print(f"database digest {database_digest()}", soft_wrap=True)


@app.command("run")
def run_command(
    out: Path = typer.Option(Path("demo-out"), help="Where the stages write their files."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the app afterwards."),
    seed: int = typer.Option(None, help=SEED_HELP),
    start: str = typer.Option(None, help=START_HELP),
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, help="Port to serve on."),
) -> None:
    """Seed the demo practice, run every stage of the revenue cycle, write demo-out/."""
    if serve and host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::"):
        from medbill.web.localkey import LOCAL_HOSTS

        os.environ.setdefault("ALLOWED_HOSTS", ",".join((*LOCAL_HOSTS, host)))
    setup(development=True)
    from medbill.cli.migrate import migrate_database
    from medbill.web.demo.generate import DEFAULT_SEED
    from medbill.web.demo.stages import (
        STAGES,
        StageContext,
        StageError,
        clear_previous_run,
        run_stages,
    )

    seed = DEFAULT_SEED if seed is None else seed
    first_day = _start(start)
    migrate_database()
    out.mkdir(parents=True, exist_ok=True)
    clear_previous_run(out)
    with _progress() as progress:
        overall = progress.add_task("demo", total=len(STAGES))

        def track(items: Iterable[Any], label: str, total: int | None) -> Iterator[Any]:
            if total is None and hasattr(items, "__len__"):
                total = len(items)  # type: ignore[arg-type]
            task = progress.add_task(f"  {label}", total=total)
            for item in items:
                yield item
                progress.advance(task)
            progress.remove_task(task)

        order = [name for name, _ in STAGES]

        def on_start(name: str) -> None:
            progress.update(overall, description=f"stage: {name}", completed=order.index(name))

        ctx = StageContext(out=out, seed=seed, start=first_day, progress=track)
        try:
            runs = run_stages(ctx, on_start=on_start)
        except StageError as exc:
            cause = exc.__cause__
            if cause is not None:
                from rich.traceback import Traceback

                console.print(Traceback.from_exception(type(cause), cause, cause.__traceback__))
            console.print(f"[red]error:[/red] {exc}")
            console.print(f"partial summary written to {out / 'summary.md'}")
            raise typer.Exit(1) from None
        progress.update(overall, description="demo: all stages done", completed=len(STAGES))
    if not console.is_terminal:  # a log file or CI: no terminal width to fit
        console.width = max(console.width, 140)
    table = Table(title=f"medbill demo — seed {seed}")
    for col, justify in (
        ("stage", "left"),
        ("item", "left"),
        ("count", "right"),
        ("detail", "left"),
        ("file", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in runs:
        for row in r.rows:
            table.add_row(row.stage, row.item, str(row.count), row.detail, row.path)
    console.print(table)
    console.print(_users_table())
    console.print(f"summary: {out / 'summary.md'} and {out / 'summary.json'}")
    if serve:
        from medbill.cli.serve import run_server
        from medbill.web.frontdesk.demo import serve_payer_simulator

        # The payer answers eligibility checks made in the browser; it stops with the server.
        sim = serve_payer_simulator(host)
        console.print(f"payer simulator for eligibility checks at [bold]{sim.url}[/bold]")
        try:
            run_server(host, port)
        finally:
            sim.stop()

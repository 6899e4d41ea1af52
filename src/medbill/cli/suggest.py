"""``medbill suggest ...``: learn the suggestion model from coded notes."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="Train and inspect the code suggestion model.", no_args_is_help=True)
console = Console()


@app.command("train")
def train_model(
    folder: Path = typer.Argument(
        None,
        help="A folder laid out like CodiEsp's train split: <split>D.tsv and text_files_en/.",
    ),
    from_db: bool = typer.Option(
        False, "--from-db", help="Learn from the practice's coded visits in the database."
    ),
    practice: int = typer.Option(None, help="Only this practice's visits (with --from-db)."),
    output: Path = typer.Option(None, help="Where to write the model (default: data dir)."),
    folds: int = typer.Option(5, min=2, max=10, help="Cross-validation folds for the ranker."),
) -> None:
    """Learn phrase statistics and the ranker from (note, codes) pairs and save the model."""
    from medbill.core.suggest import (
        CorpusError,
        SuggestEngine,
        model_path,
        read_codiesp,
        save_model,
        train,
    )

    if (folder is None) == (not from_db):
        console.print("[red]error:[/red] give a FOLDER or --from-db (one of them)")
        raise typer.Exit(2)
    engine = SuggestEngine.load(learned=False)
    if from_db:
        from medbill.cli._django import setup

        setup()
        from medbill.web.coding.training import coded_notes

        notes = coded_notes(engine.release, practice)
        source = "database" + (f" (practice {practice})" if practice else "")
    else:
        try:
            notes = read_codiesp(folder, engine.release)
        except CorpusError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        source = str(folder)
    if len(notes) < folds * 2:
        console.print(f"[red]error:[/red] {len(notes)} coded notes; need at least {folds * 2}")
        raise typer.Exit(2)
    with console.status("training") as status:
        model = train(notes, engine=engine, folds=folds, source=source, progress=status.update)
    path = save_model(model, output or model_path())
    meta = model.meta
    console.print(
        f"learned from {meta['notes']} notes in {meta['seconds']} s; "
        f"cross-validated micro-F1 {meta['cv_micro_f1']:.3f} at threshold {model.threshold:.3f}"
    )
    console.print(f"model written to {path}")


@app.command("info")
def info() -> None:
    """Show the trained model in use, if any."""
    from medbill.core.suggest import load_model, model_path

    model = load_model(model_path())
    if model is None:
        console.print(f"no trained model at {model_path()}; the dictionary alone is used")
        raise typer.Exit(0)
    for key, value in model.meta.items():
        console.print(f"{key}: {value}")
    console.print(f"threshold: {model.threshold:.3f}")

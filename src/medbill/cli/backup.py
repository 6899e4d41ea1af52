"""``medbill backup`` and ``medbill restore``: the database and the documents, checked.

Both connect as the owner of the tables (``DATABASE_OWNER_URL`` when set), as migrations do.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from medbill.cli._django import console, setup

__all__ = ["backup_command", "restore_command"]


def backup_command(
    out: Path = typer.Option(
        None, "--out", help="Folder to write into (default: <data dir>/backups)."
    ),
) -> None:
    """Back up the database and the data directory's documents into a new dated folder."""
    setup(owner=True)
    from medbill.core.paths import data_dir
    from medbill.web.backup import BackupError, backup

    target = out or data_dir() / "backups"
    try:
        folder = backup(target, data_dir())
    except (BackupError, OSError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"backup written: {folder}", highlight=False)


def restore_command(
    folder: Path = typer.Argument(..., exists=True, file_okay=False, help="A backup folder."),
    database_url: str = typer.Option(
        None,
        "--database-url",
        help="The empty database to restore into (default: DATABASE_OWNER_URL, else DATABASE_URL).",
    ),
) -> None:
    """Restore a backup into an empty database and check its ledger and audit trail."""
    from medbill.core.paths import data_dir
    from medbill.web.backup import BackupError, restore

    url = (
        database_url
        or os.environ.get("DATABASE_OWNER_URL", "").strip()
        or os.environ.get("DATABASE_URL", "").strip()
    )
    if not url:
        url = f"sqlite:///{data_dir() / 'medbill.sqlite3'}"
    try:
        totals = restore(folder, url, data_dir())
    except (BackupError, OSError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(
        f"restored and checked: {totals.ledger_entries} ledger entries totalling "
        f"{totals.ledger_total}, {totals.audit_events} audit events, "
        f"{totals.claims} claims, {totals.patients} patients",
        highlight=False,
    )

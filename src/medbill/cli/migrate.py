"""``medbill migrate``: create or update the database tables."""

from __future__ import annotations

import typer

from medbill.cli._django import console, setup

__all__ = ["migrate", "migrate_database"]


def migrate_database(verbose: bool = False) -> int:
    """Apply every unapplied migration; returns how many were applied."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    with console.status(f"applying {len(plan)} migration(s) to {connection.vendor} …"):
        call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    return len(plan)


def migrate(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List each migration."),
) -> None:
    """Create or update the database tables (DATABASE_URL, or the embedded SQLite file)."""
    setup()
    from django.db import connection

    applied = migrate_database(verbose)
    name = connection.settings_dict["NAME"]
    console.print(f"{applied} migration(s) applied to {connection.vendor} {name}", soft_wrap=True)

"""``medbill migrate``: create or update the database tables.

With ``DATABASE_OWNER_URL`` set it connects as the owner of the tables (``DATABASE_URL``
is then the app's role, which owns nothing); with ``MEDBILL_APP_DB_ROLE`` set it grants
that role its privileges again afterwards, so new tables are usable and append-only ones
stay append-only (``medbill db grant-app-role``).
"""

from __future__ import annotations

import os

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
    role = os.environ.get("MEDBILL_APP_DB_ROLE", "").strip()
    if role:
        grant_after_migrating(role)
    return len(plan)


def grant_after_migrating(role: str) -> None:
    """Re-grant the app's role (PostgreSQL); on SQLite say why nothing was done."""
    from django.db import connection

    from medbill.cli.db import report_grants
    from medbill.web.practice.dbroles import AppRoleError, grant_app_role

    if connection.vendor != "postgresql":
        console.print(
            f"MEDBILL_APP_DB_ROLE={role} ignored: {connection.vendor} has no database roles"
        )
        return
    try:
        grants = grant_app_role(role)
    except AppRoleError as exc:
        console.print(f"[red]error:[/red] MEDBILL_APP_DB_ROLE: {exc}")
        raise typer.Exit(2) from None
    report_grants(grants)


def migrate(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List each migration."),
) -> None:
    """Create or update the database tables (DATABASE_OWNER_URL if set, else DATABASE_URL,
    else the embedded SQLite file); re-grant MEDBILL_APP_DB_ROLE afterwards if set."""
    setup(owner=True)
    from django.db import connection

    applied = migrate_database(verbose)
    name = connection.settings_dict["NAME"]
    console.print(f"{applied} migration(s) applied to {connection.vendor} {name}", soft_wrap=True)

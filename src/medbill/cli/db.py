"""``medbill db grant-app-role --role NAME``: the PostgreSQL role the app connects as.

Run it as the owner of the tables (``DATABASE_OWNER_URL``, else ``DATABASE_URL``), after
``medbill migrate`` (which does it for you when ``MEDBILL_APP_DB_ROLE`` is set). It is
safe to run any number of times.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from medbill.cli._django import console, setup

__all__ = ["app", "report_grants"]

app = typer.Typer(help="Database roles and privileges (PostgreSQL).", no_args_is_help=True)


def report_grants(grants: Any) -> None:
    """One line per kind of table: what the role may do and on how many tables."""
    from medbill.web.practice.dbroles import APPEND_ONLY, ORDINARY, READ_ONLY

    table = Table(title=f"privileges of {grants.role} in schema {grants.schema}")
    table.add_column("privileges")
    table.add_column("tables", justify="right")
    table.add_column("which")
    for privileges, show in ((ORDINARY, False), (APPEND_ONLY, True), (READ_ONLY, True)):
        names = grants.tables_with(privileges)
        table.add_row(", ".join(privileges), str(len(names)), ", ".join(names) if show else "")
    table.add_row("USAGE (sequences)", str(grants.sequences), "")
    console.print(table)


@app.command("grant-app-role")
def grant_app_role_command(
    role: str = typer.Option(..., "--role", help="The role the app connects as (it must exist)."),
) -> None:
    """Grant the app's role what it needs and no more: append-only tables get SELECT and
    INSERT only, and the role owns nothing, so it cannot TRUNCATE or disable triggers."""
    setup(owner=True)
    from medbill.web.practice.dbroles import AppRoleError, grant_app_role

    try:
        grants = grant_app_role(role)
    except AppRoleError as exc:
        console.print(f"[red]error:[/red] --role: {exc}")
        raise typer.Exit(2) from None
    report_grants(grants)

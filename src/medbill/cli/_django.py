"""Start Django for commands that need the database (the rest of the CLI stays Django-free)."""

from __future__ import annotations

import os

import typer
from rich.console import Console

__all__ = ["console", "setup"]

console = Console()


def setup(development: bool = False, owner: bool = False) -> None:
    """Set Django up; ``development`` lets the demo run without a SECRET_KEY of its own.

    ``owner`` (migrations, grants) connects with ``DATABASE_OWNER_URL`` when it is set:
    the owner of the tables, where ``DATABASE_URL`` names the app's own role, which owns
    nothing (see ``medbill.web.practice.dbroles``). Configuration errors (a missing
    SECRET_KEY, a bad DATABASE_URL) end the command with the settings' own message
    instead of a traceback.
    """
    from django.core.exceptions import ImproperlyConfigured

    from medbill.web import bootstrap

    owner_url = os.environ.get("DATABASE_OWNER_URL", "").strip()
    if owner and owner_url:
        # Settings read DATABASE_URL once, when Django starts, which is just below.
        os.environ["DATABASE_URL"] = owner_url

    try:
        bootstrap(development=development)
    except ImproperlyConfigured as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None

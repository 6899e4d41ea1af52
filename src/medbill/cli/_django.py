"""Start Django for commands that need the database (the rest of the CLI stays Django-free)."""

from __future__ import annotations

import typer
from rich.console import Console

__all__ = ["console", "setup"]

console = Console()


def setup(development: bool = False) -> None:
    """Set Django up; ``development`` lets the demo run without a SECRET_KEY of its own.

    Configuration errors (a missing SECRET_KEY, a bad DATABASE_URL) end the command with
    the settings' own message instead of a traceback.
    """
    from django.core.exceptions import ImproperlyConfigured

    from medbill.web import bootstrap

    try:
        bootstrap(development=development)
    except ImproperlyConfigured as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None

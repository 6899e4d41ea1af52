"""``medbill serve``: the web application on a local port."""

from __future__ import annotations

import typer

from medbill.cli._django import console, setup

__all__ = ["serve", "run_server"]


def run_server(host: str, port: int) -> None:
    """Serve the app with Django's threaded server until interrupted (Ctrl+C)."""
    from django.core.management import call_command

    console.print(f"serving medbill at [bold]http://{host}:{port}/[/bold] (Ctrl+C stops)")
    call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the web app and API. For production behind a proxy, run a WSGI server on
    medbill.web.wsgi:application instead."""
    setup()
    run_server(host, port)

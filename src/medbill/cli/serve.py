"""``medbill serve``: the web application on a local port; ``--production`` with gunicorn."""

from __future__ import annotations

import os
import sys
import tempfile

import typer

from medbill.cli._django import console, setup

__all__ = ["production_problems", "run_server", "serve"]


def run_server(host: str, port: int) -> None:
    """Serve the app with Django's threaded server until interrupted (Ctrl+C)."""
    from django.core.management import call_command

    console.print(f"serving medbill at [bold]http://{host}:{port}/[/bold] (Ctrl+C stops)")
    call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)


def production_problems(env: dict[str, str]) -> list[str]:
    """What keeps ``env`` from serving production, one line each (empty: ready)."""
    problems = []
    if not env.get("SECRET_KEY", "").strip():
        problems.append(
            "SECRET_KEY is not set (50+ random characters; see deploy/medbill.env.example)"
        )
    if not env.get("ALLOWED_HOSTS", "").strip():
        problems.append("ALLOWED_HOSTS is not set (the host names this server answers to)")
    if not env.get("DATABASE_URL", "").strip():
        problems.append("DATABASE_URL is not set (production needs a real database server)")
    if env.get("MEDBILL_DEBUG", "").strip().lower() in ("1", "true", "yes", "on"):
        problems.append("MEDBILL_DEBUG is on; production never runs with DEBUG")
    return problems


def _workers(requested: int | None) -> int:
    if requested:
        return requested
    return 2 * (os.cpu_count() or 1) + 1


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    production: bool = typer.Option(
        False,
        "--production",
        help="Serve with gunicorn (DEBUG off, collected and compressed static files); needs "
        "SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.",
    ),
    workers: int = typer.Option(
        None, "--workers", min=1, help="gunicorn worker processes (default 2 x CPUs + 1)."
    ),
) -> None:
    """Serve the web app and API: Django's development server, or gunicorn with
    --production (put nginx or another proxy with TLS in front, see docs/deploy.md)."""
    if not production:
        setup()
        run_server(host, port)
        return
    problems = production_problems(dict(os.environ))
    if problems:
        for problem in problems:
            console.print(f"[red]error:[/red] {problem}", highlight=False)
        raise typer.Exit(2)
    from medbill.core.paths import data_dir

    os.environ.setdefault("MEDBILL_STATIC_ROOT", str(data_dir() / "static"))
    setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    # gunicorn's workers are separate processes: /metrics adds up what each has counted.
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="medbill-metrics-")
    count = _workers(workers)
    console.print(
        f"serving medbill with gunicorn ({count} workers) at http://{host}:{port}/", highlight=False
    )
    sys.stdout.flush()
    # gunicorn writes no access log: request lines can hold names in search queries and
    # kiosk codes in paths. The proxy in front keeps its own (see docs/deploy.md).
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "medbill.web.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(count),
        "--timeout",
        "120",
        "--graceful-timeout",
        "30",
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--config",
        "python:medbill.web.gunicorn_conf",
        "--forwarded-allow-ips",
        os.environ.get("MEDBILL_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    os.execv(sys.executable, args)

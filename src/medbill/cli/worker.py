"""``medbill worker``: a Celery worker that runs background jobs from the broker."""

from __future__ import annotations

import typer

from medbill.cli._django import console, setup

__all__ = ["worker"]


def worker(
    concurrency: int = typer.Option(
        0, "--concurrency", "-c", help="Worker processes (0: one per CPU)."
    ),
    queues: str = typer.Option(
        "", "--queues", "-Q", help="Comma-separated queues to consume (default: celery)."
    ),
    loglevel: str = typer.Option("info", "--loglevel", "-l", help="debug, info, warning …"),
    pool: str = typer.Option("prefork", help="prefork, threads or solo."),
    hostname: str = typer.Option("", "--hostname", "-n", help="Node name (default: medbill@host)."),
) -> None:
    """Start a worker for the broker in CELERY_BROKER_URL (Redis or RabbitMQ)."""
    setup()
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        console.print(
            "[red]error:[/red] CELERY_BROKER_URL is not set, so tasks run in-process and a "
            "worker has nothing to do. Set it to redis://127.0.0.1:6379/0 or "
            "amqp://guest:guest@127.0.0.1:5672// and start the worker again."
        )
        raise typer.Exit(2)
    from medbill.web.worker import app

    argv = ["worker", f"--loglevel={loglevel}", f"--pool={pool}"]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    if queues:
        argv.append(f"--queues={queues}")
    argv.append(f"--hostname={hostname or 'medbill@%h'}")
    app.worker_main(argv)

"""``medbill check`` and ``medbill security …``: deployment checks, lockouts, lost phones."""

from __future__ import annotations

import typer
from rich.table import Table

from medbill.cli._django import console, setup

__all__ = ["app", "check"]

app = typer.Typer(
    help="Sign-in security: lockouts after failed sign-ins, two-factor resets.",
    no_args_is_help=True,
)


def check(
    deploy: bool = typer.Option(
        False, "--deploy", help="Also run the checks for a production deployment."
    ),
) -> None:
    """Check the configuration (Django's checks and medbill's); warnings fail too."""
    setup()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        typer.echo(str(exc))  # plain: the hints hold shell commands to copy
        raise typer.Exit(1) from None


@app.command("lockouts")
def list_lockouts() -> None:
    """Usernames and addresses with failed sign-ins on record."""
    setup()
    from axes.models import AccessAttempt
    from django.conf import settings

    table = Table(title=f"Failed sign-ins (locked at {settings.AXES_FAILURE_LIMIT})")
    for col in ("username", "address", "failures", "last attempt"):
        table.add_column(col)
    for a in AccessAttempt.objects.order_by("-attempt_time"):
        table.add_row(
            a.username or "",
            a.ip_address or "",
            str(a.failures_since_start),
            f"{a.attempt_time:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@app.command("unlock")
def unlock(
    username: str = typer.Option(None, help="Unlock this username."),
    ip: str = typer.Option(None, help="Unlock this client address."),
) -> None:
    """Clear failed sign-ins so a locked-out user (or address) can sign in again."""
    if not username and not ip:
        raise typer.BadParameter("give --username or --ip")
    setup()
    from axes.utils import reset

    from medbill.web.practice.auth_audit import record_auth_event

    count = 0
    if username:
        count += reset(username=username)
    if ip:
        count += reset(ip=ip)
    record_auth_event("unlock", username or "", source="cli", address=ip or "")
    console.print(f"cleared {count} lockout record(s)")


@app.command("reset-mfa")
def reset_mfa(username: str = typer.Argument(..., help="Whose devices to remove.")) -> None:
    """Remove a user's authenticator and recovery codes (a lost phone); they enrol again."""
    setup()
    from django.contrib.auth import get_user_model
    from django_otp import devices_for_user

    from medbill.web.practice.auth_audit import record_auth_event

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        console.print(f"[red]error:[/red] no user {username!r}")
        raise typer.Exit(2)
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    record_auth_event("mfa_off", username, user, source="cli")
    console.print(f"removed {removed} device(s) of {username}; they set up two-factor again")

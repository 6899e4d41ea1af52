"""``medbill hl7 import FILE... --practice CODE`` and ``medbill hl7 listen``: HL7 v2
messages from a practice's EHR (see docs/interfaces.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from medbill.cli._django import console, setup

__all__ = ["app"]

REPORT_EVERY = 200  # messages between flushes to disk (and lines printed)

app = typer.Typer(
    help="HL7 v2 from the practice's EHR: import files, listen on MLLP.", no_args_is_help=True
)


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="HL7 v2 files."),
    practice: str = typer.Option(..., "--practice", help="Practice short code."),
) -> None:
    """Take every message of each file (one or many per file; CR, LF or CRLF).

    Prints one line per message with its control id (MSH-10): accepted, already received
    (the same message again), held with the reason (fix and replay it in the interface
    queue), or refused. Exits 1 when any was held or refused. Messages are committed one
    by one; what is printed is on disk (each batch of lines follows one flush to disk).
    """
    setup(development=True)
    from medbill.cli.era import pick_practice
    from medbill.core.hl7 import HL7ParseError, split_messages
    from medbill.web.interfaces.services import flush, receive

    where = pick_practice(practice)
    failed = False
    lines: list[str] = []

    def report() -> None:
        flush()
        for line in lines:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        lines.clear()

    try:
        for path in files:
            try:
                texts = split_messages(path.read_bytes())
            except HL7ParseError as exc:
                lines.append(f"{path.name}: refused: {exc}")
                failed = True
                continue
            for text in texts:
                outcome = receive(where, text, source="file", durable=False)
                control = outcome.message.control_id if outcome.message else "?"
                kind = "^".join(outcome.message.message_type) if outcome.message else "?"
                if outcome.code == "AA":
                    words = (
                        "already received, not applied again" if outcome.duplicate else "accepted"
                    )
                    lines.append(f"{path.name}: {kind} {control}: {words}")
                else:
                    failed = True
                    words = "held" if outcome.code == "AE" else "refused"
                    reasons = "; ".join(p.text for p in outcome.problems) or outcome.error
                    lines.append(f"{path.name}: {kind} {control}: {words}: {reasons}")
                if len(lines) >= REPORT_EVERY:
                    report()
    finally:
        report()  # what was taken before an error is reported too
    if failed:
        raise typer.Exit(1)


@app.command("listen")
def listen_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(2575, "--port", help="TCP port (2575 is HL7's)."),
    practice: str | None = typer.Option(
        None,
        "--practice",
        help="Practice short code; without it each message's MSH-6 names the practice.",
    ),
    processes: int = typer.Option(
        1,
        "--processes",
        min=1,
        max=64,
        help="Processes taking connections (each connection stays with one; use the "
        "number of cores when several EHRs send at once).",
    ),
) -> None:
    """Listen for MLLP connections and answer every message with an ACK (AA, AE, AR)."""
    setup(development=True)
    from django.db import connections

    from medbill.cli.era import pick_practice
    from medbill.connect.mllp_server import MLLPServer, serve
    from medbill.web.interfaces.wire import answer_frame, connection_closed, prepare

    fixed = pick_practice(practice) if practice else None
    prepare()
    server = MLLPServer(
        (host, port), lambda payload: answer_frame(payload, fixed), on_close=connection_closed
    )
    bound_host, bound_port = server.server_address[:2]
    console.print(
        f"listening for HL7 (MLLP) on {bound_host!s}:{bound_port}"
        + (f" in {processes} processes" if processes > 1 else ""),
        highlight=False,
    )
    try:
        status = serve(server, processes, before_fork=connections.close_all)
    finally:
        server.server_close()
    if status:
        raise typer.Exit(status)

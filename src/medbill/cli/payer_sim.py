"""``medbill payer-sim ...``: the simulated payer (adjudicate 837P files into 835 ERAs, and
answer real-time 270 eligibility inquiries over HTTP)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

__all__ = ["app"]

app = typer.Typer(help="A simulated payer for demos and tests.", no_args_is_help=True)
console = Console()


@app.command("adjudicate")
def adjudicate(
    source: Path = typer.Argument(..., exists=True, dir_okay=False, help="An 837P file."),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the 835."),
    ack: Path | None = typer.Option(
        None,
        "--ack",
        help="Where to write the 277CA (default: beside the 835, as .277ca, "
        "when a claim is rejected).",
    ),
    seed: int = typer.Option(0, help="Seed: the same seed and input give the same files."),
    received: str | None = typer.Option(
        None,
        "--date",
        help="Date the payer received the claims (YYYY-MM-DD); default: the "
        "day after the latest submission date.",
    ),
) -> None:
    """Acknowledge an 837P with a 999 (beside the 835, as .999), adjudicate every claim into
    an 835, and write a 277CA for rejected claims."""
    from medbill.core.collector import collector_paused
    from medbill.core.payersim import acknowledge_837p, simulate, write_277ca
    from medbill.core.x12 import ControlNumbers, X12ParseError
    from medbill.core.x12.m835 import write_835
    from medbill.core.x12.m837p import batch_reference, read_837p

    day = None
    if received:
        try:
            day = dt.date.fromisoformat(received)
        except ValueError:
            raise typer.BadParameter(f"--date: not a date (YYYY-MM-DD): {received!r}") from None
    try:
        data = source.read_bytes()
        with collector_paused():
            read = read_837p(data)
    except X12ParseError as exc:
        console.print(f"[red]error:[/red] {source.name}: {exc}")
        raise typer.Exit(1) from None
    if not read:
        console.print(f"[red]error:[/red] {source.name}: no claims in this 837P")
        raise typer.Exit(1)
    claims = [r.claim for r in read]
    ack999 = out.with_suffix(".999")
    ack999.write_bytes(
        acknowledge_837p(
            data,
            ControlNumbers(seed + 1, seed + 1),
            dt.datetime.combine(day or dt.date.today(), dt.time()),
        )
    )
    console.print(f"999: {ack999}")
    result = simulate(
        claims, seed=seed, received=day, icd9=[r.code_set != "ICD-10-CM" for r in read]
    )
    if result.remittances:
        out.write_bytes(write_835(result.remittances, control_number=seed + 1))
        paid = sum((r.total_paid.amount for r in result.remittances), 0)
        n_claims = sum(len(r.claims) for r in result.remittances)
        console.print(
            f"835: {out} ({len(result.remittances)} payment(s), {n_claims} claim(s), "
            f"${paid:,.2f} paid)"
        )
    else:
        console.print("835: none (every claim was rejected)")
    if result.rejections or ack is not None:
        target = ack or out.with_suffix(".277ca")
        paid_on = result.remittances[0].production_date if result.remittances else None
        processed = day or paid_on or dt.date.today()
        first = claims[0].payer
        target.write_bytes(
            write_277ca(
                result.accepted,
                result.rejections,
                payer_id=first.payer_id or "PAYER",
                payer_name=(first.name or "PAYER").upper(),
                processed=processed,
                reference=f"{seed + 1}",
                batch_reference=batch_reference(data),
            )
        )
        console.print(f"277CA: {target} ({len(result.rejections)} rejected)")
        for rej in result.rejections:
            console.print(f"  rejected {rej.claim.claim_id}: {rej.reason}")


@app.command("serve")
def serve(
    port: int = typer.Option(8270, "--port", help="TCP port on 127.0.0.1 (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    table: Path | None = typer.Option(
        None,
        "--table",
        exists=True,
        dir_okay=False,
        help="Plan table JSON (default: built from the coverages in the database).",
    ),
    delay: float = typer.Option(0.0, "--delay", help="Seconds to wait before each answer."),
) -> None:
    """Answer CAQH CORE real-time 270s and 276s (SOAP and MIME on /core) until stopped.

    Without --table the members come from the coverages in the database and the claim
    status answers from the claims sent so far, adjudicated when the simulator starts."""
    from medbill.connect.payer_sim import PayerSimulator
    from medbill.core.eligibility.simulator import PlanTable, PlanTableError

    try:
        if table is not None:
            plans = PlanTable.from_json(table.read_bytes())
            origin = table.name
            book = None
        else:
            from medbill.cli._django import setup

            setup(development=True)
            from medbill.web.claims_out.sim_book import claim_book_from_database
            from medbill.web.frontdesk.models import Coverage
            from medbill.web.frontdesk.plan_table import plan_table_from_coverages

            rows = Coverage.objects.filter(active=True).select_related("payer", "patient")
            plans = PlanTable(plan_table_from_coverages(rows, dt.date.today()))
            book = claim_book_from_database(dt.date.today())
            origin = f"the coverages in the database; {len(book)} claims sent so far"
    except PlanTableError as exc:
        console.print(f"[red]error:[/red] --table: {exc}")
        raise typer.Exit(2) from None
    try:
        sim = PayerSimulator(plans, host=host, port=port, delay=delay, book=book)
    except OSError as exc:
        console.print(f"[red]error:[/red] --port {port}: {exc.strerror}")
        raise typer.Exit(2) from None
    console.print(f"payer simulator: {len(plans.members)} members from {origin}")
    console.print(f"listening on {sim.url} (CAQH CORE SOAP and MIME); Ctrl-C stops it")
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sim.server.server_close()

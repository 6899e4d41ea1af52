"""``medbill claims status``: ask payers where claims stand (276) and apply their answers (277)."""

from __future__ import annotations

import typer
from rich.console import Console

from medbill.cli.claims import app

console = Console(soft_wrap=True)  # one line per claim, also when piped
err = Console(stderr=True)


@app.command("status")
def status_command(
    claim: list[str] = typer.Option(
        None, "--claim", help="Patient control number (repeat for several)."
    ),
    older_than: int = typer.Option(
        None,
        "--older-than",
        min=0,
        metavar="DAYS",
        help="Every claim sent more than DAYS days ago that has no answer from its payer yet.",
    ),
    practice: str = typer.Option(None, "--practice", help="Practice short code."),
) -> None:
    """Send claim status inquiries and print what each payer answered, in words.

    Exit status: 0 every claim was answered, 1 some claim got no answer (no endpoint, the
    payer did not answer, the claim is not waiting for its payer), 2 a wrong option.
    """
    if bool(claim) == (older_than is not None):
        err.print("[red]error:[/red] give --claim or --older-than (one of them)")
        raise typer.Exit(2)
    from medbill.cli._django import setup
    from medbill.cli.era import pick_practice

    setup(development=True)
    from medbill.web.billing.models import Claim
    from medbill.web.claims_out.claim_status import check_claim_status, claims_without_answer

    where = pick_practice(practice)
    if claim:
        rows = list(Claim.objects.for_practice(where).filter(patient_control_number__in=claim))
        missing = set(claim) - {c.patient_control_number for c in rows}
        if missing:
            err.print(f"[red]error:[/red] --claim: no claim {', '.join(sorted(missing))}")
            raise typer.Exit(2)
    else:
        rows = list(claims_without_answer(where, older_than))
        if not rows:
            console.print(f"no claim has waited more than {older_than} days for an answer")
            return
    outcomes = check_claim_status(None, where, rows)
    unanswered = 0
    for o in sorted(outcomes, key=lambda o: o.claim_number):
        if o.error:
            unanswered += 1
            console.print(f"{o.claim_number}: [red]no answer[/red]: {o.error}")
        elif o.moved:
            console.print(f"{o.claim_number}: {o.words} ({o.before} -> {o.after})")
        else:
            console.print(f"{o.claim_number}: {o.words} (stays {o.before})")
    moved = sum(o.moved for o in outcomes)
    console.print(
        f"{len(outcomes)} claim(s) asked: {moved} moved, "
        f"{len(outcomes) - moved - unanswered} unchanged, {unanswered} not answered"
    )
    if unanswered:
        raise typer.Exit(1)

"""``medbill claims 837p | build | submit``: claims out as X12 837P.

``837p`` converts claim JSON files and needs no database; ``build`` and
``submit`` work on the practice's claims in the database.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from medbill.cli.claims import app
from medbill.core.claim import ClaimFormatError, loads
from medbill.core.collector import collector_paused
from medbill.core.paths import data_dir

if TYPE_CHECKING:
    from medbill.core.submission import ClearinghouseProfile

console = Console()
err = Console(stderr=True)

PLACEHOLDER_PHONE = "0000000000"


def _profile_for_file(
    profile: Path | None, claims: list, out: Path, usage: str, contact_phone: str | None
) -> tuple[ClearinghouseProfile, bool]:
    from medbill.core.submission import ClearinghouseProfile, ProfileError

    if profile is not None:
        try:
            data = json.loads(profile.read_text())
        except (OSError, ValueError) as exc:
            raise ProfileError(f"{profile}: not a readable JSON profile ({exc})") from None
        data.update(transport="folder", folder=str(out.parent))
        return ClearinghouseProfile.from_dict(data), False
    bp = claims[0].billing_provider
    phone = contact_phone or bp.contact_phone
    placeholder = not phone
    settings = {
        "name": "file",
        "sender_id": (bp.npi or "MEDBILL")[:15],
        "receiver_id": "CLEARINGHOUSE",
        "submitter_name": bp.name,
        "submitter_id": bp.npi or "MEDBILL",
        "contact_name": bp.contact_name or "Billing Office",
        "contact_phone": phone or PLACEHOLDER_PHONE,
        "receiver_name": "Clearinghouse",
        "usage": "T" if placeholder else usage,
        "transport": "folder",
        "folder": str(out.parent),
        "max_claims": 999_999,
    }
    return ClearinghouseProfile.from_dict(settings), placeholder


@app.command("837p")
def write_837p_command(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="Claim JSON: one claim or a list."
    ),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the 837P file."),
    profile: Path = typer.Option(
        None,
        "--profile",
        exists=True,
        dir_okay=False,
        help="Clearinghouse profile JSON (envelope ids, separators).",
    ),
    control: int = typer.Option(
        None,
        "--control",
        help="Interchange control number (default: the next one "
        "from the counter under the data directory).",
    ),
    usage: str = typer.Option("P", "--usage", help="P production or T test (ISA15)."),
    contact_phone: str = typer.Option(
        None, "--contact-phone", help="The submitter contact's phone (1000A PER)."
    ),
) -> None:
    """Write claims from a JSON file as one 837P interchange (005010X222A1).

    A claim that cannot be written is held out of the file and named with the
    field at fault; the others are written. Exit status: 0 every claim written,
    2 some claim held (the file holds the rest, if any), 1 nothing could be done.
    """
    from medbill.core.submission import ProfileError, build_batch
    from medbill.core.submission.counter import FileCounter
    from medbill.core.x12 import ControlNumbers, X12WriteError

    try:
        claims = loads(file.read_bytes())
        if not claims:
            raise ClaimFormatError("", "the file holds no claims")
        chp, placeholder = _profile_for_file(profile, claims, out, usage.upper(), contact_phone)
        counter = FileCounter(data_dir() / "x12_control_numbers.json")

        def next_control() -> ControlNumbers:
            n = control if control is not None else counter.next(chp.envelope.sender_id)
            return ControlNumbers(n, n)

        # One output file: every claim goes into it, whatever the profile's split size.
        chp = replace(chp, max_claims=max(chp.max_claims, len(claims)))
        with collector_paused():
            built = build_batch(claims, chp, next_control, datetime.now().replace(microsecond=0))
    except (ClaimFormatError, X12WriteError, ProfileError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    for claim_id, fit in built.fits:
        err.print(
            f"[yellow]warning:[/yellow] claim {claim_id}: {fit.field} {fit.message}",
            highlight=False,
        )
    for held in built.held:
        err.print(
            f"[red]held:[/red] claim {held.claim_id}: {held.field or '(claim)'}: {held.reason}",
            highlight=False,
        )
    if built.files:
        (written,) = built.files
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(written.data)
        if placeholder:
            err.print(
                "[yellow]warning:[/yellow] no submitter phone configured: wrote a test "
                "file (ISA15=T) with a placeholder contact; pass --contact-phone or "
                "--profile for production"
            )
        console.print(
            f"wrote {out}: {len(written.claim_ids)} claim(s), interchange "
            f"{written.control.interchange:09d}, sha256 {written.sha256[:16]}..."
        )
    if built.held:
        err.print(
            f"{len(built.held)} claim(s) held out" + ("" if built.files else "; no file written")
        )
        raise typer.Exit(2)


@app.command("build")
def build_command(
    practice: str = typer.Option(None, "--practice", help="Practice short code."),
    visit: list[int] = typer.Option(
        None, "--visit", help="Visit id (default: every coded visit without a claim)."
    ),
) -> None:
    """Build draft claims from coded visits in the database."""
    from medbill.cli._django import setup
    from medbill.cli.era import pick_practice

    setup(development=True)
    from medbill.web.claims_out.services import build_claims

    result = build_claims(None, pick_practice(practice), visit or None)
    for claim in result.created:
        console.print(
            f"built {claim.patient_control_number} (visit {claim.visit_id}, "
            f"{claim.lines.count()} lines)"
        )
    for visit_id, why in result.skipped.items():
        console.print(f"skipped visit {visit_id}: {why}")
    console.print(f"{len(result.created)} claim(s) built, {len(result.skipped)} visit(s) skipped")


@app.command("submit")
def submit_command(
    connection: str = typer.Option(..., "--connection", help="Clearinghouse connection name."),
    practice: str = typer.Option(None, "--practice", help="Practice short code."),
    claim: list[str] = typer.Option(
        None, "--claim", help="Patient control number (default: every scrubbed claim routed there)."
    ),
) -> None:
    """Send scrubbed claims to a clearinghouse as 837P files; every file is recorded.

    A claim that cannot be sent is held out and named with the field at fault; the
    others are sent. Exit status: 0 all sent, 2 some claim held, 1 a file was not
    delivered or nothing could be sent.
    """
    from medbill.cli._django import setup
    from medbill.cli.era import pick_practice

    setup(development=True)
    from django.db.models import Q

    from medbill.web.billing.models import Claim
    from medbill.web.claims_out.services import submit_claims
    from medbill.web.practice.errors import ServiceError

    where = pick_practice(practice)
    rows = Claim.objects.for_practice(where).select_related("payer")
    if claim:
        rows = rows.filter(patient_control_number__in=claim)
        missing = set(claim) - set(rows.values_list("patient_control_number", flat=True))
        if missing:
            err.print(f"[red]error:[/red] --claim: no claim {', '.join(sorted(missing))}")
            raise typer.Exit(1)
    else:
        rows = rows.filter(status="scrubbed").filter(
            Q(payer__clearinghouse_route=connection) | Q(payer__clearinghouse_route="")
        )
    if not rows.exists():
        console.print("nothing to submit")
        return
    try:
        subs = submit_claims(None, where, list(rows), connection)
    except ServiceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    for held in subs.held:
        err.print(
            f"[red]held:[/red] claim {held.claim_id}: {held.field or '(claim)'}: {held.reason}",
            highlight=False,
        )
    failed = False
    for sub in subs:
        sub.refresh_from_db()
        console.print(
            f"{sub.status}: {sub.file_name} ({sub.claim_count} claims, interchange "
            f"{sub.interchange_control:09d}) {sub.destination or sub.error}"
        )
        failed = failed or sub.status != "sent"
    if failed:
        raise typer.Exit(1)
    if subs.held:
        raise typer.Exit(2)

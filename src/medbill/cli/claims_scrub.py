"""``medbill claims scrub FILE.json``: run the claim edits over one claim or a list."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from medbill.cli.claims import app
from medbill.core.claim import ClaimFormatError, dumps, loads
from medbill.core.scrubber import Policy, References, Scrubber
from medbill.core.scrubber.edits.payer import default_rules, load_rules
from medbill.core.scrubber.fixes import apply_safe_fixes

console = Console()
err = Console(stderr=True)


def _prefixes(text: str) -> tuple[str, ...]:
    return tuple(p.strip().upper() for p in text.split(",") if p.strip())


def _fee_schedule_codes(path: Path) -> list[str]:
    """Codes from the first column of a CSV fee schedule (a header row is skipped)."""
    codes = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if row and row[0].strip() and row[0].strip().lower() != "code":
                codes.append(row[0].strip().upper())
    return codes


@app.command("scrub")
def scrub_command(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="Claim JSON: one claim or a list."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
    select: str = typer.Option("", "--select", help="Edit code prefixes to run (default all)."),
    ignore: str = typer.Option("", "--ignore", help="Edit code prefixes to skip."),
    extend: str = typer.Option("", "--extend", help="Opt-in edit prefixes to add (DX010)."),
    rules: Path = typer.Option(
        None,
        "--rules",
        exists=True,
        dir_okay=False,
        help="A payer rules JSON file to add to the shipped rules.",
    ),
    fee_schedule: Path = typer.Option(
        None,
        "--fee-schedule",
        exists=True,
        dir_okay=False,
        help="CSV whose first column lists the practice's codes.",
    ),
    apply_fixes: Path = typer.Option(
        None,
        "--apply-fixes",
        dir_okay=False,
        help="Write the claims with the safe mechanical fixes applied (diagnosis order, "
        "merged duplicate lines, payer code replacements) to this file, and report on them.",
    ),
    today: str = typer.Option(
        None,
        "--today",
        help="Reference date when a claim has no submission_date (YYYY-MM-DD; default today).",
    ),
) -> None:
    """Scrub claims; exit status 1 when any claim has an error finding."""
    try:
        claims = loads(file.read_bytes())
    except ClaimFormatError as exc:
        err.print(f"[red]error:[/] {file.name}: {exc}")
        raise typer.Exit(2) from None
    try:
        payer_rules = default_rules() + load_rules(rules) if rules else default_rules()
        policy = Policy(
            select=_prefixes(select) or ("",), ignore=_prefixes(ignore), extend=_prefixes(extend)
        )
        ref_day = date.fromisoformat(today) if today else None
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    refs = References.load(
        fee_schedule_codes=_fee_schedule_codes(fee_schedule) if fee_schedule else (),
        payer_rules=payer_rules,
    )
    missing = refs.missing()
    if missing:
        err.print(
            f"[yellow]note:[/] not loaded, their edits are skipped: {', '.join(missing)} "
            "(run `make data` or `medbill codesets import`)"
        )
    scrubber = Scrubber(refs, default=policy, today=ref_day)
    if apply_fixes is not None:
        fixed_claims = []
        for claim in claims:
            fixed, codes = apply_safe_fixes(scrubber, claim)
            fixed_claims.append(fixed)
            if codes:
                err.print(f"{claim.claim_id}: fixed {', '.join(codes)}")
        claims = fixed_claims
        apply_fixes.write_text(dumps(claims) + "\n", encoding="utf-8")
        err.print(f"wrote {apply_fixes}")
    results = scrubber.scrub_all(claims)
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        for r in results:
            if not r.findings:
                console.print(f"[green]{r.claim_id}: clean[/]")
                continue
            console.print(f"[bold]{r.claim_id}[/]: {len(r.findings)} finding(s)")
            for f in r.findings:
                colour = "red" if f.severity == "error" else "yellow"
                where = f"line {f.line}" if f.line else "claim"
                console.print(f"  [{colour}]{f.severity}[/] {where}: {f.message}", highlight=False)
                console.print(f"      cites: {f.citation}", highlight=False)
                if f.fix:
                    console.print(f"      fix: {f.fix.text}", highlight=False)
    if any(not r.can_submit for r in results):
        raise typer.Exit(1)

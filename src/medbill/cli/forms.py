"""``medbill forms ...``: print a superbill, a CMS-1500 or the blank encounter form.

CLAIM and VISIT are either a claim JSON file (the ``../shared/examples`` format)
or a reference into the database: a claim's patient control number or id, a
visit's id. Files never need the database; references start Django on demand.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from medbill.core.claim import Address, Claim, ClaimFormatError, loads
from medbill.core.money import Money, MoneyError

if TYPE_CHECKING:
    from medbill.core.forms import EncounterForm, FeeScheduleItem, Superbill

# The renderers (and reportlab under them) are imported by the commands that print, so the
# rest of the command line does not pay for them.

app = typer.Typer(
    help="Print superbills, CMS-1500 claims and encounter forms.", no_args_is_help=True
)
console = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(2)


def _claims_from_file(path: Path) -> list[Claim]:
    try:
        return loads(path.read_bytes())
    except ClaimFormatError as exc:
        raise _fail(f"{path}: {exc}") from None


def _pick(claims: list[Claim], claim_id: str | None, source: str) -> list[Claim]:
    if claim_id is None:
        return claims
    chosen = [c for c in claims if c.claim_id == claim_id]
    if not chosen:
        raise _fail(f"{source}: no claim with claim_id {claim_id}")
    return chosen


def _claim_rows(ref: str):
    """Claim rows for a patient control number or a numeric id, from the database."""
    from medbill.cli import _django

    _django.setup()
    from django.db import DatabaseError

    from medbill.web.billing.models import Claim as ClaimRow

    try:
        rows = ClaimRow.objects.filter(patient_control_number=ref)
        if not rows.exists() and ref.isdigit():
            rows = ClaimRow.objects.filter(pk=int(ref))
        found = rows.exists()
    except DatabaseError as exc:
        raise _fail(f"the database is not ready ({exc}); run `medbill migrate`") from None
    if not found:
        raise _fail(f"no claim {ref} in the database (nor a file of that name)")
    return rows


def _money(text: str, option: str) -> Money:
    try:
        return Money(text)
    except MoneyError:
        raise _fail(f"{option}: not an amount: {text!r}") from None


def _write(out: Path, pdf: bytes, what: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    console.print(f"wrote {what} to {out} ({len(pdf):,} bytes)")


@app.command("cms1500")
def cms1500(
    claim: str = typer.Argument(..., help="Claim JSON file, or a claim number in the database."),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the PDF."),
    mode: str = typer.Option("print", help="print (text for red forms) or replica (drawn form)."),
    claim_id: str | None = typer.Option(None, help="Only this claim of a file holding several."),
    shift_right: float = typer.Option(0.0, help="Move all text right, in points (printer fit)."),
    shift_down: float = typer.Option(0.0, help="Move all text down, in points (printer fit)."),
) -> None:
    """Print the CMS-1500 (02/12) for a claim; a file of several claims prints them all."""
    from medbill.core.forms import Cms1500Error, PrintAlignment, render_cms1500_batch

    if mode not in ("print", "replica"):
        raise _fail("--mode: expected print or replica")
    path = Path(claim)
    if path.is_file():
        claims = _pick(_claims_from_file(path), claim_id, claim)
    else:
        rows = list(_claim_rows(claim))  # starts Django
        from medbill.web.billing.documents import claim_document
        from medbill.web.practice import audit

        claims = [claim_document(row) for row in rows]
        audit.record_list(rows, source="cli cms1500", action="export")
    base = PrintAlignment()
    align = PrintAlignment(left=base.left + shift_right, top=base.top + shift_down)
    try:
        pdf = render_cms1500_batch(claims, mode=mode, alignment=align)
    except Cms1500Error as exc:
        raise _fail(str(exc)) from None
    _write(out, pdf, f"{len(claims)} CMS-1500 claim(s), {mode}")


@app.command("superbill")
def superbill(
    visit: str = typer.Argument(..., help="Claim JSON file of the visit, or a visit id."),
    out: Path = typer.Option(..., "-o", "--out", help="Where to write the PDF."),
    claim_id: str | None = typer.Option(None, help="The visit's claim in a file of several."),
    copay: str | None = typer.Option(None, help="Copay collected at the desk (dollars)."),
) -> None:
    """Print the superbill for a visit."""
    from medbill.core.forms import Superbill, SuperbillError, render_superbill
    from medbill.core.forms.lookups import icd10cm_describer

    path = Path(visit)
    if path.is_file():
        claims = _pick(_claims_from_file(path), claim_id, visit)
        if len(claims) > 1:
            raise _fail(f"{visit} holds {len(claims)} claims; name one with --claim-id")
        bill = Superbill.from_claim(claims[0])
    else:
        if not visit.isdigit():
            raise _fail(f"{visit}: neither a file nor a visit id")
        from medbill.cli import _django

        _django.setup()
        from medbill.web.billing.printing import superbill_for_visit
        from medbill.web.frontdesk.models import Visit
        from medbill.web.practice import audit

        row = Visit.objects.filter(pk=int(visit)).first()
        if row is None:
            raise _fail(f"no visit {visit} in the database")
        audit.record_view(row, source="cli superbill")
        try:
            bill = superbill_for_visit(row)
        except LookupError as exc:
            raise _fail(str(exc)) from None
    if copay is not None:
        bill = Superbill(**{**_fields(bill), "copay_collected": _money(copay, "--copay")})
    try:
        pdf = render_superbill(bill, icd10cm_describer(bill.date_of_service))
    except SuperbillError as exc:
        raise _fail(str(exc)) from None
    _write(out, pdf, f"superbill for claim {bill.claim.claim_id}")


def _fields(bill: Superbill) -> dict:
    from medbill.core.forms import Superbill

    return {name: getattr(bill, name) for name in Superbill.__dataclass_fields__}


def fee_schedule_from_csv(path: Path) -> tuple[FeeScheduleItem, ...]:
    """Read ``code,description,fee[,section][,modifier]`` rows (a header row is expected)."""
    from medbill.core.forms import FeeScheduleItem

    items = []
    with path.open(newline="", encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=2):
            code = (row.get("code") or "").strip().upper()
            description = (row.get("description") or "").strip()
            if not code or not description:
                raise _fail(f"{path} line {n}: code and description are required")
            fee_text = (row.get("fee") or "").strip()
            try:
                fee = Money(Decimal(fee_text)) if fee_text else None
            except (MoneyError, ArithmeticError):
                raise _fail(f"{path} line {n}: fee is not an amount") from None
            items.append(
                FeeScheduleItem(
                    code,
                    description,
                    fee,
                    (row.get("section") or "").strip() or None,
                    (row.get("modifier") or "").strip() or None,
                )
            )
    return tuple(items)


def demo_practice_form(key: str = "fm") -> EncounterForm:
    """The encounter form of a demo practice, from the demo tables (no database)."""
    from medbill.core.forms import EncounterForm, FeeScheduleItem, Practice
    from medbill.core.forms.lookups import common_diagnoses
    from medbill.web.demo import tables

    found = [p for p in tables.PRACTICES if p["key"] == key]
    if not found:
        raise _fail(f"--practice: no demo practice {key!r}")
    p = found[0]
    practice = Practice(
        name=p["name"],
        address=Address(**p["billing_address"]),
        phone=p.get("phone"),
        npi=p.get("group_npi"),
        tin=p.get("tin"),
        taxonomy=p.get("taxonomy"),
    )
    items = tuple(
        FeeScheduleItem(f.code, f.description, Money(f.price))
        for f in tables.FEE_SCHEDULE
        if key in f.practices
    )
    providers = tuple(
        f"{d.get('first', '')} {d.get('last', '')}, {d.get('credentials', '')}".strip(", ")
        for d in getattr(tables, "PROVIDERS", [])
        if d.get("practice") == key
    )
    return EncounterForm(practice, items, common_diagnoses(), providers=providers)


@app.command("encounter-form")
def encounter_form(
    out: Path = typer.Option(
        Path("encounter-form.pdf"), "-o", "--out", help="Where to write the PDF."
    ),
    practice: str = typer.Option(
        "fm", help="A practice id in the database, or a demo practice key (fm, card)."
    ),
    fee_schedule: Path | None = typer.Option(
        None, help="CSV of code,description,fee[,section][,modifier] instead of the practice's."
    ),
    practice_name: str | None = typer.Option(None, help="Name to print with --fee-schedule."),
    no_fees: bool = typer.Option(False, help="Leave prices off the form."),
) -> None:
    """Print the blank encounter form: the practice's common codes with check boxes."""
    from medbill.core.forms import EncounterForm, Practice, render_encounter_form
    from medbill.core.forms.lookups import common_diagnoses

    if fee_schedule is not None:
        form = EncounterForm(
            Practice(name=practice_name or "Encounter form"),
            fee_schedule_from_csv(fee_schedule),
            common_diagnoses(),
        )
    elif practice.isdigit():
        from medbill.cli import _django

        _django.setup()
        from medbill.web.billing.printing import encounter_form_for
        from medbill.web.practice.models import Practice as PracticeRow

        row = PracticeRow.objects.filter(pk=int(practice)).first()
        if row is None:
            raise _fail(f"no practice {practice} in the database")
        form = encounter_form_for(row, diagnoses=common_diagnoses())
    else:
        form = demo_practice_form(practice)
    if no_fees:
        form = EncounterForm(
            form.practice, form.items, form.diagnoses, form.providers, show_fees=False
        )
    try:
        pdf = render_encounter_form(form)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    _write(out, pdf, f"encounter form ({len(form.items)} codes)")

"""Claim-shape edits: required 837P fields, identifiers, dates, charges, units, pointers.

One function per edit, its registry record above it. ``check`` runs the claim's edits in
``CLAIM_EDITS`` order, then each service line's edits in ``LINE_EDITS`` order, which is the
order their findings are listed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from medbill.core.claim import Claim, ServiceLine
from medbill.core.identifiers import npi_is_valid
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, WARNING, Finding, Fix, define, finding

__all__ = ["check", "npi_valid", "tin_valid"]

F = "format"
TR3 = "ASC X12N 837P (005010X222A1)"

_NPI_MEMO: dict[str, bool] = {}
_TIN_MEMO: dict[str, bool] = {}
_BAD_EIN_PREFIX = frozenset(
    {
        "00",
        "07",
        "08",
        "09",
        "17",
        "18",
        "19",
        "28",
        "29",
        "49",
        "69",
        "70",
        "78",
        "79",
        "89",
        "96",
        "97",
    }
)
_ONE = Decimal(1)
_MAX_UNITS = Decimal(9999)


def npi_valid(npi: str) -> bool:
    """True for ten digits whose last is the Luhn check digit over ``80840`` + the first nine."""
    try:
        return _NPI_MEMO[npi]
    except KeyError:
        pass
    # NPIs are issued starting with 1 or 2; anything else is a typo even when it checks.
    ok = npi[:1] in ("1", "2") and npi_is_valid(npi)
    if len(_NPI_MEMO) < 100_000:
        _NPI_MEMO[npi] = ok
    return ok


def tin_valid(tin: str) -> bool:
    """Nine digits, not a placeholder, and (as an EIN) a prefix the IRS assigns."""
    try:
        return _TIN_MEMO[tin]
    except KeyError:
        pass
    ok = (
        len(tin) == 9
        and tin.isdigit()
        and tin != "123456789"
        and len(set(tin)) > 1
        and tin[:2] not in _BAD_EIN_PREFIX
    )
    if len(_TIN_MEMO) < 100_000:
        _TIN_MEMO[tin] = ok
    return ok


@dataclass(slots=True)
class LineAt:
    """One service line as the line edits see it."""

    index: int  # position in claim.lines
    number: int  # the line number findings name
    line: ServiceLine
    seen: dict[tuple[object, ...], int]  # (code, modifiers, day) -> first line (FMT018)


ClaimEdit = Callable[[Claim, Ctx, list[Finding]], None]
LineEdit = Callable[[Claim, Ctx, LineAt, list[Finding]], None]


# -- the claim --------------------------------------------------------------------------------

define(
    "FMT001",
    "claim-field-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the claim has no {field}",
    TR3 + " {element}",
    what="The claim has a patient control number, a date of service, a place of service, at "
    "least one diagnosis, at least one service line, and a procedure code on every line.",
    why="The 837P cannot be built without CLM01, DTP*472, CLM05-1, HI and SV1; the "
    "clearinghouse rejects the file before the payer sees it.",
    example='A claim with `"diagnoses": []`.',
    fix="Enter the missing field in the claim.",
    reference="837P TR3 loop 2300 CLM, HI; loop 2400 SV1, DTP*472.",
)


def claim_field_missing(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    if not claim.claim_id:
        out.append(
            finding(
                "FMT001", None, field="patient control number (claim_id)", element="loop 2300 CLM01"
            )
        )
    if ctx.dos is None:
        out.append(finding("FMT001", None, field="date of service", element="loop 2400 DTP*472"))
    if not claim.place_of_service:
        out.append(finding("FMT001", None, field="place of service", element="loop 2300 CLM05-1"))
    if not claim.diagnoses:
        out.append(finding("FMT001", None, field="diagnosis", element="loop 2300 HI01"))
    if not claim.lines:
        out.append(finding("FMT001", None, field="service line", element="loop 2400 SV1"))


def line_code_missing(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    """FMT001 for a line without a procedure code."""
    if not at.line.code:
        out.append(
            finding(
                "FMT001",
                at.number,
                field=f"procedure code on line {at.number}",
                element="loop 2400 SV101-2",
            )
        )


define(
    "FMT012",
    "pos-invalid",
    "POS_INVALID",
    ERROR,
    F,
    "place of service {pos!r}{where} is not a CMS place of service code",
    "CMS Place of Service Code Set; " + TR3 + " CLM05-1 / SV105",
    what="The claim's and each line's place of service is a two-digit code in the CMS Place "
    "of Service code set.",
    why="The place of service decides facility or non-facility payment; an unknown code is "
    "rejected.",
    example='`"place_of_service": "10x"`.',
    fix="Pick the place of service from the list (11 office, 02/10 telehealth, 21 inpatient, "
    "22/19 outpatient hospital, 23 emergency room).",
    reference="CMS Place of Service Code Set.",
)


def pos_invalid(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    if claim.place_of_service and claim.place_of_service not in ctx.refs.pos:
        out.append(finding("FMT012", None, pos=claim.place_of_service, where=""))


def line_pos_invalid(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    pos = at.line.place_of_service
    if pos and pos not in ctx.refs.pos:
        out.append(finding("FMT012", at.number, pos=pos, where=f" on line {at.number}"))


define(
    "FMT019",
    "too-many-diagnoses",
    "TOO_MANY_DX",
    ERROR,
    F,
    "the claim has {count} diagnoses; an 837P carries at most 12",
    TR3 + " loop 2300 HI",
    what="A claim carries at most twelve diagnosis codes.",
    why="The HI segment has twelve positions (CMS-1500 box 21 A-L); more cannot be sent.",
    example="Thirteen diagnoses on one claim.",
    fix="Split the services into two claims, each with the diagnoses its lines point to.",
    reference="837P TR3 loop 2300 HI01-HI12; CMS-1500 item 21.",
)


def too_many_diagnoses(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    n_dx = len(claim.diagnoses)
    if n_dx > 12:
        out.append(
            finding(
                "FMT019",
                None,
                count=n_dx,
                fix=Fix("review", "Split the claim so each has at most 12 diagnoses."),
            )
        )


define(
    "FMT002",
    "billing-provider-field-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the billing provider has no {field}",
    TR3 + " loop 2010AA {element}",
    what="The billing provider has a name, an NPI, a TIN and a street address with city, "
    "state and ZIP code.",
    why="Loop 2010AA (NM1*85, N3, N4, REF*EI) is required on every claim; without it the claim "
    "is rejected on the front end (277CA A7).",
    example="`billing_provider.tin` absent.",
    fix="Complete the practice record in the practice settings.",
    reference="837P TR3 loop 2010AA NM1, N3, N4, REF*EI.",
)


def billing_provider_field_missing(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    bp = claim.billing_provider
    addr = bp.address
    complete = (
        bp.name
        and bp.npi
        and bp.tin
        and addr
        and addr.line1
        and addr.city
        and addr.state
        and addr.zip
    )
    if complete:
        return
    for value, field, element in (
        (bp.name, "name", "NM103"),
        (bp.npi, "NPI", "NM109"),
        (bp.tin, "TIN", "REF*EI"),
        (addr and addr.line1, "street address", "N301"),
        (addr and addr.city, "city", "N401"),
        (addr and addr.state, "state", "N402"),
        (addr and addr.zip, "ZIP code", "N403"),
    ):
        if not value:
            out.append(finding("FMT002", None, field=field, element=element))


define(
    "FMT010",
    "npi-check-digit",
    "NPI_INVALID",
    ERROR,
    F,
    "the {who} NPI {npi!r} is not a valid NPI",
    "NPI standard (45 CFR 162.406); " + TR3 + " NM109",
    what="Every NPI on the claim has ten digits and a correct check digit (Luhn over the "
    "prefix 80840 and the first nine digits).",
    why="Payers and clearinghouses verify the NPI check digit and reject the claim (277CA "
    "A7:562) when it fails; it usually means a typing error.",
    example='`"npi": "1234567890"` (the check digit should be 3).',
    fix="Re-enter the NPI from NPPES.",
    reference="CMS NPI check digit standard (ISO/IEC 7812 Luhn with prefix 80840).",
)


def billing_npi_check_digit(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    npi = claim.billing_provider.npi
    if npi and not npi_valid(npi):
        out.append(finding("FMT010", None, who="billing provider", npi=npi))


define(
    "FMT011",
    "tin-invalid",
    "TIN_INVALID",
    ERROR,
    F,
    "the billing provider TIN {tin!r} is not a valid taxpayer identification number",
    TR3 + " loop 2010AA REF*EI",
    what="The billing provider TIN has nine digits, is not a placeholder (all one digit, "
    "123456789), and an EIN starts with a prefix the IRS assigns.",
    why="The payer matches the TIN to its provider file and the 1099; a malformed TIN is "
    "rejected on the front end.",
    example='`"tin": "000000000"`.',
    fix="Enter the practice's EIN from its IRS letter.",
    reference="837P TR3 loop 2010AA REF02 (qualifier EI); IRS EIN prefix list.",
)


def tin_invalid(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    tin = claim.billing_provider.tin
    if tin and not tin_valid(tin):
        out.append(finding("FMT011", None, tin=tin))


define(
    "FMT003",
    "billing-zip-plus-four",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the billing provider ZIP code {zip!r} is not the nine-digit ZIP+4",
    TR3 + " loop 2010AA N403",
    what="The billing provider's ZIP code has nine digits (ZIP+4).",
    why="The 5010 837P requires the full nine-digit ZIP for the billing provider address; a "
    "five-digit ZIP is rejected at the clearinghouse.",
    example='`"zip": "53705"`.',
    fix="Enter the ZIP+4 from the USPS lookup for the practice address.",
    reference="837P TR3 loop 2010AA N403 (billing provider postal code).",
)


def billing_zip_plus_four(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    addr = claim.billing_provider.address
    if addr and addr.zip and (len(addr.zip) != 9 or not addr.zip.isdigit()):
        out.append(finding("FMT003", None, zip=addr.zip))


define(
    "FMT004",
    "payer-field-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the payer has no {field}",
    TR3 + " loop 2010BB NM1",
    what="The payer has a name and a payer identifier.",
    why="Loop 2010BB NM103 and NM109 route the claim; without them the clearinghouse cannot "
    "deliver it.",
    example="`payer.payer_id` absent.",
    fix="Pick the payer from the payer list so its electronic payer id is filled in.",
    reference="837P TR3 loop 2010BB NM103, NM109.",
)


def payer_field_missing(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    if not claim.payer.name:
        out.append(finding("FMT004", None, field="name"))
    if not claim.payer.payer_id:
        out.append(finding("FMT004", None, field="payer id"))


define(
    "FMT005",
    "original-claim-ref-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "frequency {freq} needs the payer's original claim number",
    TR3 + " loop 2300 REF*F8",
    what="A replacement (frequency 7) or void (frequency 8) claim carries the payer claim "
    "control number of the claim it replaces.",
    why="Without REF*F8 the payer cannot find the claim to replace and rejects the claim or "
    "processes it as a duplicate.",
    example='`"frequency_code": "7"` with no `original_claim_ref`.',
    fix="Copy the payer claim control number from the 835 or 277CA of the original claim.",
    reference="837P TR3 loop 2300 CLM05-3 and REF*F8 (payer claim control number).",
)


def original_claim_ref_missing(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    if claim.frequency_code in ("7", "8") and not claim.original_claim_ref:
        out.append(
            finding(
                "FMT005",
                None,
                freq=claim.frequency_code,
                fix=Fix(
                    "set_field",
                    "Enter the payer claim control number.",
                    (("field", "original_claim_ref"),),
                ),
            )
        )


define(
    "FMT006",
    "rendering-provider-npi-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "the {who} provider is named without an NPI",
    TR3 + " loop {loop} NM109",
    what="A rendering or referring provider named on the claim or a line has an NPI.",
    why="When loop 2310B/2310A/2420A is sent, NM109 (the NPI) is required; a named provider "
    "without one is rejected.",
    example="`rendering_provider` with a name and no `npi`.",
    fix="Enter the provider's NPI in the provider record, or remove the provider when the "
    "billing provider rendered the service.",
    reference="837P TR3 loops 2310A, 2310B, 2420A NM108/NM109.",
)


def _npi(out: list[Finding], npi: str | None, who: str, loop: str, line: int | None) -> None:
    """FMT006 for a named provider without an NPI, FMT010 for one whose NPI does not check."""
    if not npi:
        out.append(finding("FMT006", line, who=who, loop=loop))
    elif not npi_valid(npi):
        out.append(finding("FMT010", line, who=who, npi=npi))


def rendering_provider_npi_missing(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    if claim.rendering_provider is not None:
        _npi(out, claim.rendering_provider.npi, "rendering", "2310B", None)
    if claim.referring_provider is not None:
        _npi(out, claim.referring_provider.npi, "referring", "2310A", None)


def line_rendering_provider_npi_missing(
    claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]
) -> None:
    provider = at.line.rendering_provider
    if provider is not None:
        _npi(out, provider.npi, f"line {at.number} rendering", "2420A", at.number)


define(
    "FMT013",
    "dos-in-future",
    "DATE_INVALID",
    ERROR,
    F,
    "the date of service {dos} is after {ref}",
    TR3 + " loop 2400 DTP*472",
    what="No date of service is after the date the claim is prepared (its `submission_date`, "
    "or today).",
    why="Payers deny services billed before they were rendered (CARC 110).",
    example="Date of service 2026-03-10 on a claim prepared 2026-03-04.",
    fix="Correct the date of service, or hold the claim until the service is rendered.",
    reference="837P TR3 loop 2400 DTP*472; CARC 110.",
)


def dos_in_future(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    dos, ref = ctx.dos, ctx.ref_date
    if dos is not None and dos > ref:
        out.append(finding("FMT013", None, dos=dos.isoformat(), ref=ref.isoformat()))


def line_dos_in_future(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    own, dos, ref = at.line.date_of_service, ctx.dos, ctx.ref_date
    if own is not None and own > ref and (dos is None or own != dos):
        out.append(finding("FMT013", at.number, dos=own.isoformat(), ref=ref.isoformat()))


define(
    "FMT020",
    "dos-long-ago",
    "DATE_INVALID",
    WARNING,
    F,
    "the date of service {dos} is more than a year before {ref}",
    "42 CFR 424.44 (timely filing)",
    what="The date of service is within twelve months of the date the claim is prepared.",
    why="Medicare and most payers deny claims filed more than a year after the service (CARC 29).",
    example="A service from 2024-12-01 on a claim prepared 2026-03-04.",
    fix="Check the date; if it is right, attach proof of timely filing or an exception.",
    reference="42 CFR 424.44; CARC 29.",
)


def dos_long_ago(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    dos, ref = ctx.dos, ctx.ref_date
    if dos is not None and dos <= ref and (ref - dos).days > 365:
        out.append(finding("FMT020", None, dos=dos.isoformat(), ref=ref.isoformat()))


# -- each service line --------------------------------------------------------------------------

define(
    "FMT014",
    "service-date-range",
    "DATE_INVALID",
    ERROR,
    F,
    "line {line} ends its service on {end}, before it starts on {start}",
    TR3 + " loop 2400 DTP*472 (RD8)",
    what="A line's service period ends on or after the day it starts.",
    why="An inverted date range is an invalid RD8 value and the line is rejected.",
    example="`date_of_service` 2026-03-05 with `date_of_service_end` 2026-03-01.",
    fix="Swap or correct the dates.",
    reference="837P TR3 loop 2400 DTP03 (D8/RD8).",
)


def service_date_range(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    start, end = at.line.date_of_service, at.line.date_of_service_end
    if start is not None and end is not None and end < start:
        out.append(finding("FMT014", at.number, end=end.isoformat(), start=start.isoformat()))


define(
    "FMT015",
    "charge-invalid",
    "CHARGE_INVALID",
    ERROR,
    F,
    "line {line} has a charge of {charge}",
    TR3 + " loop 2400 SV102",
    what="Each line has a positive charge (a zero charge is accepted only for CPT Category II "
    "tracking codes).",
    why="SV102 must be a positive amount for a billable service; zero or negative charges are "
    "rejected or deny (CARC 16).",
    example='Line 2 with `"charge": 0` for 99213.',
    fix="Enter the fee schedule amount for the code.",
    reference="837P TR3 loop 2400 SV102; CARC 16.",
)


def charge_invalid(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    charge = at.line.charge.amount
    if charge <= 0 and not (charge == 0 and at.line.code[-1:] == "F"):
        out.append(finding("FMT015", at.number, charge=f"${charge}"))


define(
    "FMT016",
    "units-invalid",
    "UNITS_INVALID",
    ERROR,
    F,
    "line {line} has {units} units",
    TR3 + " loop 2400 SV104",
    what="Each line bills a whole, positive number of units (anesthesia minutes may be any "
    "positive number) of at most 9,999.",
    why="Zero, negative or fractional service units are invalid in SV104 and deny (CARC 16).",
    example='`"units": 0` or `"units": 1.5`.',
    fix="Enter the number of units rendered as a whole number.",
    reference="837P TR3 loop 2400 SV103/SV104.",
)


def units_invalid(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    ln = at.line
    units = ln.units
    if units != _ONE and (
        units <= 0 or units > _MAX_UNITS or (ln.unit_basis != "MJ" and units % _ONE != 0)
    ):
        out.append(finding("FMT016", at.number, units=units))


define(
    "FMT017",
    "dx-pointer-invalid",
    "DX_POINTER_INVALID",
    ERROR,
    F,
    "line {line} {problem}",
    TR3 + " loop 2400 SV107",
    what="Each line points to one to four diagnoses that exist on the claim, without "
    "repeating one.",
    why="SV107 pointers must reference HI entries; a line without a valid pointer has no "
    "medical necessity and is rejected or denied (CARC 16 / M76).",
    example="A claim with two diagnoses and a line pointing to 3.",
    fix="Point the line at the diagnosis that supports it.",
    reference="837P TR3 loop 2400 SV107-1 to SV107-4.",
)


def dx_pointer_invalid(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    no, ptrs, n_dx = at.number, at.line.dx_pointers, len(claim.diagnoses)
    if not ptrs:
        out.append(finding("FMT017", no, problem="points to no diagnosis"))
        return
    if len(ptrs) > 4:
        out.append(finding("FMT017", no, problem=f"has {len(ptrs)} pointers; at most 4"))
    if len(ptrs) > 1 and len(set(ptrs)) != len(ptrs):
        out.append(finding("FMT017", no, problem="repeats a diagnosis pointer"))
    for p in ptrs:
        if p < 1 or p > n_dx:
            out.append(
                finding("FMT017", no, problem=f"points to diagnosis {p}; the claim has {n_dx}")
            )


define(
    "FMT018",
    "duplicate-line",
    "DUPLICATE_LINE",
    ERROR,
    F,
    "line {line} repeats line {first} ({code} on {dos})",
    "CARC 18; " + TR3 + " loop 2400",
    what="No two lines bill the same code with the same modifiers on the same date of service.",
    why="Payers deny the second line as an exact duplicate (CARC 18). Repeated services are "
    "billed as units on one line, or with modifier 76, 77 or 91 when repeated by design.",
    example="Two lines of 36415 with no modifiers on one day.",
    fix="Merge the lines into one with the total units, or add 76/77/91 when the service was "
    "really repeated.",
    reference="CARC 18 (exact duplicate claim/service); CMS Claims Processing Manual ch. 12.",
    mechanical_fix="merge_lines",
)


def duplicate_line(claim: Claim, ctx: Ctx, at: LineAt, out: list[Finding]) -> None:
    ln, no = at.line, at.number
    day = ctx.line_dates[at.index]
    key = (ln.code, ln.modifiers, day)
    first = at.seen.get(key)
    if first is None:
        at.seen[key] = no
        return
    out.append(
        finding(
            "FMT018",
            no,
            first=first,
            code=ln.code,
            dos=day,
            fix=Fix(
                "merge_lines",
                f"Bill the units of line {no} on line {first}, or add "
                "76/77/91 if the service was repeated.",
                (("lines", (first, no)),),
            ),
        )
    )


# -- running them -------------------------------------------------------------------------------

CLAIM_EDITS: tuple[ClaimEdit, ...] = (
    claim_field_missing,
    pos_invalid,
    too_many_diagnoses,
    billing_provider_field_missing,
    billing_npi_check_digit,
    tin_invalid,
    billing_zip_plus_four,
    payer_field_missing,
    original_claim_ref_missing,
    rendering_provider_npi_missing,
    dos_in_future,
    dos_long_ago,
)
LINE_EDITS: tuple[LineEdit, ...] = (
    line_code_missing,
    charge_invalid,
    units_invalid,
    dx_pointer_invalid,
    line_dos_in_future,
    service_date_range,
    line_pos_invalid,
    line_rendering_provider_npi_missing,
    duplicate_line,
)


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """Required fields and the shape of identifiers, dates, charges, units and pointers."""
    for claim_edit in CLAIM_EDITS:
        claim_edit(claim, ctx, out)
    seen: dict[tuple[object, ...], int] = {}
    for i, ln in enumerate(claim.lines):
        at = LineAt(i, ln.line or i + 1, ln, seen)
        for line_edit in LINE_EDITS:
            line_edit(claim, ctx, at, out)

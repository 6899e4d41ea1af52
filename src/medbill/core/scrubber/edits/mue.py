"""Medically Unlikely Edits: units of one code per line and per day, by the MUE
adjudication indicator (MAI)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, Finding, Fix, define, finding

__all__ = ["check"]

F = "mue"
CITE = "CMS NCCI practitioner MUE table {quarter} ({code}: {limit}, MAI {mai})"

define(
    "MUE001",
    "mue-line",
    "MUE_EXCEEDED",
    ERROR,
    F,
    "line {line}: {units} units of {code} exceed the MUE of {limit} per line",
    CITE,
    what="For a code with MUE adjudication indicator 1 (a claim line edit), no line bills more "
    "units than the practitioner MUE.",
    why="MAI 1 MUEs are applied to each line; the line is denied in full (CARC 151/N362), not "
    "cut back. Units above the MUE that are medically necessary go on further lines with "
    "an anatomic modifier or 59/XU, each within the MUE.",
    example="A6460 (MUE 1, MAI 1) billed as 2 units on one line.",
    fix="Split the units into lines of at most the MUE, each with a modifier telling the "
    "services apart (RT/LT, fingers, 59/XS/XU).",
    reference="CMS NCCI MUE page and NCCI Policy Manual ch. 1 sec. V; practitioner MUE table.",
    mechanical_fix="split_units",
)
define(
    "MUE002",
    "mue-day-absolute",
    "MUE_EXCEEDED",
    ERROR,
    F,
    "{units} units of {code} on {dos} exceed the MUE of {limit} per day (MAI 2, a policy limit)",
    CITE,
    what="For a code with MAI 2, the units of the code on one date of service, over all lines, "
    "stay within the MUE.",
    why="MAI 2 is an absolute date-of-service limit from policy or the code descriptor; units "
    "above it are denied and cannot be appealed.",
    example="83036 (MUE 1, MAI 2) billed as 2 units on one day.",
    fix="Bill at most the MUE; the rest of the units are not payable.",
    reference="CMS NCCI MUE; NCCI Policy Manual ch. 1 sec. V.",
    mechanical_fix="review",
)
define(
    "MUE003",
    "mue-day-clinical",
    "MUE_EXCEEDED",
    ERROR,
    F,
    "{units} units of {code} on {dos} exceed the MUE of {limit} per day (MAI 3, a clinical limit)",
    CITE,
    what="For a code with MAI 3, the units of the code on one date of service, over all lines, "
    "stay within the MUE.",
    why="MAI 3 is a date-of-service limit from clinical data; the units above it are denied, "
    "and the denial may be appealed with the medical record when the units were "
    "medically necessary.",
    example="99213 (MUE 2, MAI 3) billed 3 times on one day. An MUE of 0 means Medicare does "
    "not pay the code at all (99397 preventive visit); it is applied to Medicare claims only.",
    fix="Bill at most the MUE and appeal the rest with documentation, or correct the units.",
    reference="CMS NCCI MUE; NCCI Policy Manual ch. 1 sec. V.",
    mechanical_fix="review",
)

_ZERO = Decimal(0)


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """Units per line (MAI 1) and per code and day (MAI 2 and 3) against the practitioner MUE."""
    table = ctx.mue
    if table is None:
        return
    values = table.values
    line_dates = ctx.line_dates
    # (code, day) -> (units, first line, limit, MAI)
    totals: dict[tuple[str, date | None], tuple[Decimal, int, int, int]] | None = None
    lines = claim.lines
    medicare = ctx.payer_type == "medicare"
    # Codes repeated on the claim need a per-day total; otherwise a line's units are the day's.
    repeated = len({ln.code for ln in lines}) != len(lines)
    for i, ln in enumerate(lines):
        entry = values.get(ln.code)
        if entry is None:
            continue
        limit, mai, _ = entry
        if limit == 0 and not medicare:
            continue  # an MUE of 0 says Medicare does not pay the code; other payers may
        units = ln.units
        no = ln.line or i + 1
        if mai == 1:
            if units > limit:
                per = max(limit, 1)
                out.append(
                    finding(
                        "MUE001",
                        no,
                        code=ln.code,
                        units=units,
                        limit=limit,
                        mai=mai,
                        quarter=table.quarter,
                        fix=Fix(
                            "split_units",
                            f"Split line {no} into lines of at most {per} units, "
                            "each with a modifier that tells them apart (RT/LT, 59/XU).",
                            (("line", no), ("units_per_line", per)),
                        )
                        if limit
                        else None,
                    )
                )
            continue
        if units > limit or repeated:
            if totals is None:
                totals = {}
            key = (ln.code, line_dates[i])
            prev = totals.get(key)
            totals[key] = (
                (prev[0] + units, prev[1], limit, mai) if prev else (units, no, limit, mai)
            )
    if not totals:
        return
    for (code, day), (units, first, limit, mai) in totals.items():
        if units > limit:
            out.append(
                finding(
                    "MUE002" if mai == 2 else "MUE003",
                    first,
                    code=code,
                    units=units,
                    limit=limit,
                    mai=mai,
                    quarter=table.quarter,
                    dos=day.isoformat() if day else "the same day",
                    fix=Fix(
                        "review",
                        f"Bill at most {limit} units of {code} on this day."
                        + (" Appeal the rest with the record if necessary." if mai == 3 else ""),
                    ),
                )
            )

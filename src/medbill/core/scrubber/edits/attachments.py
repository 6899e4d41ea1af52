"""Attachment edits: the paperwork named on a claim (837P PWK) can be found by the payer.

The rules live in ``medbill.core.attachments`` (the TR3 code lists and what each
attachment needs); the length of the control number is the 837P writer's (FMT023,
FMT024). These edits report the same fields the writer names when it holds a claim out.
"""

from __future__ import annotations

from medbill.core.attachments import (
    MAX_ATTACHMENTS,
    REPORT_TYPES,
    TRANSMISSIONS,
    Attachment,
)
from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, Finding, Fix, define, finding

__all__ = ["check"]

F = "format"
TR3 = "ASC X12N 837P (005010X222A1)"


def _lists(claim: Claim) -> list[tuple[str, int | None, tuple[Attachment, ...]]]:
    """(document path, line number, attachments) of the claim and of each line."""
    out: list[tuple[str, int | None, tuple[Attachment, ...]]] = (
        [("attachments", None, claim.attachments)] if claim.attachments else []
    )
    out += [
        (f"lines[{i}].attachments", ln.line, ln.attachments)
        for i, ln in enumerate(claim.lines)
        if ln.attachments
    ]
    return out


define(
    "FMT026",
    "attachment-control-number-missing",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "{field} is required: the attachment is sent ({transmission}) and the payer matches "
    "it to the claim by this number",
    TR3 + " loop {loop} PWK05/PWK06",
    what="An attachment sent to the payer (by mail, fax, e-mail, file transfer or "
    "electronically) carries its attachment control number.",
    why="The payer files the paperwork under the number written on it and finds it from "
    "the claim's PWK06; without it the paperwork is never matched and the claim is denied "
    "for missing documentation (CARC 252). Only AA (available on request at the office) "
    "goes without one.",
    example='`"attachments": [{"report_type": "OB", "transmission": "FX"}]`.',
    fix="Enter the number written on the cover sheet of the paperwork, or mark the "
    "attachment AA when it stays at the office until the payer asks.",
    reference="837P TR3 loops 2300 and 2400 PWK: PWK05 and PWK06 are required when PWK02 "
    "is BM, EL, EM, FT or FX.",
)


def control_number_missing(claim: Claim, out: list[Finding]) -> None:
    """FMT026 for each sent attachment without a control number."""
    for at, line, attachments in _lists(claim):
        for i, a in enumerate(attachments):
            if a.transmission in TRANSMISSIONS and a.needs_control_number and not a.control_number:
                field = f"{at}[{i}].control_number"
                out.append(
                    finding(
                        "FMT026",
                        line,
                        field=field,
                        transmission=a.transmission,
                        loop="2300" if line is None else "2400",
                        fix=Fix("set_field", f"Enter {field}.", (("field", field),)),
                    )
                )


define(
    "FMT027",
    "attachment-code-invalid",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "{field} {code!r} is not in the 837P code list ({element})",
    TR3 + " loop {loop} {element}",
    what="An attachment's report type is one of the 837P TR3's PWK01 codes and its "
    "transmission one of AA, BM, EL, EM, FT and FX (PWK02).",
    why="Any other code makes the clearinghouse reject the transaction set (999 IK4 code 7, "
    "invalid code value), with every other claim in the file.",
    example='`{"report_type": "XX", "transmission": "FX", "control_number": "ATT0001"}`.',
    fix="Choose the report type that describes the paperwork (OB operative note, LA "
    "laboratory results, RR radiology reports ...) and how it is sent.",
    reference="837P TR3 PWK01 (data element 755) and PWK02 (data element 756) code lists.",
)


def code_invalid(claim: Claim, out: list[Finding]) -> None:
    """FMT027 for each attachment whose report type or transmission the TR3 does not list."""
    for at, line, attachments in _lists(claim):
        for i, a in enumerate(attachments):
            for leaf, code, codes, element in (
                ("report_type", a.report_type, REPORT_TYPES, "PWK01"),
                ("transmission", a.transmission, TRANSMISSIONS, "PWK02"),
            ):
                if code not in codes:
                    field = f"{at}[{i}].{leaf}"
                    out.append(
                        finding(
                            "FMT027",
                            line,
                            field=field,
                            code=code,
                            element=element,
                            loop="2300" if line is None else "2400",
                            fix=Fix("set_field", f"Correct {field}.", (("field", field),)),
                        )
                    )


define(
    "FMT028",
    "too-many-attachments",
    "MISSING_REQUIRED",
    ERROR,
    F,
    "{field} has {count} attachments; the 837P carries at most {most}",
    TR3 + " loop {loop} PWK (repeat 10)",
    what=f"A claim, and each of its lines, names at most {MAX_ATTACHMENTS} attachments.",
    why="The PWK segment repeats at most ten times in loop 2300 and in each loop 2400; an "
    "eleventh is a syntax error that rejects the transaction set (999 IK3 code 5).",
    example="Twelve laboratory reports listed one by one on the claim.",
    fix="Send related paperwork together under one attachment control number.",
    reference="837P TR3 loop 2300 and loop 2400 PWK, maximum use 10.",
)


def too_many(claim: Claim, out: list[Finding]) -> None:
    """FMT028 for a claim or line with more attachments than PWK repeats."""
    for at, line, attachments in _lists(claim):
        if len(attachments) > MAX_ATTACHMENTS:
            out.append(
                finding(
                    "FMT028",
                    line,
                    field=at,
                    count=len(attachments),
                    most=MAX_ATTACHMENTS,
                    loop="2300" if line is None else "2400",
                    fix=Fix("set_field", f"Combine the attachments of {at}.", (("field", at),)),
                )
            )


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """The attachment edits that are enabled."""
    if not claim.attachments and not any(ln.attachments for ln in claim.lines):
        return
    for code, edit in (
        ("FMT026", control_number_missing),
        ("FMT027", code_invalid),
        ("FMT028", too_many),
    ):
        if code in ctx.enabled:
            edit(claim, out)

"""Procedure code and modifier edits: is the code real on the date of service, are the
modifiers known and compatible."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, Finding, Fix, define, finding

if TYPE_CHECKING:
    from medbill.core.scrubber.engine import References

__all__ = ["check", "code_finding", "code_shape"]

F = "procedures"

define(
    "PROC001",
    "hcpcs-not-valid-on-dos",
    "PROC_INVALID",
    ERROR,
    F,
    "line {line}: HCPCS code {code} is {problem} on {dos}",
    "CMS HCPCS Level II file {release} (add, action and termination dates)",
    what="A HCPCS Level II code (a letter and four digits) is in the CMS HCPCS file and in "
    "effect on the date of service.",
    why="Payers deny codes that are not yet effective or were discontinued (CARC 181/182) and "
    "reject codes that do not exist.",
    example="A 2026 claim billing a G-code terminated in 2024.",
    fix="Use the code the HCPCS file names as the replacement, or the current code for the "
    "service.",
    reference="CMS HCPCS Level II quarterly update file; CARC 181, 182.",
)
define(
    "PROC002",
    "cpt-unknown",
    "PROC_INVALID",
    ERROR,
    F,
    "line {line}: CPT code {code} is in none of the loaded code sources",
    "{sources}",
    what="A CPT-shaped code is listed by one of the sources loaded: a licensed CPT file, the "
    "practice fee schedule, or the CMS MUE, PTP and add-on tables (which list every "
    "current CPT code that carries an edit).",
    why="A deleted code (99201 was deleted on 2021-01-01) or a typing error denies as an "
    "invalid procedure code (CARC 181 / M51).",
    example="Line 1 billing 99201.",
    fix="Pick the current code for the service from the fee schedule (for 99201, 99202).",
    reference="CMS NCCI MUE and PTP tables; the practice fee schedule; CARC 181, RARC M51.",
)
define(
    "PROC003",
    "code-shape-invalid",
    "PROC_INVALID",
    ERROR,
    F,
    "line {line}: {code!r} is neither a CPT nor a HCPCS Level II code",
    "ASC X12N 837P (005010X222A1) loop 2400 SV101-2",
    what="The procedure code has the shape of a CPT code (five digits, or four digits and F, "
    "T or U) or of a HCPCS Level II code (a letter A-V and four digits).",
    why="SV101-2 with qualifier HC accepts only CPT/HCPCS codes; anything else is rejected.",
    example='`"code": "9921"`.',
    fix="Re-enter the procedure code.",
    reference="837P TR3 loop 2400 SV101-1 (HC) and SV101-2.",
)
define(
    "PROC010",
    "modifier-unknown",
    "MODIFIER_INVALID",
    ERROR,
    F,
    "line {line}: modifier {modifier!r} is not a CPT or HCPCS modifier",
    "CMS HCPCS Level II modifiers; CPT Appendix A modifier numbers",
    what="Each modifier is a known CPT or HCPCS Level II modifier.",
    why="An unknown modifier makes the line invalid (CARC 4).",
    example='`"modifiers": ["2S"]`.',
    fix="Correct the modifier or remove it.",
    reference="CMS HCPCS modifier list; CARC 4.",
)
define(
    "PROC011",
    "modifiers-contradict",
    "MODIFIER_INVALID",
    ERROR,
    F,
    "line {line}: modifiers {first} and {second} contradict each other",
    "CMS Claims Processing Manual ch. 12 sec. 20.4 (26/TC); CMS NCCI Policy Manual ch. 1 "
    "(anatomic modifiers)",
    what="A line does not carry modifiers that exclude each other: LT with RT, 50 with LT or "
    "RT, 26 with TC, or the same modifier twice.",
    why="The payer cannot tell which service was rendered and denies the line (CARC 4).",
    example='`"modifiers": ["26", "TC"]` (bill the global service with no modifier).',
    fix="For both sides, bill 50 (or two lines with RT and LT) as the payer asks; for the "
    "professional and technical component together, bill the global code without 26/TC.",
    reference="CMS Claims Processing Manual ch. 12 sec. 20.4.3 and 40.7; CARC 4.",
)
define(
    "PROC012",
    "too-many-modifiers",
    "MODIFIER_INVALID",
    ERROR,
    F,
    "line {line} has {count} modifiers; at most 4 fit",
    "ASC X12N 837P (005010X222A1) SV101-3..6",
    what="A line carries at most four modifiers.",
    why="SV101 has four modifier positions (CMS-1500 24D).",
    example="Five modifiers on one line.",
    fix="Keep the pricing modifiers first and drop informational ones, or use 99 as the "
    "payer asks.",
    reference="837P TR3 SV101-3 to SV101-6.",
)

HCPCS_RE = re.compile(r"^[A-V][0-9]{4}$")
CPT_RE = re.compile(r"^[0-9]{4}[0-9FTU]$")
_CONTRADICT = (("LT", "RT"), ("26", "TC"), ("50", "LT"), ("50", "RT"))
_SHAPE_MEMO: dict[str, str | None] = {}


def code_shape(code: str) -> str | None:
    """``"hcpcs"``, ``"cpt2"`` (category II), ``"cpt"`` (I, III, PLA) or None."""
    try:
        return _SHAPE_MEMO[code]
    except KeyError:
        pass
    if HCPCS_RE.match(code):
        shape: str | None = "hcpcs"
    elif CPT_RE.match(code):
        shape = "cpt2" if code[4] == "F" else "cpt"
    else:
        shape = None
    if len(_SHAPE_MEMO) < 50_000:
        _SHAPE_MEMO[code] = shape
    return shape


def code_finding(code: str, day: date | None, refs: References, line: int | None) -> Finding | None:
    """The finding for a procedure code that is not a real code on ``day`` (PROC001 a HCPCS
    Level II code not in effect, PROC002 a CPT code no loaded source lists, PROC003 neither
    shape), else None. The one rule for a procedure code: the claim edits and the intake of
    an EHR's charges both ask it."""
    shape = code_shape(code)
    if shape == "cpt":
        if refs.cpt_known and code not in refs.cpt_known:
            return finding("PROC002", line, code=code, sources=refs.cpt_sources)
    elif shape == "hcpcs":
        hcpcs_valid = refs.hcpcs_valid
        problem = hcpcs_valid(code, day) if hcpcs_valid is not None else None
        if problem:
            return finding(
                "PROC001",
                line,
                code=code,
                problem=problem,
                dos=day.isoformat() if day else "the date of service",
                release=refs.hcpcs_release,
            )
    elif shape is None:
        return finding("PROC003", line, code=code)
    elif refs.cpt_licensed and code not in refs.cpt_known:  # Category II: only a CPT file knows
        return finding("PROC002", line, code=code, sources=refs.cpt_sources)
    return None


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """Procedure codes valid on the date of service; modifiers known and compatible."""
    refs = ctx.refs
    modifiers = refs.modifiers
    line_dates = ctx.line_dates
    for i, ln in enumerate(claim.lines):
        code = ln.code
        if not code:
            continue
        no = ln.line or i + 1
        day = line_dates[i]
        found = code_finding(code, day, refs, no)
        if found is not None:
            out.append(found)
        mods = ln.modifiers
        if not mods:
            continue
        if len(mods) > 4:
            out.append(finding("PROC012", no, count=len(mods)))
        if modifiers:
            for m in mods:
                if m not in modifiers:
                    out.append(finding("PROC010", no, modifier=m))
        if len(mods) > 1:
            for a, b in _CONTRADICT:
                if a in mods and b in mods:
                    out.append(
                        finding(
                            "PROC011",
                            no,
                            first=a,
                            second=b,
                            fix=Fix(
                                "review",
                                "Bill modifier 50 or separate RT and LT lines as the payer asks."
                                if a != "26"
                                else "Bill the global service without 26 or TC.",
                            ),
                        )
                    )
            if len(set(mods)) != len(mods):
                dup = next(m for m in mods if mods.count(m) > 1)
                out.append(
                    finding(
                        "PROC011",
                        no,
                        first=dup,
                        second=dup,
                        fix=Fix("review", f"Remove the repeated modifier {dup}."),
                    )
                )

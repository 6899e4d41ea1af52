"""Edits for claim text that does not fit the 837P as it is: lengths, characters, separators.

The rule lives in ``medbill.core.x12.fit_claim`` (the one table of TR3 element
lengths, the X12 character set); these edits report what it finds before the claim
is submitted, with the same fields the writer names when it holds a claim out.
"""

from __future__ import annotations

from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, WARNING, Finding, Fix, define, finding
from medbill.core.x12 import ClaimFitter

__all__ = ["check"]

F = "format"
TR3 = "ASC X12N 837P (005010X222A1)"

define(
    "FMT021",
    "x12-text-shortened",
    "X12_TEXT_CHANGED",
    WARNING,
    F,
    "{field} {detail}",
    TR3 + " {element} maximum length",
    what="Names, addresses, notes and line descriptions fit the length of the 837P element "
    "that carries them (last or organization name 60, first name 35, middle name 25, "
    "suffix 10, street 55, city 30, note 80).",
    why="A value longer than its element makes the clearinghouse reject the whole "
    "transaction set (999 IK4 code 5, data element too long), every other claim in the "
    "file with it. medbill sends the first characters up to the limit instead; payers "
    "match members by id, so a shortened name is accepted.",
    example="A middle name of 28 characters (NM105 carries 25).",
    fix="Nothing is required; to control how the name is shortened, enter the name as the "
    "insurance card prints it.",
    reference="837P TR3 element attributes of NM1, N3, N4, NTE, SV1 (minimum and maximum length).",
)
define(
    "FMT022",
    "x12-separator-in-text",
    "X12_TEXT_CHANGED",
    WARNING,
    F,
    "{field} {detail}",
    TR3 + " {element}; X12 delimiters (ISA)",
    what="Text on the claim does not contain a character the 837P file uses as a separator "
    "(by default `*`, `:`, `^` and `~`).",
    why="A separator inside a value splits the element or the segment and corrupts the file "
    "from that point. medbill writes the character as `-` instead.",
    example='A note "Seen 10:30" (the colon separates components).',
    fix="Nothing is required; rephrase the text without the character to keep your wording.",
    reference="ASC X12 5010 delimiters (ISA16, ISA11, ISA segment terminator).",
)
define(
    "FMT023",
    "x12-identifier-does-not-fit",
    "X12_FIELD_NOT_WRITABLE",
    ERROR,
    F,
    "{field} {detail}",
    TR3 + " {element}",
    what="Identifiers (patient control number, member and payer ids, group numbers, prior "
    "authorizations, referral and original claim numbers) fit their element and contain no "
    "separator.",
    why="An identifier cannot be shortened or rewritten: the payer would look up another "
    "member, authorization or claim. A claim carrying one that does not fit is held out of "
    "the 837P file.",
    example="A prior authorization of 60 characters (REF02 carries 50).",
    fix="Copy the identifier exactly from the payer's letter or portal; if it is really "
    "longer than the element, ask the payer how to send it.",
    reference="837P TR3 CLM01 (38), NM109 (80), REF02 (50), SBR03 (50).",
)
define(
    "FMT024",
    "x12-value-too-short",
    "X12_FIELD_NOT_WRITABLE",
    ERROR,
    F,
    "{field} {detail}",
    TR3 + " {element} minimum length",
    what="Values meet the minimum length of their element (a city has at least 2 "
    "characters, a member or payer id at least 2).",
    why="A value shorter than the minimum is rejected by the 999 (IK4 code 4, data element "
    "too short).",
    example='A city entered as "M".',
    fix="Enter the full value.",
    reference="837P TR3 N401 (2-30), NM109 (2-80).",
)
define(
    "FMT025",
    "x12-characters-not-writable",
    "X12_FIELD_NOT_WRITABLE",
    ERROR,
    F,
    "{field} {detail}",
    TR3 + " {element}; X12 extended character set",
    what="Names and addresses can be written in the X12 character set: letters with "
    "accents and the letters of other Latin alphabets (Đ, Þ, ı, ß) are transliterated; "
    "letters of other scripts (Cyrillic, Greek, Chinese ...) have no such form.",
    why="An 837P carries only the X12 character set; a name that cannot be written in it "
    "would reach the payer wrong or empty, and the member would not be found (277CA A7).",
    example='A last name entered as "Иванова".',
    fix="Enter the name in Latin letters exactly as the insurance card prints it.",
    reference="ASC X12 5010 extended character set; 837P TR3 NM103/NM104.",
)

_CODES = {
    "truncated": "FMT021",
    "separator_replaced": "FMT022",
    "too_long": "FMT023",
    "contains_separator": "FMT023",
    "too_short": "FMT024",
    "no_latin_form": "FMT025",
    "nothing_left": "FMT025",
}
_FITTER = ClaimFitter()


def check(claim, ctx: Ctx, out: list[Finding]) -> None:
    """Every field the 837P writer would shorten, rewrite, or refuse (with the default
    separators; a clearinghouse's own separators are applied when the file is written)."""
    if not any(code in ctx.enabled for code in ("FMT021", "FMT022", "FMT023", "FMT024", "FMT025")):
        return
    for fit in _FITTER.fit(claim).fits:
        out.append(
            finding(
                _CODES[fit.kind],
                fit.line,
                field=fit.field,
                detail=fit.message,
                element=fit.element,
                fix=Fix("set_field", f"Correct {fit.field}.", (("field", fit.field),)),
            )
        )

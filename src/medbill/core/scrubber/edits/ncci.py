"""NCCI edits between lines of one claim: procedure-to-procedure pairs, add-on codes
without a primary, and an E/M visit billed with a procedure on the same day."""

from __future__ import annotations

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, WARNING, Finding, Fix, define, finding

__all__ = ["NCCI_MODIFIERS", "check", "is_em", "needs_separate_em"]

F = "ncci"
PTP_CITE = (
    "CMS NCCI practitioner PTP edits {quarter}: column 1 {col1}, column 2 {col2}, "
    "modifier indicator {mi}"
)
AOC_CITE = "CMS NCCI add-on code edits {quarter}: {code} type {type}"

define(
    "NCCI001",
    "ptp-never-together",
    "PTP_CONFLICT",
    ERROR,
    F,
    "line {line}: {col2} is bundled into {col1} (line {line1}) and no modifier can separate them",
    PTP_CITE,
    what="No two lines on the same day form an NCCI procedure-to-procedure pair whose "
    "modifier indicator is 0.",
    why="With indicator 0 the column 2 code is never paid with the column 1 code on the same "
    "day, by the same provider (CARC 97/236); no modifier bypasses it.",
    example="A pair listed with modifier indicator 0, such as a component code billed with "
    "the comprehensive code.",
    fix="Remove the column 2 line; its work is included in the column 1 service.",
    reference="CMS NCCI Policy Manual ch. 1 sec. E; NCCI PTP practitioner tables.",
    mechanical_fix="remove_line",
)
define(
    "NCCI002",
    "ptp-needs-modifier",
    "PTP_CONFLICT",
    ERROR,
    F,
    "line {line}: {col2} is bundled into {col1} (line {line1}) unless a modifier shows a "
    "distinct service",
    PTP_CITE,
    what="Two lines on the same day that form an NCCI pair with modifier indicator 1 carry an "
    "NCCI-associated modifier (59, XE, XS, XP, XU, an anatomic modifier, 24, 25, 27, 57, "
    "58, 78, 79, 91) on one of them, 25 or 57 when the column 2 code is an E/M visit.",
    why="Without the modifier the column 2 code is denied as included in the column 1 code "
    "(CARC 97/236). The modifier is allowed only when the services were really distinct "
    "(another site, session, lesion or encounter) and the record shows it.",
    example="97530 and 97140 on the same day without a modifier.",
    fix="If the record supports a distinct service, add 59 (or the more specific XS/XU/XE/XP) "
    "to the column 2 line; otherwise remove the line.",
    reference="CMS NCCI Policy Manual ch. 1 sec. E; modifier 59 article (MLN1783722).",
    mechanical_fix="add_modifier",
)
define(
    "NCCI010",
    "aoc-without-primary",
    "AOC_WITHOUT_PRIMARY",
    ERROR,
    F,
    "line {line}: add-on code {code} is billed without any of its primary codes",
    AOC_CITE,
    what="A type 1 add-on code is billed with one of the primary codes the CMS add-on code "
    "edits list for it, on the same claim and day.",
    why="An add-on code is never paid alone; without an eligible primary it denies (CARC B15/107).",
    example="17003 without 17000.",
    fix="Add the primary service that was performed, or remove the add-on line.",
    reference="CMS NCCI add-on code edits; NCCI Policy Manual ch. 1 sec. D.",
)
define(
    "NCCI011",
    "aoc-type3-without-listed-primary",
    "AOC_WITHOUT_PRIMARY",
    WARNING,
    F,
    "line {line}: add-on code {code} is billed without any primary code CMS lists for it",
    AOC_CITE,
    what="A type 3 add-on code is billed with one of the primary codes CMS lists for it.",
    why="For type 3 add-on codes CMS lists some primaries and contractors may accept others; "
    "without a listed primary the line is likely to deny unless the contractor's policy "
    "names the primary billed.",
    example="A type 3 add-on billed with a primary the table does not list.",
    fix="Check the contractor's policy for eligible primaries, or add the primary service.",
    reference="CMS NCCI add-on code edits (type 3); NCCI Policy Manual ch. 1 sec. D.",
)
define(
    "NCCI020",
    "em-needs-modifier-25",
    "EM_NEEDS_MODIFIER_25",
    ERROR,
    F,
    "line {line}: E/M {code} is billed with procedure {proc} (line {pline}) on the same day "
    "without modifier 25",
    "CMS NCCI Policy Manual ch. 1 sec. D and ch. 11; CPT modifier 25",
    what="An E/M visit billed on the same day as a procedure with a global period, an "
    "injection or an immunization administration carries modifier 25 (or 57 for the "
    "decision for major surgery). Vaccines given at a preventive or annual wellness visit "
    "do not need it.",
    why="The visit is included in the procedure unless it was significant and separately "
    "identifiable; without 25 the E/M is denied (CARC 97/B15).",
    example="99213 and 20610 on the same day, 99213 with no modifier.",
    fix="When the record shows a separate, significant problem-oriented visit, add modifier 25 "
    "to the E/M line; otherwise remove the E/M line.",
    reference="CMS NCCI Policy Manual ch. 1 sec. D, ch. 11 sec. B; CMS Claims Processing "
    "Manual ch. 12 sec. 30.6.6.",
    mechanical_fix="add_modifier",
)

NCCI_MODIFIERS = frozenset(
    {
        "59",
        "XE",
        "XP",
        "XS",
        "XU",
        "24",
        "25",
        "27",
        "57",
        "58",
        "78",
        "79",
        "91",
        "E1",
        "E2",
        "E3",
        "E4",
        "FA",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "LC",
        "LD",
        "LM",
        "LT",
        "RC",
        "RI",
        "RT",
        "TA",
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
    }
)
EM_MODIFIERS = frozenset({"25", "57"})


def _ranges(*spans: tuple[int, int]) -> frozenset[str]:
    return frozenset(f"{n:05d}" for lo, hi in spans for n in range(lo, hi + 1))


# E/M visits (office, hospital, consultation, emergency, nursing facility, home, preventive).
EM_CODES = _ranges(
    (99202, 99205),
    (99211, 99215),
    (99221, 99239),
    (99242, 99255),
    (99281, 99285),
    (99304, 99316),
    (99341, 99350),
    (99381, 99397),
    (99401, 99404),
    (99460, 99463),
) | {"G0402", "G0438", "G0439"}
# Same-day services that make a visit need modifier 25: surgery (10004-69990) except
# specimen collection, injections and infusions, immunization administration.
_NOT_PROCEDURES = frozenset({"36415", "36416", "36591", "36592"})
VACCINE_ADMIN = _ranges((90460, 90474)) | {"G0008", "G0009", "G0010"}
PROCEDURES_NEEDING_25 = (_ranges((10004, 69990), (96360, 96379)) - _NOT_PROCEDURES) | VACCINE_ADMIN
# Preventive visits and annual wellness visits include giving the vaccines due, so
# immunization administration alone does not call for modifier 25 on them.
PREVENTIVE = _ranges((99381, 99397), (99460, 99463)) | {"G0402", "G0438", "G0439"}


def is_em(code: str) -> bool:
    """True for an E/M visit code."""
    return code in EM_CODES


def needs_separate_em(code: str) -> bool:
    """True when an E/M on the same day as ``code`` needs modifier 25."""
    return code in PROCEDURES_NEEDING_25


def _providers(claim: Claim) -> list[str | None] | None:
    """Each line's rendering NPI, or None when no line names its own provider."""
    lines = claim.lines
    if all(ln.rendering_provider is None for ln in lines):
        return None
    default = claim.rendering_provider.npi if claim.rendering_provider else None
    return [ln.rendering_provider.npi if ln.rendering_provider else default for ln in lines]


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """E/M with a procedure, add-on codes, then procedure-to-procedure pairs."""
    lines = claim.lines
    n = len(lines)
    if n == 0:
        return
    days = ctx.line_dates
    codes = [ln.code for ln in lines]
    flagged_em: set[int] = set()
    # NCCI pairs and the E/M rule apply to one provider's services; lines may name their own.
    who = _providers(claim)

    # E/M visit with a procedure the same day
    for i, code in enumerate(codes):
        if code in EM_CODES and not EM_MODIFIERS.intersection(lines[i].modifiers):
            preventive = code in PREVENTIVE
            for j, other in enumerate(codes):
                if (
                    j != i
                    and other in PROCEDURES_NEEDING_25
                    and days[j] == days[i]
                    and not (preventive and other in VACCINE_ADMIN)
                    and (who is None or who[i] == who[j])
                ):
                    no = lines[i].line or i + 1
                    flagged_em.add(i)
                    out.append(
                        finding(
                            "NCCI020",
                            no,
                            code=code,
                            proc=other,
                            pline=lines[j].line or j + 1,
                            fix=Fix(
                                "add_modifier",
                                f"Add modifier 25 to line {no} if the record "
                                "shows a separately identifiable visit.",
                                (("line", no), ("modifier", "25")),
                            ),
                        )
                    )
                    break

    aoc = ctx.aoc
    if aoc is not None:
        addons = aoc.addons
        for i, code in enumerate(codes):
            entry = addons.get(code)
            if entry is None or entry[0] == 2:
                continue
            kind, prims = entry
            day = days[i]
            found = False
            for j, other in enumerate(codes):
                if j != i:
                    span = prims.get(other)
                    if (
                        span is not None
                        and (day is None or span[0] <= day < span[1])
                        and days[j] == day
                    ):
                        found = True
                        break
            if not found:
                out.append(
                    finding(
                        "NCCI010" if kind == 1 else "NCCI011",
                        lines[i].line or i + 1,
                        code=code,
                        type=kind,
                        quarter=aoc.quarter,
                        fix=Fix(
                            "review",
                            "Add the primary procedure performed, or remove the add-on line.",
                        ),
                    )
                )

    ptp = ctx.ptp
    if ptp is None or n < 2:
        return
    pairs = ptp.pairs
    for i in range(n):
        c1 = codes[i]
        for j in range(n):
            if i == j:
                continue
            entry = pairs.get((c1, codes[j]))
            if entry is None:
                continue
            eff, end, mi = entry
            day = days[i]
            if mi == "9" or days[j] != day or (day is not None and not eff <= day < end):
                continue
            if who is not None and who[i] != who[j]:
                continue
            c2 = codes[j]
            col2_em = c2 in EM_CODES
            if col2_em and j in flagged_em:
                continue  # NCCI020 already asks for modifier 25 on this visit
            allowed = EM_MODIFIERS if col2_em else NCCI_MODIFIERS
            if mi == "1" and (
                allowed.intersection(lines[j].modifiers)
                or (not col2_em and allowed.intersection(lines[i].modifiers))
            ):
                continue
            no2 = lines[j].line or j + 1
            if mi == "0":
                fix = Fix(
                    "remove_line", f"Remove line {no2}; {c2} is included in {c1}.", (("line", no2),)
                )
            else:
                mod = "25" if col2_em else "59"
                fix = Fix(
                    "add_modifier",
                    f"Add modifier {mod} to line {no2} if the record "
                    "shows a distinct service; otherwise remove the line.",
                    (("line", no2), ("modifier", mod)),
                )
            out.append(
                finding(
                    "NCCI001" if mi == "0" else "NCCI002",
                    no2,
                    col1=c1,
                    col2=c2,
                    line1=lines[i].line or i + 1,
                    mi=mi,
                    quarter=ptp.quarter,
                    fix=fix,
                )
            )

"""ICD-10-CM edits: code validity on the date of service, billability, 7th characters,
Excludes1 pairs, sequencing, and the MCE age and sex lists.

Code facts are computed once per (loaded release, code) through the code-set API and kept
beside that release object (which is itself loaded once per data directory), so a claim costs
a few hash probes per diagnosis and a release read from another data directory, or reloaded
after an import, never sees another's facts.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from medbill.core.claim import Claim
from medbill.core.scrubber.context import Ctx
from medbill.core.scrubber.registry import ERROR, WARNING, Finding, Fix, define, finding

__all__ = ["check", "dx_facts"]

F = "icd"
TAB = "ICD-10-CM Tabular List {release}"
GL = "ICD-10-CM Official Guidelines for Coding and Reporting {release}"

define(
    "DX001",
    "dx-unknown",
    "DX_INVALID",
    ERROR,
    F,
    "diagnosis {pos} ({code}) is not an ICD-10-CM code",
    TAB,
    what="Every diagnosis is a code of some ICD-10-CM release.",
    why="An unknown code is rejected by the clearinghouse (277CA A7:254) or denied (CARC 146).",
    example='`"diagnoses": ["E1199X"]`.',
    fix="Look the condition up in the index and enter the full code.",
    reference="ICD-10-CM Tabular List; Official Guidelines sec. I.A.",
)
define(
    "DX002",
    "dx-not-valid-on-dos",
    "DX_NOT_VALID_ON_DOS",
    ERROR,
    F,
    "diagnosis {pos} ({code}) is {problem} on the date of service {dos}",
    TAB,
    what="Every diagnosis is valid in the ICD-10-CM release in force on the date of service "
    "(October 1 to September 30).",
    why="A code deleted in the annual update, or one not yet effective, is denied (CARC 146); "
    "payers judge the code by the date of service, not the date billed.",
    example="`S301XXA`, deleted on 2025-10-01 (now `S3011XA`-`S3013XA`), for a 2026 service.",
    fix="Use the code the new release gives for the condition (the expanded subcodes).",
    reference="ICD-10-CM addenda and conversion table; Official Guidelines sec. I.B.",
    mechanical_fix="replace_code",
)
define(
    "DX003",
    "dx-not-billable",
    "DX_NOT_BILLABLE",
    ERROR,
    F,
    "diagnosis {pos} ({code}) is a category header, not a billable code",
    TAB,
    what="Every diagnosis is a billable code: the most specific level of the tabular, with no "
    "subcodes below it.",
    why="A header such as E11 is not valid for claims (Guidelines I.B.2: code to the highest "
    "specificity); it is rejected or denied (CARC 146).",
    example="`E11` instead of `E11.9` or a more specific diabetes code.",
    fix="Choose the subcode that the record supports.",
    reference="Official Guidelines sec. I.A.2 and I.B.2.",
    mechanical_fix="replace_code",
)
define(
    "DX004",
    "dx-seventh-character",
    "DX_SEVENTH_CHAR_MISSING",
    ERROR,
    F,
    "diagnosis {pos} ({code}) needs a 7th character",
    TAB + " 7th character note; " + GL + " sec. I.A.5",
    what="A code under a 7th-character note (injuries, fractures, some obstetric and "
    "musculoskeletal codes) carries the 7th character, with placeholder X where the code "
    "is shorter than six characters.",
    why="Without the 7th character the code is invalid and denies (CARC 146).",
    example="`S52501` instead of `S52501A` (initial encounter).",
    fix="Add the 7th character for the encounter (A initial, D subsequent, S sequela ...), "
    "padding with X.",
    reference="Official Guidelines sec. I.A.4 and I.A.5.",
    mechanical_fix="add_seventh_character",
)
define(
    "DX005",
    "dx-excludes1",
    "DX_EXCLUDES1",
    ERROR,
    F,
    "diagnoses {a} and {b} may not be coded together (Excludes1 note of {a}: {note})",
    TAB + " Excludes1 note at {a}; " + GL + " sec. I.A.12.a",
    what="No two diagnoses on a claim are in an Excludes1 relation (Excludes2 pairs are allowed).",
    why="Excludes1 means 'not coded here': the two conditions cannot occur together, and "
    "payers deny the claim as a coding error (CARC 16/M76).",
    example="E11.9 (type 2 diabetes) with E10.9 (type 1 diabetes): E11 excludes E10.",
    fix="Keep the code the record supports; when the conditions are unrelated, document that "
    "(the guideline exception) and appeal.",
    reference="Official Guidelines sec. I.A.12.a (Excludes1).",
)
define(
    "DX006",
    "dx-manifestation-first",
    "DX_MANIFESTATION_PRIMARY",
    ERROR,
    F,
    "diagnosis 1 ({code}) is a manifestation code and may not be listed first",
    GL + " sec. I.A.13; CMS MCE {mce} manifestation list",
    what="The first-listed diagnosis is not a manifestation code ('in diseases classified "
    "elsewhere', or a code with a 'code first' note that the MCE lists).",
    why="Manifestation codes describe the effect of an underlying disease, which must be "
    "sequenced first; listed first they deny (CARC 16).",
    example="`F0280` (dementia in other diseases classified elsewhere) first, before `G300`.",
    fix="Sequence the underlying condition first.",
    reference="Official Guidelines sec. I.A.13 (etiology/manifestation convention).",
    mechanical_fix="reorder_diagnoses",
)
define(
    "DX007",
    "dx-external-cause-first",
    "DX_EXTERNAL_CAUSE_PRIMARY",
    ERROR,
    F,
    "diagnosis 1 ({code}) is an external cause code and may not be listed first",
    GL + " sec. I.C.20",
    what="The first-listed diagnosis is not an external cause code (V00-Y99).",
    why="External cause codes are secondary codes only; a claim led by one denies.",
    example="`W010XXA` (fall) first, before the injury `S0181XA`.",
    fix="List the injury or condition first and the external cause after it.",
    reference="Official Guidelines sec. I.C.20 (external cause codes are never first-listed).",
    mechanical_fix="reorder_diagnoses",
)
define(
    "DX008",
    "dx-age-conflict",
    "DX_AGE_CONFLICT",
    ERROR,
    F,
    "diagnosis {pos} ({code}) is for {group} patients ({span}); the patient is {age} on the "
    "date of service",
    "CMS Medicare Code Editor {mce} {group} diagnosis list",
    what="A diagnosis on an MCE age list (newborn 0, pediatric 0-17, maternity 9-64, adult "
    "15-124) matches the patient's age on the date of service.",
    why="An age the code cannot apply to means a wrong code or a wrong birth date; payers "
    "deny the claim (CARC 9).",
    example="A maternity code for a 70-year-old patient.",
    fix="Check the patient's birth date and the diagnosis.",
    reference="CMS Definition of Medicare Code Edits (MCE), age conflict edits.",
)
define(
    "DX009",
    "dx-sex-conflict",
    "DX_SEX_CONFLICT",
    WARNING,
    F,
    "diagnosis {pos} ({code}) is on the MCE {listed} list; the patient's sex is {sex}",
    "CMS Medicare Code Editor {mce_sex} {listed} diagnosis list",
    what="A diagnosis on the MCE male-only or female-only list matches the patient's sex.",
    why="Commercial payers still deny many sex-inconsistent codes (CARC 10). CMS deactivated "
    "its own sex edit on 2024-10-01 to respect patients whose sex on file differs from "
    "their anatomy, so this is a warning to review, not an error.",
    example="A female-only diagnosis for a patient recorded as M.",
    fix="Check the diagnosis and the sex on file; when both are right, add a note for the "
    "payer (condition code 45 where the payer accepts it).",
    reference="CMS MCE sex conflict edit (historic v37 lists).",
)
define(
    "DX010",
    "dx-unspecified",
    "DX_UNSPECIFIED",
    WARNING,
    F,
    "diagnosis {pos} ({code}) is unspecified while more specific codes exist under {parent}",
    GL + " sec. I.B.18; payer specificity policy",
    what="An unspecified code is used where the category has specified codes (opt-in: a payer "
    "policy selects it).",
    why="Some payers deny or pend unspecified codes when the record supports more detail.",
    example="`J449` (COPD, unspecified) when the record supports `J440` or `J441`.",
    fix="Code the specified condition when the record documents it.",
    reference="Official Guidelines sec. I.B.18 (use of signs/symptoms and unspecified codes).",
    default=False,
)

_WITH_SUBCODE = re.compile(r"-[A-Z][0-9]{2}\s+with\s+\.([0-9A-Z]+)\)")
DX_RE = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")
UNKNOWN: tuple[Any, ...] = ("unknown", (), False, False, False, "", "")


class _Memo:
    """What the edits worked out from one loaded release; lives as long as the release does."""

    __slots__ = ("excl", "facts", "pairs", "unspec")

    def __init__(self) -> None:
        self.facts: dict[str, tuple[Any, ...]] = {}
        self.excl: dict[tuple[str, str], str | None] = {}
        self.pairs: dict[tuple[str, str], tuple[str, str, str] | None] = {}
        self.unspec: dict[str, str | None] = {}


_MEMOS: weakref.WeakKeyDictionary[Any, _Memo] = weakref.WeakKeyDictionary()


def _memo(release: Any) -> _Memo:
    """The memo of ``release`` (keyed on the object, not its name: two data directories may
    each hold a release of the same name)."""
    try:
        memo = _MEMOS.get(release)
        if memo is None:
            memo = _MEMOS[release] = _Memo()
    except TypeError:  # an object that cannot be weakly referenced: work it out afresh
        memo = _Memo()
    return memo


def dx_facts(release: Any, code: str) -> tuple[Any, ...]:
    """(status, choices, needs_7th, manifestation, billable, parent, description) for a code.

    ``status`` is that of :func:`medbill.core.codesets.validity`; ``choices`` are the codes
    to offer instead (successors, billable subcodes or 7th-character completions).
    """
    return _dx_facts(_memo(release), release, code)


def _dx_facts(memo: _Memo, release: Any, code: str) -> tuple[Any, ...]:
    known = memo.facts
    try:
        return known[code]
    except KeyError:
        pass
    from medbill.core.codesets import validity

    if not DX_RE.match(code):
        facts = UNKNOWN
    else:
        description = release.description(code)
        if description is not None:
            # Cheap lookups first; the full entry (with notes) only for 7th characters.
            billable = release.is_billable(code)
            needs7 = release.needs_seventh(code)
            manifestation = "classified elsewhere" in description.lower()
            if needs7:
                stem = code.ljust(6, "X")
                seventh = release.get(code).seventh_characters
                choices = tuple(stem + c for c in sorted(seventh))
                status = "not_billable"
            elif billable:
                choices, status = (), "valid"
            else:
                choices = tuple(release.billable_descendants(code)[:12])
                status = "not_billable"
            facts = (
                status,
                choices,
                needs7,
                manifestation,
                billable,
                release.parent(code) or "",
                description,
            )
        else:
            v = validity(code, release.effective_from)
            facts = (v.status, tuple(v.successors), False, False, False, "", v.note)
    if len(known) < 200_000:
        known[code] = facts
    return facts


def _on_the_day(code: str, dos: Any, facts: tuple[Any, ...]) -> tuple[Any, ...]:
    """The facts of a code added or deleted during its release's year, on ``dos``: before
    its addition it is not yet valid, from its deletion it is deleted (DX002)."""
    from medbill.core.codesets import validity

    v = validity(code, dos)
    if v.status == "not_yet_valid":
        return (v.status, (), False, False, False, "", v.note)
    if v.status in ("deleted", "not_billable") and facts[0] == "valid":
        return ("deleted", tuple(v.successors), False, False, False, "", v.note)
    return facts


def _excludes1(memo: _Memo, release: Any, a: str, b: str) -> str | None:
    known = memo.excl
    key = (a, b)
    try:
        return known[key]
    except KeyError:
        pass
    note: str | None = release.excludes1_conflict(a, b)
    if note is not None:
        # "(E08-E13 with .42)": the note excludes only the codes with that subcode.
        m = _WITH_SUBCODE.search(note)
        if m and not b[3:].startswith(m.group(1)):
            note = None
    if len(known) < 500_000:
        known[key] = note
    return note


_MISSING: tuple[str, ...] = ("",)


def _excludes1_pair(memo: _Memo, release: Any, a: str, b: str) -> tuple[str, str, str] | None:
    """(code with the note, the code it excludes, note) for an Excludes1 pair, else None."""
    known = memo.pairs
    key = (a, b)
    try:
        return known[key]
    except KeyError:
        pass
    note = _excludes1(memo, release, a, b)
    hit = (a, b, note) if note is not None else None
    if hit is None:
        note = _excludes1(memo, release, b, a)
        hit = (b, a, note) if note is not None else None
    if len(known) < 500_000:
        known[key] = hit
    return hit


def _unspecified(memo: _Memo, release: Any, code: str, facts: tuple[Any, ...]) -> str | None:
    """The parent under which more specific codes exist, when ``code`` is unspecified."""
    known = memo.unspec
    if code in known:
        return known[code]
    parent = None
    if facts[0] == "valid" and "unspecified" in facts[6].lower() and facts[5]:
        siblings = release.billable_descendants(facts[5])
        for other in siblings:
            if other != code and "unspecified" not in (release.description(other) or "").lower():
                parent = facts[5]
                break
    known[code] = parent
    return parent


# The lists last indexed, kept with their index: holding them keeps their id() from being
# reused by other lists while the entry exists.
_MCE_INDEXES: dict[
    tuple[str, str, int], tuple[object, dict[str, tuple[tuple[Any, ...], str | None]]]
] = {}


def _mce_index(mce: Any) -> dict[str, tuple[tuple[Any, ...], str | None]]:
    """code -> ((group, min age, max age), ...), and "M"/"F" when the code is sex-specific."""
    key = (mce.quarter, mce.sex_version, id(mce.lists))
    held = _MCE_INDEXES.get(key)
    if held is not None:
        return held[1]
    ages: dict[str, list[tuple[str, int, int]]] = {}
    for group, (lo, hi) in mce.AGE_RANGES.items():
        for code in mce.lists.get(group, ()):
            ages.setdefault(code, []).append((group, lo, hi))
    sex = {c: "M" for c in mce.lists.get("male", ())}
    sex.update({c: "F" for c in mce.lists.get("female", ())})
    index = {c: (tuple(ages.get(c, ())), sex.get(c)) for c in set(ages) | set(sex)}
    _MCE_INDEXES.clear()  # one table in use at a time is the common case
    _MCE_INDEXES[key] = (mce.lists, index)
    return index


def _reorder(dx: tuple[str, ...], bad: set[int]) -> tuple[str, ...]:
    return tuple(c for i, c in enumerate(dx) if i not in bad) + tuple(dx[i] for i in sorted(bad))


def check(claim: Claim, ctx: Ctx, out: list[Finding]) -> None:
    """Validity, billability, 7th character, Excludes1, sequencing, MCE age and sex lists."""
    release = ctx.icd
    dx = claim.diagnoses
    if release is None or not dx:
        return
    name = release.name
    memo = _memo(release)
    known_facts = memo.facts
    mce = ctx.mce
    lists = mce.lists if mce is not None else {}
    mce_index = _mce_index(mce) if mce is not None else {}
    age = ctx.age
    sex = ctx.sex
    dos = ctx.dos
    unspec_on = "DX010" in ctx.enabled
    valid: list[str] = []
    dated = release.dated if dos is not None else None
    for i, code in enumerate(dx):
        pos = i + 1
        facts = known_facts.get(code) or _dx_facts(memo, release, code)
        if dated and code in dated:
            facts = _on_the_day(code, dos, facts)
        status = facts[0]
        if status != "valid":
            if status == "unknown":
                out.append(finding("DX001", None, pos=pos, code=code, release=name))
            elif facts[2]:
                out.append(
                    finding(
                        "DX004",
                        None,
                        pos=pos,
                        code=code,
                        release=name,
                        fix=Fix(
                            "add_seventh_character",
                            f"Add the 7th character to {code}.",
                            (("diagnosis", pos), ("choices", facts[1])),
                        ),
                    )
                )
            elif status == "not_billable":
                out.append(
                    finding(
                        "DX003",
                        None,
                        pos=pos,
                        code=code,
                        release=name,
                        fix=Fix(
                            "replace_code",
                            f"Replace {code} with the subcode the record supports.",
                            (("diagnosis", pos), ("choices", facts[1]), ("within", code)),
                        ),
                    )
                )
            else:
                problem = "not yet valid" if status == "not_yet_valid" else "deleted"
                out.append(
                    finding(
                        "DX002",
                        None,
                        pos=pos,
                        code=code,
                        problem=problem,
                        release=name,
                        dos=dos.isoformat() if dos else "unknown",
                        fix=Fix(
                            "replace_code",
                            f"Replace {code} with a code valid in {name}.",
                            (("diagnosis", pos), ("choices", facts[1])),
                        )
                        if facts[1]
                        else None,
                    )
                )
            continue
        valid.append(code)
        info = mce_index.get(code)
        if info is not None:
            ages, only = info
            if age is not None:
                for group, lo, hi in ages:
                    if not lo <= age <= hi:
                        out.append(
                            finding(
                                "DX008",
                                None,
                                pos=pos,
                                code=code,
                                group=group,
                                span=f"age {lo}-{hi}",
                                age=age,
                                mce=mce.quarter,
                            )
                        )
            if only is not None and (sex == "M" or sex == "F") and only != sex:
                listed = "male" if only == "M" else "female"
                out.append(
                    finding(
                        "DX009",
                        None,
                        pos=pos,
                        code=code,
                        listed=listed,
                        sex=sex,
                        mce_sex=mce.sex_version or mce.quarter,
                    )
                )
        if unspec_on:
            parent = _unspecified(memo, release, code, facts)
            if parent:
                out.append(finding("DX010", None, pos=pos, code=code, parent=parent, release=name))

    first = dx[0]
    facts = _dx_facts(memo, release, first)
    manifest = lists.get("manifestation") if lists else None
    if facts[3] or (manifest is not None and first in manifest):
        out.append(
            finding(
                "DX006",
                None,
                code=first,
                release=name,
                mce=mce.quarter if mce else "",
                fix=Fix(
                    "reorder_diagnoses",
                    "List the underlying condition first.",
                    (("order", _reorder(dx, {0})),),
                )
                if len(dx) > 1
                else None,
            )
        )
    elif first[0] in "VWXY":
        bad = {i for i, c in enumerate(dx) if c[0] in "VWXY"}
        out.append(
            finding(
                "DX007",
                None,
                code=first,
                release=name,
                fix=Fix(
                    "reorder_diagnoses",
                    "List the condition first, external causes after.",
                    (("order", _reorder(dx, bad)),),
                )
                if len(bad) < len(dx)
                else None,
            )
        )

    n = len(valid)
    pairs = memo.pairs
    for i in range(n):
        a = valid[i]
        for j in range(i + 1, n):
            b = valid[j]
            hit = pairs.get((a, b), _MISSING)
            if hit is _MISSING:
                hit = _excludes1_pair(memo, release, a, b)
            if hit is not None:
                out.append(finding("DX005", None, a=hit[0], b=hit[1], note=hit[2], release=name))

"""Apply a finding's mechanical fix to a claim, giving a corrected claim.

Claims are frozen: every fix returns a new claim. Fixes that need a choice (a 7th
character, a replacement code) take it as ``choice``; without one the first offered
choice is used only when it is the only one.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from medbill.core.claim import Claim, ServiceLine
from medbill.core.scrubber.registry import Fix

__all__ = ["SAFE_ACTIONS", "FixError", "apply_fix", "apply_safe_fixes"]


class FixError(ValueError):
    """The fix cannot be applied mechanically (names what is missing)."""


def _line_index(claim: Claim, number: int) -> int:
    for i, line in enumerate(claim.lines):
        if (line.line or i + 1) == number:
            return i
    raise FixError(f"the claim has no line {number}")


def _replace_line(claim: Claim, index: int, line: ServiceLine) -> Claim:
    lines = list(claim.lines)
    lines[index] = line
    return dataclasses.replace(claim, lines=tuple(lines))


def _pick(fix: Fix, choice: str | None) -> str:
    choices: tuple[str, ...] = tuple(fix.arg("choices", ()))
    if choice is not None:
        within = fix.arg("within")  # a header's fix offers a few of its codes, accepts all
        if choices and choice not in choices and not (within and choice.startswith(within)):
            raise FixError(f"{choice} is not one of the offered codes {', '.join(choices)}")
        return choice
    if len(choices) == 1:
        return choices[0]
    raise FixError("choose one of: " + ", ".join(choices) if choices else "no code offered")


def _renumber(lines: list[ServiceLine]) -> tuple[ServiceLine, ...]:
    return tuple(dataclasses.replace(ln, line=i + 1) for i, ln in enumerate(lines))


def apply_fix(claim: Claim, fix: Fix, choice: str | None = None) -> Claim:
    """The claim with ``fix`` applied; ``FixError`` when the fix needs a person's decision."""
    action = fix.action
    if action == "add_modifier":
        i = _line_index(claim, fix.arg("line"))
        line = claim.lines[i]
        modifier = fix.arg("modifier")
        if modifier in line.modifiers:
            return claim
        if len(line.modifiers) >= 4:
            raise FixError(f"line {fix.arg('line')} already has four modifiers")
        return _replace_line(
            claim, i, dataclasses.replace(line, modifiers=line.modifiers + (modifier,))
        )
    if action == "reorder_diagnoses":
        order = tuple(fix.arg("order"))
        if sorted(order) != sorted(claim.diagnoses):
            raise FixError("the new order does not hold the claim's diagnoses")
        # each old position -> its new position, taking repeated codes in turn
        taken: set[int] = set()
        new_pos = {}
        for old, code in enumerate(claim.diagnoses, start=1):
            j = next(k for k, c in enumerate(order, start=1) if c == code and k not in taken)
            taken.add(j)
            new_pos[old] = j
        repointed = tuple(
            dataclasses.replace(ln, dx_pointers=tuple(new_pos.get(p, p) for p in ln.dx_pointers))
            for ln in claim.lines
        )
        return dataclasses.replace(claim, diagnoses=order, lines=repointed)
    if action in ("add_seventh_character", "replace_code") and fix.arg("diagnosis"):
        pos = fix.arg("diagnosis")
        code = _pick(fix, choice)
        dx = list(claim.diagnoses)
        dx[pos - 1] = code
        return dataclasses.replace(claim, diagnoses=tuple(dx))
    if action == "replace_code":
        i = _line_index(claim, fix.arg("line"))
        return _replace_line(claim, i, dataclasses.replace(claim.lines[i], code=_pick(fix, choice)))
    if action == "split_units":
        # Later pieces carry a modifier that tells them apart (59 unless ``choice`` names
        # another, such as XU or an anatomic modifier); more than two pieces need a coder.
        i = _line_index(claim, fix.arg("line"))
        line = claim.lines[i]
        per = Decimal(fix.arg("units_per_line"))
        if per <= 0:
            raise FixError("no units are payable per line")
        modifier = choice or "59"
        money = type(line.charge)
        pieces: list[ServiceLine] = []
        left = line.units
        billed = money(0)
        while left > 0:
            units = min(per, left)
            left -= units
            charge = (
                line.charge - billed
                if left <= 0
                else money(line.charge.amount * units / line.units)
            )
            billed = billed + charge
            mods = line.modifiers
            if pieces and modifier not in mods:
                mods = mods + (modifier,)
            pieces.append(dataclasses.replace(line, units=units, charge=charge, modifiers=mods))
        lines = list(claim.lines[:i]) + pieces + list(claim.lines[i + 1 :])
        return dataclasses.replace(claim, lines=_renumber(lines))
    if action == "merge_lines":
        first, second = fix.arg("lines")
        i, j = _line_index(claim, first), _line_index(claim, second)
        a, b = claim.lines[i], claim.lines[j]
        merged = dataclasses.replace(a, units=a.units + b.units, charge=a.charge + b.charge)
        lines = [merged if k == i else ln for k, ln in enumerate(claim.lines) if k != j]
        return dataclasses.replace(claim, lines=_renumber(lines))
    if action == "remove_line":
        j = _line_index(claim, fix.arg("line"))
        lines = [ln for k, ln in enumerate(claim.lines) if k != j]
        return dataclasses.replace(claim, lines=_renumber(lines))
    raise FixError(f"{fix.text} (a {action!r} fix needs a person's decision)")


# Fixes that change how the claim is written, never what was done: safe to apply without a
# coder. Modifiers such as 25 and 59 assert facts about the visit and need the record.
SAFE_ACTIONS = frozenset({"reorder_diagnoses", "merge_lines", "replace_code"})


def apply_safe_fixes(scrubber: Any, claim: Claim, rounds: int = 5) -> tuple[Claim, list[str]]:
    """The claim with every safe, unambiguous fix applied, and the codes of what was fixed.

    Runs the scrubber again after each round, since one fix can reveal or settle another.
    """
    applied: list[str] = []
    for _ in range(rounds):
        changed = False
        for finding in scrubber.findings(claim):
            fix = finding.fix
            if fix is None or fix.action not in SAFE_ACTIONS:
                continue
            try:
                fixed = apply_fix(claim, fix)
            except FixError:
                continue  # needs a choice
            if fixed != claim:
                claim, changed = fixed, True
                applied.append(finding.code)
                break  # line numbers may have moved: scrub again
        if not changed:
            break
    return claim, applied

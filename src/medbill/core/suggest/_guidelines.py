"""Runs the registered guideline rules of one stage over a visit's diagnoses.

The rules live one per function in ``_dx_guidelines`` (codes taken away),
``_condition_guidelines`` (a condition's code refined from the note), ``_z_guidelines``
(encounter Z codes added) and ``_first_listed`` (what is coded and in which order); importing
them here registers them.
"""

from __future__ import annotations

from medbill.core.suggest import (  # noqa: F401  (importing registers the rules)
    _condition_guidelines,
    _dx_guidelines,
    _first_listed,
    _procedures,
    _z_guidelines,
)
from medbill.core.suggest._registry import RULES, Visit, rules_for
from medbill.core.suggest._rules import Dx

__all__ = ["RULES", "apply_guidelines"]


def apply_guidelines(
    stage: str, dxs: list[Dx], visit: Visit, review: list[Dx] | None = None
) -> list[Dx]:
    """Apply every rule of ``stage`` in code order; ``review`` is the list of codes below the
    threshold, which ``context`` rules may promote."""
    for r in rules_for(stage):
        dxs = (
            r.apply(dxs, visit, review if review is not None else [])
            if stage == "context"
            else r.apply(dxs, visit)
        )
    return dxs

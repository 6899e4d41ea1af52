"""Edit families. Importing this package registers every edit; ``FAMILIES`` runs them."""

from medbill.core.scrubber.edits import (
    demographics,
    format,
    icd,
    mue,
    ncci,
    payer,
    procedures,
    x12text,
)

# The order findings come out in: the claim's shape first, then codes, then pairs of lines.
FAMILIES = (
    format.check,
    x12text.check,
    demographics.check,
    icd.check,
    procedures.check,
    mue.check,
    ncci.check,
    payer.check,
)

__all__ = ["FAMILIES"]

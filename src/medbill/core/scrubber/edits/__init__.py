"""Edit families. Importing this package registers every edit; ``FAMILIES`` runs them."""

from medbill.core.scrubber.edits import (
    attachments,
    demographics,
    format,
    icd,
    msp,
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
    attachments.check,
    demographics.check,
    icd.check,
    procedures.check,
    mue.check,
    ncci.check,
    payer.check,
    msp.check,
)

__all__ = ["FAMILIES"]

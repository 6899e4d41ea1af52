"""Values from our records as every X12 writer but the 837P takes them.

Free text (names, addresses) is written in the X12 character set by the one rule the 837P
and the CMS-1500 follow (``medbill.core.charset``: José Muñoz -> Jose Munoz). A letter
with no Latin form is refused, not guessed, and an identifier is sent as it is or refused:
a rewritten identifier names somebody else. The 837P reports the same cases claim by
claim (``_m837p_fit``) instead of raising.
"""

from __future__ import annotations

from medbill.core.charset import to_x12_text, unwritable
from medbill.core.x12._segments import X12WriteError

__all__ = ["x12_identifier", "x12_text"]


def x12_text(
    value: str | None,
    field: str,
    segment: str,
    element: int,
    required: bool = False,
) -> str | None:
    """``value`` in the X12 character set; ``X12WriteError`` naming ``field`` when a letter
    has no Latin form, or when nothing is left of a ``required`` value."""
    if not value:
        return value
    bad = unwritable(value)
    if bad is not None:
        raise X12WriteError(
            f"has a letter (U+{ord(bad):04X}) with no form in the X12 character set; enter "
            "it in Latin letters, as on the insurance card",
            field=field,
            segment=segment,
            element=element,
        )
    fitted = to_x12_text(value)
    if required and not fitted:
        raise X12WriteError(
            "has nothing left to send once written in the X12 character set",
            field=field,
            segment=segment,
            element=element,
        )
    return fitted or None


def x12_identifier(value: str | None, field: str, segment: str, element: int) -> None:
    """Refuse (``X12WriteError`` naming ``field``) an identifier outside the X12 character
    set: it is sent as it is or not at all."""
    if value and not (value.isascii() and value.isprintable()):
        raise X12WriteError(
            "holds a character outside the X12 character set; an identifier cannot be rewritten",
            field=field,
            segment=segment,
            element=element,
        )

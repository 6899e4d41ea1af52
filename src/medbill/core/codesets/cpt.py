"""CPT code shapes. No AMA descriptor text ships with medbill: CPT codes become known to a practice
through its own fee schedule (with its own descriptions) or a CPT file it licenses and imports."""

from __future__ import annotations

import re

__all__ = ["CPT_SHAPES", "cpt_shape", "is_cpt"]

CPT_SHAPES: dict[str, re.Pattern[str]] = {
    "category1": re.compile(r"[0-9]{5}"),
    "category2": re.compile(r"[0-9]{4}F"),
    "category3": re.compile(r"[0-9]{4}T"),
    "pla": re.compile(r"[0-9]{4}U"),
}


def cpt_shape(code: str) -> str | None:
    """``"99213"`` -> ``"category1"``, ``"3074F"`` -> ``"category2"``, ``"0042T"`` ->
    ``"category3"``, ``"0001U"`` -> ``"pla"``; anything else -> None.

    Case and surrounding spaces are ignored."""
    text = code.strip().upper() if isinstance(code, str) else ""
    for shape, pattern in CPT_SHAPES.items():
        if pattern.fullmatch(text):
            return shape
    return None


def is_cpt(code: str) -> bool:
    """True when ``code`` has one of the CPT shapes."""
    return cpt_shape(code) is not None

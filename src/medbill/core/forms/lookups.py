"""Descriptions for the forms, from the code sets: the one place ``forms`` meets ``codesets``.

The renderers take a plain ``describe(code) -> str | None`` callable; this module
builds one from the ICD-10-CM release in force on the date of service, falling back to
the ``simple-icd-10-cm`` package when no release has been built yet (a fresh checkout).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

__all__ = ["icd10cm_describer"]


def _dotted(code: str) -> str:
    code = code.replace(".", "").upper()
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def icd10cm_describer(dos: date | None = None) -> Callable[[str], str | None]:
    """``describe(code)``: the ICD-10-CM title of ``code`` on ``dos``, or None if unknown."""
    try:
        from medbill.core.codesets import ReleaseNotFound, icd10cm

        release = icd10cm(dos)
    except (ImportError, ReleaseNotFound, OSError):
        release = None
    if release is not None:
        return release.description

    try:
        import simple_icd_10_cm as icd
    except ImportError:  # pragma: no cover - a declared dependency
        return lambda code: None

    def describe(code: str) -> str | None:
        dotted = _dotted(code)
        return icd.get_description(dotted) if icd.is_valid_item(dotted) else None

    return describe

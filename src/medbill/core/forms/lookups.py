"""Descriptions for the forms, from the code sets: the one place ``forms`` meets ``codesets``.

The renderers take a plain ``describe(code) -> str | None`` callable; this module
builds one from the ICD-10-CM release in force on the date of service, falling back to
the ``simple-icd-10-cm`` package when no release has been built yet (a fresh checkout).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from medbill.core.forms.encounter_form import CommonDiagnosis

__all__ = ["COMMON_DIAGNOSES", "common_diagnoses", "icd10cm_describer"]

# Diagnoses a family practice ticks most days: the encounter form's default list.
COMMON_DIAGNOSES = (
    "I10",
    "E119",
    "E1165",
    "E785",
    "E039",
    "E669",
    "J069",
    "J020",
    "J029",
    "J209",
    "R05",
    "N390",
    "M545",
    "M25561",
    "F419",
    "F329",
    "G4700",
    "K219",
    "Z0000",
    "Z0001",
    "Z23",
    "Z1231",
    "Z1211",
    "Z7189",
)


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


def common_diagnoses(
    codes: tuple[str, ...] = COMMON_DIAGNOSES, dos: date | None = None
) -> tuple[CommonDiagnosis, ...]:
    """``codes`` with their ICD-10-CM titles, for the encounter form."""
    describe = icd10cm_describer(dos)
    return tuple(CommonDiagnosis(code, describe(code) or "") for code in codes)

"""What a demo visit scenario is: a note template and its answer key (see notes.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Line", "Scenario", "Variant", "sided"]


@dataclass(frozen=True)
class Line:
    """An expected service line: code, modifiers, units and 1-based diagnosis pointers."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    pointers: tuple[int, ...] = (1,)


@dataclass(frozen=True)
class Variant:
    """One way a scenario can play out (which side, which result) and its codes."""

    fill: dict[str, str]
    diagnoses: tuple[str, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Scenario:
    key: str
    reason: str
    practice: str  # "fm" or "card"
    note: str
    variants: tuple[Variant, ...]
    min_age: int = 18
    max_age: int = 99
    sex: str | None = None
    weight: int = 2
    chronic: bool = False  # a condition the patient keeps and returns for
    tags: tuple[str, ...] = field(default=())


def sided(
    fill_key: str, dx: dict[str, tuple[str, ...]], lines: dict[str, tuple[Line, ...]]
) -> tuple[Variant, ...]:
    """A right and a left variant of a scenario (laterality in the codes and the note)."""
    return tuple(Variant({fill_key: side}, dx[side], lines[side]) for side in ("right", "left"))

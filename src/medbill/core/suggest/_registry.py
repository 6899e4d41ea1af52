"""The registry of coding-guideline rules the suggestion engine applies.

Like the scrubber's edits, every rule is one function with its record beside it: a code
(``GL001``), a slug, what it does, the guideline section it follows, and an example. A test
checks that every rule has a unique code, a citation and an example; ``medbill`` can list them.

A diagnosis rule takes the working list of :class:`~medbill.core.suggest._rules.Dx` and the
:class:`Visit` and returns the new list; a service rule does the same with the suggested
services. Rules never raise on odd notes: at worst they change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from medbill.core.suggest._text import Sentence

if TYPE_CHECKING:
    from medbill.core.suggest._engine import CodeSuggestion

__all__ = ["RULES", "GuidelineRule", "Visit", "rule", "rules_for"]

_CODE = re.compile(r"^(GL|PR)[0-9]{3}$")
Apply = TypeVar("Apply", bound=Callable[..., Any])


@dataclass
class Visit:
    """What the rules know about the visit besides the diagnoses: the note, the ICD-10-CM
    release, the setting and the patient, and the services found in the note."""

    text: str
    release: Any
    setting: str = "outpatient"
    age: int | None = None
    sex: str | None = None
    new_patient: bool | None = None
    date_of_service: date | None = None
    services: list[CodeSuggestion] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    # the CMS MCE manifestation list (codes never first-listed), when the scrub tables exist
    manifestations: frozenset[str] = frozenset()

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The span of the sentence holding ``pos`` (the whole line when none is known)."""
        for s in self.sentences:
            if s.start <= pos <= s.end:
                return s.start, s.end
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return start, len(self.text) if end == -1 else end

    def section_of(self, pos: int) -> str:
        for s in self.sentences:
            if s.start <= pos <= s.end:
                return s.section
        return "body"


@dataclass(frozen=True)
class GuidelineRule:
    """One coding rule: code, slug, the stage it runs in, its doc and its citation."""

    code: str
    slug: str
    stage: str
    what: str
    citation: str
    example: str
    apply: Callable[..., Any]


RULES: list[GuidelineRule] = []


def rule(
    code: str, slug: str, *, stage: str, what: str, citation: str, example: str
) -> Callable[[Apply], Apply]:
    """Register the decorated function as guideline rule ``code``."""
    if not _CODE.match(code):
        raise ValueError(f"rule code {code!r}: expected GL000 or PR000")
    if stage not in ("context", "diagnoses", "sequence", "services"):
        raise ValueError(f"rule {code}: unknown stage {stage!r}")

    def register(fn: Apply) -> Apply:
        if any(r.code == code for r in RULES):
            raise ValueError(f"rule code {code} registered twice")
        RULES.append(GuidelineRule(code, slug, stage, what, citation, example, fn))
        return fn

    return register


def rules_for(stage: str) -> list[GuidelineRule]:
    """The rules of one stage, in code order (the order they run in)."""
    return sorted((r for r in RULES if r.stage == stage), key=lambda r: r.code)

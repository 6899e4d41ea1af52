"""Errors of the HL7 v2 reader: who is wrong, and where."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from medbill.core.hl7._records import Intake

__all__ = ["HL7MappingError", "HL7ParseError", "Problems"]

T = TypeVar("T")


class HL7ParseError(ValueError):
    """The bytes are not an HL7 v2 message we can read (the sender gets an AR)."""


class HL7MappingError(ValueError):
    """A readable message whose content we refuse, naming the segment and field
    (``PID-7``) and the problem in words. ``reject`` marks problems of the whole message
    (a message type we do not take) that are answered with AR instead of AE.

    ``problems`` lists every problem found, each as (location, words), the first being
    this error's own: a biller fixes them all at once rather than one per replay.
    ``partial`` is what the message asks as far as it could be read (``Intake.unread``
    names the parts that could not), so that what it names can still be matched against
    the practice and those problems reported with these.
    """

    def __init__(
        self,
        location: str,
        problem: str,
        *,
        reject: bool = False,
        more: Sequence[tuple[str, str]] = (),
        partial: Intake | None = None,
    ) -> None:
        super().__init__(f"{location} {problem}" if location else problem)
        self.location = location
        self.problem = problem
        self.reject = reject
        self.problems: tuple[tuple[str, str], ...] = ((location, str(self)), *more)
        self.partial = partial


class Problems:
    """Collects the mapping errors of the independent parts of a message (each segment,
    each field of the patient) so that one message reports all of them."""

    def __init__(self) -> None:
        self.found: list[HL7MappingError] = []

    def take(self, read: Callable[[], T], default: T) -> T:
        """``read()``, or ``default`` with its error kept (a reject is raised at once)."""
        try:
            return read()
        except HL7MappingError as exc:
            if exc.reject:
                raise
            self.found.append(exc)
            return default

    def read(self, part: str, unread: list[str], read: Callable[[], T], default: T) -> T:
        """``take(read, default)``, adding ``part`` to ``unread`` when it found a problem."""
        before = len(self.found)
        value = self.take(read, default)
        if len(self.found) > before:
            unread.append(part)
        return value

    def check(self, partial: Intake | None = None) -> None:
        """Raise the first error found, carrying every other one in ``problems`` and
        ``partial``, the message as far as it was read."""
        if not self.found:
            return
        first, rest = self.found[0], self.found[1:]
        more = [p for exc in rest for p in exc.problems]
        more = [*first.problems[1:], *more]
        raise HL7MappingError(first.location, first.problem, more=more, partial=partial)

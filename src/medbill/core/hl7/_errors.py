"""Errors of the HL7 v2 reader: who is wrong, where, and what kind of problem it is."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:
    from medbill.core.hl7._records import Intake

__all__ = ["Fault", "HL7MappingError", "HL7ParseError", "Problem", "Problems"]

T = TypeVar("T")


class Fault(enum.Enum):
    """The kind of a problem with a message, and so the HL7 error code (table 0357) that
    an ACK's ERR-3 answers it with: this table is the one place a kind of problem gets
    its code. Every problem found names its kind where it is found."""

    # a segment the message needs is missing (or is not a segment at all)
    SEGMENT = ("100", "Segment sequence error")
    # a field the message needs is empty
    REQUIRED = ("101", "Required field missing")
    # a value of the wrong form or out of range: not a date, not a number, too long, a
    # date after today
    DATA_TYPE = ("102", "Data type error")
    # a code or name the practice's tables do not have: a code set's code, a payer, a
    # provider, a location, a state
    TABLE_VALUE = ("103", "Table value not found")
    MESSAGE_TYPE = ("200", "Unsupported message type")
    EVENT = ("201", "Unsupported event code")
    VERSION = ("203", "Unsupported version id")
    # what the message refers to and medbill does not have: a patient, a visit, an
    # appointment the EHR never sent
    UNKNOWN_KEY = ("204", "Unknown key identifier")
    # an identifier already taken by something else: a control id of another message, a
    # visit number of another patient's visit; a patient who may be registered already
    DUPLICATE_KEY = ("205", "Duplicate key identifier")
    # a record the message would change that is closed to changes from the EHR: a visit
    # already billed, an appointment under way
    LOCKED = ("206", "Application record locked")
    # medbill failed, not the message
    INTERNAL = ("207", "Application internal error")

    @property
    def code(self) -> str:
        """The HL7 table 0357 code (``102``)."""
        return self.value[0]

    @property
    def text(self) -> str:
        """The code's name in table 0357 (``Data type error``)."""
        return self.value[1]


class Problem(NamedTuple):
    """One problem of a message: where (``PID-7``, ``IN1 #2 IN1-3``, ``Patient/1.name``),
    in words (naming the location), and its kind (None for a FHIR bundle's, which no ACK
    answers)."""

    location: str
    text: str
    fault: Fault | None


class HL7ParseError(ValueError):
    """The bytes are not an HL7 v2 message we can read (the sender gets an AR);
    ``location`` names the field when one is at fault (``MSH-10``)."""

    def __init__(self, problem: str, *, fault: Fault, location: str = "") -> None:
        super().__init__(problem)
        self.fault = fault
        self.location = location


class HL7MappingError(ValueError):
    """A readable message whose content we refuse, naming the segment and field
    (``PID-7``) and the problem in words. ``reject`` marks problems of the whole message
    (a message type we do not take) that are answered with AR instead of AE; ``fault``
    is the kind of problem (the ACK's error code).

    ``problems`` lists every problem found, each a ``Problem``, the first being
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
        fault: Fault,
        reject: bool = False,
        more: Sequence[Problem] = (),
        partial: Intake | None = None,
    ) -> None:
        super().__init__(f"{location} {problem}" if location else problem)
        self.location = location
        self.problem = problem
        self.fault = fault
        self.reject = reject
        self.problems: tuple[Problem, ...] = (Problem(location, str(self), fault), *more)
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
        raise HL7MappingError(
            first.location, first.problem, fault=first.fault, more=more, partial=partial
        )

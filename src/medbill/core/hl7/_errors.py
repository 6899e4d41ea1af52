"""Errors of the HL7 v2 reader: who is wrong, and where."""

from __future__ import annotations

__all__ = ["HL7MappingError", "HL7ParseError"]


class HL7ParseError(ValueError):
    """The bytes are not an HL7 v2 message we can read (the sender gets an AR)."""


class HL7MappingError(ValueError):
    """A readable message whose content we refuse, naming the segment and field
    (``PID-7``) and the problem in words. ``reject`` marks problems of the whole message
    (a message type we do not take) that are answered with AR instead of AE."""

    def __init__(self, location: str, problem: str, *, reject: bool = False) -> None:
        super().__init__(f"{location} {problem}" if location else problem)
        self.location = location
        self.problem = problem
        self.reject = reject

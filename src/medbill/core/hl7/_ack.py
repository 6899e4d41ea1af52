"""The ACK medbill answers each message with: MSA-1 AA (accepted), AE (held, with the
errors in ERR) or AR (rejected: not a message medbill can read, or for no practice it
knows).

Each problem is one ERR segment (v2.5 and later): ERR-2 where it is (segment, its
repetition, field: ``IN1^2^36``), ERR-3 its HL7 error code (table 0357, from the
problem's ``Fault``: ``102^Data type error^HL70357``), ERR-4 its severity (E: the
message was not applied for it; W: applied, with this caveat) and ERR-8 the problem in
words. Before v2.5 an ACK has at most one ERR, whose repeating ERR-1 carries each
problem's location and code; before v2.7 MSA-3 has the first problem in words too.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from medbill.core.hl7._errors import Fault, Problem
from medbill.core.hl7._read import Message

__all__ = ["ack"]

_CODES = {"AA", "AE", "AR"}
# The versions whose ACK has one ERR with a repeating ERR-1 (ELD) and nothing after it.
_OLD = re.compile(r"^2\.[1-4](?:\.|$)")


def _escape(text: str) -> str:
    out = text.replace("\\", "\\E\\").replace("|", "\\F\\").replace("^", "\\S\\")
    out = out.replace("&", "\\T\\").replace("~", "\\R\\")
    return " ".join(out.split())  # no segment separators inside a field


def ack(
    code: str,
    *,
    control_id: str,
    now: datetime.datetime,
    message: Message | None = None,
    problems: Sequence[Problem] = (),
    warnings: Sequence[Problem] = (),
    receiver: str = "MEDBILL",
    facility: str = "",
) -> str:
    """The ACK for ``message`` (None when it could not be read) as CR-separated text.

    ``control_id`` is the ACK's own MSH-10. ``problems`` (why the message was held or
    rejected) make ERR segments of severity E (the first also MSA-3, in the versions that
    have it); ``warnings`` (what
    an accepted message was taken with) ERR segments of severity W.
    """
    if code not in _CODES:
        raise ValueError(f"MSA-1 must be AA, AE or AR, not {code!r}")
    if message is not None:
        msh = message.msh
        sender, sending_facility = msh.raw(3), msh.raw(4)
        answering, event, version = msh.get(10), msh.get(9, 2), msh.get(12) or "2.5"
        processing = msh.get(11) or "P"
    else:
        sender = sending_facility = answering = event = ""
        version, processing = "2.5", "P"
    old = bool(_OLD.match(version))
    stamp = now.strftime("%Y%m%d%H%M%S")
    # MSH-9.3 (the message structure) came with v2.3.1.
    structure = "" if version in ("2.1", "2.2", "2.3") else "^ACK"
    errors = [] if code == "AA" else list(problems)
    segments = [
        "|".join(
            [
                "MSH",
                "^~\\&",
                receiver,
                _escape(facility),
                sender,
                sending_facility,
                stamp,
                "",
                f"ACK^{event}{structure}" if event else "ACK",
                _escape(control_id),
                processing,
                version,
            ]
        ),
        "|".join(["MSA", code, _escape(answering), _text_message(version, errors)]).rstrip("|"),
    ]
    found = [(p, "E") for p in errors] + [(p, "W") for p in warnings]
    if old:
        if found:
            segments.append("ERR|" + "~".join(_eld(p) for p, _ in found))
    else:
        segments += [_err(p, severity) for p, severity in found]
    return "\r".join(segments) + "\r"


def _text_message(version: str, errors: Sequence[Problem]) -> str:
    """MSA-3: the first problem in words (withdrawn in v2.7, where ERR-8 alone says it)."""
    if not errors or not (_OLD.match(version) or version.startswith(("2.5", "2.6"))):
        return ""
    return _escape(errors[0].text)[:80]


# "PID-7", or "IN1 #2 IN1-3" for the second IN1 segment of the message; "PID" alone for
# a segment that is missing.
_LOCATION = re.compile(r"^(?:[A-Z][A-Z0-9]{2} #(\d+) )?([A-Z][A-Z0-9]{2})(?:-(\d+))?$")


def _erl(location: str) -> str:
    """The error location (ERL): segment ^ its repetition ^ field."""
    found = _LOCATION.match(location.strip())
    if not found:
        return ""
    segment, repetition, field = found[2], found[1] or "1", found[3]
    return f"{segment}^{repetition}^{field}" if field else f"{segment}^{repetition}"


def _fault(problem: Problem) -> Fault:
    # A problem without a kind is a FHIR bundle's, never an HL7 message's.
    return problem.fault or Fault.INTERNAL


def _eld(problem: Problem) -> str:
    """ERR-1 before v2.5: segment ^ repetition ^ field ^ code (a CE, in subcomponents)."""
    fault = _fault(problem)
    erl = _erl(problem.location)
    where = (erl + "^" * (3 - erl.count("^") - 1)) if erl else "^^"
    return f"{where}^{fault.code}&{fault.text}&HL70357"


def _err(problem: Problem, severity: str) -> str:
    fault = _fault(problem)
    return "|".join(
        [
            "ERR",
            "",  # ERR-1: kept for older versions only
            _erl(problem.location),
            f"{fault.code}^{fault.text}^HL70357",
            severity,
            "",
            "",
            "",
            _escape(problem.text),
        ]
    )

"""The ACK medbill answers each message with: MSA-1 AA (accepted), AE (held, with the
error in ERR) or AR (rejected: not a message medbill can read, or for no practice it
knows)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from medbill.core.hl7._read import Message

__all__ = ["ack"]

_CODES = {"AA", "AE", "AR"}
# HL7 table 0357: 100 segment sequence error, 101 required field missing, 102 data type
# error, 200 unsupported message type, 207 application internal error.
_ERROR_CODES = {"AE": "207^Application internal error", "AR": "200^Unsupported message type"}


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
    error: str = "",
    location: str = "",
    receiver: str = "MEDBILL",
    facility: str = "",
    problems: Sequence[tuple[str, str]] = (),
) -> str:
    """The ACK for ``message`` (None when it could not be read) as CR-separated text.

    ``control_id`` is the ACK's own MSH-10; ``error`` goes to ERR and MSA-3 and
    ``location`` (``PID-7``) to ERR-2 and the ERR-1 of older versions. ``problems``
    (location, words), when given, make one ERR segment each; MSA-3 keeps ``error``.
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
    stamp = now.strftime("%Y%m%d%H%M%S")
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
                f"ACK^{event}^ACK" if event else "ACK",
                _escape(control_id),
                processing,
                version,
            ]
        ),
        "|".join(["MSA", code, _escape(answering), _escape(error)[:80]]),
    ]
    if code != "AA":
        for where, words in problems or [(location, error)]:
            segments.append(_err(code, where, words))
    return "\r".join(segments) + "\r"


# "PID-7", or "IN1 #2 IN1-3" for the second IN1 segment of the message.
_LOCATION = re.compile(r"^(?:[A-Z][A-Z0-9]{2} #(\d+) )?([A-Z][A-Z0-9]{2})-(\d+)")


def _err(code: str, location: str, error: str) -> str:
    found = _LOCATION.match(location)
    erl = f"{found[2]}^{found[1] or 1}^{found[3]}" if found else ""
    return "|".join(
        [
            "ERR",
            f"{erl}^{_ERROR_CODES[code].split('^')[0]}" if erl else "",
            erl,
            f"{_ERROR_CODES[code]}^HL70357",
            "E",
            "",
            "",
            "",
            _escape(error),
        ]
    )

"""Bytes to messages: normalise line ends and byte-order marks, split files with many
messages, and read each one with python-hl7 into a field accessor that does not depend
on the HL7 version.

Real feeds send CR, LF or CRLF between segments and sometimes a UTF-8 BOM; files may hold
batch envelopes (FHS, BHS, BTS, FTS). Segment, field, repetition, component and
subcomponent positions are 1-based as in the standard (``PID-7``, ``FT1-26``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import hl7

from medbill.core.hl7._errors import Fault, HL7ParseError

__all__ = ["Message", "Segment", "decode", "read_message", "split_messages"]

_ENVELOPE = ("FHS", "BHS", "BTS", "FTS")
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{2}$")
# No segment of a real message comes near this; a larger one is garbage or an attack.
MAX_MESSAGE = 1_000_000


def decode(data: bytes | str) -> str:
    """The text of ``data`` with a BOM removed and every line end turned into CR.

    HL7 v2 is ASCII by default; real feeds send UTF-8 or Latin-1, so undecodable UTF-8
    is read as Latin-1 rather than refused.
    """
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data.lstrip("\ufeff")
    return text.replace("\r\n", "\r").replace("\n", "\r")


def split_messages(data: bytes | str) -> list[str]:
    """The messages in a file, each as CR-separated text starting with MSH.

    Batch envelope segments are dropped; blank lines are ignored. Text before the first
    MSH is an error (a file that is not HL7 v2).
    """
    text = decode(data)
    messages: list[list[str]] = []
    for line in text.split("\r"):
        line = line.strip("\x00 \t")
        if not line or line[:3] in _ENVELOPE:
            continue
        if line.startswith("MSH"):
            messages.append([line])
        elif not messages:
            raise HL7ParseError(
                "the text does not start with an MSH segment: it is not HL7 v2",
                fault=Fault.SEGMENT,
            )
        else:
            messages[-1].append(line)
    if not messages:
        raise HL7ParseError(
            "no MSH segment found: this is not an HL7 v2 message", fault=Fault.SEGMENT
        )
    return ["\r".join(m) for m in messages]


@dataclass(frozen=True)
class Segment:
    """One segment: its id and its fields as text (index 1 is the first field; for MSH,
    field 1 is the field separator as the standard counts it)."""

    name: str
    fields: tuple[str, ...]
    separators: str  # component, repetition, escape, subcomponent (MSH-2)

    def raw(self, n: int) -> str:
        return self.fields[n] if 0 < n < len(self.fields) else ""

    def reps(self, n: int) -> list[str]:
        """The repetitions of field ``n`` (empty ones dropped)."""
        return [r for r in self.raw(n).split(self.separators[1]) if r.strip()]

    def get(self, n: int, comp: int = 1, sub: int = 1, rep: int = 1) -> str:
        """One value: field ``n``, repetition ``rep``, component ``comp``,
        subcomponent ``sub``; unescaped and stripped, "" when absent."""
        reps = self.raw(n).split(self.separators[1])
        if rep > len(reps):
            return ""
        return self.part(reps[rep - 1], comp, sub)

    def part(self, value: str, comp: int = 1, sub: int = 1) -> str:
        comps = value.split(self.separators[0])
        if comp > len(comps):
            return ""
        subs = comps[comp - 1].split(self.separators[3])
        if sub > len(subs):
            return ""
        return unescape(subs[sub - 1], self.separators).strip()

    def components(self, value: str) -> list[str]:
        """The components of one repetition, each its first subcomponent, unescaped."""
        return [
            unescape(c.split(self.separators[3])[0], self.separators).strip()
            for c in value.split(self.separators[0])
        ]


_ESCAPES = {"F": "|", "R": "~", "S": "^", "T": "&", "E": "\\", ".br": "\n"}


def unescape(value: str, separators: str) -> str:
    """HL7 escape sequences (``\\F\\``, ``\\S\\``, ``\\.br\\`` …) to text; unknown ones
    (highlighting, hex) are dropped."""
    esc = separators[2]
    if esc not in value:
        return value
    out: list[str] = []
    parts = value.split(esc)
    for i, piece in enumerate(parts):
        if i % 2 == 0:
            out.append(piece)
        else:
            out.append(_ESCAPES.get(piece, "|" if piece == "F" else ""))
    return "".join(out)


@dataclass(frozen=True)
class Message:
    """A message read from text: its segments in order and its header facts."""

    segments: tuple[Segment, ...]
    text: str

    @property
    def msh(self) -> Segment:
        return self.segments[0]

    @property
    def control_id(self) -> str:
        return self.msh.get(10)

    @property
    def message_type(self) -> tuple[str, str]:
        """MSH-9.1 and MSH-9.2 (message code and trigger event), upper case."""
        return self.msh.get(9, 1).upper(), self.msh.get(9, 2).upper()

    @property
    def version(self) -> str:
        return self.msh.get(12)

    def all(self, name: str) -> list[Segment]:
        return [s for s in self.segments if s.name == name]

    def first(self, name: str) -> Segment | None:
        return next((s for s in self.segments if s.name == name), None)

    def iter_after(self, name: str, start: int) -> Iterator[tuple[int, Segment]]:
        for i in range(start, len(self.segments)):
            yield i, self.segments[i]


def read_message(text: str) -> Message:
    """One message (CR-separated text starting with MSH) read with python-hl7.

    Raises ``HL7ParseError`` when it is not a message: no MSH, bad encoding characters,
    a segment id that is not three letters or digits, no control id or message type.
    """
    if len(text) > MAX_MESSAGE:
        raise HL7ParseError(
            f"the message is longer than {MAX_MESSAGE:,} characters", fault=Fault.DATA_TYPE
        )
    if not text.startswith("MSH") or len(text) < 8:
        raise HL7ParseError("a message starts with an MSH segment", fault=Fault.SEGMENT)
    if len(set(text[3:8])) != 5:
        raise HL7ParseError(
            "MSH-1 and MSH-2 must be five different separator characters",
            fault=Fault.DATA_TYPE,
            location="MSH-2",
        )
    try:
        parsed = hl7.parse(text)
    except Exception as exc:  # python-hl7 raises a handful of types for broken input
        raise HL7ParseError(
            f"not an HL7 v2 message ({type(exc).__name__})", fault=Fault.SEGMENT
        ) from None
    field_sep = text[3]
    separators = text[4:8]  # component, repetition, escape, subcomponent
    segments: list[Segment] = []
    for seg in parsed:
        name = str(seg[0]).strip()
        if not _SEGMENT_ID.match(name):
            raise HL7ParseError(
                f"segment {len(segments) + 1} has no valid segment id", fault=Fault.SEGMENT
            )
        fields = [str(f) for f in seg]
        if name == "MSH":
            # python-hl7 counts MSH fields as the standard does (MSH-1 is the separator).
            fields = [name, field_sep, *fields[2:]]
        segments.append(Segment(name, tuple(fields), separators))
    message = Message(tuple(segments), text)
    if not message.control_id:
        raise HL7ParseError(
            "MSH-10 message control id is missing", fault=Fault.REQUIRED, location="MSH-10"
        )
    if not message.message_type[0]:
        raise HL7ParseError("MSH-9 message type is missing", fault=Fault.REQUIRED, location="MSH-9")
    return message

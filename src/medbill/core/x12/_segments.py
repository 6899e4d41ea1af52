"""Segments, delimiters and envelopes shared by every X12 transaction.

Sans-IO in the manner of h11: readers take ``bytes`` or ``str`` and yield
values; writers return ``bytes``. Nothing here touches files or sockets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "ControlNumbers",
    "Delimiters",
    "Repeated",
    "Interchange",
    "InterchangeEnvelope",
    "Segment",
    "SegmentReader",
    "SegmentWriter",
    "Transaction",
    "X12Error",
    "X12ParseError",
    "X12WriteError",
    "check_segment_lengths",
    "iter_segments",
    "read_interchanges",
]

ISA_LENGTH = 106
# No segment of the 5010 guides comes near this (the longest elements hold 264
# characters): a longer one means the file is not X12 or its terminator is wrong, and
# reading on would only fill memory.
MAX_SEGMENT_LENGTH = 65_536


class X12Error(Exception):
    """Base of every X12 error; carries where it happened."""

    def __init__(
        self,
        message: str,
        *,
        position: int | None = None,
        segment: str | None = None,
        element: int | None = None,
    ) -> None:
        where = []
        if segment:
            where.append(f"{segment}{element:02d}" if element else segment)
        if position is not None:
            where.append(f"segment {position}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.message = message
        self.position = position
        self.segment = segment
        self.element = element


class X12ParseError(X12Error):
    """The partner's file is malformed."""


class X12WriteError(X12Error):
    """We were asked to write something the implementation guide does not allow.

    ``claim_id`` and ``field`` (a document path such as ``lines[2].charge``)
    say which input was wrong when the error comes from a document.
    """

    def __init__(
        self,
        message: str,
        *,
        position: int | None = None,
        segment: str | None = None,
        element: int | None = None,
        claim_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = message  # the problem alone, without the claim and field
        if claim_id is not None or field:
            prefix = f"claim {claim_id or '(no id)'}" if claim_id is not None else ""
            named = f"{prefix}: {field}" if prefix and field else (prefix or field or "")
            message = f"{named}: {message}"
        super().__init__(message, position=position, segment=segment, element=element)
        self.claim_id = claim_id
        self.field = field


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"

    @classmethod
    def guess(cls, text: str) -> Delimiters | None:
        """Delimiters of a bare transaction set (``ST*835*0001~...``) that has no ISA.

        The element separator follows ``ST``; the segment terminator is the first
        character after ST02 that is neither a letter, a digit nor the separator.
        Returns None when ``text`` does not start with an ST segment.
        """
        text = text.lstrip("\ufeff \r\n\t")
        if len(text) < 8 or not text.startswith("ST") or text[2].isalnum():
            return None
        element = text[2]
        for ch in text[3:40]:
            if not ch.isalnum() and ch not in (element, " "):
                if ch in "\r\n":
                    return None
                return cls(element=element, segment=ch)
        return None

    @classmethod
    def from_isa(cls, isa: str) -> Delimiters:
        """Read the delimiters from the 106 characters of an ISA segment."""
        if len(isa) < ISA_LENGTH or not isa.startswith("ISA"):
            raise X12ParseError(
                "an interchange must start with a 106-character ISA segment",
                position=1,
                segment="ISA",
            )
        element = isa[3]
        if isa.count(element, 0, ISA_LENGTH - 1) != 16:
            raise X12ParseError(
                "ISA does not have 16 elements of fixed width", position=1, segment="ISA"
            )
        repetition = isa[82]
        component, segment = isa[104], isa[105]
        if element.isalnum() or element.isspace():
            raise X12ParseError(
                f"ISA element separator {element!r} is a letter, digit or space",
                position=1,
                segment="ISA",
            )
        if component in (element, segment) or component.isalnum() or component.isspace():
            raise X12ParseError(
                f"ISA16 component separator {component!r} is a letter, digit, "
                "space or another delimiter",
                position=1,
                segment="ISA",
                element=16,
            )
        if segment == element or segment.isalnum() or segment == " ":
            raise X12ParseError(
                f"segment terminator {segment!r} after ISA16 is a letter, "
                "digit, space or the element separator",
                position=1,
                segment="ISA",
            )
        # 4010 and older put a standards identifier (U) where 5010 has the repetition separator.
        if repetition.isalnum() or repetition in (element, component, segment):
            repetition = ""
        return cls(element=element, component=component, repetition=repetition, segment=segment)


@dataclass(slots=True)
class Segment:
    """One segment: its id and its elements (``elements[0]`` is the id itself)."""

    elements: list[str]
    position: int = 0
    delimiters: Delimiters = field(default_factory=Delimiters)

    @property
    def id(self) -> str:
        return self.elements[0]

    def __getitem__(self, index: int) -> str:
        """Element ``index`` (1-based, as the guides number them); "" when absent."""
        return self.elements[index] if index < len(self.elements) else ""

    def __len__(self) -> int:
        return len(self.elements)

    def __iter__(self) -> Iterator[str]:
        # Without this, iteration would fall back to __getitem__, which never runs out.
        return iter(self.elements)

    def get(self, index: int, default: str = "") -> str:
        value = self[index]
        return value if value else default

    def components(self, index: int) -> list[str]:
        """Components of a composite element (always at least one, maybe empty)."""
        return self[index].split(self.delimiters.component)

    def component(self, index: int, sub: int) -> str:
        """Component ``sub`` (1-based) of element ``index``; "" when absent."""
        parts = self.components(index)
        return parts[sub - 1] if sub - 1 < len(parts) else ""

    def repeats(self, index: int) -> list[str]:
        value = self[index]
        if not self.delimiters.repetition or not value:
            return [value] if value else []
        return value.split(self.delimiters.repetition)

    def error(self, message: str, element: int | None = None) -> X12ParseError:
        return X12ParseError(message, position=self.position, segment=self.id, element=element)

    def __repr__(self) -> str:
        return f"Segment({self.delimiters.element.join(self.elements)!r})"


class SegmentReader:
    """Incremental segment reader: ``feed`` bytes as they arrive, then iterate.

    Text before the ISA (a byte-order mark, a banner, prose) is skipped; line
    breaks after segment terminators are ignored; delimiters come from the ISA.
    """

    def __init__(self, delimiters: Delimiters | None = None) -> None:
        self._buffer = ""
        # Given delimiters read a bare ST..SE body (no ISA), as some payer portals hand out.
        self._delimiters: Delimiters | None = delimiters
        self._position = 0
        self._closed = False

    @property
    def delimiters(self) -> Delimiters | None:
        return self._delimiters

    def feed(self, data: bytes | str) -> None:
        if self._closed:
            raise RuntimeError("feed() after close()")
        if isinstance(data, bytes):
            data = data.decode("utf-8", errors="replace")
        self._buffer += data

    def close(self) -> None:
        self._closed = True

    def __iter__(self) -> Iterator[Segment]:
        return self.segments()

    def segments(self) -> Iterator[Segment]:
        """Yield every complete segment in the buffer (all of it once closed)."""
        while True:
            if self._delimiters is None:
                start = self._buffer.find("ISA")
                if start < 0 or len(self._buffer) - start < ISA_LENGTH:
                    if self._closed and self._buffer.strip("\ufeff \r\n\t"):
                        raise X12ParseError(
                            "no ISA segment: this is not an X12 interchange", position=1
                        )
                    return
                self._buffer = self._buffer[start:]
                self._delimiters = Delimiters.from_isa(self._buffer)
            term = self._delimiters.segment
            # Split the whole buffer at once (linear time); the last piece is incomplete.
            pieces = self._buffer.split(term)
            tail = pieces.pop()
            check_segment_lengths(pieces, self._position)
            if len(tail) > MAX_SEGMENT_LENGTH:
                self._buffer = ""
                raise _too_long(len(tail), self._position + len(pieces) + 1, term)
            self._buffer = ""
            index = 0
            restart = False
            delimiters = self._delimiters
            separator = delimiters.element
            known = _KNOWN_IDS
            try:
                for piece in pieces:
                    index += 1
                    raw = piece.strip("\r\n\t ")
                    if not raw:
                        continue
                    self._position += 1
                    elements = raw.split(separator)
                    seg_id = elements[0]
                    if seg_id not in known:
                        _check_id(seg_id, self._position)
                    segment = Segment(elements, self._position, delimiters)
                    if seg_id == "IEA":
                        # The next interchange may use other delimiters.
                        self._delimiters = None
                        restart = True
                        yield segment
                        break
                    yield segment
            finally:
                # Keep what was not handed out (the consumer may stop early).
                rest = pieces[index:]
                self._buffer = term.join([*rest, tail]) if rest else tail
            if restart:
                continue
            if self._closed:
                tail = self._buffer.strip()
                self._buffer = ""
                if tail:
                    self._position += 1
                    yield self._make(tail)
            return

    def _make(self, raw: str) -> Segment:
        assert self._delimiters is not None
        elements = raw.split(self._delimiters.element)
        if elements[0] not in _KNOWN_IDS:
            _check_id(elements[0], self._position)
        return Segment(elements, self._position, self._delimiters)


def check_segment_lengths(pieces: list[str], before: int = 0) -> None:
    """Raise X12ParseError when a segment of ``pieces`` (a file split at its terminator,
    after ``before`` segments) is longer than any X12 segment can be."""
    if pieces and max(map(len, pieces)) > MAX_SEGMENT_LENGTH:
        position = before
        for piece in pieces:
            if piece.strip("\r\n\t "):
                position += 1
            if len(piece) > MAX_SEGMENT_LENGTH:
                raise _too_long(len(piece), position, "")


def _too_long(length: int, position: int, term: str) -> X12ParseError:
    return X12ParseError(
        f"segment is {length:,} characters long, more than any X12 segment "
        f"({MAX_SEGMENT_LENGTH:,}); the file is not X12 or its segment terminator is "
        "missing" + (f" (the ISA declares {term!r})" if term else ""),
        position=position,
    )


_KNOWN_IDS: set[str] = set()


def _check_id(seg_id: str, position: int) -> None:
    """Raise unless ``seg_id`` looks like a segment identifier (remembered once it does)."""
    if not (2 <= len(seg_id) <= 3) or not seg_id.isalnum() or not seg_id.isupper():
        raise X12ParseError(f"bad segment identifier {seg_id[:8]!r}", position=position)
    if len(_KNOWN_IDS) < 4096:
        _KNOWN_IDS.add(seg_id)


def iter_segments(data: bytes | str, delimiters: Delimiters | None = None) -> Iterator[Segment]:
    """Every segment of a whole file (``delimiters`` only for a body without an ISA)."""
    reader = SegmentReader(delimiters)
    reader.feed(data)
    reader.close()
    yield from reader.segments()


@dataclass(slots=True)
class Transaction:
    """One ST..SE transaction set with the envelopes around it."""

    isa: Segment
    gs: Segment
    st: Segment
    segments: list[Segment]  # between ST and SE, exclusive
    se: Segment

    @property
    def version(self) -> str:
        """The implementation guide (GS08), e.g. ``005010X222A1``."""
        return self.gs[8]

    @property
    def set_id(self) -> str:
        return self.st[1]

    @property
    def control_number(self) -> str:
        return self.st[2]


@dataclass(slots=True)
class Interchange:
    isa: Segment
    transactions: list[Transaction]
    iea: Segment | None
    problems: list[X12ParseError]

    @property
    def control_number(self) -> str:
        return self.isa[13]

    @property
    def sender(self) -> str:
        return self.isa[6].strip()

    @property
    def receiver(self) -> str:
        return self.isa[8].strip()


def read_interchanges(
    data: bytes | str | Iterable[Segment], strict: bool = False
) -> list[Interchange]:
    """Group segments into interchanges and transaction sets.

    Count and control-number mismatches (SE01, SE02, GE, IEA) are collected in
    ``Interchange.problems``; with ``strict`` the first one raises. Structural
    errors (a segment outside any ST, a missing SE) always raise.
    """
    segments = iter_segments(data) if isinstance(data, bytes | str) else iter(data)
    interchanges: list[Interchange] = []
    current: Interchange | None = None
    gs: Segment | None = None
    st: Segment | None = None
    body: list[Segment] = []
    group_count = 0

    def problem(seg: Segment, message: str, element: int | None = None) -> None:
        err = seg.error(message, element)
        if strict:
            raise err
        assert current is not None
        current.problems.append(err)

    for seg in segments:
        sid = seg.elements[0]
        if st is not None:
            if sid == "SE":
                assert current is not None and gs is not None
                count = len(body) + 2
                if seg[1] != str(count):
                    problem(seg, f"SE01 says {seg[1]} segments but the set has {count}", 1)
                if seg[2] != st[2]:
                    problem(seg, f"SE02 {seg[2]} does not match ST02 {st[2]}", 2)
                current.transactions.append(Transaction(current.isa, gs, st, body, seg))
                group_count += 1
                st, body = None, []
            elif sid in ("ST", "GS", "GE", "ISA", "IEA"):
                raise seg.error(f"{sid} inside a transaction set: SE is missing")
            else:
                body.append(seg)
            continue
        if sid == "ISA":
            current = Interchange(seg, [], None, [])
            interchanges.append(current)
        elif current is None:
            raise seg.error("segment before the ISA")
        elif sid == "GS":
            gs, group_count = seg, 0
        elif sid == "ST":
            if gs is None:
                raise seg.error("ST outside a functional group (GS missing)")
            st = seg
        elif sid == "GE":
            if gs is not None and seg[1] != str(group_count):
                problem(seg, f"GE01 says {seg[1]} sets but the group has {group_count}", 1)
            if gs is not None and seg[2] != gs[6]:
                problem(seg, f"GE02 {seg[2]} does not match GS06 {gs[6]}", 2)
            gs = None
        elif sid == "IEA":
            current.iea = seg
            if seg[2] != current.isa[13]:
                problem(seg, f"IEA02 {seg[2]} does not match ISA13 {current.isa[13]}", 2)
        elif sid == "TA1":
            continue
        else:
            raise seg.error(f"{sid} outside a transaction set")
    if st is not None:
        raise X12ParseError(
            "file ends inside a transaction set: SE is missing", segment="ST", position=st.position
        )
    return interchanges


@dataclass(frozen=True, slots=True)
class InterchangeEnvelope:
    """Who sends an interchange to whom (ISA and GS), as a trading partner profile sets it."""

    sender_id: str
    receiver_id: str
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    application_sender: str | None = None  # GS02; the sender id when absent
    application_receiver: str | None = None  # GS03; the receiver id when absent
    usage: str = "P"  # ISA15: P production, T test
    acknowledgment_requested: bool = False  # ISA14: ask for a TA1


@dataclass(frozen=True, slots=True)
class ControlNumbers:
    """ISA13, GS06 and the first ST02 of one file. The caller persists them and never reuses."""

    interchange: int
    group: int
    transaction: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.interchange <= 999_999_999:
            raise X12WriteError(
                "interchange control number must be 1-999999999", segment="ISA", element=13
            )
        if not 1 <= self.group <= 999_999_999:
            raise X12WriteError("group control number must be 1-999999999", segment="GS", element=6)
        if not 1 <= self.transaction <= 999_999_999:
            raise X12WriteError(
                "transaction set control number must be 1-999999999", segment="ST", element=2
            )


class Repeated(tuple[str, ...]):
    """A repeated element (EB03 with several service types): written with the
    repetition separator between the values."""

    __slots__ = ()


# An element as the writer takes it: text; a composite (list or tuple, an absent
# component as None); a Repeated element; or None for an empty element.
Element = str | Sequence[str | None] | None


class SegmentWriter:
    """Collects segments and renders them with one set of delimiters.

    Values are checked: an element may not contain a delimiter (X12WriteError
    names the segment and element). Trailing empty elements are dropped as
    the standard requires.
    """

    def __init__(self, delimiters: Delimiters | None = None, line_ending: str = "\n") -> None:
        self.delimiters = delimiters or Delimiters()
        self.line_ending = line_ending
        self._parts: list[str] = []
        self.count = 0
        d = self.delimiters
        self._forbidden = {c for c in (d.element, d.component, d.repetition, d.segment) if c}
        self._sep = d.element
        # Any delimiter but the element separator (which is counted instead).
        others = "".join(c for c in (d.component, d.repetition, d.segment) if c)
        self._other_delimiter = re.compile(f"[{re.escape(others)}]").search if others else None

    def add(self, seg_id: str, *elements: Element) -> None:
        """Append a segment. A list or tuple element is a composite; None is empty.

        A segment of text alone takes one join; ``add_composites`` is the same without
        that attempt, for segments that always have a composite.
        """
        sep = self._sep
        try:
            text = sep.join((seg_id, *elements))  # type: ignore[arg-type]
        except TypeError:  # a composite, a repeated element or None
            self.add_composites(seg_id, *elements)
            return
        # A separator beyond the ones placed, or another delimiter, came from a value;
        # the slow path then names the element.
        other = self._other_delimiter
        if text.count(sep) != len(elements) or (other is not None and other(text)):
            self._locate_delimiter(seg_id, elements)
        # Trailing empty elements are dropped; no value ends with the separator (counted).
        self._parts.append(text.rstrip(sep))
        self.count += 1

    def add_composites(self, seg_id: str, *elements: Element) -> None:
        """``add`` for segments with composites, repeated elements or absent values."""
        d = self.delimiters
        comp = d.component
        out = [seg_id]
        components = repeats = 0
        for value in elements:
            cls = value.__class__
            if cls is str:
                out.append(value)  # type: ignore[arg-type]
            elif value is None:
                out.append("")
            elif isinstance(value, Repeated):
                if not d.repetition:
                    raise X12WriteError(
                        "a repeated element needs a repetition separator", segment=seg_id
                    )
                repeats += max(len(value) - 1, 0)
                out.append(d.repetition.join(value))
            elif isinstance(value, (list, tuple)):
                try:
                    joined = comp.join(value)
                except TypeError:  # absent or numeric components
                    joined = comp.join(["" if c is None else str(c) for c in value])
                # Trailing empty components are dropped: stripping the separators off the
                # end is that, unless a component holds one (counted below).
                text = joined.rstrip(comp)
                components += max(len(value) - 1, 0) - (len(joined) - len(text))
                out.append(text)
            else:
                out.append(str(value))
        while len(out) > 1 and out[-1] == "":
            out.pop()
        text = d.element.join(out)
        # One pass over the rendered segment: any delimiter beyond the ones we placed
        # came from a value; the slow path then names the element.
        if (
            text.count(d.element) != len(out) - 1
            or text.count(comp) != components
            or d.segment in text
            or (d.repetition and text.count(d.repetition) != repeats)
        ):
            self._locate_delimiter(seg_id, elements)
        self._parts.append(text)
        self.count += 1

    def _locate_delimiter(self, seg_id: str, elements: tuple[Element, ...]) -> None:
        for i, value in enumerate(elements, start=1):
            if value.__class__ is Repeated:
                for c in value:
                    self._check(seg_id, i, str(c))
            elif isinstance(value, list | tuple):
                for c in value:
                    self._check(seg_id, i, "" if c is None else str(c))
            elif value is not None:
                self._check(seg_id, i, str(value))

    def rendered_since(self, start: int) -> list[str]:
        """The segments added since the writer's ``count`` was ``start``."""
        return self._parts[start:]

    def add_rendered(self, parts: list[str]) -> None:
        """Append segments this writer rendered before (``rendered_since``)."""
        self._parts.extend(parts)
        self.count += len(parts)

    def add_raw(self, text: str) -> None:
        """Append a segment already rendered with these delimiters (the ISA)."""
        self._parts.append(text)
        self.count += 1

    # -- envelopes ------------------------------------------------------------------------

    def open_interchange(
        self,
        envelope: InterchangeEnvelope,
        control: ControlNumbers,
        created: datetime,
        functional_id: str,
        version: str,
    ) -> None:
        """Write ISA and GS; ``close_interchange`` writes GE and IEA with their counts."""
        d = self.delimiters
        for name, value, element in (
            ("sender_id", envelope.sender_id, 6),
            ("receiver_id", envelope.receiver_id, 8),
        ):
            if not value or len(value) > 15:
                raise X12WriteError(
                    f"{name} must be 1-15 characters", segment="ISA", element=element
                )
        if envelope.usage not in ("P", "T"):
            raise X12WriteError("usage must be P or T", segment="ISA", element=15)
        if not d.repetition:
            raise X12WriteError(
                "a 5010 interchange needs a repetition separator", segment="ISA", element=11
            )
        isa = [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            envelope.sender_qualifier,
            envelope.sender_id.ljust(15),
            envelope.receiver_qualifier,
            envelope.receiver_id.ljust(15),
            created.strftime("%y%m%d"),
            created.strftime("%H%M"),
            d.repetition,
            "00501",
            f"{control.interchange:09d}",
            "1" if envelope.acknowledgment_requested else "0",
            envelope.usage,
            d.component,
        ]
        self.add_raw(d.element.join(isa))
        self.add(
            "GS",
            functional_id,
            envelope.application_sender or envelope.sender_id,
            envelope.application_receiver or envelope.receiver_id,
            created.strftime("%Y%m%d"),
            created.strftime("%H%M"),
            str(control.group),
            "X",
            version,
        )
        self._control = control
        self._sets = 0

    def open_transaction(self, set_id: str, control_number: int, version: str) -> None:
        """Write ST; ``close_transaction`` writes SE with the segment count."""
        self._st = (self.count, f"{control_number:04d}")
        self.add("ST", set_id, self._st[1], version)

    def close_transaction(self) -> None:
        start, control = self._st
        self.add("SE", str(self.count - start + 1), control)
        self._sets += 1

    def close_interchange(self) -> None:
        self.add("GE", str(self._sets), str(self._control.group))
        self.add("IEA", "1", f"{self._control.interchange:09d}")

    def _check(self, seg_id: str, index: int, text: str) -> None:
        for ch in self._forbidden:
            if ch in text:
                raise X12WriteError(
                    f"value contains the delimiter {ch!r}", segment=seg_id, element=index
                )

    def text(self) -> str:
        term = self.delimiters.segment + self.line_ending
        return term.join(self._parts) + term

    def bytes(self) -> bytes:
        """The interchange as ASCII; ``X12WriteError`` names the segment and element of a
        character outside the X12 character set that a writer let through."""
        text = self.text()
        if text.isascii():
            return text.encode("ascii")
        sep = self.delimiters.element
        part = next(p for p in self._parts if not p.isascii())
        bad = next(ch for ch in part if not ch.isascii())
        raise X12WriteError(
            f"character U+{ord(bad):04X} is outside the X12 character set",
            segment=part.split(sep, 1)[0],
            element=part[: part.index(bad)].count(sep) or None,
        )

"""835 Health Care Claim Payment/Advice (005010X221A1): reader and writer, sans-IO.

``read_835(data)`` takes the bytes of a file and returns one ``Remittance`` per
ST..SE set (several sets in one ISA, several ISAs in one file). It never raises
for content problems: what is wrong is listed in ``Remittance.problems`` with
the segment position, as errors (the file must not be posted) or warnings.
Only a file that is not X12 at all raises ``X12ParseError``.

Repairs the reader makes, each reported as a warning so a biller can see it:

* a bare ``ST..SE`` body without ISA/GS is read with delimiters guessed from
  the ST segment;
* a composite written with ``>`` while ISA16 declares another component
  separator (``HC>99213``) is split on ``>`` when its first part is a known
  product/service qualifier;
* an SVC whose SVC01 holds only the qualifier and whose procedure code sits in
  SVC02 (``SVC*HC*24599.00*...``: an element separator where a component
  separator belongs) is shifted back into place; a code written as a number
  (``24599.00``) loses the ``.00``;
* a BPR one ``*`` short (the payment date in BPR15, BPR16 absent, no bank data)
  takes its date from BPR15;
* an empty SVC02/SVC03 reads as zero (the claim totals then decide whether the
  file balances), and elements past SVC07 are ignored.

A BPR16 that is not a date leaves ``payment_date`` empty (a warning):
``Remittance.effective_date`` then falls back to DTM*405.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from itertools import repeat

from medbill.core.x12._m835_read import ENVELOPE, NotPlain, SetReader
from medbill.core.x12._m835_write import write_835
from medbill.core.x12._remittance import (
    CLAIM_STATUS,
    GROUP_CODES,
    Adjustment,
    ClaimPayment,
    Contact,
    EntityName,
    Party,
    Procedure,
    ProviderAdjustment,
    ProviderSummary,
    ReadProblem,
    Remittance,
    ServicePayment,
)
from medbill.core.x12._segments import (
    ISA_LENGTH,
    Delimiters,
    Segment,
    X12ParseError,
    check_segment_lengths,
    iter_segments,
    read_interchanges,
)

__all__ = [
    "Adjustment",
    "ClaimPayment",
    "Contact",
    "EntityName",
    "Party",
    "Procedure",
    "ProviderAdjustment",
    "ProviderSummary",
    "ReadProblem",
    "Remittance",
    "ServicePayment",
    "CLAIM_STATUS",
    "GROUP_CODES",
    "read_835",
    "write_835",
]

_WHITE = "\r\n\t "


def read_835(data: bytes | str) -> list[Remittance]:
    """Every 835 transaction set in ``data``, one ``Remittance`` each.

    Problems in the file (bad amounts, counts that do not match, repaired
    segments) are listed on each remittance; see the module docstring.
    """
    # A large file makes millions of small objects and no cycles: the cyclic collector
    # would only rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_835(data)
    finally:
        if collecting:
            gc.enable()


def _read_835(data: bytes | str) -> list[Remittance]:
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    out: list[Remittance] = []
    if "ISA" not in text[:4096]:
        delimiters = Delimiters.guess(text)
        if delimiters is None:
            raise X12ParseError(
                "no ISA segment and no ST segment: this is not an X12 file", position=1
            )
        for st, body, se, problems in _bare_sets(iter_segments(text, delimiters)):
            problems.insert(
                0,
                ReadProblem(
                    "warning",
                    "no ISA/GS envelope: read as a bare transaction set with "
                    "delimiters taken from the ST segment",
                    st.position,
                    "ST",
                ),
            )
            out.append(_read_set(st, body, se, problems))
        return out
    plain = _read_plain(text)
    if plain is not None:
        return plain
    for interchange in read_interchanges(text):
        # Counts and control numbers that do not match are the sender's bookkeeping: the
        # set was read whole (its SE is there), so they are warnings, not a reason to hold.
        env_problems = [
            ReadProblem("warning", e.message, e.position, e.segment, e.element)
            for e in interchange.problems
        ]
        for tx in interchange.transactions:
            if tx.set_id != "835":
                continue
            problems = [
                p
                for p in env_problems
                if p.position is None or tx.st.position <= p.position <= tx.se.position
            ]
            if tx.version and not tx.version.startswith("005010X221"):
                problems.append(
                    ReadProblem(
                        "warning", f"GS08 {tx.version} is not 005010X221A1", tx.gs.position, "GS", 8
                    )
                )
            out.append(
                _read_set(
                    tx.st,
                    tx.segments,
                    tx.se,
                    problems,
                    tx.version,
                    interchange.sender,
                    interchange.receiver,
                    interchange.control_number,
                )
            )
    return out


def _read_set(
    st: Segment,
    body: list[Segment],
    se: Segment,
    problems: list[ReadProblem],
    version: str = "",
    sender: str = "",
    receiver: str = "",
    control: str = "",
) -> Remittance:
    """One set the segment reader grouped (positions in a set are consecutive)."""
    rows = [st.elements, *[seg.elements for seg in body], se.elements]
    reader = SetReader(rows, st.position, st.delimiters.component, problems)
    reader.version, reader.sender, reader.receiver = version, sender, receiver
    reader.interchange_control = control
    return reader.read(0)[0]


def _read_plain(text: str) -> list[Remittance] | None:
    """The remittances of a well-formed file, read without ``Segment`` objects.

    Each interchange is split with one ``str.split`` per delimiter and its sets are
    walked as lists of elements. Anything else than ISA, GS, 835 sets, GE, IEA, or a
    segment identifier that is not one, returns None: ``read_interchanges`` then
    reads the file and reports what is wrong exactly as it always has.
    """
    out: list[Remittance] = []
    offset = 1  # the position of the interchange's ISA
    while True:
        start = text.find("ISA")
        if start < 0 or len(text) - start < ISA_LENGTH:
            # Nothing but white space may follow the last interchange.
            return None if text.strip("\ufeff" + _WHITE) else out
        text = text[start:]
        try:
            d = Delimiters.from_isa(text)
        except X12ParseError:
            return None
        # The IEA ends an interchange: the next one may use other delimiters.
        iea = _iea_pattern(d.segment, d.element).search(text)
        end = iea.end() if iea else len(text)
        chunk, text = text[:end], text[end:]
        split = chunk.split(d.segment)
        check_segment_lengths(split, offset - 1)
        pieces = filter(None, map(str.strip, split, repeat(_WHITE)))
        rows = list(map(str.split, pieces, repeat(d.element)))
        if rows[-1][0] != "IEA":
            return None
        try:
            out += _read_interchange(rows, offset, d.component)
        except NotPlain:
            return None
        offset += len(rows)


def _read_interchange(rows: list[list[str]], offset: int, component: str) -> list[Remittance]:
    """The 835 sets of one interchange (``rows[0]`` its ISA, ``rows[-1]`` its IEA).

    Checks what ``read_interchanges`` checks and the 835 reader keeps: SE01 and SE02
    (GE and IEA problems lie outside every set, so no set lists them).
    """
    isa = rows[0] + [""] * 17
    sender, receiver, control = isa[6].strip(), isa[8].strip(), isa[13]
    out: list[Remittance] = []
    gs: list[str] | None = None
    gs_pos = 0
    i, last = 1, len(rows) - 1
    while i < last:
        e = rows[i]
        sid = e[0]
        if sid == "GS":
            gs, gs_pos = e + [""] * 9, i + offset
        elif sid == "GE":
            gs = None
        elif sid == "ST" and gs is not None and e[1:2] == ["835"]:
            reader = SetReader(rows, offset, component, [])
            version = reader.version = gs[8]
            reader.sender, reader.receiver, reader.interchange_control = (sender, receiver, control)
            remittance, j = reader.read(i)
            se, st = rows[j] + ["", ""], e + ["", ""]
            problems = []
            count = j - i + 1
            if se[1] != str(count):
                problems.append(
                    ReadProblem(
                        "warning",
                        f"SE01 says {se[1]} segments but the set has {count}",
                        j + offset,
                        "SE",
                        1,
                    )
                )
            if se[2] != st[2]:
                problems.append(
                    ReadProblem(
                        "warning", f"SE02 {se[2]} does not match ST02 {st[2]}", j + offset, "SE", 2
                    )
                )
            if version and not version.startswith("005010X221"):
                problems.append(
                    ReadProblem("warning", f"GS08 {version} is not 005010X221A1", gs_pos, "GS", 8)
                )
            if problems:
                remittance = replace(remittance, problems=(*problems, *remittance.problems))
            out.append(remittance)
            i = j
        else:
            raise NotPlain(sid)
        i += 1
    return out


@lru_cache(maxsize=16)
def _iea_pattern(term: str, element: str) -> re.Pattern[str]:
    """The IEA segment: after a terminator (and white space), up to and with its own
    terminator and the white space after it (the next interchange skips white space)."""
    t, e = re.escape(term), re.escape(element)
    return re.compile(f"{t}[{_WHITE}]*IEA(?:{e}[^{t}]*)?[{_WHITE}]*(?:{t}[{_WHITE}]*|\\Z)")


def _bare_sets(
    segments: Iterable[Segment],
) -> Iterator[tuple[Segment, list[Segment], Segment, list[ReadProblem]]]:
    st: Segment | None = None
    body: list[Segment] = []
    for seg in segments:
        if seg.id == "ST":
            st, body = seg, []
        elif seg.id == "SE" and st is not None:
            problems = []
            if seg[1] != str(len(body) + 2):
                problems.append(
                    ReadProblem(
                        "warning",
                        f"SE01 says {seg[1]} segments but the set has {len(body) + 2}",
                        seg.position,
                        "SE",
                        1,
                    )
                )
            yield st, body, seg, problems
            st = None
        elif seg.id in ENVELOPE and st is not None:
            raise seg.error(f"{seg.id} inside a transaction set: SE is missing")
        elif st is not None:
            body.append(seg)
    if st is not None:
        raise X12ParseError(
            "file ends inside a transaction set: SE is missing", position=st.position, segment="ST"
        )

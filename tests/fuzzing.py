"""Mutated X12 files and claim JSON, for the fuzz tests and ``bench/fuzz.py``.

A mutation takes a seed (a real file from ``../shared/data/x12`` or a claim example) and
breaks it the way partners' files and hand-edited JSON break: segments and elements
deleted, duplicated, swapped or emptied, separators where they do not belong, odd bytes
(NUL, invalid UTF-8, lone surrogates), numbers no amount can hold, truncation. Every
choice goes through a ``Chooser`` (``random.Random`` in the bench, a Hypothesis draw in
the tests), so the same code serves both and Hypothesis can shrink what it finds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "Chooser",
    "JsonSeed",
    "X12Seed",
    "json_seeds",
    "mutate_json",
    "mutate_x12",
    "x12_seeds",
]


class Chooser(Protocol):
    def randrange(self, stop: int) -> int: ...


def _pick(ch: Chooser, items: list | tuple | str) -> Any:
    return items[ch.randrange(len(items))]


# Element values that have crashed readers elsewhere: amounts no Decimal context holds,
# digits int() refuses, dates that do not exist, separators, control characters.
ODD_VALUES = (
    "",
    " ",
    "1e400",
    "-1e400",
    "1E+999999999",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "9" * 400,
    "9" * 5000,
    "-0",
    "0.000000001",
    "12.345.6",
    "1,000.00",
    "$5",
    "\u0661\u0662\u0663",
    "\u00b2",
    "\u2155",
    "\x00",
    "\ud800",
    "\udfff",
    "\ufeff",
    "20250231",
    "99999999",
    "00000000",
    "18991231",
    "20250101-",
    "-",
    "20250101-2025",
    "RD8",
    "D8",
    "ABC",
    ":",
    "::",
    "^",
    "*",
    "~",
    ">",
    "HC:",
    "HC>99213",
    "HC:99213:25:::::",
    "\t",
    "\r\n",
    "A" * 300,
    "\u00e9",
    "\U0001f600",
    "0",
    "1",
    "20",
    "22",
    "23",
    "PR",
    "QC",
)
ODD_BYTES = (
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\r",
    b"\n",
    b"\x80",
    b"\xf4\x90\x80\x80",
    b"\x1a",
)
SEGMENT_IDS = (
    "ISA",
    "GS",
    "ST",
    "SE",
    "GE",
    "IEA",
    "BHT",
    "HL",
    "NM1",
    "N3",
    "N4",
    "REF",
    "PER",
    "SBR",
    "PAT",
    "DMG",
    "CLM",
    "DTP",
    "HI",
    "LX",
    "SV1",
    "SVD",
    "CAS",
    "AMT",
    "BPR",
    "TRN",
    "CUR",
    "DTM",
    "N1",
    "LX",
    "TS3",
    "CLP",
    "SVC",
    "PLB",
    "QTY",
    "MIA",
    "MOA",
    "LQ",
    "AK1",
    "AK2",
    "IK3",
    "IK4",
    "IK5",
    "AK9",
    "CTX",
    "STC",
    "EB",
    "MSG",
    "AAA",
    "LS",
    "LE",
    "EQ",
    "INS",
    "TA1",
    "LIN",
    "CTP",
    "PWK",
    "NTE",
    "CR1",
    "CRC",
    "PRV",
    "",
    "X",
    "1AB",
    "sv1",
    "ZZZZ",
    "S\u00c9",
)


@dataclass(frozen=True, slots=True)
class X12Seed:
    """A real file split once into segments (lists of elements) with its delimiters."""

    kind: str  # the folder under x12/: 835, 837p, 270 ...
    name: str
    element: str
    segment: str
    component: str
    repetition: str
    segments: tuple[tuple[str, ...], ...]
    after: str  # what follows each terminator in the original (a line break or nothing)


def split_x12(kind: str, name: str, data: bytes) -> X12Seed:
    text = data.decode("utf-8", errors="replace")
    start = max(text.find("ISA"), 0)
    text = text[start:]
    if len(text) >= 106:
        element, component, repetition, segment = text[3], text[104], text[82], text[105]
    else:
        element, component, repetition, segment = "*", ":", "^", "~"
    pieces = text.split(segment)
    after = "\n" if any(p.startswith("\n") or p.startswith("\r\n") for p in pieces[1:3]) else ""
    rows = tuple(tuple(p.strip("\r\n").split(element)) for p in pieces if p.strip("\r\n"))
    return X12Seed(kind, name, element, segment, component, repetition, rows, after)


def x12_seeds(root: Path) -> list[X12Seed]:
    """Every file under ``root`` (``../shared/data/x12``), by folder; CSV readings skipped."""
    seeds = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in (".csv", ".md") or path.name == "INDEX.csv":
            continue
        kind = path.relative_to(root).parts[0]
        seeds.append(split_x12(kind, path.name, path.read_bytes()))
    return seeds


def _join(seed: X12Seed, rows: list[list[str]]) -> str:
    term = seed.segment + seed.after
    return term.join(seed.element.join(r) for r in rows) + term


# -- X12 mutations: each takes the rows (mutable lists) and changes them in place ----------


def _m_delete_segment(ch, seed, rows, donors):
    if len(rows) > 1:
        del rows[ch.randrange(len(rows))]


def _m_duplicate_segment(ch, seed, rows, donors):
    i = ch.randrange(len(rows))
    times = _pick(ch, (1, 1, 2, 50))
    rows[i + 1 : i + 1] = [list(rows[i]) for _ in range(times)]


def _m_swap_segments(ch, seed, rows, donors):
    i, j = ch.randrange(len(rows)), ch.randrange(len(rows))
    rows[i], rows[j] = rows[j], rows[i]


def _m_move_segment(ch, seed, rows, donors):
    row = rows.pop(ch.randrange(len(rows)))
    rows.insert(ch.randrange(len(rows) + 1), row)


def _m_bare_segment(ch, seed, rows, donors):
    """``DTM~``, ``REF~``: a segment with its identifier and nothing else."""
    i = ch.randrange(len(rows))
    rows[i] = rows[i][:1]


def _m_empty_segment(ch, seed, rows, donors):
    rows.insert(ch.randrange(len(rows) + 1), [""])


def _m_delete_element(ch, seed, rows, donors):
    row = _pick(ch, rows)
    if len(row) > 1:
        del row[1 + ch.randrange(len(row) - 1)]


def _m_duplicate_element(ch, seed, rows, donors):
    row = _pick(ch, rows)
    i = ch.randrange(len(row))
    row.insert(i, row[i])


def _m_swap_elements(ch, seed, rows, donors):
    row = _pick(ch, rows)
    i, j = ch.randrange(len(row)), ch.randrange(len(row))
    row[i], row[j] = row[j], row[i]


def _m_truncate_elements(ch, seed, rows, donors):
    row = _pick(ch, rows)
    del row[1 + ch.randrange(len(row)) :]


def _m_odd_value(ch, seed, rows, donors):
    row = _pick(ch, rows)
    if len(row) > 1:
        row[1 + ch.randrange(len(row) - 1)] = _pick(ch, ODD_VALUES)
    else:
        row.append(_pick(ch, ODD_VALUES))


def _m_odd_component(ch, seed, rows, donors):
    row = _pick(ch, rows)
    if len(row) > 1:
        k = 1 + ch.randrange(len(row) - 1)
        parts = row[k].split(seed.component)
        parts[ch.randrange(len(parts))] = _pick(ch, ODD_VALUES)
        row[k] = seed.component.join(parts)


def _m_number(ch, seed, rows, donors):
    """A numeric element (an amount, a count, a date) replaced with an unholdable number."""
    numeric = [
        (r, k)
        for r in rows
        for k in range(1, len(r))
        if r[k] and r[k].replace(".", "", 1).lstrip("-").isdigit()
    ]
    if numeric:
        row, k = _pick(ch, numeric)
        row[k] = _pick(
            ch,
            (
                "1e400",
                "-1e400",
                "NaN",
                "Infinity",
                "-Infinity",
                "1E+999999999",
                "9" * 5000,
                "0E-1000000",
                "1e-400",
                "99999999999999.99",
                "\u0661",
                "\u00b2",
                "--1",
                "1.",
                ".5",
                "+3",
                "1_000",
            ),
        )


def _m_separator(ch, seed, rows, donors):
    row = _pick(ch, rows)
    k = ch.randrange(len(row))
    sep = _pick(
        ch,
        (
            seed.element,
            seed.segment,
            seed.component,
            seed.repetition or "^",
            "*",
            "~",
            ":",
            "^",
            "|",
            ">",
            "\n",
        ),
    )
    value = row[k]
    at = ch.randrange(len(value) + 1)
    row[k] = value[:at] + sep + value[at:]


def _m_segment_id(ch, seed, rows, donors):
    row = _pick(ch, rows)
    row[0] = _pick(ch, SEGMENT_IDS)


def _m_splice(ch, seed, rows, donors):
    """A segment from another file (another transaction, maybe) dropped in anywhere."""
    donor = _pick(ch, donors) if donors else seed
    rows.insert(ch.randrange(len(rows) + 1), list(_pick(ch, donor.segments)))


def _m_long_element(ch, seed, rows, donors):
    row = _pick(ch, rows)
    row.append("9" * _pick(ch, (1000, 20000, 100_000)))


_X12_MUTATIONS: tuple[Callable, ...] = (
    _m_delete_segment,
    _m_duplicate_segment,
    _m_swap_segments,
    _m_move_segment,
    _m_bare_segment,
    _m_bare_segment,
    _m_empty_segment,
    _m_delete_element,
    _m_duplicate_element,
    _m_swap_elements,
    _m_truncate_elements,
    _m_odd_value,
    _m_odd_value,
    _m_odd_component,
    _m_number,
    _m_number,
    _m_separator,
    _m_segment_id,
    _m_splice,
)


def _bytes_mutation(ch: Chooser, data: bytes) -> bytes:
    at = ch.randrange(len(data) + 1)
    kind = ch.randrange(6)
    if kind == 0:
        return data[:at]  # truncated
    if kind == 1:
        return data[:at] + _pick(ch, ODD_BYTES) + data[at:]
    if kind == 2:  # a byte flipped
        if not data:
            return data
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ (1 << ch.randrange(8))]) + data[at + 1 :]
    if kind == 3:  # the ISA's fixed-width delimiter positions
        at = _pick(ch, (3, 82, 104, 105, 50, 0, 1))
        if at < len(data):
            return (
                data[:at] + _pick(ch, (b"*", b"~", b":", b"^", b"U", b"\n", b"")) + data[at + 1 :]
            )
        return data
    if kind == 4:  # two interchanges in one file
        return data + data[: ch.randrange(len(data) + 1)]
    return data[ch.randrange(min(len(data), 120) + 1) :]  # the start cut off


def mutate_x12(
    ch: Chooser, seed: X12Seed, donors: list[X12Seed] = (), rounds: int | None = None
) -> bytes | str:
    """A broken copy of ``seed``: bytes, or text when it holds a lone surrogate."""
    rows = [list(r) for r in seed.segments] or [["ISA"]]
    n = rounds if rounds is not None else 1 + ch.randrange(4)
    for _ in range(n):
        _pick(ch, _X12_MUTATIONS)(ch, seed, rows, donors)
        if not rows:
            rows = [[""]]
    if ch.randrange(40) == 0:
        _m_long_element(ch, seed, rows, donors)
    text = _join(seed, rows)
    if any("\ud800" <= c <= "\udfff" for c in text):
        return text  # cannot be bytes; the readers take text too
    data = text.encode("utf-8")
    for _ in range(ch.randrange(3) if ch.randrange(3) == 0 else 0):
        data = _bytes_mutation(ch, data)
    return data if ch.randrange(4) else data.decode("utf-8", errors="surrogateescape")


# -- claim JSON -------------------------------------------------------------------------------


class Raw(str):
    """JSON text written as is (NaN, 1e400, a deep nest)."""


@dataclass(frozen=True, slots=True)
class JsonSeed:
    name: str
    data: Any  # parsed with Decimal numbers


def json_seeds(root: Path) -> list[JsonSeed]:
    """The claim examples (``../shared/examples``)."""
    return [
        JsonSeed(p.name, json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal))
        for p in sorted(root.glob("*.json"))
    ]


ODD_JSON = (
    Raw("NaN"),
    Raw("-Infinity"),
    Raw("Infinity"),
    Raw("1e400"),
    Raw("-1e400"),
    Raw("1E+999999999"),
    Raw("9" * 5000),
    Raw("9" * 30),
    Raw("-0"),
    Raw("1e-400"),
    Raw("0.1"),
    Raw("3.0"),
    Raw("-5"),
    Raw("2.5"),
    Raw("0"),
    Raw("12345678901234567890"),
    Raw('"\\ud800"'),
    Raw('"\\u0000"'),
    Raw('"\u0661\u0662"'),
    Raw('"\u00b2"'),
    Raw('"\ud800"'),
    Raw('"\x00"'),
    Raw('"1e400"'),
    Raw('"NaN"'),
    Raw('"-Infinity"'),
    Raw('"2025-02-30"'),
    Raw('"99999-01-01"'),
    Raw('"+2025-01-01"'),
    Raw('"2025-W01-1"'),
    Raw('""'),
    Raw('" "'),
    Raw('"A"'),
    Raw("true"),
    Raw("false"),
    Raw("null"),
    Raw("[]"),
    Raw("{}"),
    Raw("[null]"),
    Raw("[[1]]"),
    Raw('{"a": 1}'),
    Raw('"' + "x" * 5000 + '"'),
    Raw("[" * 50 + "]" * 50),
)


def _dump(value: Any, out: list[str]) -> None:
    if isinstance(value, Raw):
        out.append(value)
    elif isinstance(value, dict):
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            if i:
                out.append(",")
            out.append(json.dumps(k, ensure_ascii=False))
            out.append(":")
            _dump(v, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            _dump(v, out)
        out.append("]")
    elif isinstance(value, Decimal):
        out.append(str(value))
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def _containers(value: Any, found: list) -> list:
    if isinstance(value, dict | list):
        found.append(value)
        for v in value.values() if isinstance(value, dict) else value:
            _containers(v, found)
    return found


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _json_edit(ch: Chooser, root: Any) -> Any:
    nodes = _containers(root, [])
    node = _pick(ch, nodes)
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    kind = ch.randrange(7)
    if not keys or kind == 0:  # a value added
        if isinstance(node, dict):
            node[_pick(ch, ("charge", "units", "line", "dob", "extra", "claim_id"))] = _pick(
                ch, ODD_JSON
            )
        else:
            node.append(_pick(ch, ODD_JSON))
        return root
    key = _pick(ch, keys)
    if kind == 1:
        del node[key]
    elif kind in (2, 3, 4):
        node[key] = _pick(ch, ODD_JSON)
    elif kind == 5:  # the value nested deep
        depth = _pick(ch, (10, 1000, 100_000))
        node[key] = Raw("[" * depth + "1" + "]" * depth)
    else:  # a list where an object belongs, or the other way round
        node[key] = [node[key]] if not isinstance(node[key], list) else {"0": node[key]}
    return root


def mutate_json(ch: Chooser, seed: JsonSeed) -> bytes | str:
    """A broken copy of a claim example: JSON text or bytes."""
    root = _copy(seed.data)
    if ch.randrange(10) == 0:
        root = [root, _copy(seed.data)]
    for _ in range(1 + ch.randrange(3)):
        root = _json_edit(ch, root)
    out: list[str] = []
    _dump(root, out)
    text = "".join(out)
    if ch.randrange(8) == 0:
        text = "[" * _pick(ch, (1000, 100_000)) + text
    if any("\ud800" <= c <= "\udfff" for c in text) or ch.randrange(5) == 0:
        return text
    data = text.encode("utf-8")
    if ch.randrange(4) == 0:
        at = ch.randrange(len(data) + 1)
        cut = ch.randrange(2)
        data = data[:at] if cut else data[:at] + _pick(ch, ODD_BYTES) + data[at:]
    return data

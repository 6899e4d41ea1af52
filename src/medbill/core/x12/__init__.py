"""X12 5010 readers and writers (sans-IO): bytes in, documents out, and back."""

from medbill.core.x12._segments import (
    Delimiters,
    Interchange,
    Segment,
    SegmentReader,
    SegmentWriter,
    Transaction,
    X12Error,
    X12ParseError,
    X12WriteError,
    iter_segments,
    read_interchanges,
)

__all__ = [
    "Delimiters",
    "Interchange",
    "Segment",
    "SegmentReader",
    "SegmentWriter",
    "Transaction",
    "X12Error",
    "X12ParseError",
    "X12WriteError",
    "iter_segments",
    "read_interchanges",
]

"""MLLP framing (HL7's minimal lower layer protocol), sans-IO: a message travels as
0x0B, the message, 0x1C 0x0D. ``frame`` wraps one; ``Decoder`` takes bytes as they
arrive and returns the complete messages."""

from __future__ import annotations

__all__ = ["END", "START", "Decoder", "MLLPError", "frame"]

START = b"\x0b"
END = b"\x1c\x0d"
MAX_FRAME = 4_000_000


class MLLPError(ValueError):
    """The peer sent more than a message can be without ending the frame."""


def frame(payload: bytes) -> bytes:
    """``payload`` wrapped for the wire."""
    return START + payload + END


class Decoder:
    """Collects bytes and yields each framed payload once its end arrives.

    Bytes outside a frame (line noise, a stray newline) are dropped.
    """

    def __init__(self, limit: int = MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._limit = limit

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        out: list[bytes] = []
        while True:
            start = self._buffer.find(START)
            if start < 0:
                self._buffer.clear()
                break
            if start:
                del self._buffer[:start]
            end = self._buffer.find(END, 1)
            if end < 0:
                if len(self._buffer) > self._limit:
                    self._buffer.clear()
                    raise MLLPError(f"a frame longer than {self._limit:,} bytes")
                break
            out.append(bytes(self._buffer[1:end]))
            del self._buffer[: end + len(END)]
        return out

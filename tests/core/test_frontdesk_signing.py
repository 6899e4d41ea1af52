"""Signed intake documents: drawn signatures decoded safely, PDFs that say who, how, when."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from medbill.core.frontdesk.paperwork import DOCUMENTS
from medbill.core.frontdesk.signing import (
    DOCUMENT_TEXT,
    MAX_SIGNATURE_BYTES,
    Signature,
    SignatureError,
    decode_drawn_signature,
    render_signed_pdf,
)


def _png() -> bytes:
    raw = b"".join(b"\x00" + b"\xff\x00\xff" for _ in range(3))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 3, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def test_every_packet_document_has_text_of_its_own():
    assert set(DOCUMENT_TEXT) == set(DOCUMENTS)
    assert all(DOCUMENT_TEXT[d] for d in DOCUMENTS)


def test_a_canvas_png_is_decoded():
    assert decode_drawn_signature(_url(_png())) == _png()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("data:image/jpeg;base64,AAAA", "expected a drawn signature"),
        ("data:image/png;base64,!!!", "not valid base64"),
        (_url(b"GIF89a...."), "not a PNG"),
        ("data:image/png;base64," + "A" * (MAX_SIGNATURE_BYTES * 2), "too large"),
    ],
)
def test_bad_drawn_signatures_are_refused_by_field(value, problem):
    with pytest.raises(SignatureError, match=problem) as err:
        decode_drawn_signature(value, "drawn_signature")
    assert err.value.field == "drawn_signature"


def test_the_pdf_holds_the_text_and_the_signature_facts():
    signed_at = datetime(2026, 3, 3, 9, 41, 7, tzinfo=UTC)
    pdf = render_signed_pdf(
        "Cedar Valley Family Practice",
        "Mateo Ortega",
        DOCUMENTS["assignment_of_benefits"],
        DOCUMENT_TEXT["assignment_of_benefits"],
        Signature("Lucia Ortega", signed_at, "drawn", "10.0.0.7", _png(), "parent"),
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        "Assignment of benefits",
        "Mateo Ortega",
        "Lucia Ortega (parent)",
        "2026-03-03 09:41:07",
        "10.0.0.7",
        "drawn on screen",
        "pay the practice directly",
    ):
        assert expected in text


def test_a_typed_signature_and_a_document_without_one():
    at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    typed = render_signed_pdf(
        "Clinic", "Ann Lee", "Consent", ("I agree.",), Signature("Ann Lee", at, "typed")
    )
    assert "/s/ Ann Lee" in PdfReader(io.BytesIO(typed)).pages[0].extract_text()
    plain = render_signed_pdf("Clinic", "Ann Lee", "Demographics", ("Correct.",), None)
    assert "needs no signature" in PdfReader(io.BytesIO(plain)).pages[0].extract_text()
    with pytest.raises(SignatureError, match="needs its image"):
        render_signed_pdf("Clinic", "Ann Lee", "Consent", (), Signature("Ann", at, "drawn"))

"""What a patient signs at the desk or the kiosk, and the PDF that keeps it.

Every document of the intake packet has a short text in plain words (ours, not a
legal template); the signed PDF holds that text, who signed, how (typed name or a
drawn signature image), when and from which network address, so the practice can
show exactly what was agreed to.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

__all__ = [
    "DOCUMENT_TEXT",
    "MAX_SIGNATURE_BYTES",
    "Signature",
    "SignatureError",
    "decode_drawn_signature",
    "render_signed_pdf",
]

MAX_SIGNATURE_BYTES = 400_000
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

DOCUMENT_TEXT: dict[str, tuple[str, ...]] = {
    "demographics": (
        "I have reviewed my name, date of birth, address, telephone numbers and emergency "
        "contact as the practice has them, and they are correct.",
    ),
    "insurance": (
        "The insurance plans the practice has on file for me are current, in the order "
        "shown, and I have shown the front and back of each card.",
        "I will tell the practice when my coverage changes.",
    ),
    "hipaa_notice": (
        "I was offered the practice's notice of privacy practices, which explains how my "
        "health information may be used and shared, and what my rights are.",
    ),
    "consent": (
        "I agree to examination and treatment by the practice's clinicians. I may ask "
        "questions about any treatment and may refuse it.",
    ),
    "assignment_of_benefits": (
        "I ask my health plans to pay the practice directly for the services I receive.",
        "I understand I remain responsible for copays, coinsurance, deductibles and "
        "services my plans do not cover.",
    ),
    "release_of_information": (
        "I allow the practice to give my health plans the information they need to "
        "process claims for my care, including diagnoses and services.",
    ),
    "financial_policy": (
        "Copays are due at check-in. Balances after insurance are due when billed.",
        "Self-pay patients receive a good-faith estimate before scheduled care; a deposit "
        "may be asked for. Please cancel at least one business day ahead.",
    ),
}


class SignatureError(ValueError):
    """A signature the desk cannot accept; ``field`` names the form field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Signature:
    """Who signed, how and when. ``image`` is a PNG for a drawn signature."""

    signer: str
    signed_at: datetime
    method: str  # typed or drawn
    ip_address: str | None = None
    image: bytes | None = None
    relationship: str = "self"


def decode_drawn_signature(data_url: str, field: str = "signature") -> bytes:
    """The PNG bytes of a canvas ``data:image/png;base64,...`` URL.

    Refuses anything that is not a PNG, and images over ``MAX_SIGNATURE_BYTES``.
    """
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise SignatureError(field, "expected a drawn signature (a PNG image)")
    encoded = data_url[len(prefix) :]
    if len(encoded) > MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        raise SignatureError(field, "the signature image is too large")
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(field, "the signature image is not valid base64") from None
    if not png.startswith(_PNG_MAGIC):
        raise SignatureError(field, "the signature image is not a PNG")
    return png


_TITLE = ParagraphStyle(
    "t", fontName="Helvetica-Bold", fontSize=14, leading=18, textColor=colors.HexColor("#1f4e79")
)
_BODY = ParagraphStyle("b", fontName="Helvetica", fontSize=10, leading=14)
_SMALL = ParagraphStyle(
    "s", fontName="Helvetica", fontSize=8, leading=10, textColor=colors.HexColor("#5b6b7b")
)


def render_signed_pdf(
    practice: str,
    patient: str,
    title: str,
    paragraphs: tuple[str, ...],
    signature: Signature | None,
) -> bytes:
    """A one-page PDF of a document as the patient saw it, with the signature block."""
    if signature is not None and signature.method not in ("typed", "drawn"):
        raise SignatureError("method", "expected typed or drawn")
    if signature is not None and signature.method == "drawn" and not signature.image:
        raise SignatureError("signature", "a drawn signature needs its image")
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=letter,
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        title=title,
        author=practice,
    )
    story: list[Flowable] = [
        Paragraph(escape(practice), _SMALL),
        Spacer(1, 6),
        Paragraph(escape(title), _TITLE),
        Paragraph(f"Patient: {escape(patient)}", _BODY),
        Spacer(1, 12),
    ]
    for text in paragraphs:
        story += [Paragraph(escape(text), _BODY), Spacer(1, 8)]
    story.append(Spacer(1, 18))
    if signature is None:
        story.append(Paragraph("Completed; this document needs no signature.", _BODY))
    else:
        if signature.method == "drawn":
            mark = Image(
                io.BytesIO(signature.image or b""),
                width=2.8 * inch,
                height=0.9 * inch,
                kind="proportional",
            )
        else:
            mark = Paragraph(
                f"<i>/s/ {escape(signature.signer)}</i>",
                ParagraphStyle("sig", parent=_BODY, fontSize=16, leading=20),
            )
        who = escape(signature.signer)
        if signature.relationship != "self":
            who += f" ({escape(signature.relationship)})"
        rows = [
            ["Signature", mark],
            ["Signed by", Paragraph(who, _BODY)],
            ["Signed at", signature.signed_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()],
            ["From address", signature.ip_address or "not recorded"],
            ["Method", "drawn on screen" if signature.method == "drawn" else "typed name"],
        ]
        table = Table(rows, colWidths=[1.3 * inch, 4.8 * inch])
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
                    ("FONT", (1, 1), (1, -1), "Helvetica", 9),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.HexColor("#9aa9b9")),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        story.append(table)
    pdf.build(story)
    return out.getvalue()

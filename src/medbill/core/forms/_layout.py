"""The house style of our printed documents: fonts, colours, header, panels, tables, footer.

Superbills, encounter forms, statements, receipts and estimates are built from
these pieces with reportlab's platypus, so they look like one office's paper.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from medbill.core.claim import Address, BillingProvider
from medbill.core.identifiers import phone_display
from medbill.core.money import Money

__all__ = ["Practice"]

INK = colors.HexColor("#1d2733")
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#9aa9b9")
TINT = colors.HexColor("#e8eef5")
MUTED = colors.HexColor("#5b6b7b")

MARGIN = 0.55 * inch
CONTENT_WIDTH = letter[0] - 2 * MARGIN - 12  # the frame keeps 6 pt of padding each side

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=8.6, leading=10.6, textColor=INK)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.2, leading=8.8, textColor=MUTED)
LABEL = ParagraphStyle(
    "label", parent=BODY, fontName="Helvetica-Bold", fontSize=6.6, leading=8, textColor=MUTED
)
VALUE = ParagraphStyle("value", parent=BODY, fontSize=8.8, leading=10.8)
STRONG = ParagraphStyle("strong", parent=BODY, fontName="Helvetica-Bold")
RIGHT = ParagraphStyle("right", parent=BODY, alignment=TA_RIGHT)
STRONG_RIGHT = ParagraphStyle("strong_right", parent=STRONG, alignment=TA_RIGHT)
SMALL_RIGHT = ParagraphStyle(
    "small_right", parent=BODY, fontSize=7.2, leading=8.8, textColor=MUTED, alignment=TA_RIGHT
)
BIG_RIGHT = ParagraphStyle(
    "big_right", parent=STRONG, fontSize=13, leading=16, alignment=TA_RIGHT, textColor=ACCENT
)
ADDRESS = ParagraphStyle("address", parent=BODY, fontSize=9.6, leading=12.2)
TITLE = ParagraphStyle(
    "title",
    parent=BODY,
    fontName="Helvetica-Bold",
    fontSize=15,
    leading=18,
    textColor=ACCENT,
    alignment=TA_RIGHT,
)
SUBTITLE = ParagraphStyle(
    "subtitle", parent=BODY, fontSize=8.4, leading=10.4, alignment=TA_RIGHT, textColor=MUTED
)
PRACTICE = ParagraphStyle(
    "practice", parent=BODY, fontName="Helvetica-Bold", fontSize=12.5, leading=15, textColor=INK
)
SECTION = ParagraphStyle(
    "section",
    parent=BODY,
    fontName="Helvetica-Bold",
    fontSize=8.4,
    leading=10,
    textColor=colors.white,
)


@dataclass(frozen=True, slots=True)
class Practice:
    """Who the paper comes from: the practice's name, address and identifiers."""

    name: str
    address: Address | None = None
    phone: str | None = None
    npi: str | None = None
    tin: str | None = None
    taxonomy: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None

    @classmethod
    def from_billing_provider(cls, provider: BillingProvider, **extra: str | None) -> Practice:
        """The practice as the claim's billing provider names it (loop 2010AA)."""
        return cls(
            name=provider.name,
            address=provider.address,
            phone=extra.pop("phone", None) or provider.contact_phone,
            npi=provider.npi,
            tin=provider.tin,
            taxonomy=provider.taxonomy,
            **extra,
        )


# -- text ------------------------------------------------------------------------------------


def esc(value: object) -> str:
    return escape("" if value is None else str(value))


def phone(number: str | None) -> str:
    return phone_display(number)


def zip_code(value: str | None) -> str:
    z = (value or "").replace("-", "")
    return f"{z[:5]}-{z[5:]}" if len(z) == 9 else z


def tin(value: str | None) -> str:
    t = (value or "").replace("-", "")
    return f"{t[:2]}-{t[2:]}" if len(t) == 9 else t


def day(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def money(value: Money | None) -> str:
    return "" if value is None else value.format()


def address_lines(address: Address | None) -> list[str]:
    if address is None:
        return []
    lines = [address.line1] + ([address.line2] if address.line2 else [])
    lines.append(f"{address.city}, {address.state} {zip_code(address.zip)}".strip(", "))
    return [line for line in lines if line]


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of already-escaped markup."""
    return Paragraph(text, style)


def plain(value: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(esc(value), style)


# -- blocks ----------------------------------------------------------------------------------


def header(practice: Practice, title: str, subtitle_lines: Sequence[str] = ()) -> Table:
    """Practice letterhead on the left, the document's title and references on the right."""
    left = [para(esc(practice.name), PRACTICE)]
    details = [esc(line) for line in address_lines(practice.address)]
    contact = " · ".join(
        x
        for x in (
            f"Phone {phone(practice.phone)}" if practice.phone else "",
            f"Fax {phone(practice.fax)}" if practice.fax else "",
            practice.email or "",
            practice.website or "",
        )
        if x
    )
    if contact:
        details.append(esc(contact))
    ids = " · ".join(
        x
        for x in (
            f"NPI {practice.npi}" if practice.npi else "",
            f"TIN {tin(practice.tin)}" if practice.tin else "",
            f"Taxonomy {practice.taxonomy}" if practice.taxonomy else "",
        )
        if x
    )
    if ids:
        details.append(esc(ids))
    left.append(para("<br/>".join(details), SMALL))
    right = [para(esc(title), TITLE)] + [para(esc(s), SUBTITLE) for s in subtitle_lines]
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.58, CONTENT_WIDTH * 0.42])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.4, ACCENT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def section_bar(title: str, width: float = CONTENT_WIDTH) -> Table:
    table = Table([[para(esc(title), SECTION)]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def panel(title: str, rows: Iterable[tuple[str, object]], width: float) -> Table:
    """A titled box of label/value pairs (values left empty print as a blank to fill in)."""
    data: list[list[Flowable]] = [[section_bar(title, width)]]
    for label, value in rows:
        data.append(
            [
                para(
                    f'<font name="Helvetica-Bold" size="6.4" color="#5b6b7b">'
                    f"{esc(label.upper())}</font><br/>{esc(value) or '&nbsp;'}",
                    VALUE,
                )
            ]
        )
    table = Table(data, colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("LINEBELOW", (0, 1), (-1, -2), 0.3, RULE),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (0, 0), (0, 0), 0),
                ("BOTTOMPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (0, 1), (-1, -1), 5),
                ("TOPPADDING", (0, 1), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 2.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def side_by_side(blocks: Sequence[Flowable], gap: float = 8, last_right: bool = False) -> Table:
    """Blocks in one row, splitting the width evenly (the last one flush right if asked)."""
    n = len(blocks)
    widths = []
    for i in range(n):
        widths.append((CONTENT_WIDTH - gap * (n - 1)) / n + (gap if i < n - 1 else 0))
    table = Table([list(blocks)], colWidths=widths)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-2, -1), gap),
        ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    if last_right:
        style.append(("ALIGN", (-1, 0), (-1, 0), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def panel_width(count: int, gap: float = 8) -> float:
    return float((CONTENT_WIDTH - gap * (count - 1)) / count)


def grid_table(
    head: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    totals: Sequence[Sequence[object]] = (),
    zebra: bool = True,
    width: float = CONTENT_WIDTH,
) -> Table:
    """A ruled table: a tinted head row, optional zebra rows, bold total rows at the foot."""
    scale = width / sum(widths)
    cols = [w * scale for w in widths]

    def cell(value: object, col: int, bold: bool = False) -> Flowable:
        if isinstance(value, Flowable):
            return value
        style = RIGHT if col in right else BODY
        if bold:
            style = ParagraphStyle("b", parent=style, fontName="Helvetica-Bold")
        return plain(value, style)

    head_style = ParagraphStyle("h", parent=LABEL, textColor=ACCENT)
    head_right = ParagraphStyle("hr", parent=head_style, alignment=TA_RIGHT)
    data = [
        [plain(h.upper(), head_right if i in right else head_style) for i, h in enumerate(head)]
    ]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    data += [[cell(v, i, bold=True) for i, v in enumerate(row)] for row in totals]
    table = Table(data, colWidths=cols, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), TINT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if zebra:
        for r in range(2, len(rows) + 1, 2):
            style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f6f8fb")))
    if totals:
        first = len(rows) + 1
        style.append(("LINEABOVE", (0, first), (-1, first), 0.9, INK))
    table.setStyle(TableStyle(style))
    return table


def signature_lines(
    labels: Sequence[str], width: float = CONTENT_WIDTH, space: float = 22
) -> Table:
    """Blank lines to sign on, each captioned underneath."""
    cells = [[Spacer(1, space) for _ in labels], [plain(label, SMALL) for label in labels]]
    # Two captions: a long line to sign on and a short one for the date.
    widths = (
        [width * 0.62, width * 0.38] if len(labels) == 2 else [width / len(labels)] * len(labels)
    )
    table = Table(cells, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.7, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 14),
                ("TOPPADDING", (0, 1), (-1, 1), 2),
            ]
        )
    )
    return table


def stack(flowables: Sequence[Flowable]) -> Table:
    """Flowables one above the other, as one block (for a cell of ``side_by_side``)."""
    table = Table([[f] for f in flowables])
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


class CutLine(Flowable):
    """A dashed line across the page with scissors' worth of instruction: tear here."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 8

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(MUTED)
        c.setLineWidth(0.6)
        c.setDash(3, 2.5)
        c.line(0, 4, self.width, 4)
        c.setDash()
        c.setFillColor(colors.white)
        label = "DETACH HERE"
        w = c.stringWidth(label, "Helvetica-Bold", 6.5) + 8
        c.rect(self.width / 2 - w / 2, 0, w, 8, stroke=0, fill=1)
        c.setFillColor(MUTED)
        c.setFont("Helvetica-Bold", 6.5)
        c.drawCentredString(self.width / 2, 1.8, label)


# -- the document ----------------------------------------------------------------------------


def _numbered_canvas(footer: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds pages back until the end so each footer can say "page n of m"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("invariant", 1)
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                self.setFont("Helvetica", 6.8)
                self.setFillColor(MUTED)
                self.drawString(MARGIN + 6, 0.38 * inch, footer)
                self.drawRightString(
                    letter[0] - MARGIN - 6, 0.38 * inch, f"Page {self._pageNumber} of {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    author: str,
    subject: str,
    footer: str,
    on_page: Callable[[Canvas, object], None] | None = None,
) -> bytes:
    """Lay the story out on US Letter pages and return the PDF bytes."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=letter,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=0.7 * inch,
        title=title,
        author=author,
        subject=subject,
        creator="medbill",
    )

    def decorate(canvas: Canvas, document: object) -> None:
        if on_page is not None:
            on_page(canvas, document)

    doc.build(
        story, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=_numbered_canvas(footer)
    )
    return buf.getvalue()

"""Read the text of a PDF back with its positions: for tests, audits and print checks.

``text_runs`` returns every piece of text with the page and the point where it
starts; ``grid_text`` maps those points onto the CMS-1500 print grid, so one
can ask "what is printed at line 8, column 50?".
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

from medbill.core.forms._grid import CHAR_WIDTH, LINE_HEIGHT, PAGE_HEIGHT, PrintAlignment

__all__ = ["TextRun", "grid_text", "page_count", "plain_text", "text_runs"]


@dataclass(frozen=True, slots=True)
class TextRun:
    page: int  # 1-based
    x: float  # points from the left edge
    y: float  # points from the bottom edge (PDF user space)
    text: str
    font: str


def text_runs(pdf: bytes) -> list[TextRun]:
    """Every non-blank text run of ``pdf`` with its page, start point and font."""
    reader = PdfReader(io.BytesIO(pdf))
    runs: list[TextRun] = []
    for number, page in enumerate(reader.pages, start=1):

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font_dict: dict[str, Any] | None,
            font_size: float,
            number: int = number,
        ) -> None:
            if not text.strip():
                return
            # The start point in user space: the text matrix, then the current matrix.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            font = (font_dict or {}).get("/BaseFont", "")
            runs.append(TextRun(number, x, y, text.strip("\n"), str(font).lstrip("/")))

        page.extract_text(visitor_text=visit)
    return runs


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def plain_text(pdf: bytes) -> str:
    """All the text of ``pdf``, page after page."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def grid_text(
    pdf: bytes, alignment: PrintAlignment | None = None, font_prefix: str = "Courier"
) -> dict[tuple[int, int, int], str]:
    """``{(page, line, column): text}`` for runs in ``font_prefix`` that sit on the 1500 grid.

    Runs that are not on a grid position (captions of the replica, for one) are left out.
    """
    align = alignment or PrintAlignment()
    out: dict[tuple[int, int, int], str] = {}
    for run in text_runs(pdf):
        if not run.font.startswith(font_prefix):
            continue
        col = (run.x - align.left) / CHAR_WIDTH + 1
        line = (PAGE_HEIGHT - run.y - 9.5 - align.top) / LINE_HEIGHT + 1
        if abs(col - round(col)) > 0.05 or abs(line - round(line)) > 0.05:
            continue
        out[(run.page, round(line), round(col))] = run.text
    return out

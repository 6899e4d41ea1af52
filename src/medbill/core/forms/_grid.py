"""The CMS-1500 (02/12) print grid: 10 characters per inch, 6 lines per inch.

Positions are (line, column), both 1-based, on the 66-line by 85-column grid
that the NUCC print specifications describe for the red form. A field's text
starts at its column; its width is the number of characters the box holds.
The physical origin of the grid (where line 1, column 1 falls on the paper)
is a :class:`PrintAlignment`, so each office can nudge its printer.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHAR_WIDTH",
    "FIELDS",
    "LINE_HEIGHT",
    "LINES_PER_PAGE",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "SERVICE_LINES_PER_PAGE",
    "FieldSpot",
    "PrintAlignment",
    "service_line_rows",
]

PAGE_WIDTH = 612.0  # 8.5 in, in points
PAGE_HEIGHT = 792.0  # 11 in
CHAR_WIDTH = 7.2  # 10 characters per inch
LINE_HEIGHT = 12.0  # 6 lines per inch
LINES_PER_PAGE = 66
SERVICE_LINES_PER_PAGE = 6


@dataclass(frozen=True, slots=True)
class PrintAlignment:
    """Where column 1 / line 1 of the grid sits, in points from the paper's left and top edges.

    The defaults put the first print position 0.3 inch from the left edge, as
    the NUCC print guidance gives; printers that feed differently shift both.
    """

    left: float = 21.6
    top: float = 20.0

    def x(self, col: float) -> float:
        """Left edge of ``col``, in points from the left of the page."""
        return self.left + (col - 1) * CHAR_WIDTH

    def top_of(self, line: float) -> float:
        """Top of the band of ``line``, in points from the top of the page."""
        return self.top + (line - 1) * LINE_HEIGHT

    def baseline(self, line: float) -> float:
        """Baseline of text on ``line``, in PDF user space (from the bottom)."""
        return PAGE_HEIGHT - (self.top_of(line) + 9.5)


@dataclass(frozen=True, slots=True)
class FieldSpot:
    line: int
    col: int
    width: int


def _f(line: int, col: int, width: int) -> FieldSpot:
    return FieldSpot(line, col, width)


# Item number -> where its text goes. Check boxes are separate keys ("1.medicare")
# with width 1; they print an X.
FIELDS: dict[str, FieldSpot] = {
    # carrier block, top right
    "payer.name": _f(2, 41, 36),
    "payer.line1": _f(3, 41, 36),
    "payer.line2": _f(4, 41, 36),
    "payer.city": _f(5, 41, 36),
    "page": _f(1, 66, 14),
    # item 1: type of coverage
    "1.medicare": _f(8, 1, 1),
    "1.medicaid": _f(8, 8, 1),
    "1.tricare": _f(8, 15, 1),
    "1.champva": _f(8, 24, 1),
    "1.group": _f(8, 31, 1),
    "1.feca": _f(8, 39, 1),
    "1.other": _f(8, 45, 1),
    "1a": _f(8, 50, 29),
    "2": _f(10, 1, 28),
    "3.dob": _f(10, 31, 10),
    "3.male": _f(10, 42, 1),
    "3.female": _f(10, 47, 1),
    "4": _f(10, 50, 29),
    "5.street": _f(12, 1, 28),
    "5.city": _f(14, 1, 24),
    "5.state": _f(14, 26, 3),
    "5.zip": _f(16, 1, 12),
    "5.phone_area": _f(16, 15, 3),
    "5.phone": _f(16, 19, 8),
    "6.self": _f(12, 33, 1),
    "6.spouse": _f(12, 38, 1),
    "6.child": _f(12, 42, 1),
    "6.other": _f(12, 47, 1),
    "7.street": _f(12, 50, 29),
    "7.city": _f(14, 50, 23),
    "7.state": _f(14, 74, 3),
    "7.zip": _f(16, 50, 12),
    "7.phone_area": _f(16, 65, 3),
    "7.phone": _f(16, 69, 8),
    "9": _f(18, 1, 28),
    "9a": _f(20, 1, 28),
    "9d": _f(26, 1, 28),
    "10a.yes": _f(20, 35, 1),
    "10a.no": _f(20, 41, 1),
    "10b.yes": _f(22, 35, 1),
    "10b.no": _f(22, 41, 1),
    "10b.state": _f(22, 45, 2),
    "10c.yes": _f(24, 35, 1),
    "10c.no": _f(24, 41, 1),
    "10d": _f(26, 30, 19),
    "11": _f(18, 50, 29),
    "11a.dob": _f(20, 53, 10),
    "11a.male": _f(20, 68, 1),
    "11a.female": _f(20, 75, 1),
    "11b": _f(22, 50, 29),
    "11c": _f(24, 50, 29),
    "11d.yes": _f(26, 52, 1),
    "11d.no": _f(26, 57, 1),
    "12": _f(29, 7, 26),
    "12.date": _f(29, 37, 10),
    "13": _f(29, 55, 24),
    "14.date": _f(32, 2, 10),
    "14.qual": _f(32, 16, 3),
    "15.qual": _f(32, 31, 3),
    "15.date": _f(32, 37, 10),
    "16.from": _f(32, 54, 10),
    "16.to": _f(32, 68, 10),
    "17.qual": _f(34, 1, 2),
    "17": _f(34, 4, 25),
    "17a.qual": _f(33, 31, 2),
    "17a": _f(33, 34, 15),
    "17b": _f(34, 34, 15),
    "18.from": _f(34, 54, 10),
    "18.to": _f(34, 68, 10),
    "19": _f(36, 1, 48),
    "20.yes": _f(36, 52, 1),
    "20.no": _f(36, 57, 1),
    "20.charges": _f(36, 63, 8),
    "21.ind": _f(37, 42, 1),
    "22.code": _f(38, 50, 11),
    "22.ref": _f(38, 62, 17),
    "23": _f(40, 50, 29),
    "25": _f(56, 1, 15),
    "25.ssn": _f(56, 17, 1),
    "25.ein": _f(56, 19, 1),
    "26": _f(56, 23, 14),
    "27.yes": _f(56, 38, 1),
    "27.no": _f(56, 43, 1),
    "28": _f(56, 52, 9),
    "29": _f(56, 62, 8),
    "31.name": _f(59, 1, 21),
    "31": _f(60, 1, 21),
    "31.date": _f(61, 13, 8),
    "32.name": _f(58, 23, 26),
    "32.street": _f(59, 23, 26),
    "32.city": _f(60, 23, 26),
    "32a": _f(61, 24, 10),
    "32b": _f(61, 36, 13),
    "33.phone_area": _f(57, 66, 3),
    "33.phone": _f(57, 70, 9),
    "33.name": _f(58, 50, 29),
    "33.street": _f(59, 50, 29),
    "33.city": _f(60, 50, 29),
    "33a": _f(61, 51, 10),
    "33b": _f(61, 63, 16),
}

# Item 21 A-L: three rows of four, across the page.
for _i, _letter in enumerate("ABCDEFGHIJKL"):
    FIELDS[f"21.{_letter}"] = _f(38 + _i // 4, 3 + 13 * (_i % 4), 8)


def service_line_rows(index: int) -> tuple[int, int]:
    """(shaded supplemental line, service line) of item 24 row ``index`` (0-5)."""
    shaded = 43 + 2 * index
    return shaded, shaded + 1


# Item 24 columns, relative to the service line (or its shaded line above).
LINE_FIELDS: dict[str, tuple[int, int]] = {
    "24.supplemental": (1, 61),  # shaded line, 24A-24G
    "24I.qual": (65, 2),  # shaded line
    "24J.other": (68, 11),  # shaded line
    "24A.from": (1, 8),
    "24A.to": (10, 8),
    "24B": (19, 2),
    "24C": (22, 2),
    "24D": (25, 6),
    "24D.mod1": (33, 2),
    "24D.mod2": (36, 2),
    "24D.mod3": (39, 2),
    "24D.mod4": (42, 2),
    "24E": (45, 4),
    "24F": (50, 8),
    "24G": (59, 3),
    "24H": (63, 2),
    "24J": (68, 11),
}
SHADED_FIELDS = frozenset({"24.supplemental", "24I.qual", "24J.other"})

"""Our own drawing of the CMS-1500 (02/12) boxes and captions, for review and archive copies.

The boxes sit on the same print grid as the data (see ``_grid``), so the text
that fills the red form lands inside the right box here too. Captions follow
the item titles of the form; explanatory sentences are in our own words.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from medbill.core.forms._grid import (
    CHAR_WIDTH,
    LINE_HEIGHT,
    PAGE_HEIGHT,
    PrintAlignment,
    service_line_rows,
)

__all__ = ["draw_replica"]

RED = (0.78, 0.12, 0.16)
SHADE = (0.99, 0.9, 0.9)
CAPTION_FONT = "Helvetica"
CAPTION_BOLD = "Helvetica-Bold"
PAD = 2.5  # a column's box edge sits this far left of its first character
LAST_COL = 80  # right edge of the form, as a column boundary


class _Pen:
    def __init__(self, canvas: Canvas, align: PrintAlignment) -> None:
        self.c = canvas
        self.a = align

    def bx(self, col: float) -> float:
        return self.a.x(col) - PAD

    def by(self, line: float) -> float:
        """PDF y of the top edge of ``line``'s band."""
        return PAGE_HEIGHT - self.a.top_of(line)

    def box(self, c1: float, l1: float, c2: float, l2: float, width: float = 0.6) -> None:
        """Rectangle from column ``c1`` to ``c2`` and line ``l1`` to ``l2`` (ends exclusive)."""
        self.c.setLineWidth(width)
        x1, x2 = self.bx(c1), self.bx(c2)
        y1, y2 = self.by(l1), self.by(l2)
        self.c.rect(x1, y2, x2 - x1, y1 - y2, stroke=1, fill=0)

    def shade(self, c1: float, l1: float, c2: float, l2: float) -> None:
        x1, x2 = self.bx(c1), self.bx(c2)
        y1, y2 = self.by(l1), self.by(l2)
        self.c.setFillColorRGB(*SHADE)
        self.c.rect(x1, y2, x2 - x1, y1 - y2, stroke=0, fill=1)
        self.c.setFillColorRGB(*RED)

    def vline(self, col: float, l1: float, l2: float, dash: bool = False) -> None:
        self.c.setLineWidth(0.4)
        if dash:
            self.c.setDash(1, 1.5)
        x = self.bx(col)
        self.c.line(x, self.by(l1), x, self.by(l2))
        if dash:
            self.c.setDash()

    def hline(self, c1: float, c2: float, line: float, width: float = 0.4) -> None:
        self.c.setLineWidth(width)
        y = self.by(line)
        self.c.line(self.bx(c1), y, self.bx(c2), y)

    def caption(
        self,
        col: float,
        line: float,
        text: str,
        size: float = 5.3,
        bold: bool = False,
        dy: float = 5.6,
    ) -> None:
        """Caption in the upper part of ``line``'s band, starting just inside column ``col``."""
        self.c.setFont(CAPTION_BOLD if bold else CAPTION_FONT, size)
        self.c.drawString(self.bx(col) + 1.2, self.by(line) - dy, text)

    def caption_right(self, col: float, line: float, text: str, size: float = 5.0) -> None:
        """Caption ending just before column ``col``, at the data baseline of ``line``."""
        self.c.setFont(CAPTION_FONT, size)
        self.c.drawRightString(self.a.x(col) - 1.0, self.by(line) - 9.0, text)

    def after(self, col: float, line: float, text: str, size: float = 5.0) -> None:
        """Caption just after a one-character check box at ``col``."""
        self.c.setFont(CAPTION_FONT, size)
        self.c.drawString(self.a.x(col) + CHAR_WIDTH + 1.5, self.by(line) - 9.0, text)

    def checkbox(self, col: float, line: float) -> None:
        """A square the X printed at (line, col) falls into."""
        self.c.setLineWidth(0.5)
        x = self.a.x(col) - 0.6
        y = self.by(line) - LINE_HEIGHT + 1.6
        self.c.rect(x, y, 8.4, 8.4, stroke=1, fill=0)

    def date_marks(self, col: float, line: float, year4: bool = True) -> None:
        """The MM | DD | YY(YY) captions over a date that starts at ``col``."""
        self.c.setFont(CAPTION_FONT, 4.3)
        y = self.by(line) + 1.2  # bottom of the caption band above the date
        for offset, text in ((0, "MM"), (3, "DD"), (6, "YY")):
            self.c.drawString(self.a.x(col + offset) + 1, y, text)

    def paren(self, col: float, line: float, text: str) -> None:
        self.c.setFont(CAPTION_FONT, 9)
        self.c.drawString(self.a.x(col) + 1.5, self.by(line) - 9.5, text)

    def vertical(self, x: float, l1: float, l2: float, text: str) -> None:
        y1, y2 = self.by(l1), self.by(l2)
        self.c.saveState()
        self.c.setFont(CAPTION_BOLD, 5.5)
        self.c.translate(x, (y1 + y2) / 2)
        self.c.rotate(90)
        self.c.drawCentredString(0, 0, text)
        self.c.restoreState()
        self.c.setLineWidth(0.4)
        width = self.c.stringWidth(text, CAPTION_BOLD, 5.5) / 2 + 3
        mid = (y1 + y2) / 2
        self.c.line(x - 2, y1 - 2, x - 2, mid + width)
        self.c.line(x - 2, mid - width, x - 2, y2 + 2)


def _header(p: _Pen) -> None:
    c = p.c
    c.setFont(CAPTION_BOLD, 22)
    c.drawString(p.bx(1) + 2, p.by(3) - 4, "1500")
    c.setFont(CAPTION_BOLD, 11.5)
    c.drawString(p.bx(1) + 2, p.by(5) - 1, "HEALTH INSURANCE CLAIM FORM")
    c.setFont(CAPTION_FONT, 5.5)
    c.drawString(
        p.bx(1) + 2, p.by(5) - 8.5, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12"
    )
    p.vertical(p.bx(LAST_COL) + 9, 1, 7, "CARRIER")
    p.vertical(p.bx(LAST_COL) + 9, 7, 31, "PATIENT AND INSURED INFORMATION")
    p.vertical(p.bx(LAST_COL) + 9, 31, 62, "PHYSICIAN OR SUPPLIER INFORMATION")
    for col in (1, 76):
        c.setLineWidth(0.5)
        c.rect(p.bx(col), p.by(6) - 9, 8, 7, stroke=1, fill=0)
        c.setFont(CAPTION_FONT, 5.5)
        c.drawString(p.bx(col) + 10, p.by(6) - 7.5, "PICA")


def _patient_and_insured(p: _Pen) -> None:
    # item 1 / 1a
    p.box(1, 7, 50, 9)
    p.box(50, 7, LAST_COL, 9)
    kinds = [
        (1, "1. MEDICARE", "(Medicare#)"),
        (8, "MEDICAID", "(Medicaid#)"),
        (15, "TRICARE", "(ID#/DoD#)"),
        (24, "CHAMPVA", "(Member ID#)"),
        (31, "GROUP HEALTH PLAN", "(ID#)"),
        (39, "FECA BLK LUNG", "(ID#)"),
        (45, "OTHER", "(ID#)"),
    ]
    for col, title, sub in kinds:
        p.caption(col, 7, title, size=4.8)
        p.checkbox(col, 8)
        p.after(col, 8, sub, size=4.6)
    p.caption(50, 7, "1a. INSURED'S I.D. NUMBER                    (For Program in Item 1)")

    p.box(1, 9, 30, 11)
    p.caption(1, 9, "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)")
    p.box(30, 9, 50, 11)
    p.caption(30, 9, "3. PATIENT'S BIRTH DATE")
    p.caption(44, 9, "SEX")
    p.date_marks(31, 10)
    for col, letter in ((42, "M"), (47, "F")):
        p.caption_right(col, 10, letter)
        p.checkbox(col, 10)
    p.box(50, 9, LAST_COL, 11)
    p.caption(50, 9, "4. INSURED'S NAME (Last Name, First Name, Middle Initial)")

    p.box(1, 11, 30, 13)
    p.caption(1, 11, "5. PATIENT'S ADDRESS (No., Street)")
    p.box(30, 11, 50, 13)
    p.caption(30, 11, "6. PATIENT RELATIONSHIP TO INSURED")
    for col, text in ((33, "Self"), (38, "Spouse"), (42, "Child"), (47, "Other")):
        p.caption_right(col, 12, text, size=4.6)
        p.checkbox(col, 12)
    p.box(50, 11, LAST_COL, 13)
    p.caption(50, 11, "7. INSURED'S ADDRESS (No., Street)")

    p.box(1, 13, 25, 15)
    p.caption(1, 13, "CITY")
    p.box(25, 13, 30, 15)
    p.caption(25, 13, "STATE")
    p.box(30, 13, 50, 17)
    p.caption(30, 13, "8. RESERVED FOR NUCC USE")
    p.box(50, 13, 73, 15)
    p.caption(50, 13, "CITY")
    p.box(73, 13, LAST_COL, 15)
    p.caption(73, 13, "STATE")

    p.box(1, 15, 14, 17)
    p.caption(1, 15, "ZIP CODE")
    p.box(14, 15, 30, 17)
    p.caption(14, 15, "TELEPHONE (Include Area Code)")
    p.paren(14, 16, "(")
    p.paren(18, 16, ")")
    p.box(50, 15, 64, 17)
    p.caption(50, 15, "ZIP CODE")
    p.box(64, 15, LAST_COL, 17)
    p.caption(64, 15, "TELEPHONE (Include Area Code)")
    p.paren(64, 16, "(")
    p.paren(68, 16, ")")

    # items 9, 10, 11
    p.box(1, 17, 30, 19)
    p.caption(1, 17, "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)")
    p.box(30, 17, 50, 27)
    p.caption(30, 17, "10. IS PATIENT'S CONDITION RELATED TO:")
    p.box(50, 17, LAST_COL, 19)
    p.caption(50, 17, "11. INSURED'S POLICY GROUP OR FECA NUMBER")
    p.box(1, 19, 30, 21)
    p.caption(1, 19, "a. OTHER INSURED'S POLICY OR GROUP NUMBER")
    p.box(1, 21, 30, 23)
    p.caption(1, 21, "b. RESERVED FOR NUCC USE")
    p.box(1, 23, 30, 25)
    p.caption(1, 23, "c. RESERVED FOR NUCC USE")
    p.box(1, 25, 30, 27)
    p.caption(1, 25, "d. INSURANCE PLAN NAME OR PROGRAM NAME")
    for line, title in (
        (19, "a. EMPLOYMENT? (Current or Previous)"),
        (21, "b. AUTO ACCIDENT?"),
        (23, "c. OTHER ACCIDENT?"),
    ):
        p.caption(31, line, title)
        for col, text in ((35, "YES"), (41, "NO")):
            p.checkbox(col, line + 1)
            p.after(col, line + 1, text)
    p.caption(44, 21, "PLACE (State)", size=4.6)
    p.hline(45, 48, 23)
    p.hline(30, 50, 25)
    p.caption(30, 25, "10d. CLAIM CODES (Designated by NUCC)")

    p.box(50, 19, LAST_COL, 21)
    p.caption(50, 19, "a. INSURED'S DATE OF BIRTH")
    p.caption(70, 19, "SEX")
    p.date_marks(53, 20)
    for col, letter in ((68, "M"), (75, "F")):
        p.caption_right(col, 20, letter)
        p.checkbox(col, 20)
    p.box(50, 21, LAST_COL, 23)
    p.caption(50, 21, "b. OTHER CLAIM ID (Designated by NUCC)")
    p.box(50, 23, LAST_COL, 25)
    p.caption(50, 23, "c. INSURANCE PLAN NAME OR PROGRAM NAME")
    p.box(50, 25, LAST_COL, 27)
    p.caption(50, 25, "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?")
    for col, text in ((52, "YES"), (57, "NO")):
        p.checkbox(col, 26)
        p.after(col, 26, text)
    p.after(60, 26, "If yes, complete items 9, 9a and 9d.", size=4.6)

    # items 12 and 13
    p.box(1, 27, 50, 31)
    p.box(50, 27, LAST_COL, 31)
    p.caption(1, 27, "READ BACK OF FORM BEFORE COMPLETING & SIGNING THIS FORM.", bold=True)
    p.caption(
        1,
        28,
        "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE  I allow the release of the "
        "medical or other information",
        size=4.8,
        dy=3.0,
    )
    p.caption(
        1,
        28,
        "needed to process this claim, and ask that government benefits be paid to me "
        "or to the party who accepts assignment.",
        size=4.8,
        dy=8.6,
    )
    p.caption(
        50,
        28,
        "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE  I allow payment of",
        size=4.8,
        dy=3.0,
    )
    p.caption(
        50,
        28,
        "medical benefits to the physician or supplier for the services below.",
        size=4.8,
        dy=8.6,
    )
    p.caption_right(7, 29, "SIGNED")
    p.caption_right(37, 29, "DATE")
    p.hline(7, 34, 30)
    p.hline(37, 49, 30)
    p.caption_right(55, 29, "SIGNED")
    p.hline(55, 79, 30)


def _physician_and_claim(p: _Pen) -> None:
    p.box(1, 31, 30, 33)
    p.caption(1, 31, "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)")
    p.date_marks(2, 32)
    p.caption_right(16, 32, "QUAL.")
    p.box(30, 31, 50, 33)
    p.caption(30, 31, "15. OTHER DATE")
    p.caption_right(31, 32, "QUAL.", size=4.3)
    p.date_marks(37, 32)
    p.box(50, 31, LAST_COL, 33)
    p.caption(50, 31, "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION")
    p.caption_right(54, 32, "FROM")
    p.caption_right(68, 32, "TO")

    p.box(1, 33, 30, 35)
    p.caption(1, 33, "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE")
    p.shade(30, 33, 50, 34)
    p.box(30, 33, 50, 35)
    p.hline(30, 50, 34)
    p.caption_right(31, 33, "17a.", size=4.6)
    p.caption_right(34, 34, "17b. NPI", size=4.6)
    p.vline(33.7, 33, 34)
    p.box(50, 33, LAST_COL, 35)
    p.caption(50, 33, "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES")
    p.caption_right(54, 34, "FROM")
    p.caption_right(68, 34, "TO")

    p.box(1, 35, 50, 37)
    p.caption(1, 35, "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)")
    p.box(50, 35, LAST_COL, 37)
    p.caption(50, 35, "20. OUTSIDE LAB?")
    p.caption(63, 35, "$ CHARGES")
    for col, text in ((52, "YES"), (57, "NO")):
        p.checkbox(col, 36)
        p.after(col, 36, text)

    p.box(1, 37, 50, 41)
    p.caption(
        1,
        37,
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY   Relate A-L to service line below (24E)",
    )
    p.caption_right(42, 37, "ICD Ind.", size=4.6)
    p.hline(42, 44, 38)
    for i, letter in enumerate("ABCDEFGHIJKL"):
        line, col = 38 + i // 4, 3 + 13 * (i % 4)
        p.caption_right(col, line, f"{letter}.", size=5.5)
        p.hline(col, col + 9, line + 1, width=0.3)
    p.box(50, 37, LAST_COL, 39)
    p.caption(50, 37, "22. RESUBMISSION CODE")
    p.caption(62, 37, "ORIGINAL REF. NO.")
    p.vline(61.6, 37.6, 39)
    p.box(50, 39, LAST_COL, 41)
    p.caption(50, 39, "23. PRIOR AUTHORIZATION NUMBER")


_LINE_COLUMNS = (1, 10, 19, 22, 25, 33, 45, 50, 59, 63, 65, 68, LAST_COL)


def _service_lines(p: _Pen) -> None:
    heads = [
        (1, ["24. A.      DATE(S) OF SERVICE", "", "From", "MM   DD   YY"]),
        (10, ["", "", "To", "MM   DD   YY"]),
        (19, ["B.", "PLACE OF", "SERVICE"]),
        (22, ["C.", "", "EMG"]),
        (
            25,
            [
                "D. PROCEDURES, SERVICES, OR SUPPLIES",
                "(Explain Unusual Circumstances)",
                "",
                "CPT/HCPCS",
            ],
        ),
        (33, ["", "", "", "MODIFIER"]),
        (45, ["E.", "DIAGNOSIS", "POINTER"]),
        (50, ["F.", "", "", "$ CHARGES"]),
        (59, ["G.", "DAYS OR", "UNITS"]),
        (63, ["H.", "EPSDT", "Family", "Plan"]),
        (65, ["I.", "ID.", "QUAL."]),
        (68, ["J.", "RENDERING", "PROVIDER ID. #"]),
    ]
    p.box(1, 41, LAST_COL, 43)
    for col, rows in heads:
        for k, text in enumerate(rows):
            if text:
                # The narrow columns (B, C, G, H, I) take smaller type to stay inside.
                size = 3.6 if col in (63, 65) else 4.2 if col in (19, 22, 59) else 4.8
                p.caption(col, 41, text, size=size, dy=5.0 + k * 5.3)
    for col in _LINE_COLUMNS[1:-1]:
        if col in (10, 33):
            continue
        p.vline(col, 41, 43)
    for i in range(6):
        shaded, service = service_line_rows(i)
        p.shade(1, shaded, LAST_COL, shaded + 1)
        p.box(1, shaded, LAST_COL, service + 1, width=0.7)
        p.c.setFont(CAPTION_BOLD, 8)
        p.c.drawRightString(p.bx(1) - 1.5, p.by(service) - 8, str(i + 1))
        for col in _LINE_COLUMNS[1:-1]:
            top = shaded if col in (65, 68) else service
            p.vline(col, top, service + 1)
        for col in (36, 39, 42):
            p.vline(col, service, service + 1, dash=True)
        p.vline(55.5, service, service + 1, dash=True)  # dollars | cents
        p.caption(65, service, "NPI", size=5.5, dy=9.0)


def _totals_and_signatures(p: _Pen) -> None:
    p.shade(35, 61, 50, 62)
    p.shade(62, 61, LAST_COL, 62)
    p.box(1, 55, 23, 57)
    p.caption(1, 55, "25. FEDERAL TAX I.D. NUMBER")
    p.caption(16, 55, "SSN  EIN", size=4.6)
    p.checkbox(17, 56)
    p.checkbox(19, 56)
    p.box(23, 55, 37, 57)
    p.caption(23, 55, "26. PATIENT'S ACCOUNT NO.")
    p.box(37, 55, 50, 57)
    p.caption(37, 55, "27. ACCEPT ASSIGNMENT?", size=5.0)
    for col, text in ((38, "YES"), (43, "NO")):
        p.checkbox(col, 56)
        p.after(col, 56, text)
    p.box(50, 55, 61, 57)
    p.caption(50, 55, "28. TOTAL CHARGE")
    p.paren(50, 56, "$")
    p.box(61, 55, 71, 57)
    p.caption(61, 55, "29. AMOUNT PAID")
    p.paren(61, 56, "$")
    p.box(71, 55, LAST_COL, 57)
    p.caption(71, 55, "30. Rsvd for NUCC Use", size=4.6)

    p.box(1, 57, 23, 62)
    p.caption(1, 57, "31. SIGNATURE OF PHYSICIAN OR SUPPLIER", size=4.9, dy=5.0)
    p.caption(1, 57, "INCLUDING DEGREES OR CREDENTIALS", size=4.9, dy=10.0)
    p.caption(1, 57, "(I certify the statements on the reverse apply", size=4.3, dy=15.0)
    p.caption(1, 57, "to this bill and are made a part thereof.)", size=4.3, dy=19.5)
    p.caption_right(6, 61, "SIGNED", size=4.6)
    p.caption_right(13, 61, "DATE", size=4.6)
    p.box(23, 57, 50, 62)
    p.caption(23, 57, "32. SERVICE FACILITY LOCATION INFORMATION")
    p.box(50, 57, LAST_COL, 62)
    p.caption(50, 57, "33. BILLING PROVIDER INFO & PH #")
    p.paren(65, 57, "(")
    p.paren(69, 57, ")")
    for left, mid, right in ((23, 35, 50), (50, 62, LAST_COL)):
        p.hline(left, right, 61)
        p.vline(mid, 61, 62)
        p.caption_right(left + 1, 61, "a.", size=5.5)
        p.caption_right(mid + 1, 61, "b.", size=5.5)
    p.c.setFont(CAPTION_FONT, 5.5)
    y = p.by(62) - 8
    p.c.drawString(p.bx(1), y, "NUCC Instruction Manual available at: www.nucc.org")
    p.c.setFont(CAPTION_BOLD, 6.5)
    p.c.drawCentredString((p.bx(1) + p.bx(LAST_COL)) / 2, y, "PLEASE PRINT OR TYPE")
    p.c.setFont(CAPTION_FONT, 5.5)
    p.c.drawRightString(p.bx(LAST_COL), y, "FORM 1500 (02-12)  ·  REPLICA FOR REVIEW")


def draw_replica(canvas: Canvas, align: PrintAlignment) -> None:
    """Draw the form's grid and captions in red on the current page."""
    canvas.saveState()
    canvas.setStrokeColorRGB(*RED)
    canvas.setFillColorRGB(*RED)
    pen = _Pen(canvas, align)
    _header(pen)
    _patient_and_insured(pen)
    _physician_and_claim(pen)
    _service_lines(pen)
    _totals_and_signatures(pen)
    canvas.restoreState()

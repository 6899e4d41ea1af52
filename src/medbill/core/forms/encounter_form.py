"""The blank encounter form: the practice's common codes with check boxes, for paper days.

The codes and their descriptions come from the practice's fee schedule (the
practice's own words, never AMA descriptor text). A provider ticks what was
done and what was addressed; the front desk keys it in afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from medbill.core.forms import _layout as ui
from medbill.core.forms._layout import Practice
from medbill.core.forms.superbill import dotted_icd
from medbill.core.money import Money

__all__ = [
    "CommonDiagnosis",
    "EncounterForm",
    "FeeScheduleItem",
    "render_encounter_form",
    "section_for",
]


@dataclass(frozen=True, slots=True)
class FeeScheduleItem:
    """One priced code of the practice, described in the practice's words."""

    code: str
    description: str
    fee: Money | None = None
    section: str | None = None
    modifier: str | None = None


@dataclass(frozen=True, slots=True)
class CommonDiagnosis:
    code: str
    description: str


@dataclass(frozen=True, slots=True)
class EncounterForm:
    practice: Practice
    items: tuple[FeeScheduleItem, ...]
    diagnoses: tuple[CommonDiagnosis, ...] = ()
    providers: tuple[str, ...] = ()
    show_fees: bool = True


# Sections in the order a visit reads: the visit, then what was done, then what was given.
SECTION_ORDER = (
    "Office visits, new patient",
    "Office visits, established patient",
    "Preventive care",
    "Counseling and screening",
    "Procedures",
    "Tests in the office",
    "Laboratory",
    "Imaging",
    "Vaccines",
    "Vaccine and injection administration",
    "Drugs and supplies",
    "Other services",
)


def section_for(code: str) -> str:
    """A section for a CPT/HCPCS code, when the fee schedule does not name one."""
    code = code.upper()
    if code.isdigit():
        n = int(code)
        ranges = (
            (99202, 99205, SECTION_ORDER[0]),
            (99211, 99215, SECTION_ORDER[1]),
            (99381, 99397, SECTION_ORDER[2]),
            (99401, 99499, SECTION_ORDER[3]),
            (96127, 96127, SECTION_ORDER[3]),
            (96160, 96161, SECTION_ORDER[3]),
            (90460, 90474, SECTION_ORDER[9]),
            (96360, 96379, SECTION_ORDER[9]),
            (90476, 90759, SECTION_ORDER[8]),
            (93000, 94799, SECTION_ORDER[5]),
            (92551, 92588, SECTION_ORDER[5]),
            (36400, 36416, SECTION_ORDER[6]),
            (80000, 89999, SECTION_ORDER[6]),
            (70000, 79999, SECTION_ORDER[7]),
            (10000, 69999, SECTION_ORDER[4]),
        )
        for low, high, name in ranges:
            if low <= n <= high:
                return name
        return SECTION_ORDER[-1]
    if code in ("G0438", "G0439", "G0402"):
        return SECTION_ORDER[2]
    if code in ("G0442", "G0443", "G0444", "G0446", "G0447"):
        return SECTION_ORDER[3]
    if code in ("G0008", "G0009", "G0010"):
        return SECTION_ORDER[9]
    if code[:1] in ("J", "A", "Q"):
        return SECTION_ORDER[10]
    return SECTION_ORDER[-1]


def _sections(items: Iterable[FeeScheduleItem]) -> list[tuple[str, list[FeeScheduleItem]]]:
    grouped: dict[str, list[FeeScheduleItem]] = {}
    for item in items:
        grouped.setdefault(item.section or section_for(item.code), []).append(item)
    order = {name: i for i, name in enumerate(SECTION_ORDER)}
    return sorted(grouped.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


class CheckBox(Flowable):  # type: ignore[misc]  # reportlab has no type information
    """An empty square to tick."""

    def __init__(self, size: float = 7.0) -> None:
        super().__init__()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setStrokeColor(ui.INK)
        self.canv.setLineWidth(0.6)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


ROW_HEIGHT = 9.6
LINE_STEP = 7.6  # a description on two lines makes its row this much taller
FIRST_PAGE_ROWS = 48  # rows per column under the letterhead and the patient block
PAGE_ROWS = 66  # rows per column on the pages after
FONT_SIZE = 6.9

# A row of the two-column list: a section heading, or one code to tick.
_Row = tuple[str, ...]


def _fit(text: str, width: float, font: str = "Helvetica") -> str:
    """``text`` cut to ``width`` points, with an ellipsis when it had to be cut."""
    if stringWidth(text, font, FONT_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", font, FONT_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, width: float) -> str:
    """``text`` on one line, or two when it must be (the second cut with an ellipsis)."""
    if stringWidth(text, "Helvetica", FONT_SIZE) <= width:
        return text
    words, first = text.split(), ""
    while words and stringWidth(f"{first} {words[0]}".strip(), "Helvetica", FONT_SIZE) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one very long word
        return _fit(text, width)
    return f"{first}\n{_fit(' '.join(words), width)}"


def _height(row: _Row) -> float:
    return ROW_HEIGHT + (LINE_STEP if row[0] == "item" and "\n" in row[2] else 0)


def _columns(rows: list[_Row]) -> list[list[_Row]]:
    """Fill columns top to bottom, never leaving a heading at the foot of a column.

    A list that fits on the first page is split in two columns of about equal height.
    """
    total = sum(_height(r) for r in rows)
    balance = total <= 2 * FIRST_PAGE_ROWS * ROW_HEIGHT
    columns: list[list[_Row]] = []
    i = 0
    while i < len(rows):
        room = (FIRST_PAGE_ROWS if len(columns) < 2 else PAGE_ROWS) * ROW_HEIGHT
        if balance and not columns:
            room = min(room, total / 2 + ROW_HEIGHT / 2)
        column: list[_Row] = []
        while i + len(column) < len(rows) and room >= _height(rows[i + len(column)]):
            room -= _height(rows[i + len(column)])
            column.append(rows[i + len(column)])
        while len(column) > 1 and column[-1][0] == "head" and i + len(column) < len(rows):
            column.pop()
        column = column or [rows[i]]
        columns.append(column)
        i += len(column)
    return columns


def _column_table(rows: list[_Row], widths: list[float]) -> Table:
    side = len(widths)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), LINE_STEP),
        ("TEXTCOLOR", (0, 0), (-1, -1), ui.INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        if row[0] == "head":
            data.append([row[1]] + [""] * (side - 1))
            style += [
                ("SPAN", (0, r), (-1, r)),
                ("BACKGROUND", (0, r), (-1, r), ui.ACCENT),
                ("TEXTCOLOR", (0, r), (-1, r), colors.white),
                ("FONT", (0, r), (-1, r), "Helvetica-Bold", FONT_SIZE),
            ]
        else:
            data.append([CheckBox()] + list(row[1:]))
            style += [
                ("LINEBELOW", (0, r), (-1, r), 0.25, ui.RULE),
                ("FONT", (1, r), (1, r), "Helvetica-Bold", FONT_SIZE),
                ("ALIGN", (3, r), (-1, r), "RIGHT"),
            ]
    table = Table(
        data or [[""] * side], colWidths=widths, rowHeights=[_height(r) for r in rows] or None
    )
    table.setStyle(TableStyle(style))
    return table


def _list_table(left: list[_Row], right: list[_Row], widths: list[float]) -> Table:
    """Two columns of codes, each with its own row heights."""
    return ui.side_by_side(
        [_column_table(left, widths), _column_table(right, widths) if right else Spacer(1, 1)],
        gap=12,
    )


def _blank(label: str, width: float) -> Table:
    table = Table([[ui.plain(label.upper(), ui.LABEL)], [Spacer(1, 11)]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 1), (-1, 1), 0.6, ui.INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _patient_block(form: EncounterForm) -> Table:
    w = ui.CONTENT_WIDTH
    rows = [
        [
            ("Patient name", 0.4),
            ("Date of birth", 0.2),
            ("Account number", 0.2),
            ("Date of service", 0.2),
        ],
        [
            ("Insurance", 0.4),
            ("Member ID", 0.2),
            ("Copay collected  $", 0.2),
            ("Prior authorization", 0.2),
        ],
    ]
    data = [[_blank(label, w * share - 10) for label, share in row] for row in rows]
    widths = [w * share for _, share in rows[0]]
    if form.providers:
        boxes = "     ".join(f"[  ]  {name}" for name in form.providers)
        data.append([ui.plain(f"PROVIDER   {boxes}", ui.BODY), "", "", ""])
    table = Table(data, colWidths=widths)
    style: list[tuple[Any, ...]] = [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]
    if form.providers:
        style.append(("SPAN", (0, 2), (-1, 2)))
    table.setStyle(TableStyle(style))
    return table


def render_encounter_form(form: EncounterForm) -> bytes:
    """The blank encounter form as PDF bytes (one page for a typical office's list)."""
    if not form.items:
        raise ValueError("items: the encounter form needs at least one fee schedule entry")
    column = (ui.CONTENT_WIDTH - 12) / 2
    with_fee = form.show_fees and any(i.fee is not None for i in form.items)
    fixed = 11 + 31 + (35 if with_fee else 0) + 17
    widths = [11.0, 31.0, column - fixed] + ([35.0] if with_fee else []) + [17.0]
    rows: list[_Row] = []
    for name, items in _sections(form.items):
        rows.append(("head", name))
        for item in items:
            code = f"{item.code}-{item.modifier}" if item.modifier else item.code
            fee = [item.fee.format() if item.fee is not None else ""] if with_fee else []
            rows.append(("item", code, _wrap(item.description, widths[2] - 5), *fee, "___"))
    if form.diagnoses:
        rows.append(("head", "Diagnoses (ICD-10-CM)"))
        for d in form.diagnoses:
            rows.append(
                ("item", dotted_icd(d.code), _wrap(d.description, widths[2] - 5))
                + (("",) if with_fee else ())
                + ("",)
            )
    columns = _columns(rows)
    story: list[Flowable] = [
        ui.header(
            form.practice,
            "ENCOUNTER FORM",
            [
                "Tick each service provided and each diagnosis addressed.",
                "Units: write how many when more than one.",
            ],
        ),
        Spacer(1, 4),
        _patient_block(form),
        Spacer(1, 4),
    ]
    for i in range(0, len(columns), 2):
        pair = columns[i : i + 2] + [[]]
        if i:
            story.append(PageBreak())
        story.append(_list_table(pair[0], pair[1], widths))
    story += [
        Spacer(1, 6),
        KeepTogether(
            [
                ui.side_by_side(
                    [
                        _blank("Other services (code, modifiers, units)", column),
                        _blank("Other diagnoses (ICD-10-CM)", column),
                    ],
                    gap=12,
                ),
                Spacer(1, 2),
                ui.side_by_side(
                    [
                        ui.plain(
                            "RETURN VISIT  [  ] ___ days  [  ] ___ weeks  [  ] ___ months  "
                            "[  ] as needed",
                            ui.SMALL,
                        ),
                        ui.signature_lines(["Provider signature", "Date"], width=column, space=16),
                    ],
                    gap=12,
                ),
            ]
        ),
    ]
    return ui.build_pdf(
        story,
        title="Encounter form",
        author=form.practice.name,
        subject="Encounter form",
        footer=f"Encounter form · {form.practice.name}",
    )

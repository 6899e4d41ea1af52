"""The SVG chart helpers: geometry from the values, labels escaped, gaps left open."""

from __future__ import annotations

import re
from decimal import Decimal

from medbill.web.billing import charts


def _heights(svg: str) -> list[float]:
    return [
        float(h)
        for h in re.findall(
            r'<rect class="s\d" x="[\d.]+" y="[\d.]+" '
            r'width="[\d.]+" height="([\d.]+)"',
            svg,
        )
    ]


def test_columns_are_as_tall_as_their_values():
    svg = charts.columns(
        "Charges", ["Jan", "Feb"], [("Charges", [Decimal("100.00"), Decimal("50.00")])]
    )
    tall, short, legend = _heights(svg)
    assert legend == 10
    assert abs(tall - 2 * short) < 0.2
    assert "<title>Charges Feb: $50.00</title>" in svg


def test_the_axis_ends_at_a_round_number():
    svg = charts.columns("x", ["Jan"], [("a", [Decimal("873.10")])])
    assert ">$1k</text>" in svg and ">$500</text>" in svg


def test_labels_are_escaped():
    svg = charts.bars("Payers <b>", [("<script>alert(1)</script>", Decimal("1.00"))])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Payers &lt;b&gt;" in svg


def test_a_missing_value_breaks_the_line():
    svg = charts.lines(
        "Rate",
        ["a", "b", "c", "d", "e"],
        [("r", [Decimal(1), Decimal(2), None, Decimal(3), Decimal(4)])],
        "%",
    )
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 4


def test_nothing_to_draw_still_gives_a_chart():
    svg = charts.columns("Empty", ["Jan"], [("a", [Decimal(0)])])
    assert svg.startswith('<svg class="chart"') and "</title></rect>" not in svg
    assert "Nothing to show." in svg


def _points(svg: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for x, y in re.findall(
            r'<circle class="s\d" cx="([\d.-]+)" '
            r'cy="([\d.-]+)"',
            svg,
        )
    ]


def test_a_line_below_zero_stays_inside_the_plot():
    values = [Decimal("95.0"), Decimal("-180.5"), None, Decimal("310.0")]
    svg = charts.lines("Net collection rate", ["a", "b", "c", "d"], [("r", values)], "%")
    top, bottom = charts._TOP, charts._H - charts._BOTTOM
    ys = [y for _, y in _points(svg)]
    assert len(ys) == 3 and all(top <= y <= bottom for y in ys)
    # The lowest value sits at or above the bottom of the axis, the highest at or below the
    # top; the axis is labelled from below zero.
    assert max(ys) <= bottom and min(ys) >= top
    assert ">-200%</text>" in svg and ">0%</text>" in svg and ">400%</text>" in svg
    # Zero sits where its gridline is.
    zero_line = re.search(
        r'<line class="grid" x1="\d+" x2="\d+" y1="([\d.]+)" y2="[\d.]+"/>'
        r'<text class="tick" x="\d+" y="[\d.]+" text-anchor="end">0%</text>',
        svg,
    )
    assert zero_line is not None


def test_positive_lines_keep_an_axis_from_zero():
    svg = charts.lines("Rate", ["a", "b"], [("r", [Decimal("40"), Decimal("95")])], "%")
    assert (
        ">0%</text>" in svg
        and ">100%</text>" in svg
        and "-" not in re.sub(r"<[^>]+>", "", svg).replace("Rate", "")
    )

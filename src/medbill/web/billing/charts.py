"""Small server-rendered SVG charts: grouped columns, lines and horizontal bars.

The pages carry no chart library and no script: each chart is an ``<svg>`` written
here with every label escaped (``format_html``), coloured by CSS classes (``s0``..``s3``)
so the Content-Security-Policy needs no inline styles. Values are ``Decimal`` (money,
rates); the geometry is rounded to tenths of a pixel.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

__all__ = ["Series", "bars", "columns", "lines"]

Series = tuple[str, Sequence[Decimal | None]]  # name, one value per label (None: no value)

_W, _H = 720, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 70, 12, 14, 46


def _axis_top(top: Decimal) -> Decimal:
    """The axis maximum: four gridline steps of a round size, reaching ``top``."""
    return _nice_top(top / 4) * 4


def _nice_top(top: Decimal) -> Decimal:
    """A round number at or above ``top`` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0:
        return Decimal(1)
    exponent = top.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        candidate = step.scaleb(exponent)
        if candidate >= top:
            return candidate
    return Decimal(10).scaleb(exponent)  # pragma: no cover - the loop always returns


def _n(value: float) -> str:
    """A coordinate as SVG text, to a tenth of a pixel."""
    return f"{value:.1f}"


_EMPTY = '<text class="empty" x="{}" y="{}" text-anchor="middle">Nothing to show.</text>'


def _tick(value: Decimal, unit: str) -> str:
    if value and abs(value) < 10 and value != value.to_integral_value():
        return f"{value:,.1f}{unit}" if unit != "$" else f"${value:,.2f}"
    if unit == "$":
        if abs(value) >= 1000:
            return f"${value / 1000:,.1f}k".replace(".0k", "k")
        return f"${value:,.0f}"
    return f"{value:,.0f}{unit}"


def _range(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """The axis of a line chart: its bottom, top and gridline step, round numbers that
    take in every value — below zero too (a month whose refunds exceed its payments),
    so no line leaves the plot."""
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    if low == high:
        return Decimal(0), _axis_top(high), _axis_top(high) / 4
    step = _nice_top((high - low) / 4)
    bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    return bottom, top, step


def _frame(
    title: str,
    labels: Sequence[str],
    top: Decimal,
    unit: str,
    body: str,
    legend: Sequence[str],
    bottom: Decimal = Decimal(0),
    step: Decimal | None = None,
) -> SafeString:
    plot_h = _H - _TOP - _BOTTOM
    tick = step if step is not None else (top - bottom) / 4
    grid = []
    count = int((top - bottom) / tick) if tick else 0
    for i in range(count + 1):
        value = bottom + tick * i
        y = _TOP + plot_h - plot_h * i / count
        grid.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
                _LEFT,
                _W - _RIGHT,
                _n(y),
                _n(y),
                _LEFT - 6,
                _n(y + 4),
                _tick(value, unit),
            )
        )
    step = (_W - _LEFT - _RIGHT) / max(len(labels), 1)
    names = format_html_join(
        "",
        '<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (_n(_LEFT + step * (i + 0.5)), _H - _BOTTOM + 16, label)
            for i, label in enumerate(labels)
        ),
    )
    keys = format_html_join(
        "",
        '<rect class="s{}" x="{}" y="{}" width="10" height="10"/>'
        '<text class="legend" x="{}" y="{}">{}</text>',
        (
            (i, _LEFT + 150 * i, _H - 16, _LEFT + 150 * i + 14, _H - 7, name)
            for i, name in enumerate(legend)
        ),
    )
    if not body:
        body = format_html(_EMPTY, (_W + _LEFT) // 2, _TOP + plot_h // 2)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}{}{}{}</svg>",
        _W,
        _H,
        title,
        title,
        mark_safe("".join(grid)),
        mark_safe(body),
        names,
        keys,
    )


def columns(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "$"
) -> SafeString:
    """Grouped columns: one group per label, one column per series."""
    values = [v for _, vs in series for v in vs if v is not None]
    top = _axis_top(max([abs(v) for v in values], default=Decimal(0)))
    plot_h = _H - _TOP - _BOTTOM
    step = (_W - _LEFT - _RIGHT) / max(len(labels), 1)
    width = step * 0.8 / max(len(series), 1)
    parts = []
    for s, (name, vs) in enumerate(series):
        for i, value in enumerate(vs):
            if not value:
                continue
            h = float(abs(value) / top) * plot_h
            x = _LEFT + step * i + step * 0.1 + width * s
            parts.append(
                format_html(
                    '<rect class="s{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{} {}: {}</title></rect>",
                    s,
                    _n(x),
                    _n(_TOP + plot_h - h),
                    _n(width),
                    _n(h),
                    name,
                    labels[i],
                    _tick(value, unit) if unit != "$" else f"${value:,.2f}",
                )
            )
    return _frame(title, labels, top, unit, "".join(parts), [n for n, _ in series])


def lines(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str = ""
) -> SafeString:
    """One line per series; a missing value (None) breaks the line. The axis spans the
    values, negative ones included."""
    values = [v for _, vs in series for v in vs if v is not None]
    bottom, top, axis_step = _range(values)
    plot_h = _H - _TOP - _BOTTOM
    step = (_W - _LEFT - _RIGHT) / max(len(labels), 1)
    parts = []
    for s, (name, vs) in enumerate(series):
        runs: list[list[str]] = [[]]
        for i, value in enumerate(vs):
            if value is None:
                runs.append([])
                continue
            x = _LEFT + step * (i + 0.5)
            y = _TOP + plot_h - float((value - bottom) / (top - bottom)) * plot_h
            runs[-1].append(f"{x:.1f},{y:.1f}")
            parts.append(
                format_html(
                    '<circle class="s{}" cx="{}" cy="{}" r="3"><title>{} {}: {}{}</title></circle>',
                    s,
                    _n(x),
                    _n(y),
                    name,
                    labels[i],
                    value,
                    unit,
                )
            )
        for run in runs:
            if len(run) > 1:
                parts.insert(
                    0, format_html('<polyline class="line s{}" points="{}"/>', s, " ".join(run))
                )
    return _frame(
        title, labels, top, unit, "".join(parts), [n for n, _ in series], bottom, axis_step
    )


def _label_lines(label: str, width: int = 34) -> list[str]:
    """A bar's label in at most two lines of ``width`` characters, broken between words;
    what does not fit ends in an ellipsis (the bar's title holds the whole name)."""
    if len(label) <= width:
        return [label]
    cut = label.rfind(" ", 0, width + 1)
    first, rest = (label[:cut], label[cut + 1 :]) if cut > 0 else (label[:width], label[width:])
    if len(rest) > width:
        rest = rest[: width - 1].rstrip() + "…"
    return [first, rest]


def bars(title: str, items: Sequence[tuple[str, Decimal]], unit: str = "$") -> SafeString:
    """Horizontal bars, one per (label, value), in the order given."""
    row_h, label_w = 24, 230
    if any(len(label) > 34 for label, _ in items):
        row_h = 34  # room for a name in two lines
    height = max(len(items), 1) * row_h + 10
    top = _nice_top(max([abs(v) for _, v in items], default=Decimal(0)))
    plot_w = _W - label_w - 110
    parts = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = float(abs(value) / top) * plot_w
        shown = f"${value:,.2f}" if unit == "$" else f"{value}{unit}"
        words = _label_lines(label)
        text_y = y + 15 if len(words) == 1 else y + 10
        name = format_html_join(
            "",
            '<tspan x="{}" dy="{}">{}</tspan>',
            ((label_w - 8, 0 if i == 0 else 12, part) for i, part in enumerate(words)),
        )
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" text-anchor="end"><title>{}</title>{}</text>'
                '<rect class="s0" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
                '<text class="value" x="{}" y="{}">{}</text>',
                label_w - 8,
                text_y,
                label,
                name,
                label_w,
                y + 3,
                _n(w),
                row_h - 8,
                label,
                shown,
                _n(label_w + w + 6),
                y + 15,
                shown,
            )
        )
    if not parts:
        parts.append(format_html(_EMPTY, _W // 2, 20))
        height = 34
    return format_html(
        '<svg class="chart bars" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        _W,
        height,
        title,
        title,
        mark_safe("".join(parts)),
    )

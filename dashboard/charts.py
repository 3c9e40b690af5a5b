"""Server-side SVG charts: no JavaScript library, no CDN. Each chart is an <svg role="img"> with a title and a text
description; the page puts the same numbers in a table next to it for screen readers (see _chart.html)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 760, 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 52, 16, 16, 46


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    css: str  # colour class defined in dashboard.css (dash-c1 ... dash-c4)


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` whose quarter is a round tick (1, 2, 3, 4, 5, 6, 8 × 10^n)."""
    if value <= 0:
        return 1
    quarter = value / 4
    exponent = 10 ** math.floor(math.log10(quarter))
    for step in (1, 2, 3, 4, 5, 6, 8, 10):
        if quarter <= step * exponent:
            return round(4 * step * exponent, 10)
    return 40 * exponent


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"


def _frame(
    chart_id: str,
    title: str,
    description: str,
    body: list[str],
    labels: Sequence[str],
    top: float,
    series: Sequence[Series],
    percent: bool,
) -> SafeString:
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    parts = [
        format_html(
            '<svg class="dash-chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
            'preserveAspectRatio="xMidYMid meet">',
            chart_id,
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
        ),
        format_html('<title id="{}-t">{}</title><desc id="{}-d">{}</desc>', chart_id, title, chart_id, description),
    ]
    for i in range(5):
        value = top * i / 4
        y = PAD_TOP + inner_h - inner_h * i / 4
        label = f"{value * 100:g}%" if percent else _fmt(value)
        parts.append(
            f'<line class="dash-grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="dash-axis" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
    count = max(len(labels), 1)
    step = max(1, math.ceil(count / 12))
    for index, label in enumerate(labels):
        if index % step:
            continue
        x = PAD_LEFT + inner_w * (index + 0.5) / count
        parts.append(
            f'<text class="dash-axis" x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.extend(body)
    legend_x = PAD_LEFT
    for item in series:
        parts.append(
            f'<rect class="{escape(item.css)}" x="{legend_x}" y="{HEIGHT - 18}" width="12" height="12"/>'
            f'<text class="dash-legend" x="{legend_x + 16}" y="{HEIGHT - 8}">{escape(item.name)}</text>'
        )
        legend_x += 24 + 7 * len(item.name)
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # every dynamic string above is escaped


def line_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], *, percent: bool = False
) -> SafeString:
    values = [v for s in series for v in s.values if v is not None]
    top = 1.0 if percent else nice_max(max(values, default=0))
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    count = max(len(labels), 1)
    body = []
    for item in series:
        points, path = [], []
        for index, value in enumerate(item.values):
            if value is None:
                if path:
                    points.append(path)
                path = []
                continue
            x = PAD_LEFT + inner_w * (index + 0.5) / count
            y = PAD_TOP + inner_h - inner_h * min(value, top) / top
            path.append(f"{x:.1f},{y:.1f}")
        if path:
            points.append(path)
        for segment in points:
            body.append(f'<polyline class="dash-line {escape(item.css)}" points="{" ".join(segment)}"/>')
            if len(segment) <= 40:
                for point in segment:
                    x, y = point.split(",")
                    body.append(f'<circle class="{escape(item.css)}" cx="{x}" cy="{y}" r="2.5"/>')
    description = "; ".join(
        f"{item.name}: "
        + ", ".join(
            f"{label} {('—' if v is None else (f'{v * 100:.1f}%' if percent else _fmt(v)))}"
            for label, v in zip(labels, item.values, strict=False)
        )
        for item in series
    )
    return _frame(chart_id, title, description[:2000], body, labels, top, series, percent)


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """Stacked bars: one bar per label, one segment per series."""
    totals = [sum((s.values[i] or 0) for s in series) for i in range(len(labels))]
    top = nice_max(max(totals, default=0))
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    count = max(len(labels), 1)
    bar_w = max(1.0, inner_w / count * 0.7)
    body = []
    for index in range(len(labels)):
        x = PAD_LEFT + inner_w * (index + 0.5) / count - bar_w / 2
        base = 0.0
        for item in series:
            value = item.values[index] or 0
            if value <= 0:
                continue
            h = inner_h * value / top
            y = PAD_TOP + inner_h - inner_h * base / top - h
            body.append(
                f'<rect class="{escape(item.css)}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}"/>'
            )
            base += value
    description = "; ".join(
        f"{label}: " + ", ".join(f"{s.name} {_fmt(s.values[i] or 0)}" for s in series) for i, label in enumerate(labels)
    )
    return _frame(chart_id, title, description[:2000], body, labels, top, series, False)

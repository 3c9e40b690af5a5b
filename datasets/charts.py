"""Charts as inline SVG built on the server (no JavaScript, no external library, readable by screen readers through
the table printed beside each chart). Labels are escaped; sizes are in user units and scale with the page."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from datasets.selectors import Point

WIDTH, HEIGHT, PAD = 640, 260, 40
COLOURS = ("#eef4fb", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def _fmt(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ")


def line(points: list[Point], *, title: str) -> SafeString:
    if not points:
        return mark_safe("")
    values = [p.value for p in points]
    low, high = min(values + [Decimal(0)]), max(values)
    span = (high - low) or Decimal(1)
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def xy(i: int, v: Decimal) -> tuple[float, float]:
        return PAD + i * step, HEIGHT - PAD - float((v - low) / span) * (HEIGHT - 2 * PAD)

    coords = [xy(i, p.value) for i, p in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    labels = "".join(
        f'<text x="{x:.1f}" y="{HEIGHT - PAD + 16}" font-size="11" text-anchor="middle">{escape(p.label)}</text>'
        for i, ((x, _y), p) in enumerate(zip(coords, points, strict=True))
        if len(points) <= 12 or i % max(len(points) // 12, 1) == 0
    )
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#08519c">'
        f"<title>{escape(p.label)}: {_fmt(p.value)}</title></circle>"
        for (x, y), p in zip(coords, points, strict=True)
    )
    return mark_safe(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#555"/>'
        f'<text x="{PAD}" y="{PAD - 12}" font-size="11">{_fmt(high)}</text>'
        f'<text x="{PAD}" y="{HEIGHT - PAD - 4}" font-size="11">{_fmt(low)}</text>'
        f'<polyline points="{path}" fill="none" stroke="#08519c" stroke-width="2"/>{dots}{labels}</svg>'
    )


def bars(points: list[Point], *, title: str, limit: int = 20) -> SafeString:
    points = points[:limit]
    if not points:
        return mark_safe("")
    high = max(p.value for p in points) or Decimal(1)
    row, label_width = 22, 200
    height = row * len(points) + 10
    items = []
    for i, p in enumerate(points):
        width = float(p.value / high) * (WIDTH - label_width - 80) if high > 0 else 0
        y = 5 + i * row
        items.append(
            f'<text x="{label_width - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(p.label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{max(width, 1):.1f}" height="{row - 6}" fill="#3182bd">'
            f"<title>{escape(p.label)}: {_fmt(p.value)}</title></rect>"
            f'<text x="{label_width + width + 6:.1f}" y="{y + 15}" font-size="12">{_fmt(p.value)}</text>'
        )
    return mark_safe(
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" class="chart">'
        f"{''.join(items)}</svg>"
    )


def tile_map(points: list[Point], *, title: str, columns: int = 8) -> SafeString:
    """A tile map: one square per commune, coloured by value in six classes. Geographic outlines are not part of the
    administrative-unit data the portal has, so areas are tiles in name order, not shapes."""
    if not points:
        return mark_safe("")
    ordered = sorted(points, key=lambda p: p.label)
    values = sorted(p.value for p in ordered)
    size, gap = 76, 4

    def colour(v: Decimal) -> str:
        rank = values.index(v) / max(len(values) - 1, 1)
        return COLOURS[min(int(rank * len(COLOURS)), len(COLOURS) - 1)]

    tiles = []
    for i, p in enumerate(ordered):
        x, y = (i % columns) * (size + gap), (i // columns) * (size + gap)
        fill = colour(p.value)
        ink = "#fff" if fill in COLOURS[4:] else "#000"
        tiles.append(
            f'<g><rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}" stroke="#555">'
            f"<title>{escape(p.label)}: {_fmt(p.value)}</title></rect>"
            f'<text x="{x + 4}" y="{y + 16}" font-size="9" fill="{ink}">{escape(p.label[:16])}</text>'
            f'<text x="{x + 4}" y="{y + size - 8}" font-size="12" font-weight="bold" fill="{ink}">'
            f"{_fmt(p.value)}</text></g>"
        )
    rows = (len(ordered) + columns - 1) // columns
    return mark_safe(
        f'<svg viewBox="0 0 {columns * (size + gap)} {rows * (size + gap)}" role="img" aria-label="{escape(title)}" '
        f'class="chart chart--map">{"".join(tiles)}</svg>'
    )

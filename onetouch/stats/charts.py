"""Bar charts as inline SVG, drawn on the server: readable without JavaScript, light on a
slow connection. Every label is escaped; the figures are also in the page's tables."""

from __future__ import annotations

from markupsafe import Markup, escape

# Sized for a phone (about 400 px wide), where most people read it.
ROW = 22
LABEL = 150
WIDTH = 420
FONT = 13


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Vietnamese thousands separator


def bars(rows: list[tuple[str, int]], title: str, color: str = "#0b57a4") -> Markup:
    """Horizontal bars, one per (label, value)."""
    top = max((value for _, value in rows), default=0) or 1
    height = ROW * len(rows) + 10
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * ROW
        width = round((WIDTH - LABEL - 70) * value / top, 1)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="{FONT}">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL}" y="{y + 2}" width="{width}" height="{ROW - 5}" fill="{color}"/>'
            f'<text x="{LABEL + width + 4}" y="{y + 15}" font-size="{FONT}">'
            f"{_number(value)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every piece above is escaped or a number)


def weekly(points: list[dict], title: str) -> Markup:
    """Registrations (blue) and completions (green) per week, as paired columns."""
    height, bottom, left = 180, 150, 40
    top = max((max(p["registrations"], p["completions"]) for p in points), default=0) or 1
    step = (WIDTH - left - 10) / max(len(points), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="#8a96a3"/>',
             f'<text x="2" y="12" font-size="12">{_number(top)}</text>']
    bar = max(step / 2 - 1, 1)
    for index, point in enumerate(points):
        x = left + index * step
        for offset, key, color in ((0, "registrations", "#0b57a4"),
                                   (bar, "completions", "#1e7b34")):
            h = round((bottom - 20) * point[key] / top, 1)
            parts.append(f'<rect x="{x + offset:.1f}" y="{bottom - h}" width="{bar:.1f}" '
                         f'height="{h}" fill="{color}"/>')
        if index % max(len(points) // 6, 1) == 0:
            parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" font-size="12">'
                         f'{escape(point["week"][5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every piece above is escaped or a number)

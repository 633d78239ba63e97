"""Bar charts as inline SVG, drawn on the server: readable without JavaScript, light on a
slow connection. Every label is escaped; the figures are also in the page's tables.

A chart's text is sized in viewBox units, so it grows and shrinks with the chart: the charts
are drawn about as wide as a phone shows them (340 units for 310-330 px), and the style sheet
stops them growing past 26rem, so that 14 units read as 13-17 px from a phone to a desktop.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from onetouch.stats.dates import week_label

WIDTH = 340
ROW = 24
LABEL = 150  # room for 17 characters at FONT, wide letters with their marks included
LONGEST = 17
# As Vietnamese shorten them on a map or an envelope; the tables keep the full names.
ABBREVIATIONS = (("Thành phố ", "TP. "), ("Phường ", "P. "))
FONT = 14
BLUE, GREEN, GREY = "#0b57a4", "#1e7b34", "#8a96a3"


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Vietnamese thousands separator


def short(label: str) -> str:
    """A label shortened to fit its column; the table beside the chart has it whole."""
    for long, abbreviation in ABBREVIATIONS:
        if label.startswith(long):
            label = abbreviation + label[len(long):]
    return label if len(label) <= LONGEST else label[:LONGEST - 1].rstrip() + "…"


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
            f'font-size="{FONT}"><title>{escape(title)}</title>')


def bars(rows: list[tuple[str, int]], title: str, color: str = BLUE) -> Markup:
    """Horizontal bars, one per (label, value)."""
    top = max((value for _, value in rows), default=0) or 1
    parts = [_open(WIDTH, ROW * len(rows) + 6, title)]
    room = WIDTH - LABEL - 54  # the value is written after its bar
    for index, (label, value) in enumerate(rows):
        y = 3 + index * ROW
        width = round(room * value / top, 1)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 16}" text-anchor="end">{escape(short(label))}</text>'
            f'<rect x="{LABEL}" y="{y + 3}" width="{width}" height="{ROW - 7}" fill="{color}"/>'
            f'<text x="{LABEL + width + 4}" y="{y + 16}">{number(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every piece above is escaped or a number)


def weekly(points: list[dict], title: str) -> Markup:
    """Registrations (blue) and completions (green) per week, as paired columns; the axis
    names a week by its Monday, day first (30/11), at most five of them so none overlap."""
    height, bottom, left = 200, 172, 48
    top = max((max(p["registrations"], p["completions"]) for p in points), default=0) or 1
    step = (WIDTH - left - 6) / max(len(points), 1)
    parts = [_open(WIDTH, height, title),
             f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 6}" y2="{bottom}" stroke="{GREY}"/>',
             f'<text x="{left - 4}" y="{FONT}" text-anchor="end">{number(top)}</text>',
             f'<text x="{left - 4}" y="{bottom}" text-anchor="end">0</text>']
    bar = max(step / 2 - 1, 1)
    every = math.ceil(len(points) / 5) or 1
    for index, point in enumerate(points):
        x = left + index * step
        for offset, key, color in ((0, "registrations", BLUE), (bar, "completions", GREEN)):
            h = round((bottom - 24) * point[key] / top, 1)
            parts.append(f'<rect x="{x + offset:.1f}" y="{bottom - h}" width="{bar:.1f}" '
                         f'height="{h}" fill="{color}"/>')
        if index % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{bottom + 20}">'
                         f'{escape(week_label(point["week"]))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every piece above is escaped or a number)

"""The ministry overview's chart: provinces ranked by the share of learners in scope who
completed a required course, as horizontal bars in inline SVG drawn on the server (no
JavaScript; the same figures are in the table below it, for screen readers).

Drawn the way of ``onetouch/stats/charts.py`` (340 units wide, as a phone shows it, text in
viewBox units, the style sheet's ``.chart`` caps its width), which sits in a layer above
learning and so cannot be imported here; the bars run on a fixed scale of 0 to 100 %.
"""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 340
ROW = 24
LABEL = 150
LONGEST = 17
FONT = 14
GREEN = "#1e7b34"
# As Vietnamese shorten them on a map or an envelope; the table keeps the full names.
ABBREVIATIONS = (("Thành phố ", "TP. "), ("Phường ", "P. "))


def short(label: str) -> str:
    for long, abbreviation in ABBREVIATIONS:
        if label.startswith(long):
            label = abbreviation + label[len(long):]
    return label if len(label) <= LONGEST else label[:LONGEST - 1].rstrip() + "…"


def percent_text(value: float, decimal: str = ",") -> str:
    """45.3 -> "45,3 %" and 50.0 -> "50 %", as the table beside it writes them (Vietnamese
    writes a decimal comma)."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", decimal) + " %"


def percent_bars(rows: list[tuple[str, float | None]], title: str) -> Markup:
    """One bar per (label, percentage), in the order given; None (nobody in scope) is drawn
    as no bar and a dash, so that the area is still seen."""
    height = ROW * len(rows) + 6
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
             f'font-size="{FONT}"><title>{escape(title)}</title>']
    room = WIDTH - LABEL - 62  # the value is written after its bar
    for index, (label, value) in enumerate(rows):
        y = 3 + index * ROW
        width = 0 if value is None else round(room * min(max(value, 0), 100) / 100, 1)
        shown = "—" if value is None else percent_text(value)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 16}" text-anchor="end">{escape(short(label))}</text>'
            f'<rect x="{LABEL}" y="{y + 3}" width="{width}" height="{ROW - 7}" fill="{GREEN}">'
            f'<title>{escape(label)}: {shown}</title></rect>'
            f'<text x="{LABEL + width + 4}" y="{y + 16}">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every piece above is escaped or a number)

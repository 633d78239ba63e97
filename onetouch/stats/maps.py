"""The map of the 34 provinces shaded by a figure of the table, drawn as inline SVG on the
server from the outlines shipped with the app (``geo.shapes``): no script, no tiles.

The figure is the learners column of the table (sign-ups, or the learners of the chosen
course). Per 1,000 inhabitants would compare provinces better, but the app holds no
population figures; the map says what it shades, and the table beside it has every number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from onetouch.geo.shapes import province_map
from onetouch.stats.charts import number

NONE_COLOUR = "#dde3e9"
# Light to dark blue (ColorBrewer "Blues"); each step is told from the next in grey too.
COLOURS = ("#b3d1ec", "#6baed6", "#2171b5", "#08306b")
FONT = 15  # viewBox units: the map is 400 wide and shown 330-420 px wide


@dataclass(frozen=True)
class Shade:
    """A class of the legend: the values from ``low`` to ``high``, and its colour."""

    number: int  # 0: none yet; then 1, 2... from light to dark
    low: int
    high: int
    colour: str

    @property
    def label(self) -> str:
        if self.number == 0:
            return _("Chưa có")
        if self.low == self.high:
            return number(self.low)
        return f"{number(self.low)}–{number(self.high)}"

    def holds(self, value: int) -> bool:
        return self.low <= value <= self.high


def shades(values: list[int]) -> list[Shade]:
    """The legend of these values: 0 apart, then up to four classes that split the other
    values at their quartiles (fewer when values repeat, so that no class is empty)."""
    positive = sorted(value for value in values if value > 0)
    legend = [Shade(0, 0, 0, NONE_COLOUR)]
    if not positive:
        return legend
    uppers = sorted({positive[math.ceil(len(positive) * q) - 1] for q in (.25, .5, .75, 1)})
    colours = _spread(len(uppers))
    low = 1
    for index, high in enumerate(uppers):
        legend.append(Shade(index + 1, low, high, colours[index]))
        low = high + 1
    return legend


def _spread(count: int) -> list[str]:
    """``count`` colours of the scale, as far apart as they can be."""
    if count == 1:
        return [COLOURS[2]]
    return [COLOURS[round(i * (len(COLOURS) - 1) / (count - 1))] for i in range(count)]


def shade_of(value: int, legend: list[Shade]) -> Shade:
    return next(shade for shade in legend if shade.holds(value))


@dataclass(frozen=True)
class ShadedMap:
    svg: Markup
    legend: list[Shade]


def choropleth(rows, figure: str, title: str) -> ShadedMap:
    """The map of ``rows`` (the table's rows: ``code``, ``name`` and the figure), each
    province a path titled with its name and value, its class in ``data-class``.

    :param figure: the attribute of a row that shades it (``learners``).
    :param title: the map's text alternative.
    """
    drawing = province_map()
    values = {row.code: (row.name, getattr(row, figure)) for row in rows}
    legend = shades([value for _, value in values.values()])
    x, y, width, height = drawing.view_box
    parts = [f'<svg class="map" viewBox="{x} {y} {width} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             '<g stroke="#fff" stroke-width=".6" stroke-linejoin="round" fill-rule="evenodd">']
    for code, path in drawing.paths.items():
        name, value = values.get(code, (code, 0))
        shade = shade_of(value, legend)
        parts.append(f'<path d="{path}" fill="{shade.colour}" data-code="{code}" '
                     f'data-value="{value}" data-class="{shade.number}">'
                     f"<title>{escape(name)}: {number(value)}</title></path>")
    parts.append("</g>")
    parts.extend(_archipelagos(drawing))
    parts.append("</svg>")
    return ShadedMap(Markup("".join(parts)), legend)  # noqa: S704 (escaped or numbers)


def _archipelagos(drawing) -> list[str]:
    """The names of Hoàng Sa and Trường Sa, and the box that Trường Sa is drawn in."""
    right = drawing.view_box[2] - 2
    bx, by, bw, bh = drawing.truong_sa_box
    return [f'<rect x="{bx}" y="{by}" width="{bw}" height="{bh}" fill="none" '
            'stroke="#8a96a3"/>',
            f'<g font-size="{FONT}" fill="#4a5560" text-anchor="end">'
            f'<text x="{right}" y="{drawing.hoang_sa_label[1]}">'
            f"{escape(_('Quần đảo Hoàng Sa'))}</text>"
            f'<text x="{right}" y="{drawing.truong_sa_label[1]}">'
            f"{escape(_('Quần đảo Trường Sa'))}</text></g>"]

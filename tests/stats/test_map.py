"""The map of /stats: the 34 provinces drawn from the outlines shipped with the app, each
shaded by the figure its row of the table shows, in the class its legend says; and the
outlines themselves (every province, sound paths inside the picture)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from onetouch.extensions import db
from onetouch.geo.models import Province
from onetouch.geo.shapes import province_map
from onetouch.stats.maps import shade_of, shades

# Learners signed up per province: five provinces, four classes (1, 2, 3, 4-5).
SIGN_UPS = {"01": 5, "79": 3, "92": 2, "48": 1, "31": 1}


class StatsPage(HTMLParser):
    """What the test reads of the page: the map's paths (attributes and title), the legend
    (each swatch's colour and its words) and the rows of the provinces' table."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.paths: list[dict] = []
        self.legend: list[dict] = []
        self.rows: dict[str, list[str]] = {}
        self._text: list[str] | None = None
        self._row: list[str] | None = None
        self._where: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "path" and "data-code" in attrs:
            self.paths.append(attrs)
        elif tag == "ul" and attrs.get("class") == "legend":
            self._where.append("legend")
        elif tag == "rect" and self._where[-1:] == ["legend"]:
            self.legend.append({"colour": attrs["fill"], "label": ""})
        elif tag == "table" and "figures" in attrs.get("class", ""):
            self._where.append("table")
        elif tag == "tr" and self._where[-1:] == ["table"]:
            self._row = []
        elif tag in ("th", "td", "title") and (self._row is not None or tag == "title"):
            self._text = []

    def handle_data(self, data) -> None:
        if self._text is not None:
            self._text.append(data)
        elif self._where[-1:] == ["legend"] and self.legend:
            self.legend[-1]["label"] += data

    def handle_endtag(self, tag) -> None:
        if tag == "title" and self._text is not None:
            if self.paths:  # a province's title; a chart's or the page's are not read
                self.paths[-1].setdefault("title", "".join(self._text))
            self._text = None
        elif tag in ("th", "td") and self._row is not None and self._text is not None:
            self._row.append("".join(self._text).strip())
            self._text = None
        elif tag == "tr" and self._row:
            self.rows[self._row[0]] = self._row[1:]
            self._row = None
        elif (tag == "ul" and self._where[-1:] == ["legend"]) or (
                tag == "table" and self._where[-1:] == ["table"]):
            self._where.pop()


def number(text: str) -> int:
    return int(text.replace(".", ""))


def bounds(label: str) -> tuple[int, int]:
    """The values a legend entry holds: "Chưa có" is 0, "6" is 6, "2–5" is 2 to 5."""
    if not re.search(r"\d", label):
        return 0, 0
    parts = [number(part) for part in label.split("–")]
    return parts[0], parts[-1]


@pytest.fixture
def signed_up(make_user):
    for province, learners in SIGN_UPS.items():
        for _ in range(learners):
            make_user(province=province)


def test_every_province_is_drawn_with_the_figure_and_class_of_its_row(app, client, signed_up):
    page = StatsPage(client.get("/stats").get_data(as_text=True))
    with app.app_context():
        names = dict(db.session.execute(select(Province.code, Province.name)).all())
    assert len(page.paths) == 34
    assert {path["data-code"] for path in page.paths} == set(names)
    legend = [(bounds(entry["label"].strip()), entry["colour"]) for entry in page.legend]
    assert [low_high for low_high, _ in legend] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 5)]
    for path in page.paths:
        name = names[path["data-code"]]
        shown = number(page.rows[name][0])  # the table's learners column
        assert int(path["data-value"]) == shown == SIGN_UPS.get(path["data-code"], 0)
        (low, high), colour = legend[int(path["data-class"])]
        assert low <= shown <= high
        assert path["fill"] == colour
        assert path["title"] == f"{name}: {page.rows[name][0]}"


def test_the_63_provinces_have_no_map_but_a_way_to_it(client, signed_up):
    page = client.get("/stats?scheme=legacy&audience=citizen").get_data(as_text=True)
    assert not StatsPage(page).paths
    assert 'class="map"' not in page
    assert "/stats?scheme=2025&amp;audience=citizen" in page or \
        "/stats?audience=citizen&amp;scheme=2025" in page


def test_the_map_says_what_it_shows_and_where_its_outlines_come_from(client, signed_up):
    page = client.get("/stats").get_data(as_text=True)
    svg = page[page.index('<svg class="map"'):]
    svg = svg[:svg.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-label="Bản đồ 34 tỉnh, thành phố, tô màu theo số người học đăng ký' in svg
    assert "Quần đảo Hoàng Sa" in svg
    assert "Quần đảo Trường Sa" in svg
    assert "Open Development Mekong (CC BY-SA 4.0)" in page
    assert "<script" not in page[page.index("<body"):]


@pytest.mark.parametrize(("values", "expected"), [
    ([0, 0, 0], [(0, 0)]),
    ([0, 7, 7, 7], [(0, 0), (1, 7)]),
    ([1, 1, 1, 2, 5, 100, 0], [(0, 0), (1, 1), (2, 5), (6, 100)]),
    (list(range(0, 41)), [(0, 0), (1, 10), (11, 20), (21, 30), (31, 40)]),
])
def test_the_classes_split_the_values_at_their_quartiles_none_empty(values, expected):
    legend = shades(values)
    assert [(shade.low, shade.high) for shade in legend] == expected
    assert [shade.number for shade in legend] == list(range(len(expected)))
    assert len({shade.colour for shade in legend}) == len(legend)
    for value in values:
        held = [shade for shade in legend if shade.holds(value)]
        assert held == [shade_of(value, legend)]  # exactly one class each
    for shade in legend:
        assert any(shade.holds(value) for value in values)


def test_the_outlines_are_the_34_provinces_as_sound_paths(app):
    drawing = province_map()
    with app.app_context():
        codes = set(db.session.scalars(select(Province.code)))
    assert set(drawing.paths) == codes
    _, _, width, height = drawing.view_box
    for code, path in drawing.paths.items():
        assert re.fullmatch(r"(M\d+ \d+(l(-?\d+[ -]?)+|h\d+v\d+h-\d+)z)+", path), code
        for x, y in absolute_points(path):
            assert 0 <= x <= width, (code, x, y)
            assert 0 <= y <= height, (code, x, y)
    size = sum(len(path) for path in drawing.paths.values())
    assert size < 30_000, "the outlines are meant to stay light"


def absolute_points(path: str):
    """Every point a path visits, its relative steps added up."""
    for subpath in path.split("z")[:-1]:
        numbers = [int(n) for n in re.findall(r"-?\d+", subpath)]
        x, y = numbers[0], numbers[1]
        yield x, y
        if "h" in subpath:  # a dot: a square of side numbers[2]
            yield x + numbers[2], y + numbers[3]
            continue
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            yield x, y

"""The statistics in a browser: on a phone, the figures come first, the filters are folded,
the map of the 34 provinces and the charts fit and read at a normal size (on a desktop too);
and a ministry admin reads the 63 pre-2025 provinces and downloads them as XLSX, which holds
what the page shows."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from onetouch.accounts.models import Role
from tests.browser import checks, learner
from tests.browser.checks import DESKTOP, PHONE

pytestmark = pytest.mark.slow  # a browser and a server, each a process of its own

FIGURES = ["learners", "enrolments", "completions", "certificates"]
# The rendered size of the charts' and map's text, in CSS px: neither tiny on a phone nor
# oversized on a desktop (the page's own text is 16 px).
LEGIBLE = (12, 18)

# Each chart and map text: its font size times the scale its picture is drawn at; each row
# name of the table: how many lines it takes.
_TEXT_SIZES = """() => [...document.querySelectorAll('svg.chart text, svg.map text')].map(t => {
  const svg = t.ownerSVGElement;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return parseFloat(getComputedStyle(t).fontSize) * scale;
})"""
# The text of a chart or the map that runs out of its picture, where it would be cut off.
_CUT_TEXT = """() => [...document.querySelectorAll('svg.chart text, svg.map text')].filter(t => {
  const svg = t.ownerSVGElement.getBoundingClientRect(), box = t.getBoundingClientRect();
  return box.left < svg.left - 0.5 || box.right > svg.right + 0.5;
}).map(t => t.textContent)"""
_NAME_LINES = """() => [...document.querySelectorAll('table.figures tbody th')].map(th => {
  const range = document.createRange();
  range.selectNodeContents(th);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
})"""


def number(text: str) -> int:
    return int(text.replace(".", "").replace(",", "").replace("\u202f", "").strip())


def province_table(page) -> dict[str, list[int]]:
    """The page's table of provinces: each province's name and its four figures."""
    table = page.get_by_role("table", name="Số liệu theo tỉnh, thành phố")
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = row.locator("th, td").all_inner_texts()
        rows[cells[0].strip()] = [number(cell) for cell in cells[1:]]
    return rows


def show_pre_2025_provinces(page) -> None:
    choice = page.get_by_label("63 tỉnh, thành phố", exact=False)
    if not choice.is_visible():  # the filters may be folded away on a small screen
        page.locator("details", has=choice).locator("summary").first.click()
    choice.check()
    page.locator("form", has=choice).get_by_role("button").first.click()
    page.wait_for_url("**/stats?*scheme=legacy*")


def test_a_ministry_admin_exports_the_63_provinces_as_xlsx(new_context, site, tmp_path):
    page = new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    learner.log_in(page, site.admin.identifier, site.admin.password)
    page.get_by_role("link", name="Thống kê", exact=True).first.click()
    page.wait_for_url("**/stats")
    assert len(province_table(page)) == 34

    show_pre_2025_provinces(page)
    shown = province_table(page)
    assert len(shown) == 63
    assert shown["Thành phố Hà Nội"][0] >= 1, "the admin, who lives in Hà Nội, is counted"

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    assert "legacy" in download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = load_workbook(path, read_only=True)  # read only: keeps the file open until closed
    try:
        header, *rows, total = list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()
    assert list(header[:2]) == ["Tỉnh, thành phố (trước 2025)", "Mã"]
    assert len(header) == 2 + len(FIGURES)
    assert len(rows) == 63
    assert {row[0]: list(row[2:]) for row in rows} == shown
    assert total[0] == "Tổng"
    assert list(total[2:]) == [sum(column) for column in zip(*shown.values(), strict=True)]


def text_sizes(page) -> tuple[float, float]:
    sizes = page.evaluate(_TEXT_SIZES)
    assert sizes, "the page has charts with text"
    return min(sizes), max(sizes)


def test_on_a_phone_the_figures_come_first_then_the_map_all_within_360_px(
        phone_without_javascript):
    page = phone_without_javascript.new_page()
    page.goto("/stats")
    assert checks.horizontal_overflow(page) is None
    figures = page.locator("ul.totals").bounding_box()
    assert figures["y"] + figures["height"] < PHONE["height"], "on the first screen"
    # The filters are stated in words and folded: the form opens without a script.
    words = page.locator(".current-view > p")
    assert words.is_visible()
    assert words.inner_text().startswith("Đang xem: 34 tỉnh, thành phố (từ 1/7/2025)")
    course = page.get_by_label("Khóa học")
    assert not course.is_visible()
    page.get_by_text("Đổi bộ lọc").click()
    assert course.is_visible()
    # The map: every province, as wide as the phone allows and no wider.
    drawing = page.locator("svg.map")
    assert drawing.locator("path[data-code]").count() == 34
    box = drawing.bounding_box()
    assert 300 <= box["width"] <= PHONE["width"]
    assert box["y"] > figures["y"]
    low, high = text_sizes(page)
    assert low >= LEGIBLE[0], (low, high)
    assert high <= LEGIBLE[1], (low, high)
    assert page.evaluate(_CUT_TEXT) == []
    # A province's name holds one line; the table scrolls in its own box, not the page.
    assert set(page.evaluate(_NAME_LINES)) == {1}
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("el => getComputedStyle(el).overflowX") == "auto"


def test_on_a_desktop_the_charts_do_not_grow_oversized(desktop):
    page = desktop.new_page()
    page.goto("/stats")
    low, high = text_sizes(page)
    assert low >= LEGIBLE[0], (low, high)
    assert high <= LEGIBLE[1], (low, high)
    assert page.evaluate(_CUT_TEXT) == []
    assert page.locator("svg.map").bounding_box()["width"] <= 26 * 16
    labels = page.locator("svg.chart text").all_text_contents()
    weeks = [label for label in labels if "/" in label]
    assert weeks, labels
    for label in weeks:  # day first, as Vietnamese write it: 30/11, never 11-30
        day, month = (int(part) for part in label.split("/"))
        assert 1 <= day <= 31, label
        assert 1 <= month <= 12, label


def test_a_province_admin_reads_the_communes_chart_on_a_phone(new_context, site):
    admin = site.person("Chị Quản Trị Tỉnh", province="01", role=Role.PROVINCE_ADMIN)
    page = new_context(viewport=PHONE).new_page()
    learner.log_in(page, admin.identifier, admin.password)
    page.goto("/stats/provinces/01")
    assert checks.horizontal_overflow(page) is None
    assert page.locator("svg.chart").first.locator("rect").count() == 126  # every commune
    assert page.evaluate(_CUT_TEXT) == []
    low, high = text_sizes(page)
    assert low >= LEGIBLE[0], (low, high)
    assert high <= LEGIBLE[1], (low, high)

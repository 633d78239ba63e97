"""A ministry admin reads the statistics on the 63 pre-2025 provinces and downloads them as
XLSX; the file holds what the page shows."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser import learner
from tests.browser.checks import DESKTOP

pytestmark = pytest.mark.slow  # a browser and a server, each a process of its own

FIGURES = ["learners", "enrolments", "completions", "certificates"]


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

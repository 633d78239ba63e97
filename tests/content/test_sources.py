"""Every module ends with real sources: a document number or a quoted title, and a date."""

from __future__ import annotations

import pytest

from onetouch.content.library import load_library
from tests.fixtures.courses import edit, line_of

ITEM = "- Cổng Dịch vụ công quốc gia, “Câu hỏi thường gặp”, truy cập tháng 11/2026."


def found(root) -> tuple[list, list]:
    library = load_library(root)
    return ([(p.path.name, p.line, p.message) for p in library.problems],
            [(p.path.name, p.line, p.message) for p in library.warnings])


GOOD = {
    "resolution and full date": "- Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.",
    "law and year": "- Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 của Quốc hội, năm 2025.",
    "decree, two-digit day and month": "- Nghị định số 69/2024/NĐ-CP ngày 25/06/2024.",
    "central bank decision": "- Quyết định số 2345/QĐ-NHNN ngày 18/12/2023 của Ngân hàng Nhà nước.",
    "title in curly quotes, month": "- Google, “Trợ giúp Android”, truy cập tháng 11/2026.",
    "title in straight quotes, month": '- Báo Nhân Dân, "Chuyển đổi số ở xã", 3/2022.',
    "numbered item": "1. Apple, “Hướng dẫn sử dụng iPhone”, truy cập tháng 11/2026.",
    "item over two lines": "- Nghị quyết số 57-NQ/TW của Bộ Chính trị\n  ngày 22/12/2024.",
}


@pytest.mark.parametrize("item", GOOD.values(), ids=GOOD.keys())
def test_a_real_source_passes(course_dir, item):
    edit(course_dir / "02-thuc-hanh.md", ITEM, item)
    assert found(course_dir.parent) == ([], [])


BAD = {
    "name only": "- Cổng Dịch vụ công quốc gia.",
    "number without a date": "- Luật số 91/2025/QH15.",  # its year is not the date it was passed
    "date without number or title": "- Bài viết của Báo Nhân Dân, tháng 3/2022.",
    "decree number is not a month": "- Nghị định số 11/2024/NĐ-CP.",
    "a paragraph, not an item": "Cổng Dịch vụ công quốc gia, “Câu hỏi thường gặp”, 11/2026.",
}


@pytest.mark.parametrize("item", BAD.values(), ids=BAD.keys())
def test_no_real_source_is_an_error_at_the_heading(course_dir, item):
    path = course_dir / "02-thuc-hanh.md"
    edit(path, ITEM, item)
    errors, _ = found(course_dir.parent)
    assert errors == [("02-thuc-hanh.md", line_of(path, "## Nguồn tham khảo"),
                       "'## Nguồn tham khảo' lists no source with a document number "
                       "(57-NQ/TW, 91/2025/QH15) or a title in quotes “…”, and a date "
                       "(22/12/2024, tháng 3/2025, năm 2025)")]


def test_compiled_material_is_an_error_even_beside_a_real_source(course_dir):
    path = course_dir / "02-thuc-hanh.md"
    edit(path, ITEM, ITEM + "\n- Bài viết về Tổ công nghệ số (Tư liệu tổng hợp của dự án).")
    errors, _ = found(course_dir.parent)
    assert errors == [("02-thuc-hanh.md", line_of(path, "Tư liệu tổng hợp"),
                       "'tư liệu tổng hợp' alone is not a source: name the document or "
                       "article, its number or title, and its date")]


def test_an_incomplete_item_beside_a_real_one_is_a_warning(course_dir):
    path = course_dir / "02-thuc-hanh.md"
    edit(path, ITEM, ITEM + "\n- Cổng Dịch vụ công quốc gia dichvucong.gov.vn.")
    errors, warnings = found(course_dir.parent)
    assert errors == []
    assert warnings == [("02-thuc-hanh.md", line_of(path, "dichvucong.gov.vn"),
                         "source item lacks a document number or title in quotes, and a date")]


def test_the_section_ends_at_the_next_section(course_dir):
    path = course_dir / "02-thuc-hanh.md"
    edit(path, ITEM, ITEM + "\n\n## Ghi chú\n\nTư liệu tổng hợp của lớp học, không phải nguồn.")
    assert found(course_dir.parent) == ([], [])


def test_a_heading_in_a_code_block_is_not_the_section(course_dir):
    path = course_dir / "02-thuc-hanh.md"
    edit(path, "## Các bước", "```\n## Nguồn tham khảo\n```\n\n## Các bước")
    edit(path, ITEM, "- Cổng Dịch vụ công quốc gia.")
    headings = [number for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if line == "## Nguồn tham khảo"]
    errors, _ = found(course_dir.parent)
    assert [line for _, line, _ in errors] == [headings[-1]]

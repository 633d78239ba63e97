"""A lesson links to a module of another course as ../<course-slug>/NN-slug.md."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from onetouch.content.library import load_library
from tests.fixtures.courses import copy_course, edit, line_of, sync

LINK = "Quay lại [bài 1](01-gioi-thieu.md)."


@pytest.fixture
def two_courses(library, course_dir):
    copy_course(library, "tu-ngu-so", "Từ ngữ số thường gặp")
    return library


def test_a_link_to_another_course_resolves_to_its_module(two_courses, course_dir):
    edit(course_dir / "02-thuc-hanh.md", LINK,
         "Xem [từ ngữ](../tu-ngu-so/01-gioi-thieu.md#loi-ich).")
    library = load_library(two_courses)
    assert library.problems == []
    html = library.courses[0].modules[1].rendered.html
    assert 'href="../tu-ngu-so/gioi-thieu#loi-ich"' in html


def test_checking_one_course_resolves_links_to_the_others(two_courses, course_dir):
    edit(course_dir / "02-thuc-hanh.md", LINK, "Xem [từ ngữ](../tu-ngu-so/01-gioi-thieu.md).")
    assert load_library(course_dir).problems == []


BROKEN = {
    "no such module": ("../tu-ngu-so/09-khong-co.md",
                       "broken link: no module '09-khong-co.md' in course 'tu-ngu-so'"),
    "no such course": ("../khong-co/01-gioi-thieu.md",
                       "broken link: no course 'khong-co' in the library"),
    "a file of another course": ("../tu-ngu-so/images/so-do.svg",
                                 "points outside the course folder"),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_link_to_another_course_is_an_error(two_courses, course_dir, case):
    target, message = case
    path = course_dir / "02-thuc-hanh.md"
    edit(path, LINK, f"Xem [từ ngữ]({target}).")
    problems = [(p.path.name, p.line, p.message) for p in load_library(two_courses).problems]
    assert any((name, line) == ("02-thuc-hanh.md", line_of(path, target)) and message in text
               for name, line, text in problems), problems


def test_the_synced_link_opens_the_other_course(client, app, two_courses, course_dir):
    edit(course_dir / "02-thuc-hanh.md", LINK, "Xem [từ ngữ](../tu-ngu-so/01-gioi-thieu.md).")
    sync(app, two_courses)
    page = "/courses/mau-khoa-hoc/thuc-hanh"
    html = client.get(page).get_data(as_text=True)
    href = re.search(r'<a href="([^"]*tu-ngu-so[^"]*)"', html).group(1)
    target = urljoin(page, href)
    assert target == "/courses/tu-ngu-so/gioi-thieu"
    response = client.get(target)
    assert response.status_code == 200
    assert "Giới thiệu Dịch vụ công trực tuyến" in response.get_data(as_text=True)

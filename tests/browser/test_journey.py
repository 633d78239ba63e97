"""A citizen's whole journey in a real browser: sign up, find a course by typing without
diacritics, enrol, pass every quiz and the final exam, get the certificate and check it as
anyone would; then an admin revokes it and the check says so."""

from __future__ import annotations

import pytest

from tests.browser import learner
from tests.browser.checks import DESKTOP
from tests.fixtures.users import PASSWORD

pytestmark = pytest.mark.slow  # a browser and a server, each a process of its own


def journey(page, site, *, course: str, query: str, name: str, phone: str,
            javascript: bool) -> tuple[str, str]:
    """The journey up to the verify page; the certificate's number and verify address."""
    source = site.course(course)
    learner.register(page, name, phone, PASSWORD, javascript=javascript)
    learner.find_course(page, query, source)
    learner.enrol(page)
    learner.take_module_quizzes(page, source)
    learner.take_final_exam(page, source)
    page.goto(f"/courses/{course}")
    assert "Bạn đã hoàn thành khóa học này" in page.inner_text("main")
    number, address = learner.open_certificate(page, source)
    assert address.startswith(f"{site.base}/verify/")
    verdict = learner.verdict(page, address)
    assert "Chứng chỉ hợp lệ" in verdict
    assert number in page.inner_text("main")
    facts = page.inner_text("main")
    assert source.title in facts
    assert name not in facts, "the verify page masks the learner's name"
    return number, address


def test_journey_on_a_phone_without_javascript(phone_without_javascript, site):
    page = phone_without_javascript.new_page()
    journey(page, site, course="ky-nang-so-co-ban", query="ky nang so co ban",
            name="Lê Thị Hồng Nhung", phone="0912 700 001", javascript=False)


def test_journey_on_a_desktop_with_javascript_then_an_admin_revokes(desktop, new_context,
                                                                     site):
    page = desktop.new_page()
    number, address = journey(page, site, course="an-toan-tren-mang",
                              query="an toan khong gian mang", name="Phạm Văn Đức",
                              phone="0912 700 002", javascript=True)
    revoke(new_context(viewport=DESKTOP).new_page(), site, number,
           "Gian lận khi làm bài thi cuối khóa")
    verdict = learner.verdict(page, address)
    assert "đã bị thu hồi" in verdict
    assert "Gian lận khi làm bài thi cuối khóa" in verdict


def revoke(page, site, number: str, reason: str) -> None:
    learner.log_in(page, site.admin.identifier, site.admin.password)
    page.goto("/admin/certificates")
    page.fill("#number", number)
    page.locator("main").get_by_role("button", name="Tìm").click()
    page.fill("#reason", reason)
    page.get_by_role("button", name="Thu hồi").click()
    assert "Đã thu hồi" in page.inner_text("main")

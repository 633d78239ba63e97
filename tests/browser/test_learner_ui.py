"""What a learner meets on a phone (360 × 740), measured in the browser: a short header with a
search box whose hint is not cut, the first course on the first screen of the catalogue, every
sign-up problem in one answer with a summary that leads to each field, and a quiz whose
questions stay inside their boxes and whose choices are targets of at least 44 × 44 px."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.content.models import Course, Module
from onetouch.db import utcnow
from onetouch.learning import services as learning
from onetouch.quizzes import services as quizzes
from tests.browser import checks, learner
from tests.fixtures.users import PASSWORD

pytestmark = pytest.mark.slow  # a browser and a server, each a process of its own

HEADER_MOST = 120  # px of a 740 px screen
SCREEN_HEIGHT = checks.PHONE["height"]
TARGET = 44  # px, WCAG 2.5.5

_PLACEHOLDER_FITS = """() => {
  const input = document.querySelector('#site-search-q');
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  const needed = context.measureText(input.placeholder).width
    + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return needed <= input.clientWidth;
}"""


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def fits(page, name: str) -> None:
    checks.screenshot(page, name)
    assert checks.horizontal_overflow(page) is None
    assert header_height(page) <= HEADER_MOST
    assert page.evaluate(_PLACEHOLDER_FITS), "the search box's hint is cut"


def test_a_visitor_meets_a_short_header_and_a_start_button(phone_without_javascript):
    page = phone_without_javascript.new_page()
    page.goto("/")
    fits(page, "home-phone")
    start = page.get_by_role("link", name="Bắt đầu học", exact=True)
    assert start.bounding_box()["y"] + start.bounding_box()["height"] <= SCREEN_HEIGHT
    page.get_by_role("link", name="Người dân", exact=True).click()
    page.wait_for_url("**/courses?audience=citizen")
    fits(page, "catalogue-phone")
    first = page.locator(".course-list .card h2").first.bounding_box()
    assert first["y"] + first["height"] <= SCREEN_HEIGHT, "the first course is below the fold"


def test_an_admins_long_menu_stays_in_a_short_header(site, phone_without_javascript):
    page = phone_without_javascript.new_page()
    learner.log_in(page, site.admin.identifier, site.admin.password)
    page.goto("/courses")
    fits(page, "catalogue-admin-phone")
    page.locator(".admin-menu summary").click()
    links = page.locator(".admin-menu ul a")
    assert links.count() > 1
    for number in range(links.count()):
        box = links.nth(number).bounding_box()
        assert box["width"] > 0
        assert box["x"] + box["width"] <= checks.PHONE["width"]
    assert checks.horizontal_overflow(page) is None


def test_four_sign_up_problems_in_one_answer(site, phone):
    """With JavaScript on: axe-core runs in the page (its checks wait on timers)."""
    taken = site.person("Phan Văn Trùng")
    page = phone.new_page()
    page.goto("/register")
    page.select_option("#province_code", "01")
    page.wait_for_function("() => document.querySelector('#commune_code').options.length > 1")
    page.select_option("#commune_code", index=1)
    page.fill("#phone", taken.identifier)  # already registered
    page.select_option("#audience", "citizen")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD + "x")  # not the same
    # No name and no consent either.
    page.locator("main form").get_by_role("button", name="Đăng ký", exact=True).click()
    summary = page.locator(".error-summary[role=alert]")
    assert "Có 4 lỗi cần sửa" in summary.inner_text()
    targets = [link.get_attribute("href") for link in summary.locator("a").all()]
    assert targets == ["#full_name", "#phone", "#confirm", "#consent"]
    for target in targets:
        field = page.locator(target)
        assert field.get_attribute("aria-invalid") == "true"
        assert f"{target[1:]}-error" in field.get_attribute("aria-describedby")
    summary.locator("a").last.click()
    assert page.locator("#consent").is_visible()
    checks.screenshot(page, "register-errors")
    assert checks.axe_violations(page) == []
    assert checks.horizontal_overflow(page) is None


def open_attempt(site) -> tuple[object, int]:
    """A learner enrolled in a course with an attempt open at its first module's quiz."""
    person = site.person("Vi Thị Quỳnh")
    course = "ky-nang-so-co-ban"
    site.factories.enrol(person.id, course)
    with site.factories.unit() as session:
        first = session.scalar(select(Module).join(Course).where(Course.slug == course)
                               .order_by(Module.position))
        attempt = quizzes.start(session, session.get(User, person.id),
                                learning.module_quiz(session, first), utcnow()).id
    return person, attempt


def test_quiz_questions_stay_in_their_boxes_and_choices_are_big(site, phone_without_javascript):
    person, attempt = open_attempt(site)
    page = phone_without_javascript.new_page()
    learner.log_in(page, person.identifier, PASSWORD)
    page.goto(f"/attempts/{attempt}")
    checks.screenshot(page, "attempt-phone")
    boxes = page.evaluate("""() => [...document.querySelectorAll('fieldset.question')].map(f => {
        const legend = f.querySelector('legend').getBoundingClientRect();
        const box = f.getBoundingClientRect();
        return {top: box.top + parseFloat(getComputedStyle(f).borderTopWidth),
                left: box.left, right: box.right, legend: [legend.top, legend.left, legend.right]};
      })""")
    assert boxes
    for box in boxes:
        top, left, right = box["legend"]
        assert top >= box["top"], "the box's border runs through the question"
        assert left >= box["left"]
        assert right <= box["right"]
    choices = page.locator("label.choice")
    assert choices.count() >= 2
    for number in range(choices.count()):
        size = choices.nth(number).bounding_box()
        assert size["width"] >= TARGET
        assert size["height"] >= TARGET
    # The whole label is the target: a tap at its far end chooses the option.
    first = choices.first
    size = first.bounding_box()
    first.click(position={"x": size["width"] - 4, "y": size["height"] / 2})
    assert first.locator("input").is_checked()
    assert checks.horizontal_overflow(page) is None

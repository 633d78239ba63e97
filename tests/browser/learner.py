"""What a learner does in the browser, step by step, as a person would: links and buttons
found by their visible text, forms filled by their fields. Quiz answers come from the course
files (courses/<slug>/*.yml), never from the page or the database."""

from __future__ import annotations

import html
import re

from playwright.sync_api import expect

from onetouch.content.library import CourseSource
from onetouch.content.quizzes import QuizSource

SPACE = re.compile(r"\s+")
TAG = re.compile(r"<[^>]+>")


def plain(markup: str) -> str:
    """Text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    return SPACE.sub(" ", html.unescape(TAG.sub("", markup))).strip()


def register(page, name: str, phone: str, password: str, *, javascript: bool) -> None:
    """Sign up from the home page: a citizen of the first commune of Hà Nội."""
    page.goto("/")
    page.get_by_role("link", name="Đăng ký", exact=True).first.click()
    page.fill("#full_name", name)
    page.fill("#phone", phone)
    page.select_option("#province_code", "01")
    if javascript:  # the commune list fills itself
        page.wait_for_function(
            "() => document.querySelector('#commune_code').options.length > 1")
    else:  # the server shows the form again with the communes of the province chosen
        page.get_by_role("button", name="Hiện danh sách xã, phường").click()
    page.select_option("#commune_code", index=1)
    page.select_option("#audience", "citizen")
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.check("#consent")
    page.locator("main form").get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url("**/my/learning")
    assert name in page.inner_text("header"), "the header names the learner once signed up"


def log_in(page, identifier: str, password: str) -> None:
    page.goto("/login")
    page.fill("#identifier", identifier)
    page.fill("#password", password)
    page.locator("main form").get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url)


def find_course(page, query: str, course: CourseSource) -> None:
    """Search from the header, typed without diacritics, and open the course from the hits."""
    page.fill("#site-search-q", query)
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search?*")
    page.locator("main").get_by_role("link", name=course.title, exact=True).first.click()
    page.wait_for_url(f"**/courses/{course.slug}")


def enrol(page) -> None:
    """Enrol from the course page; the site then leads to the first lesson."""
    page.get_by_role("button", name="Ghi danh khóa học").first.click()
    expect(page.get_by_role("button", name="Ghi danh khóa học")).to_have_count(0)


def take_module_quizzes(page, course: CourseSource) -> None:
    """Open each lesson from the syllabus and pass its quiz with every answer right."""
    for module in course.modules:
        page.goto(f"/courses/{course.slug}")
        page.locator(".syllabus").get_by_role("link", name=module.title, exact=True).click()
        page.wait_for_url(f"**/courses/{course.slug}/{module.slug}")
        if module.quiz is None:
            page.get_by_role("button", name="Đánh dấu đã học xong").click()
            continue
        page.locator(".quiz-panel").get_by_role("link").click()
        pass_quiz(page, module.quiz)
        page.get_by_role("link", name="Tiếp tục khóa học").click()
        page.wait_for_url(f"**/courses/{course.slug}")


def take_final_exam(page, course: CourseSource) -> None:
    page.goto(f"/courses/{course.slug}")
    page.locator(".quiz-panel", has_text=course.final_exam.title).get_by_role("link").click()
    pass_quiz(page, course.final_exam)


def pass_quiz(page, quiz: QuizSource) -> None:
    """From the quiz's page: start, answer every question from the course file, submit; the
    result must show every answer right."""
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url("**/attempts/*")
    bank = {plain(question.prompt_html): question for question in quiz.questions}
    assert len(bank) == len(quiz.questions), f"{quiz.title}: two questions read alike"
    questions = page.locator("fieldset.question")
    count = questions.count()
    assert count == min(quiz.draw or len(bank), len(bank)), f"{quiz.title}: {count} questions"
    for index in range(count):
        answer_question(questions.nth(index), bank)
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url("**/attempts/*/result")
    score = page.locator(".score").inner_text()
    assert "100%" in score, f"{quiz.title}: {score}"
    assert "Đạt" in score, f"{quiz.title}: {score}"


def answer_question(fieldset, bank: dict) -> None:
    legend = fieldset.locator("legend").inner_html()
    prompt = plain(re.sub(r'<span class="number">.*?</span>', "", legend, count=1))
    question = bank[prompt]
    kind = question.kind.value
    if kind in ("single", "true_false", "multiple"):
        right = {plain(option["html"]) for option in question.options
                 if option["id"] in question.answer["options"]}
        choices = fieldset.locator("label.choice")
        for index in range(choices.count()):
            choice = choices.nth(index)
            if plain(choice.inner_html()) in right:
                choice.locator("input").check()
        return
    value = question.answer["accepted"][0] if kind == "text" else question.answer["value"]
    fieldset.locator("input").fill(str(value))


def open_certificate(page, course: CourseSource) -> tuple[str, str]:
    """From the menu, the learner's certificate of the course: its number and the address of
    its verify page (printed on it, and in its QR code)."""
    page.get_by_role("link", name="Chứng chỉ", exact=True).click()
    card = page.locator(".card", has_text=course.title)
    card.get_by_role("link", name="Xem và in").click()
    page.wait_for_url("**/my/certificates/*")
    assert course.title in page.inner_text("main")
    number = re.search(r"OT-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page.inner_text("main")).group(0)
    address = re.search(r"https?://\S+/verify/\S+", page.inner_text(".verify-line")).group(0)
    return number, address


def verdict(page, address: str) -> str:
    """The verify page's verdict, as anyone who scans the QR code sees it."""
    page.goto(address)
    return page.inner_text(".verdict-box")

"""The learner's panel on course and lesson pages, from one learner state per request."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.quizzes import answer_form, paper_of, start

COURSE = "/courses/mau-khoa-hoc"
QUIZ_LESSON = f"{COURSE}/gioi-thieu"  # completed by passing its quiz
READ_LESSON = f"{COURSE}/thuc-hanh"  # completed by marking it read


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def panel(html: str) -> str:
    """The learner's panels of a page: from the first panel to the pager or syllabus."""
    start_at = html.index('<section class="panel')
    ends = [html.find(mark, start_at) for mark in ('<nav class="pager"', "<h2>Nội dung khóa học")]
    return html[start_at:min(end for end in ends if end > 0)]


@pytest.fixture
def learner(client, make_user, login, synced_library):
    user = make_user(full_name="Lò Thị Hoa")
    login(client, user)
    return user


def pass_quiz(client, app, quiz_id: int) -> None:
    attempt = start(client, quiz_id)
    client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt)))


def test_a_visitor_is_asked_to_log_in(client, synced_library):
    assert "Đăng nhập để ghi danh" in panel(page(client, COURSE))
    lesson = panel(page(client, READ_LESSON))
    assert "Đăng nhập và ghi danh để lưu tiến độ" in lesson
    quiz = panel(page(client, QUIZ_LESSON))
    assert "Đăng nhập và ghi danh để làm bài." in quiz
    assert "5 câu hỏi mỗi lần làm, đạt từ 60%." in quiz


def test_a_learner_not_enrolled_is_offered_the_course(client, learner):
    for url in (COURSE, READ_LESSON, QUIZ_LESSON):
        shown = panel(page(client, url))
        assert "Ghi danh khóa học" in shown, url
        assert "Rời khóa học" not in shown
        assert "Làm bài" not in shown  # the quiz opens once enrolled


def test_enrolled_learner_sees_progress_and_what_to_do(client, learner):
    client.post(f"{COURSE}/enrol")
    course = panel(page(client, COURSE))
    assert "Đã hoàn thành 0/2 bài học bắt buộc" in course
    assert '<progress max="100" value="0">' in course
    assert "Học tiếp: Giới thiệu Dịch vụ công trực tuyến" in course
    assert "Rời khóa học" in course
    assert "Bài thi cuối khóa" in course
    assert ">Làm bài</a>" in course
    assert f'action="{READ_LESSON}/done"' in panel(page(client, READ_LESSON))
    quiz = panel(page(client, QUIZ_LESSON))
    assert "hoàn thành khi bạn đạt bài kiểm tra (đạt từ 60%)" in quiz
    assert ">Làm bài</a>" in quiz
    assert "/done" not in quiz


def test_a_lesson_read_shows_done_and_the_next_unfinished_one(client, learner):
    client.post(f"{COURSE}/enrol")
    client.post(f"{READ_LESSON}/done")
    lesson = panel(page(client, READ_LESSON))
    assert "Bạn đã hoàn thành bài học này." in lesson
    # The last lesson is done: continue with the first one that is not.
    assert f'href="{QUIZ_LESSON}">Học tiếp: Giới thiệu Dịch vụ công trực tuyến' in lesson
    course = panel(page(client, COURSE))
    assert "Đã hoàn thành 1/2 bài học bắt buộc" in course
    assert '<progress max="100" value="50">' in course


def test_a_quiz_passed_shows_the_best_score_and_completes_the_lesson(client, app, learner,
                                                                    quiz_ids):
    client.post(f"{COURSE}/enrol")
    pass_quiz(client, app, quiz_ids["module"])
    lesson = panel(page(client, QUIZ_LESSON))
    assert "Điểm cao nhất của bạn: 100%" in lesson
    assert "Đã đạt" in lesson
    assert "Xem và làm lại" in lesson
    assert "Bạn đã hoàn thành bài học này." in lesson
    assert f'href="{READ_LESSON}">Học tiếp: Thực hành nộp hồ sơ' in lesson


def test_an_open_attempt_is_resumed(client, learner, quiz_ids):
    client.post(f"{COURSE}/enrol")
    start(client, quiz_ids["module"])
    assert "Làm tiếp bài đang dở" in panel(page(client, QUIZ_LESSON))


def test_a_completed_course_links_the_certificate(client, learner, factories):
    factories.complete_course(learner)
    course = panel(page(client, COURSE))
    assert "Bạn đã hoàn thành khóa học này." in course
    number = re.search(r'href="/my/certificates/(OT-[0-9A-Z-]+)">Xem chứng chỉ của bạn</a>',
                       course)
    assert number, course
    assert f"Số chứng chỉ: {number.group(1)}" in course
    assert "Học tiếp" not in course
    assert page(client, f"/my/certificates/{number.group(1)}")


def test_a_learner_who_left_is_offered_the_course_again(client, learner):
    client.post(f"{COURSE}/enrol")
    client.post(f"{READ_LESSON}/done")
    client.post(f"{COURSE}/leave", data={"confirm": "1"})
    course = panel(page(client, COURSE))
    assert "Ghi danh khóa học" in course
    assert "Đã hoàn thành" not in course

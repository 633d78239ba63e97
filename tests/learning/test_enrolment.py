"""Enrol, leave, open lessons, complete modules and courses, "my learning"."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from onetouch.extensions import db
from onetouch.learning.models import Enrolment, ModuleProgress
from tests.fixtures.courses import edit

COURSE = "/courses/mau-khoa-hoc"


def enrolments(app) -> list[Enrolment]:
    with app.app_context():
        return db.session.scalars(select(Enrolment)).all()


@pytest.fixture
def learner(client, make_user, login, synced_library):
    user = make_user()
    login(client, user)
    return user


def test_enrol_is_idempotent_and_opens_the_first_lesson(client, app, learner):
    first = client.post(f"{COURSE}/enrol")
    assert first.status_code == 302
    assert first.headers["Location"] == f"{COURSE}/gioi-thieu"
    assert client.post(f"{COURSE}/enrol").status_code == 302
    assert len(enrolments(app)) == 1


def test_course_page_shows_enrol_then_progress(client, learner):
    assert "Ghi danh khóa học" in client.get(COURSE).get_data(as_text=True)
    client.post(f"{COURSE}/enrol")
    html = client.get(COURSE).get_data(as_text=True)
    assert "Đã hoàn thành 0/2 bài học bắt buộc" in html
    assert "Rời khóa học" in html


def test_leave_and_come_back_keeps_one_enrolment(client, app, learner):
    client.post(f"{COURSE}/enrol")
    client.post(f"{COURSE}/leave", data={"confirm": "1"})
    [enrolment] = enrolments(app)
    assert enrolment.left_at is not None
    assert "Ghi danh khóa học" in client.get(COURSE).get_data(as_text=True)
    client.post(f"{COURSE}/enrol")
    [enrolment] = enrolments(app)
    assert enrolment.left_at is None


def test_reading_writes_nothing_and_a_step_records_where_to_continue(client, app, learner):
    client.post(f"{COURSE}/enrol")
    assert client.get(f"{COURSE}/thuc-hanh").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 0
    assert "Học tiếp: Giới thiệu Dịch vụ công" in client.get(COURSE).get_data(as_text=True)
    assert client.post(f"{COURSE}/thuc-hanh/done").status_code == 302
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        progress = db.session.scalars(select(ModuleProgress)).all()
        assert [p.module.slug for p in progress] == ["thuc-hanh"]
        assert progress[0].completed_at is not None
        assert enrolment.last_module_id == progress[0].module_id
    # The lesson marked read is done: continue with the first one that is not.
    assert "Học tiếp: Giới thiệu Dịch vụ công" in client.get(COURSE).get_data(as_text=True)


def test_a_visitor_reading_records_nothing(client, app, synced_library):
    assert client.get(f"{COURSE}/gioi-thieu").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 0


def test_a_module_with_a_quiz_is_not_completed_by_reading(client, app, learner):
    client.post(f"{COURSE}/enrol")
    page = client.get(f"{COURSE}/gioi-thieu").get_data(as_text=True)
    assert "hoàn thành khi bạn đạt bài kiểm tra" in page
    response = client.post(f"{COURSE}/gioi-thieu/done", follow_redirects=True)
    assert "Bài học này hoàn thành khi bạn đạt bài kiểm tra." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.completed_at)) is None


def test_mark_read_needs_an_enrolment(client, app, learner):
    assert client.post(f"{COURSE}/thuc-hanh/done").status_code == 403  # not enrolled
    client.post(f"{COURSE}/enrol")
    assert client.post(f"{COURSE}/thuc-hanh/done").status_code == 302
    html = client.get(COURSE).get_data(as_text=True)
    assert "Đã hoàn thành 1/2 bài học bắt buộc" in html


def test_course_without_final_exam_completes_when_modules_are_done(client, app, library,
                                                                    synced_library, make_user,
                                                                    login):
    course = library / "mau-khoa-hoc"
    (course / "01-gioi-thieu.quiz.yml").unlink()
    (course / "final-exam.yml").unlink()
    edit(course / "course.yml", "final_exam: true", "final_exam: false")
    synced_library()
    login(client, make_user(full_name="Trần Văn Bình"))
    client.post(f"{COURSE}/enrol")
    for slug in ("gioi-thieu", "thuc-hanh"):
        client.get(f"{COURSE}/{slug}")
        client.post(f"{COURSE}/{slug}/done")
    [enrolment] = enrolments(app)
    assert enrolment.completed_at is not None
    page = client.get("/my/learning").get_data(as_text=True)
    completed = page[page.index('id="completed"'):page.index('id="certificates"')]
    assert "Khóa học mẫu về dịch vụ công" in completed


def test_my_learning_lists_current_courses_with_progress(client, learner):
    client.post(f"{COURSE}/enrol")
    page = client.get("/my/learning").get_data(as_text=True)
    current = page[page.index('id="current"'):page.index('id="completed"')]
    assert "Khóa học mẫu về dịch vụ công" in current
    assert 'value="0"' in current
    assert "Bạn chưa có chứng chỉ nào." in page


def test_province_course_is_only_for_its_province(client, app, library, make_user, login,
                                                  synced_library):
    edit(library / "mau-khoa-hoc" / "course.yml", "level: basic", 'level: basic\nprovince: "79"')
    synced_library()
    login(client, make_user(province="01"))
    response = client.post(f"{COURSE}/enrol", follow_redirects=True)
    assert "dành riêng cho người học của một tỉnh khác" in response.get_data(as_text=True)
    assert enrolments(app) == []

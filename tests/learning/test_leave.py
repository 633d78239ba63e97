"""Leaving a course asks first (a page of its own, no script needed), and never takes away a
completion: a completed course shows its certificate and cannot be left."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.extensions import db
from onetouch.learning import services
from onetouch.learning.models import Enrolment

COURSE = "/courses/mau-khoa-hoc"


@pytest.fixture
def learner(client, make_user, login, synced_library):
    user = make_user(full_name="Lò Văn Sáng")
    login(client, user)
    return user


def enrolment(app, user_id: int) -> Enrolment:
    with app.app_context():
        found = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        db.session.expunge(found)
        return found


def test_the_course_page_links_to_a_confirmation_not_a_one_tap_leave(client, learner):
    client.post(f"{COURSE}/enrol")
    html = client.get(COURSE).get_data(as_text=True)
    assert f'<a href="{COURSE}/leave">Rời khóa học</a>' in html
    assert f'action="{COURSE}/leave"' not in html


def test_leaving_asks_first_and_the_answer_no_keeps_the_course(client, app, learner):
    client.post(f"{COURSE}/enrol")
    asked = client.get(f"{COURSE}/leave")
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "Có, rời khóa học" in html
    assert 'name="confirm" value="1"' in html
    assert f'href="{COURSE}">Không, ở lại khóa học' in html
    assert enrolment(app, learner).left_at is None  # asking wrote nothing


def test_a_leave_without_the_confirmation_goes_to_the_question(client, app, learner):
    client.post(f"{COURSE}/enrol")
    answer = client.post(f"{COURSE}/leave")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{COURSE}/leave"
    assert enrolment(app, learner).left_at is None


def test_a_confirmed_leave_leaves(client, app, learner):
    client.post(f"{COURSE}/enrol")
    assert client.post(f"{COURSE}/leave", data={"confirm": "1"}).status_code == 302
    assert enrolment(app, learner).left_at is not None
    assert "Ghi danh khóa học" in client.get(COURSE).get_data(as_text=True)


def test_a_completed_course_shows_its_certificate_and_cannot_be_left(client, app, learner,
                                                                      factories):
    factories.complete_course(learner)
    html = client.get(COURSE).get_data(as_text=True)
    assert re.search(r'<a class="button" href="/my/certificates/OT-[0-9A-Z-]+">'
                     r"Xem chứng chỉ của bạn</a>", html)
    assert "Học tiếp" not in html
    assert f'href="{COURSE}/leave"' not in html
    asked = client.get(f"{COURSE}/leave").get_data(as_text=True)
    assert "Khóa học đã hoàn thành không cần rời" in asked
    assert 'name="confirm"' not in asked
    client.post(f"{COURSE}/leave", data={"confirm": "1"})
    kept = enrolment(app, learner)
    assert kept.left_at is None
    assert kept.completed_at is not None
    my_learning = client.get("/my/learning").get_data(as_text=True)
    completed = my_learning[my_learning.index('<h2 id="completed">'):]
    assert f'href="{COURSE}"' in completed


def test_the_rule_refuses_to_leave_a_completed_course(app, learner, factories):
    enrolment_id = factories.complete_course(learner)
    with app.app_context():
        found = db.session.get(Enrolment, enrolment_id)
        with pytest.raises(services.LearningError):
            services.leave(db.session, found)
        assert found.left_at is None


def test_a_completion_left_before_the_rule_stays_completed(client, app, learner, factories):
    """An enrolment completed and then left (before leaving was refused) is still among the
    completed courses, with its certificate on the course page."""
    enrolment_id = factories.complete_course(learner)
    with factories.unit() as session:
        session.get(Enrolment, enrolment_id).left_at = session.get(
            Enrolment, enrolment_id).completed_at
    with app.app_context():
        listed = services.enrolments_of(db.session, db.session.get(User, learner))
        assert [e.id for e in listed] == [enrolment_id]
    assert "Xem chứng chỉ của bạn" in client.get(COURSE).get_data(as_text=True)

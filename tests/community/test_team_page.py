"""A team member's page: the people they helped with progress and counts; enrolling one of them
in a course with their consent recorded and audited; nobody else's people."""

from __future__ import annotations

from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.audit.models import Action, AuditEntry
from onetouch.community.models import AssistedEnrolment
from onetouch.community.services import PAGE_SIZE
from onetouch.content.models import Course
from onetouch.extensions import db
from onetouch.learning.models import Enrolment


def course_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Course.id).where(Course.slug == "mau-khoa-hoc"))


def test_the_page_shows_progress_certificate_and_counts(app, client, make_user, login,
                                                        factories, synced_library):
    team = make_user(audience="digital_team", confirmed_days_ago=1)
    done = make_user(full_name="Bà Hoàn Thành", assisted_by=team)
    started = make_user(full_name="Ông Mới Học", assisted_by=team)
    make_user(full_name="Cô Chưa Học", assisted_by=team)
    make_user(full_name="Người Của Tổ Khác", assisted_by=make_user(
        audience="digital_team", confirmed_days_ago=1))
    certificate = factories.issue_certificate(done)
    factories.enrol(started)
    page = login(client, team).get("/assist").get_data(as_text=True)
    assert "Bà Hoàn Thành" in page
    assert "Ông Mới Học" in page
    assert "Cô Chưa Học" in page
    assert "Người Của Tổ Khác" not in page
    assert certificate.number in page
    assert "100%" in page
    assert "0%" in page
    assert "Đã giúp đăng ký: 3 người" in page
    assert "Đang học hoặc đã học: 2 người" in page
    assert "Đã hoàn thành ít nhất một khóa: 1 người" in page


def test_the_list_is_paged(app, client, make_user, login):
    team = make_user(audience="digital_team", confirmed_days_ago=1)
    for number in range(PAGE_SIZE + 1):
        make_user(full_name=f"Người Được Giúp {number:02d}", assisted_by=team,
                  joined_days_ago=number)
    login(client, team)
    first = client.get("/assist").get_data(as_text=True)
    second = client.get("/assist?page=2").get_data(as_text=True)
    assert "Người Được Giúp 00" in first
    assert "Người Được Giúp 00" not in second
    assert f"Người Được Giúp {PAGE_SIZE:02d}" in second
    assert "Trang 2 / 2" in second


def test_enrolling_records_consent_and_audits(app, client, make_user, login, synced_library):
    team = make_user(audience="digital_team", confirmed_days_ago=1, full_name="Anh Tổ Viên")
    helped = make_user(full_name="Bà Được Giúp", assisted_by=team)
    login(client, team)
    assert client.get(f"/assist/{helped}/enrol").status_code == 200
    response = client.post(f"/assist/{helped}/enrol",
                           data={"course_id": course_id(app), "consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == helped))
        consent = db.session.scalar(select(AssistedEnrolment))
        assert (consent.enrolment_id, consent.learner_id, consent.helper_id) == (
            enrolment.id, helped, team)
        assert consent.consented_at is not None
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == Action.ASSISTED_ENROLMENT))
        assert (entry.actor_id, entry.target_id, entry.province_code) == (team, helped, "01")
        assert entry.details == enrolment.course.title


def test_without_consent_nothing_is_written(app, client, make_user, login, synced_library):
    team = make_user(audience="digital_team", confirmed_days_ago=1)
    helped = make_user(assisted_by=team)
    login(client, team)
    response = client.post(f"/assist/{helped}/enrol", data={"course_id": course_id(app)})
    assert response.status_code == 422
    assert "Cần người được giúp đồng ý ghi danh." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Enrolment).where(Enrolment.user_id == helped)) is None
        assert db.session.scalar(select(AssistedEnrolment)) is None
        assert db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == Action.ASSISTED_ENROLMENT)) is None


def test_another_members_person_is_not_found(app, client, make_user, login, synced_library):
    team = make_user(audience="digital_team", confirmed_days_ago=1)
    other_team = make_user(audience="digital_team", confirmed_days_ago=1)
    theirs = make_user(assisted_by=other_team)
    stranger = make_user()
    login(client, team)
    for user in (theirs, stranger):
        assert client.get(f"/assist/{user}/enrol").status_code == 404
        assert client.post(f"/assist/{user}/enrol", data={
            "course_id": course_id(app), "consent": "y"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Enrolment)) is None


def test_an_unconfirmed_member_may_not_enrol(app, client, make_user, login, synced_library):
    team = make_user(audience="digital_team", confirmed_days_ago=1)
    helped = make_user(assisted_by=team)
    with app.app_context():
        db.session.get(User, team).official_confirmed_at = None
        db.session.commit()
    login(client, team)
    assert client.post(f"/assist/{helped}/enrol", data={
        "course_id": course_id(app), "consent": "y"}).status_code == 403

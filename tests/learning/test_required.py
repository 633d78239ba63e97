"""Required training: assigned within scope, seen by learners, reported per commune."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.learning.models import Enrolment, RequiredTraining


def course_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Course.id))


def assign(client, app, *, province="", audience="commune_official", start=-30, deadline=10,
           **fields):
    return client.post("/admin/required", data={
        "course_id": course_id(app), "audience": audience, "province_code": province,
        "starts_on": (today() + timedelta(days=start)).isoformat(),
        "deadline": (today() + timedelta(days=deadline)).isoformat(), **fields})


def test_ministry_assigns_nationally_and_officials_see_days_left(app, make_user, login,
                                                                 synced_library):
    admin = app.test_client()
    login(admin, make_user(role="ministry_admin"))
    assert assign(admin, app).status_code == 302
    official = app.test_client()
    # Confirmed long ago: their own deadline is the requirement's (no grace as a late joiner).
    login(official, make_user(province="79", audience="commune_official", joined_days_ago=60,
                              confirmed_days_ago=60))
    page = official.get("/my/learning").get_data(as_text=True)
    assert "Khóa học bắt buộc" in page
    assert "còn 10 ngày" in page
    citizen = app.test_client()
    login(citizen, make_user(province="79", audience="citizen"))
    assert "Khóa học bắt buộc" not in citizen.get("/my/learning").get_data(as_text=True)


def test_a_future_requirement_is_not_shown_yet(app, make_user, login, synced_library):
    admin = app.test_client()
    login(admin, make_user(role="ministry_admin"))
    assign(admin, app, start=5, deadline=30)
    official = app.test_client()
    login(official, make_user(audience="commune_official"))
    assert "Khóa học bắt buộc" not in official.get("/my/learning").get_data(as_text=True)


def test_province_admin_assigns_only_in_their_province(app, make_user, login, synced_library):
    client = app.test_client()
    login(client, make_user(role="province_admin", role_province="01"))
    national = assign(client, app, province="")
    assert national.status_code == 422  # "Toàn quốc" is not among their choices
    other = assign(client, app, province="79")
    assert other.status_code == 422
    assert assign(client, app, province="01").status_code == 302
    with app.app_context():
        assert [r.province_code for r in db.session.scalars(select(RequiredTraining))] == ["01"]


def test_deadline_before_start_is_refused(app, make_user, login, synced_library):
    client = app.test_client()
    login(client, make_user(role="ministry_admin"))
    response = assign(client, app, start=0, deadline=-1)
    assert response.status_code == 422
    assert "Hạn hoàn thành phải sau ngày bắt đầu." in response.get_data(as_text=True)


def _enrol(app, user_id: int, completed: bool) -> None:
    with app.app_context():
        enrolment = Enrolment(user_id=user_id, course_id=db.session.scalar(select(Course.id)),
                              completed_at=utcnow() if completed else None)
        db.session.add(enrolment)
        db.session.commit()


@pytest.fixture
def overdue_setup(app, make_user, login, synced_library):
    """Four officials in Hà Nội's first two communes and one in TP.HCM; deadline passed."""
    from tests.fixtures.users import first_commune

    with app.app_context():
        from onetouch.geo.services import communes_of

        a, b = [c.code for c in communes_of(db.session, "01")[:2]]
        assert first_commune("01")
    official = {"audience": "commune_official", "confirmed_days_ago": 60}
    done = make_user(commune=a, full_name="Đã Xong", **official)
    started = make_user(commune=a, full_name="Đang Học", **official)
    make_user(commune=b, full_name="Chưa Học", **official)
    make_user(province="79", **official)
    make_user(commune=a, audience="citizen")
    _enrol(app, done, completed=True)
    _enrol(app, started, completed=False)
    admin = app.test_client()
    login(admin, make_user(role="ministry_admin"))
    assign(admin, app, start=-30, deadline=-1, confirm_past="y")
    with app.app_context():
        requirement = db.session.scalar(select(RequiredTraining.id))
    return {"admin": admin, "requirement": requirement, "communes": (a, b)}


def test_compliance_per_commune_counts_and_overdue_list(app, overdue_setup):
    from onetouch.learning import compliance

    with app.app_context():
        requirement = db.session.get(RequiredTraining, overdue_setup["requirement"])
        rows = {row.code: row for row in compliance.by_area(db.session, requirement, "01",
                                                             today()).rows}
    a, b = overdue_setup["communes"]
    assert (rows[a].in_scope, rows[a].enrolled, rows[a].completed, rows[a].overdue) == (2, 2, 1, 1)
    assert (rows[b].in_scope, rows[b].enrolled, rows[b].completed, rows[b].overdue) == (1, 0, 0, 1)
    page = overdue_setup["admin"].get(
        f"/admin/required/{overdue_setup['requirement']}/overdue?province=01").get_data(as_text=True)
    overdue = page[page.index("Danh sách quá hạn"):]
    assert "Đang Học" in overdue
    assert "Chưa Học" in overdue
    assert "Đã Xong" not in overdue


def test_national_view_counts_per_province(app, overdue_setup):
    page = overdue_setup["admin"].get(
        f"/admin/required/{overdue_setup['requirement']}?province=").get_data(as_text=True)
    assert "Theo tỉnh, thành phố" in page
    assert "Thành phố Hà Nội" in page
    assert "Thành phố Hồ Chí Minh" in page

"""A small world of learners in two provinces, and reading which learners a page lists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.learning.models import RequiredTraining

LISTED = re.compile(r'href="/admin/learners/(\d+)"')


def listed(response) -> list[int]:
    """The learners a list page links to, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [int(found) for found in LISTED.findall(response.get_data(as_text=True))]


def second_commune(province_code: str) -> str:
    return db.session.scalars(select(Commune.code).where(Commune.province_code == province_code)
                              .order_by(Commune.code)).all()[1]


@pytest.fixture
def world(app, make_user, synced_library, factories):
    """Hà Nội (01): Hoà (phone), Hùng (completed the course), Châu (e-mail only), a commune
    official in the second commune; Hồ Chí Minh (79): Hoa; the admins; a requirement of the
    sample course of citizens, past its deadline."""
    with app.app_context():
        other_commune = second_commune("01")
    ids = {
        "hoa": make_user(full_name="Nguyễn Thị Hoà", phone="0912 345 678", joined_days_ago=90),
        "hung": make_user(full_name="Trần Văn Hùng", joined_days_ago=80),
        "chau": make_user(full_name="Lê Minh Châu", phone=None, email="le.chau@example.vn",
                          joined_days_ago=70),
        "official": make_user(full_name="Phạm Quốc Phùng", audience="commune_official",
                              commune=other_commune, confirmed_days_ago=60),
        "hcm": make_user(province="79", full_name="Võ Thị Hoa", joined_days_ago=60),
        "admin": make_user(full_name="Quản Trị Hà Nội", role="province_admin",
                           role_province="01", audience="civil_servant"),
        "ministry": make_user(province="79", full_name="Quản Trị Bộ", role="ministry_admin",
                              audience="civil_servant"),
    }
    factories.enrol(ids["hoa"])
    factories.complete_course(ids["hung"])
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "mau-khoa-hoc"))
        requirement = RequiredTraining(
            course_id=course.id, audience="citizen", province_code=None, grace_days=30,
            starts_on=today() - timedelta(days=60), deadline=today() - timedelta(days=10),
            created_by_id=ids["ministry"])
        db.session.add(requirement)
        db.session.commit()
        ids["course"] = course.id
        ids["other_commune"] = other_commune
    return ids


@pytest.fixture
def as_admin(app, login, world):
    return login(app.test_client(), world["admin"])


@pytest.fixture
def as_ministry(app, login, world):
    return login(app.test_client(), world["ministry"])

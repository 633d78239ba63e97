"""A small world with one of each kind of person and the objects each one owns, and clients
logged in as them through the real form with CSRF on, for the route matrix and its probes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from onetouch.accounts.models import RoleGrant
from onetouch.certificates import keys
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.learning.models import RequiredTraining
from onetouch.quizzes.models import QuizAttempt
from tests.fixtures.users import PASSWORD, phone_of

# Who asks, in the order of the matrix's columns.
ROLES = ("anonymous", "learner", "team", "province", "ministry")
# Each person's name: a page shown to someone who may not see that person must not hold it.
NAMES = {
    "learner": "Trần Thị Riêng", "other": "Lê Văn Khácmiền", "team": "Phạm Tổ Công",
    "helped": "Đỗ Thị Đượcgiúp", "province": "Võ Quản Tỉnh", "ministry": "Hồ Quản Bộ",
    "spare": "Ngô Dự Phòng",
}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client) -> str:
    """The token of this client's session, as a form of the site carries it."""
    return TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)


def sign_in(app, user_id: int | None):
    """A new client of ``app``, logged in as the user through the form (None: a visitor)."""
    client = app.test_client()
    if user_id is not None:
        response = client.post("/login", data={"identifier": phone_of(app, user_id),
                                               "password": PASSWORD,
                                               "csrf_token": csrf_token(client)})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def _people(make_user) -> dict:
    def make(key: str, **fields) -> int:
        return make_user(full_name=NAMES[key], **fields)

    ids = {
        "learner": make("learner", province="01"), "other": make("other", province="79"),
        "team": make("team", province="01", audience="digital_team", confirmed_days_ago=1),
        "province": make("province", province="01", role="province_admin", role_province="01"),
        "ministry": make("ministry", province="01", role="ministry_admin"),
        "spare": make("spare", province="79", role="province_admin", role_province="79"),
    }
    ids["helped"] = make("helped", province="01", assisted_by=ids["team"])
    return ids


@pytest.fixture
def world(app, make_user, factories, quiz_ids, synced_library) -> dict:
    """Ids, numbers and tokens that the matrix's paths name, as ``{name}`` fields."""
    ids = _people(make_user)
    mine = factories.issue_certificate(ids["learner"])
    theirs = factories.issue_certificate(ids["other"])
    with app.app_context():
        def attempt_of(user_id: int) -> int:
            return db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.user_id == user_id)
                                     .order_by(QuizAttempt.id))

        requirement = RequiredTraining(course_id=mine.course_id, audience="citizen",
                                       province_code=None, starts_on=today(),
                                       deadline=today(), created_by_id=ids["ministry"])
        db.session.add(requirement)
        db.session.commit()
        values = {
            "attempt": attempt_of(ids["learner"]), "other_attempt": attempt_of(ids["other"]),
            "grant": db.session.scalar(select(RoleGrant.id).where(
                RoleGrant.user_id == ids["spare"])),
            "key": keys.key_id(keys.signing_key().public_key()),
            "requirement": requirement.id,
        }
    return {**ids, **values, "quiz": quiz_ids["module"], "number": mine.number,
            "token": mine.token, "other_number": theirs.number, "certificate": theirs.id,
            "course": "mau-khoa-hoc", "module": "gioi-thieu", "asset": "images/so-do.svg"}

"""50 enrol requests at the same moment, through real gunicorn workers: one enrolment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from onetouch.accounts.models import AudienceGroup
from onetouch.accounts.services import Registration, register
from onetouch.extensions import db
from onetouch.learning.models import Enrolment
from tests.fixtures.users import PASSWORD, first_commune
from tests.live import Browser, gunicorn, server_env

pytestmark = pytest.mark.slow  # gunicorn workers

REQUESTS = 50


def prepare(app) -> None:
    """The learner who enrols (the test's database has the sample course: synced_library)."""
    with app.app_context():
        register(db.session, Registration(
            full_name="Lê Thị Hoa", phone="0912000001", password=PASSWORD, province_code="01",
            commune_code=first_commune("01"), audience=AudienceGroup.CITIZEN, consent=True))
        db.session.commit()


def enrol_at_once(base: str) -> list[int]:
    browser = Browser(base)
    browser.login("0912000001", PASSWORD)
    token = browser.csrf("/courses/mau-khoa-hoc")
    start = threading.Barrier(REQUESTS)

    def enrol(_):
        start.wait()
        return browser.request("/courses/mau-khoa-hoc/enrol", {"csrf_token": token})[0]

    with ThreadPoolExecutor(REQUESTS) as pool:
        return list(pool.map(enrol, range(REQUESTS)))


def count_enrolments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Enrolment))


def test_fifty_concurrent_enrolments(app, database_url, synced_library, tmp_path):
    prepare(app)
    with gunicorn(server_env(database_url, tmp_path / "instance"), workers=4) as base:
        statuses = enrol_at_once(base)
    assert statuses == [302] * REQUESTS
    assert count_enrolments(app) == 1

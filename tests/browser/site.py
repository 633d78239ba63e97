"""The live site of the browser tests: gunicorn on a throwaway database with the real library.

The database is a copy of the session's migrated SQLite template (units loaded), into which
the library in ``courses/`` is synced, as ``make data`` does. The server is started as
``make run`` starts it (nginx in front, gunicorn.conf.py, no TESTING: CSRF, rate limits, the
page cache and argon2 at full cost are on). People and progress that a test needs but does
not test the making of (a ministry admin, a learner who holds a certificate) are made through
the domain services in this process, on the same database.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from onetouch.accounts import roles
from onetouch.accounts.models import AudienceGroup, Role, User
from onetouch.accounts.services import Registration, register
from onetouch.content.library import CourseSource, Library, load_library
from onetouch.content.models import Course
from onetouch.core import clock
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.learning import lifecycle
from tests.fixtures.apps import build_app
from tests.fixtures.courses import sync
from tests.fixtures.factories import Factories
from tests.fixtures.users import PASSWORD, first_commune
from tests.live import PROJECT_ROOT, gunicorn, server_env

LIBRARY = PROJECT_ROOT / "courses"
ADMIN_EMAIL = "quantri.bo@example.org"


@dataclass
class Person:
    id: int
    identifier: str  # what they log in with: their e-mail or phone
    name: str
    password: str = PASSWORD


@dataclass
class Site:
    """The served site, the library it serves, and a way to make data behind it."""

    base: str
    app: Flask
    library: Library
    admin: Person
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def course(self, slug: str) -> CourseSource:
        return next(course for course in self.library.courses if course.slug == slug)

    @property
    def factories(self) -> Factories:
        return Factories(self.app)

    def person(self, name: str, audience: str = "citizen", province: str = "01",
               role: Role | None = None, confirmed: bool = True) -> Person:
        """Someone registered through the registration service (a made-up phone number);
        a commune official or team member ``confirmed`` by a province admin unless told."""
        phone = f"+8491300{next(self._numbers):04d}"
        with self.app.app_context():
            user = register(db.session, Registration(
                full_name=name, password=PASSWORD, province_code=province,
                commune_code=first_commune(province), audience=AudienceGroup(audience),
                consent=True, phone=phone, position="Công chức văn hóa - xã hội"))
            if role is not None:
                roles.grant(db.session, user, role, province)
            if confirmed and user.audience.needs_confirmation:
                user.official_confirmed_at = utcnow()
            db.session.commit()
            return Person(user.id, phone, name)

    def require(self, course: str, audience: str = "citizen") -> int:
        """The admin requires a course of an audience group nationwide; the requirement's id."""
        with self.factories.unit() as session:
            today = clock.today()
            requirement = lifecycle.assign(
                session, session.get(User, self.admin.id),
                session.scalar(select(Course).where(Course.slug == course)), today,
                lifecycle.Terms(AudienceGroup(audience), None, today + timedelta(days=30)))
            return requirement.id


def _admin(app: Flask) -> Person:
    with app.app_context():
        user = register(db.session, Registration(
            full_name="Trần Quản Trị", password=PASSWORD, province_code="01",
            commune_code=first_commune("01"), audience=AudienceGroup.CIVIL_SERVANT,
            consent=True, email=ADMIN_EMAIL))
        roles.grant(db.session, user, Role.MINISTRY_ADMIN, None)
        db.session.commit()
        return Person(user.id, ADMIN_EMAIL, user.full_name)


@contextmanager
def serve_site(template: Path, folder: Path) -> Iterator[Site]:
    path = folder / "onetouch.sqlite3"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    app = build_app(url)
    sync(app, LIBRARY)
    library = load_library(LIBRARY)
    assert not library.problems, library.problems
    admin = _admin(app)
    try:
        with gunicorn(server_env(url, folder / "instance"), proxy=True) as base:
            yield Site(base, app, library, admin)
    finally:
        with app.app_context():
            db.engine.dispose()

"""Shared fixtures: an app on a migrated, loaded SQLite database per test; PostgreSQL on demand."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import psycopg
import pytest
from flask import has_request_context, request
from flask_migrate import upgrade
from sqlalchemy import event

from onetouch import create_app
from onetouch.extensions import db
from onetouch.geo.services import load_units
from tests.postgres import running_server

SAMPLE = Path(__file__).resolve().parent / "data" / "courses"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
_database_numbers = itertools.count()


def make_config(database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        # Tests sync and read back at once: look at the library version on every request.
        "PAGE_CACHE_CHECK_SECONDS": 0,
        "RATELIMIT_ENABLED": False,
        **extra,
    }


ENGINES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--db", choices=(*ENGINES, "both"), default="both",
                     help="the database engine(s) to run the database tests on (default: both)")


def pytest_configure(config):
    config.addinivalue_line("markers", "engines(*names): run this test on these engines only")


def pytest_generate_tests(metafunc):
    """Every test that reaches the database (through ``engine``) runs once per engine."""
    if "engine" not in metafunc.fixturenames:
        return
    option = metafunc.config.getoption("--db")
    chosen = ENGINES if option == "both" else (option,)
    marker = metafunc.definition.get_closest_marker("engines")
    if marker is not None:
        chosen = tuple(name for name in chosen if name in marker.args)
    metafunc.parametrize("engine", chosen)


@pytest.fixture
def engine() -> str:
    """The engine under test; replaced by the parametrisation above."""
    raise AssertionError("engine is parametrised by pytest_generate_tests")


def migrate_and_load(database_url: str) -> None:
    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        load_units(db.session)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """One SQLite database migrated to head with the units loaded; tests get a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_and_load(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:
    """The same on PostgreSQL: a template database that each test's database is cloned from."""
    with psycopg.connect(postgres_server.url(), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{PG_TEMPLATE}"')
    migrate_and_load(postgres_server.url(PG_TEMPLATE))
    return PG_TEMPLATE


PG_TEMPLATE = "onetouch_template"


@pytest.fixture
def database_url(request, engine, tmp_path):
    """A migrated database with the units loaded, new for this test, on the engine under test."""
    if engine == "sqlite":
        path = tmp_path / "onetouch.sqlite3"
        shutil.copyfile(request.getfixturevalue("template_db"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = f"test_{next(_database_numbers)}"
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield server.url(name)
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def app(database_url):
    app = create_app(make_config(database_url))
    writes = watch_writes_in_safe_requests(app)
    yield app
    with app.app_context():
        db.engine.dispose()
    assert writes == [], "a GET or HEAD request wrote to the database"


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


def watch_writes_in_safe_requests(app) -> list[tuple[str, str]]:
    """Every statement that changes rows during a GET or HEAD request, in any test of the suite:
    pages never write, so reading can be served from a replica and retried safely."""
    writes: list[tuple[str, str]] = []

    def check(connection, cursor, statement, parameters, context, executemany):
        safe = has_request_context() and request.method in ("GET", "HEAD")
        if safe and statement.lstrip().split(None, 1)[0].upper() in WRITES:
            writes.append((request.path, statement))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", check)
    return writes


class Statements(list):
    """The SQL statements run on the app's engine while recording, in order."""

    def of_kind(self, *kinds: str) -> list[str]:
        return [each for each in self if each.lstrip().split(None, 1)[0].upper() in kinds]

    @property
    def writes(self) -> list[str]:
        return self.of_kind(*WRITES)


@pytest.fixture
def queries(app):
    """Count what a request asks the database: ``with queries() as seen: client.get(...)``;
    ``seen`` then lists the statements, ``seen.writes`` those that change rows."""
    from contextlib import contextmanager

    @contextmanager
    def record():
        seen = Statements()

        def note(connection, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", note)

    return record


@pytest.fixture
def session(app):
    """The database session inside an app context, for tests that work on the data directly.

    Requests made by the test client get an app context of their own, as in production.
    """
    with app.app_context():
        yield db.session
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def postgres_server():
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty PostgreSQL database for one test."""
    name = f"test_{next(_database_numbers)}"
    with psycopg.connect(postgres_server.url(), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_server.url(name)


@pytest.fixture
def app_for():
    """Build apps on other databases; their connection pools are closed after the test."""
    made = []

    def build(database_url: str, **extra):
        made.append(create_app(make_config(database_url, **extra)))
        return made[-1]

    yield build
    for each in made:
        with each.app_context():
            db.engine.dispose()


@pytest.fixture
def library(tmp_path) -> Path:
    """A copy of the sample course library that a test may edit."""
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE, root)
    return root


@pytest.fixture
def course_dir(library) -> Path:
    return library / "mau-khoa-hoc"


PASSWORD = "Trau-Vang!Song-Hong-27"


def first_commune(province_code: str) -> str:
    from sqlalchemy import select

    from onetouch.geo.models import Commune

    return db.session.scalar(select(Commune.code).where(Commune.province_code == province_code)
                             .order_by(Commune.code))


@pytest.fixture
def make_user(app):
    """Create users through the registration service; returns the new user's id."""
    from onetouch.accounts import roles
    from onetouch.accounts.models import AudienceGroup, Role
    from onetouch.accounts.services import Registration, register

    numbers = itertools.count(1)

    def make(province: str = "01", audience: str = "citizen", commune: str | None = None,
             role: str | None = None, role_province: str | None = None, **fields) -> int:
        number = next(numbers)
        with app.app_context():
            data = Registration(
                full_name=fields.get("full_name", f"Người Học {number}"),
                phone=fields.get("phone", f"+84912{number:06d}"), email=fields.get("email"),
                password=fields.get("password", PASSWORD), province_code=province,
                commune_code=commune or first_commune(province),
                audience=AudienceGroup(audience), consent=True,
                position=fields.get("position", "Chủ tịch UBND xã"))
            user = register(db.session, data)
            if role:
                roles.grant(db.session, user, Role(role), role_province)
            db.session.commit()
            return user.id

    return make


def phone_of(app, user_id: int) -> str:
    from onetouch.accounts.models import User

    with app.app_context():
        return db.session.get(User, user_id).phone


@pytest.fixture
def login(app):
    """Log a test client in as a user (by id) through the real log-in form."""

    def do(client, user_id: int, password: str = PASSWORD):
        response = client.post("/login", data={"identifier": phone_of(app, user_id),
                                               "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def synced_library(runner, library):
    """The sample course (copied, editable) synced in; calling it syncs again after edits."""

    def sync():
        result = runner.invoke(args=["courses", "sync", str(library)])
        assert result.exit_code == 0, result.output

    sync()
    return sync

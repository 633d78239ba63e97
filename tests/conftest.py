"""Shared fixtures: an app on a migrated, loaded SQLite database per test; PostgreSQL on demand."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade

from onetouch import create_app
from onetouch.extensions import db
from onetouch.geo.services import load_units
from tests.postgres import PostgresServer, find_bindir

SAMPLE = Path(__file__).resolve().parent / "data" / "courses"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def make_config(database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        # Tests sync and read back at once: look at the library version on every request.
        "PAGE_CACHE_CHECK_SECONDS": 0,
        **extra,
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """One SQLite database migrated to head with the units loaded; tests get a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(make_config(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        load_units(db.session)
        db.session.commit()
        db.engine.dispose()
    return path


@pytest.fixture
def app(template_db, tmp_path):
    path = tmp_path / "onetouch.sqlite3"
    shutil.copyfile(template_db, path)
    app = create_app(make_config(f"sqlite:///{path}"))
    yield app
    with app.app_context():
        db.engine.dispose()


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
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (.ci/run installs them)")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


_database_numbers = itertools.count()


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

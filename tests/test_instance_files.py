"""Runtime files are the server account's alone: the instance folder 0700, the SQLite database
(with its -wal and -shm files) and the keys 0600, whatever the umask would have given."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from onetouch import create_app
from onetouch.extensions import db


@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)  # files readable by every local user, unless told otherwise
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def written(app) -> None:
    with app.app_context():
        db.session.execute(text("CREATE TABLE probe (x INTEGER)"))
        db.session.execute(text("INSERT INTO probe VALUES (1)"))
        db.session.commit()
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


def test_the_default_instance_is_private(tmp_path, monkeypatch, usual_umask):
    instance = tmp_path / "instance"
    monkeypatch.setenv("ONETOUCH_INSTANCE_PATH", str(instance))
    app = create_app({"TESTING": True})
    with app.app_context():
        connection = db.engine.connect()  # WAL's -shm lives while a connection is open
        connection.execute(text("SELECT 1"))
        written(app)
        files = {path.name: mode(path) for path in instance.iterdir()}
        connection.close()
    assert mode(instance) == 0o700
    assert files == {"onetouch.sqlite3": 0o600, "onetouch.sqlite3-wal": 0o600,
                     "onetouch.sqlite3-shm": 0o600, "secret_key": 0o600}


def test_a_database_elsewhere_is_created_private_and_an_existing_one_is_left_alone(
        tmp_path, monkeypatch, usual_umask):
    monkeypatch.setenv("ONETOUCH_INSTANCE_PATH", str(tmp_path / "instance"))
    path = tmp_path / "data" / "onetouch.sqlite3"
    written(create_app({"TESTING": True, "SECRET_KEY": "k" * 40,
                        "DATABASE_URL": f"sqlite:///{path}"}))
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    shared = tmp_path / "shared.sqlite3"
    shared.touch(mode=0o640)  # the operator chose this mode: it stays
    create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{shared}"})
    assert mode(shared) == 0o640

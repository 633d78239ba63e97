"""Backups: ``flask db backup`` and ``restore`` on SQLite, pg_dump and pg_restore on
PostgreSQL (the commands the README gives)."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from onetouch.accounts.models import User
from onetouch.extensions import db
from tests.fixtures.engines import create_database
from tests.postgres import find_bindir

sqlite_only = pytest.mark.engines("sqlite")


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def live_file(app) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


@sqlite_only
def test_a_backup_restores_the_database_as_it_was(app, runner, make_user, tmp_path):
    make_user()
    backup = tmp_path / "backups" / "onetouch.sqlite3"
    made = runner.invoke(args=["db", "backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "integrity ok" in made.output
    make_user()
    assert users(app) == 2
    restored = runner.invoke(args=["db", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert users(app) == 1
    kept = next(live_file(app).parent.glob("*.before-restore-*"))
    assert f"kept in {kept}" in restored.output
    with closing(sqlite3.connect(kept)) as replaced:
        assert replaced.execute("SELECT count(*) FROM users").fetchone() == (2,)


@sqlite_only
def test_a_backup_does_not_wait_for_a_writer_nor_take_its_unfinished_work(app, runner,
                                                                         tmp_path):
    with closing(sqlite3.connect(live_file(app), isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE provinces SET name = 'Đang sửa' WHERE code = '01'")
        started = time.monotonic()
        made = runner.invoke(args=["db", "backup", str(tmp_path / "during.sqlite3")])
        assert time.monotonic() - started < 5  # the busy timeout is 10 s: nobody waited
        writer.execute("COMMIT")
    assert made.exit_code == 0, made.output
    with closing(sqlite3.connect(tmp_path / "during.sqlite3")) as copy:
        name = copy.execute("SELECT name FROM provinces WHERE code = '01'").fetchone()[0]
    assert name == "Thành phố Hà Nội"


@sqlite_only
def test_a_restore_is_refused_while_another_process_has_the_database_open(app, runner,
                                                                         make_user, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    assert runner.invoke(args=["db", "backup", str(backup)]).exit_code == 0
    make_user()
    with closing(sqlite3.connect(live_file(app))) as server:  # as a gunicorn worker holds it
        server.execute("SELECT count(*) FROM users").fetchone()
        refused = runner.invoke(args=["db", "restore", str(backup)])
    assert refused.exit_code == 1
    assert "is open in another process: stop OneTouch" in refused.output
    assert users(app) == 1


@sqlite_only
def test_a_restore_takes_only_a_whole_onetouch_database_of_a_known_revision(app, runner,
                                                                             tmp_path):
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (text)")
    refused = runner.invoke(args=["db", "restore", str(other)])
    assert "has no schema revision" in refused.output or "not a OneTouch" in refused.output
    newer = tmp_path / "newer.sqlite3"
    assert runner.invoke(args=["db", "backup", str(newer)]).exit_code == 0
    with closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00000000000'")
    refused = runner.invoke(args=["db", "restore", str(newer)])
    assert refused.exit_code == 1
    assert "revision f00000000000, which this version of OneTouch does not know" in (
        refused.output)


@sqlite_only
def test_a_backup_never_replaces_a_file(runner, tmp_path):
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("yesterday's backup")
    refused = runner.invoke(args=["db", "backup", str(existing)])
    assert refused.exit_code == 1
    assert "already exists" in refused.output
    assert existing.read_text() == "yesterday's backup"


@pytest.mark.engines("postgresql")
def test_on_postgresql_the_commands_point_to_its_own_tools(runner, tmp_path):
    backup = runner.invoke(args=["db", "backup", str(tmp_path / "x.sqlite3")])
    assert backup.exit_code == 1
    assert "the database is PostgreSQL: use pg_dump --format=custom" in backup.output


@pytest.mark.engines("postgresql")
def test_pg_dump_and_pg_restore_make_the_same_database(app, database_url, postgres_server,
                                                       make_user, tmp_path):
    """The README's commands, with the session server's binaries."""
    make_user()
    bindir = find_bindir()
    dump = tmp_path / "onetouch.dump"
    subprocess.run([bindir / "pg_dump", "--format=custom", f"--file={dump}", database_url],
                   check=True, capture_output=True, timeout=120)
    target = create_database(postgres_server, f"{database_url.rsplit('/', 1)[1]}_restored")
    subprocess.run([bindir / "pg_restore", "--clean", "--if-exists", "--no-owner",
                    f"--dbname={target}", dump], check=True, capture_output=True, timeout=120)
    counts = "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM communes), " \
             "(SELECT version_num FROM alembic_version)"
    with psycopg.connect(database_url) as source, psycopg.connect(target) as copy:
        assert copy.execute(counts).fetchone() == source.execute(counts).fetchone()
    with psycopg.connect(postgres_server.url(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{target.rsplit("/", 1)[1]}" WITH (FORCE)')

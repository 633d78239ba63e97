"""flask demo seed: consistent with the raw rows, repeatable, all or nothing, and the database
left as it was configured (indexes, constraints, journal), on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from onetouch.extensions import db
from onetouch.stats import demo
from onetouch.stats.worker import WorkerError, in_worker

RAW = ("users", "enrolments", "module_progress", "quiz_attempts", "certificates")


def schema(app) -> set[tuple[str, str]]:
    """Every table, index and constraint with its definition, as the database reports them."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        else:
            query = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                     "UNION SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                     "WHERE connamespace = 'public'::regnamespace")
        return {tuple(row) for row in db.session.execute(text(query))}


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                for table in (*RAW, "stats_daily_course_activity", "stats_area_weeks")}


def assert_settings_restored(app) -> None:
    """Every pooled connection enforces foreign keys and CHECKs again (on SQLite, in WAL)."""
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        for bad in ("UPDATE users SET audience = 'nobody'",
                    "INSERT INTO module_progress (enrolment_id, module_id, opened_at) "
                    "VALUES (987654321, 1, '2026-01-01 00:00:00')"):
            with pytest.raises(IntegrityError):
                db.session.execute(text(bad))
            db.session.rollback()


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 200 learners: a seed of more goes through the worker process."""
    monkeypatch.setattr(demo, "CHUNK", 200)


def test_seed_through_the_worker_is_consistent(app, runner, synced_library, small_batches):
    before = schema(app)
    result = runner.invoke(args=["demo", "seed", "--learners", "1000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "1000 users" in result.output
    assert runner.invoke(args=["stats", "check"]).exit_code == 0
    assert schema(app) == before  # every dropped index is back, exactly as it was
    with app.app_context():
        assert db.session.scalar(text("SELECT count(DISTINCT email) FROM users")) == 1000
    assert_settings_restored(app)


def test_seeding_more_into_a_seeded_database_adds_to_the_rollups(app, runner, synced_library,
                                                                 small_batches):
    for learners, seed in (("700", "1"), ("300", "2"), ("900", "3")):
        result = runner.invoke(args=["demo", "seed", "--learners", learners, "--seed", seed])
        assert result.exit_code == 0, result.output
    assert counts(app)["users"] == 1900
    assert runner.invoke(args=["stats", "check"]).exit_code == 0


def test_worker_and_inline_make_the_same_rows(app, synced_library, small_batches):
    with app.app_context():
        plan = demo._plan(db.session)
    plan.next_ids = dict.fromkeys(RAW, 1)
    batches = demo.batches_of(plan, True, 5, 900, int(time.time()))
    inline = list(batches())
    assert list(in_worker(batches)) == inline
    learners = [batch[0]["users"] for batch in inline if batch and batch[0]]
    assert sum(map(len, learners)) == 900
    assert max(map(len, learners)) == 200


@pytest.mark.parametrize("via_worker", [False, True])
def test_a_failed_seed_leaves_nothing_behind(app, runner, synced_library, small_batches,
                                             monkeypatch, via_worker):
    runner.invoke(args=["demo", "seed", "--learners", "50"])
    before, figures = schema(app), counts(app)
    chunk = demo._Maker.chunk

    def fail_on_the_third(maker, size):
        maker.calls = getattr(maker, "calls", 0) + 1
        if maker.calls == 3:
            raise RuntimeError("disk full")
        return chunk(maker, size)

    monkeypatch.setattr(demo._Maker, "chunk", fail_on_the_third)
    result = runner.invoke(args=["demo", "seed", "--learners", "1000" if via_worker else "150",
                                 "--force"])
    assert result.exit_code == 1
    assert isinstance(result.exception, WorkerError if via_worker else RuntimeError)
    assert counts(app) == figures
    assert schema(app) == before
    assert runner.invoke(args=["stats", "check"]).exit_code == 0
    assert_settings_restored(app)


def test_a_sign_up_after_a_seed_gets_the_next_id(app, runner, synced_library, small_batches):
    from onetouch.accounts.models import AudienceGroup
    from onetouch.accounts.services import Registration, register
    from tests.fixtures.users import PASSWORD, first_commune

    for learners in ("150", "1000"):  # in this process, then through the worker
        result = runner.invoke(args=["demo", "seed", "--learners", learners, "--force"])
        assert result.exit_code == 0, result.output
    assert runner.invoke(args=["stats", "check"]).exit_code == 0
    with app.app_context():
        # On PostgreSQL the id sequences moved past the seeded rows: a real sign-up works.
        user = register(db.session, Registration(
            full_name="Trần Văn Bình", phone="0912000777", password=PASSWORD,
            province_code="01", commune_code=first_commune("01"),
            audience=AudienceGroup.CITIZEN, consent=True))
        db.session.commit()
        assert user.id == 1151
        assert db.session.scalar(text("SELECT count(*) FROM users WHERE is_demo")) == 1150

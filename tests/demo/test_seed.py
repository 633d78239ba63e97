"""flask demo seed: raw rows only, rollups recounted by the rebuild, so `stats check` agrees;
repeatable, all or nothing, and every constraint of the database left on, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from onetouch.demo import services
from onetouch.demo.learners import Population
from onetouch.extensions import db

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


def seed(runner, *args: str) -> str:
    result = runner.invoke(args=["demo", "seed", *args])
    assert result.exit_code == 0, result.output
    return result.output


def assert_checked(runner) -> None:
    result = runner.invoke(args=["stats", "check"])
    assert result.exit_code == 0, result.output
    assert "statistics agree with the raw rows" in result.output


def assert_constraints_on(app) -> None:
    """Foreign keys and CHECK constraints hold and are enforced; SQLite is still in WAL."""
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
def small_chunks(monkeypatch):
    """Learners made and written 200 at a time, so that a seed spans several chunks."""
    monkeypatch.setattr(services, "CHUNK", 200)


def test_seed_writes_learners_and_stats_check_agrees(app, runner, synced_library,
                                                     small_chunks):
    output = seed(runner, "--learners", "1000", "--seed", "3")
    assert "1000 users" in output
    assert "learners/s (rollups included)" in output
    assert_checked(runner)
    with app.app_context():
        assert db.session.scalar(text("SELECT count(DISTINCT email) FROM users")) == 1000
        assert db.session.scalar(text("SELECT count(*) FROM users WHERE NOT is_demo")) == 0
        assert db.session.scalar(text("SELECT sum(registrations) FROM stats_area_totals")) == 1000


def test_constraints_indexes_and_journal_are_as_before(app, runner, synced_library,
                                                       small_chunks):
    before = schema(app)
    seed(runner, "--learners", "700")
    assert schema(app) == before
    assert_constraints_on(app)


def test_seeding_more_into_a_seeded_database_counts_everyone(app, runner, synced_library,
                                                            small_chunks):
    for learners, seed_value in (("700", "1"), ("300", "2"), ("450", "3")):
        seed(runner, "--learners", learners, "--seed", seed_value)
    assert counts(app)["users"] == 1450
    assert_checked(runner)


def test_a_failed_seed_leaves_nothing_behind(app, runner, synced_library, small_chunks,
                                             monkeypatch):
    seed(runner, "--learners", "50")
    before, figures = schema(app), counts(app)
    chunk = Population.chunk

    def fail_on_the_third(population, size):
        population.calls = getattr(population, "calls", 0) + 1
        if population.calls == 3:
            raise RuntimeError("disk full")
        return chunk(population, size)

    monkeypatch.setattr(Population, "chunk", fail_on_the_third)
    result = runner.invoke(args=["demo", "seed", "--learners", "1000", "--force"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert counts(app) == figures
    assert schema(app) == before
    assert_checked(runner)
    assert_constraints_on(app)


def test_refuses_a_database_with_real_users(app, runner, make_user, synced_library):
    make_user()
    refused = runner.invoke(args=["demo", "seed", "--learners", "10"])
    assert refused.exit_code == 1
    assert "real user" in refused.output
    assert counts(app)["users"] == 1
    seed(runner, "--learners", "10", "--force")
    assert_checked(runner)


def test_a_sign_up_after_a_seed_gets_the_next_id(app, runner, synced_library, small_chunks):
    from onetouch.accounts.models import AudienceGroup
    from onetouch.accounts.services import Registration, register
    from tests.fixtures.users import PASSWORD, first_commune

    seed(runner, "--learners", "150")
    seed(runner, "--learners", "450", "--force")
    with app.app_context():
        # On PostgreSQL the id sequences moved past the seeded rows: a real sign-up works.
        user = register(db.session, Registration(
            full_name="Trần Văn Bình", phone="0912000777", password=PASSWORD,
            province_code="01", commune_code=first_commune("01"),
            audience=AudienceGroup.CITIZEN, consent=True))
        db.session.commit()
        assert user.id == 601
    assert_checked(runner)


def test_the_same_seed_draws_the_same_learners(app, runner, synced_library):
    def rows(seed_value: int) -> list[tuple]:
        with app.app_context():
            services.seed(db.session, 120, seed_value, force=True, now=1_790_000_000)
            found = db.session.execute(text(
                "SELECT u.full_name, u.commune_code, u.audience, u.created_at, e.course_id, "
                "e.enrolled_at, e.completed_at FROM users u JOIN enrolments e "
                "ON e.user_id = u.id ORDER BY e.id")).all()
            db.session.rollback()
            return [tuple(row) for row in found]

    first = rows(5)
    assert rows(5) == first
    assert rows(6) != first


def test_the_learners_look_like_a_year_of_a_real_platform(app, runner, synced_library):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, select

    from onetouch.accounts.models import User

    seed(runner, "--learners", "2000")
    with app.app_context():
        session = db.session
        provinces = session.scalar(select(func.count(User.province_code.distinct())))
        groups = dict(session.execute(select(User.audience, func.count()).group_by(User.audience))
                      .all())
        first, last = session.execute(select(func.min(User.created_at),
                                             func.max(User.created_at))).one()
        done, certified = (session.scalar(text(f"SELECT count(*) FROM {query}"))  # noqa: S608
                           for query in ("enrolments WHERE completed_at IS NOT NULL",
                                         "certificates"))
    assert provinces >= 30
    assert len(groups) == 5
    assert max(groups, key=groups.get) == "citizen"
    now = datetime.now(UTC)
    assert now - timedelta(days=366) < first < now - timedelta(days=350)
    assert now - timedelta(days=10) < last <= now
    assert 0.35 < done / 2000 < 0.55  # one course in the test library: one enrolment each
    assert certified == done


def test_postgresql_is_vacuumed_and_analysed_after_a_seed(app, runner, synced_library,
                                                          small_chunks):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite is left without planner statistics, as the benchmarks "
                        "measure it")
    assert "vacuumed and analysed" in seed(runner, "--learners", "200")
    with app.app_context():
        tables = db.session.execute(text(
            "SELECT relname, n_dead_tup, last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
            "FROM pg_stat_user_tables WHERE relname IN ('users', 'enrolments', "
            "'compliance_people', 'compliance_enrolments')")).all()
    assert sorted(tables) == sorted((name, 0, True, True) for name in (
        "users", "enrolments", "compliance_people", "compliance_enrolments"))

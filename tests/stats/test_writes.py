"""How rollups are written: at the commit, once a row, in one order; the national week spread
over shards, so that learners across the country never queue on one row."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.services import Registration, register
from onetouch.content.models import Course, Quiz, QuizKind
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.quizzes import papers
from onetouch.quizzes import services as quizzes
from onetouch.quizzes.models import QuizAttempt
from onetouch.stats import events, keys
from tests.fixtures.quizzes import answer_form
from tests.fixtures.users import PASSWORD, first_commune

ROLLUP_TABLES = [grain.table for grain in keys.GRAINS]
READS = ["/api/v1/stats/provinces", "/api/v1/stats/provinces?scheme=legacy",
         "/api/v1/stats/timeseries", "/api/v1/stats/timeseries?province=01",
         "/api/v1/stats/timeseries?audience=citizen&course=1"]


def rollup_count(session) -> int:
    return sum(session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
               for table in ROLLUP_TABLES)


def registration(number: int, province: str = "01") -> Registration:
    return Registration(full_name=f"Người Học {number}", phone=f"+84913{number:06d}",
                        password=PASSWORD, province_code=province,
                        commune_code=first_commune(province), audience=AudienceGroup.CITIZEN,
                        consent=True)


def test_rollups_are_written_at_the_commit_and_a_rollback_drops_them(app, synced_library):
    with app.app_context():
        register(db.session, registration(1))
        db.session.flush()
        assert rollup_count(db.session) == 0  # noted, not written
        assert events.PENDING in db.session.info
        db.session.rollback()
        assert events.PENDING not in db.session.info
        db.session.commit()  # a later transaction does not write what was rolled back
        assert rollup_count(db.session) == 0
        register(db.session, registration(2))
        db.session.commit()
        assert db.session.scalar(text(
            "SELECT sum(registrations) FROM stats_area_totals")) == 1
        assert db.session.scalar(text(
            "SELECT sum(registrations) FROM stats_national_weeks")) == 1


def _table_written(statement: str) -> str | None:
    words = statement.split()
    if words[0].upper() == "INSERT":
        return words[2]
    if words[0].upper() in ("UPDATE", "DELETE"):
        return words[1] if words[0].upper() == "UPDATE" else words[2]
    return None


def test_a_completion_and_its_certificate_are_written_last_once_a_key(
        make_user, factories, queries, app, synced_library):
    learner = make_user(province="79")
    factories.enrol(learner)
    for module in ("gioi-thieu", "thuc-hanh"):
        factories.complete_module(learner, module)
    with app.app_context():
        final = db.session.scalar(select(Quiz.id).where(Quiz.kind == QuizKind.FINAL))
    with queries() as seen:
        factories.pass_quiz(learner, final)
    written = [table for table in map(_table_written, seen) if table]
    rollups = [n for n, table in enumerate(written) if table.startswith("stats_")]
    assert rollups == list(range(len(written) - len(rollups), len(written)))  # the last writes
    touched = Counter(written[n] for n in rollups)
    # Both events in each table that counts them: once a key (on PostgreSQL a new key is
    # looked for, then inserted), in the order of keys.GRAINS.
    assert list(touched) == [grain.table for grain in keys.GRAINS
                             if grain.counts({"completions": 1})]
    assert max(touched.values()) <= 2
    with app.app_context():
        assert db.session.scalar(text("SELECT completions + certificates FROM "
                                      "stats_national_weeks WHERE course_id <> 0")) == 2


def api_answers(client) -> dict:
    return {url: client.get(url).get_json() for url in READS}


def test_one_learner_at_a_time_makes_one_row_a_key_and_a_rebuild_the_same_figures(
        app, client, runner, make_user, factories, synced_library):
    learners = [make_user(province=p) for p in ("01", "79", "48", "01")]
    for learner in learners:
        factories.complete_course(learner)
    with app.app_context():
        for grain in keys.GRAINS:
            named = ", ".join(grain.keys)
            assert db.session.scalar(text(
                f"SELECT count(*) FROM (SELECT {named} FROM {grain.table} "  # noqa: S608
                f"GROUP BY {named} HAVING count(*) > 1) k")) == 0, grain.table
    before = api_answers(client)
    national = before["/api/v1/stats/timeseries"]["weeks"]
    assert sum(week["completions"] for week in national) == 4
    assert sum(week["registrations"] for week in national) == 4
    assert runner.invoke(args=["stats", "check"]).exit_code == 0
    assert runner.invoke(args=["stats", "rebuild"]).exit_code == 0
    with app.app_context():
        assert {shard for grain in keys.GRAINS for shard in db.session.scalars(text(
            f"SELECT DISTINCT shard FROM {grain.table}"))} == {0}  # noqa: S608
    assert api_answers(client) == before
    assert runner.invoke(args=["stats", "check"]).exit_code == 0


def test_check_sums_the_shards_and_catches_a_wrong_sum(app, client, runner, make_user,
                                                      factories, synced_library):
    factories.complete_course(make_user())
    before = api_answers(client)
    copy = ("INSERT INTO stats_national_weeks (week, course_id, audience, shard, "
            "registrations, assisted_signups, enrolments, completions, certificates) "
            "SELECT week, course_id, audience, 7, 0, 0, 0, {}, 0 FROM stats_national_weeks "
            "WHERE course_id <> 0 AND shard <> 7")
    with app.app_context():
        db.session.execute(text(copy.format(0)))  # a second shard that adds nothing
        db.session.commit()
    assert runner.invoke(args=["stats", "check"]).exit_code == 0
    assert api_answers(client) == before
    with app.app_context():
        db.session.execute(text("UPDATE stats_national_weeks SET completions = 1 "
                                "WHERE shard = 7"))
        db.session.commit()
    result = runner.invoke(args=["stats", "check"])
    assert result.exit_code == 1
    assert "stats_national_weeks: rollup only" in result.output


def _note_completion(session: Session, user_id: int, course_id: int) -> None:
    user = session.get(User, user_id)
    events.record(session, utcnow(), user.commune_code, user.audience, course_id,
                  completions=1)
    events.apply(session)


COMMUNE_DAY = ("SELECT count(*), sum(completions) FROM stats_daily_course_activity "
               "WHERE commune_code = :commune")


@pytest.mark.engines("postgresql")  # SQLite has one writer for the whole file, by design
def test_learners_of_one_course_and_place_do_not_wait_on_each_other(app, make_user,
                                                                    synced_library):
    """After a first completion, three learners of the course, two of them in its commune,
    complete it in transactions that stay open together: none waits for another, although
    each holds the rows it wrote (a plain update of the first one's row does wait). The
    figures add up once they commit."""
    first, *learners = [make_user("01"), make_user("01"), make_user("01"), make_user("79")]
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
        commune = db.session.get(User, first).commune_code
        _note_completion(db.session, first, course_id)
        db.session.commit()
        engine = db.engine
    sessions = [Session(engine) for _ in learners]
    try:
        for session, learner in zip(sessions, learners, strict=True):
            session.execute(text("SET LOCAL lock_timeout = '500ms'"))
            _note_completion(session, learner, course_id)
        with Session(engine) as plain:
            plain.execute(text("SET LOCAL lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                plain.execute(text("UPDATE stats_area_totals SET completions = completions "
                                   "WHERE legacy_province_code = '01' AND course_id = :c"),
                              {"c": course_id})
        for session in sessions:
            session.commit()
    finally:
        for session in sessions:
            session.close()
    with app.app_context():
        rows, completions = db.session.execute(text(COMMUNE_DAY), {"commune": commune}).one()
        # The first one's row, which one of the two added to, and a shard the other began.
        assert (rows, completions) == (2, 3)
        assert db.session.scalar(text("SELECT sum(completions) FROM stats_national_weeks")) == 4


WRITERS = 8


def _ready_for_the_final(app, factories, learner: int) -> int:
    """Every module done and the final exam started; the attempt's id."""
    factories.enrol(learner)
    for module in ("gioi-thieu", "thuc-hanh"):
        factories.complete_module(learner, module)
    with app.app_context():
        final = db.session.scalar(select(Quiz).where(Quiz.kind == QuizKind.FINAL))
        attempt = quizzes.start(db.session, db.session.get(User, learner), final, utcnow())
        db.session.commit()
        return attempt.id


def test_concurrent_completions_are_counted_exactly(app, client, runner, make_user,
                                                    factories, synced_library):
    """Learners of one course pass the final exam at the same moment, each in a transaction
    of their own: every completion and certificate is counted, once."""
    learners = [make_user(province=("01", "79", "48")[n % 3]) for n in range(WRITERS)]
    attempts = [_ready_for_the_final(app, factories, learner) for learner in learners]
    start = threading.Barrier(WRITERS, timeout=60)

    def submit(attempt_id: int) -> None:
        with app.app_context():
            attempt = db.session.get(QuizAttempt, attempt_id)
            form = MultiDict(answer_form(attempt.paper, True))
            start.wait()
            quizzes.submit(db.session, attempt, papers.read_answers(attempt.paper, form),
                           utcnow())
            db.session.commit()

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(submit, attempts))
    national = client.get("/api/v1/stats/provinces").get_json()["provinces"]
    assert sum(row["completions"] for row in national) == WRITERS
    assert sum(row["certificates"] for row in national) == WRITERS
    weeks = client.get("/api/v1/stats/timeseries").get_json()["weeks"]
    assert sum(week["completions"] for week in weeks) == WRITERS
    assert runner.invoke(args=["stats", "check"]).exit_code == 0

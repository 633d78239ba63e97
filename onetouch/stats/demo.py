"""Synthetic learners for measuring: ``flask demo seed --learners N``.

Written in bulk with the driver's executemany, then the rollups are recounted in one pass.
Learners are spread over provinces by their share of communes (a stand-in for population:
no population figures ship with OneTouch) and over a year of registrations. Every row is
marked as demo data (``users.is_demo``); the e-mail addresses use the reserved ``.invalid``
domain and the password hash is unusable, so no demo account can log in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import column, func, select
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.models import Course, Module, Quiz, QuizKind
from onetouch.geo.models import Commune
from onetouch.stats import rollups

CHUNK = 20_000
AUDIENCES = [(AudienceGroup.CITIZEN, 70), (AudienceGroup.COMMUNE_OFFICIAL, 8),
             (AudienceGroup.DIGITAL_TEAM, 10), (AudienceGroup.IT_UNIT, 2),
             (AudienceGroup.CIVIL_SERVANT, 10)]
COMPLETION_RATE = 0.45


class DemoError(Exception):
    pass


@dataclass
class Plan:
    """What the seeder needs from the database, read once."""

    communes: list[tuple[str, str]]  # (commune code, province code)
    courses: list[tuple[int, list[str], bool]]  # (id, audiences, certificate)
    last_module: dict[int, int]
    final_quiz: dict[int, int]
    next_ids: dict[str, int] = field(default_factory=dict)


def _plan(session: Session) -> Plan:
    communes = session.execute(select(Commune.code, Commune.province_code)).all()
    courses = session.execute(select(Course.id, Course.audiences, Course.has_certificate)
                              .where(Course.archived_at.is_(None))).all()
    if not communes or not courses:
        raise DemoError("load the units (flask geo load) and the courses first")
    last_module = dict(session.execute(select(Module.course_id, func.max(Module.id))
                                       .group_by(Module.course_id)).all())
    final_quiz = dict(session.execute(select(Quiz.course_id, Quiz.id)
                                      .where(Quiz.kind == QuizKind.FINAL)).all())
    plan = Plan([tuple(c) for c in communes], [tuple(c) for c in courses], last_module,
                final_quiz)
    for table in ("users", "enrolments", "module_progress", "quiz_attempts", "certificates"):
        plan.next_ids[table] = (session.execute(
            select(func.max(_id(table)))).scalar() or 0) + 1
    return plan


def _id(table: str):
    return sql_table(table, column("id")).c.id


def seed(session: Session, learners: int, seed_value: int, force: bool = False) -> dict:
    """Insert ``learners`` demo learners with their activity; returns row counts."""
    real = session.scalar(select(func.count()).select_from(User).where(User.is_demo.is_(False)))
    if real and not force:
        raise DemoError(f"the database holds {real} real user(s); use --force to add demo "
                        "data anyway")
    plan = _plan(session)
    rng = random.Random(seed_value)  # noqa: S311 (repeatable synthetic data, not secrets)
    counts = {"users": 0, "enrolments": 0, "module_progress": 0, "quiz_attempts": 0,
              "certificates": 0}
    writer = _Writer(session)
    for start in range(0, learners, CHUNK):
        rows = _chunk(plan, rng, seed_value, min(CHUNK, learners - start))
        for table, values in rows.items():
            writer.insert(table, values)
            counts[table] += len(values)
    rollups.rebuild(session)
    return counts


NOW = datetime.now(UTC).replace(microsecond=0)
YEAR = 365 * 24 * 3600


def _chunk(plan: Plan, rng: random.Random, seed_value: int, size: int) -> dict[str, list]:
    rows = {"users": [], "enrolments": [], "module_progress": [], "quiz_attempts": [],
            "certificates": []}
    audiences, weights = zip(*AUDIENCES, strict=True)
    for _ in range(size):
        user_id = _next(plan, "users")
        commune, province = rng.choice(plan.communes)
        audience = rng.choices(audiences, weights)[0]
        joined = NOW - timedelta(seconds=rng.randrange(YEAR))
        rows["users"].append((user_id, f"Học viên thử {user_id}",
                              f"demo-{seed_value}-{user_id}@demo.onetouch.invalid", "!demo",
                              province, commune, audience.value, joined, joined, 1, True, True,
                              commune, audience.value))
        for course_id, _audiences, certificate in _courses_for(plan, rng, audience):
            _enrolment(plan, rng, rows, user_id, commune, audience, course_id, certificate,
                       joined)
    return rows


def _courses_for(plan: Plan, rng: random.Random, audience: AudienceGroup) -> list:
    suited = [c for c in plan.courses if audience.value in c[1]] or plan.courses
    return rng.sample(suited, min(len(suited), rng.choice((1, 1, 2, 2, 2, 3))))


def _enrolment(plan: Plan, rng: random.Random, rows: dict, user_id: int, commune: str,
               audience: AudienceGroup, course_id: int, certificate: bool,
               joined: datetime) -> None:
    enrolment_id = _next(plan, "enrolments")
    enrolled = joined + timedelta(seconds=rng.randrange(1, 14 * 24 * 3600))
    enrolled = min(enrolled, NOW)
    done = rng.random() < COMPLETION_RATE
    completed = min(enrolled + timedelta(seconds=rng.randrange(3600, 30 * 24 * 3600)), NOW) \
        if done else None
    rows["enrolments"].append((enrolment_id, user_id, course_id, enrolled, completed, completed,
                               plan.last_module.get(course_id), commune, audience.value))
    module = plan.last_module.get(course_id)
    if module:
        rows["module_progress"].append((_next(plan, "module_progress"), enrolment_id, module,
                                        enrolled, completed))
    if not done:
        return
    quiz = plan.final_quiz.get(course_id)
    if quiz:
        rows["quiz_attempts"].append((_next(plan, "quiz_attempts"), quiz, user_id,
                                      enrolment_id, "graded", "[]", "demo", "{}", "[]",
                                      100.0, True, completed, completed))
    if certificate:
        rows["certificates"].append((_next(plan, "certificates"), user_id, course_id,
                                     enrolment_id, f"DEMO-{enrolment_id}",
                                     f"demo{enrolment_id:028d}",
                                     f"Học viên thử {user_id}", "Khóa học thử", 1.0,
                                     "Nền tảng OneTouch", completed))


def _next(plan: Plan, table: str) -> int:
    value = plan.next_ids[table]
    plan.next_ids[table] = value + 1
    return value


COLUMNS = {
    "users": ("id", "full_name", "email", "password_hash", "province_code", "commune_code",
              "audience", "consent_at", "created_at", "session_version", "is_active", "is_demo",
              "registered_commune_code", "registered_audience"),
    "enrolments": ("id", "user_id", "course_id", "enrolled_at", "completed_at",
                   "final_passed_at", "last_module_id", "commune_code", "audience"),
    "module_progress": ("id", "enrolment_id", "module_id", "opened_at", "completed_at"),
    "quiz_attempts": ("id", "quiz_id", "user_id", "enrolment_id", "status", "paper",
                      "content_hash", "answers", "results", "score_percent", "passed",
                      "started_at", "submitted_at"),
    "certificates": ("id", "user_id", "course_id", "enrolment_id", "number", "token",
                     "learner_name", "course_title", "hours", "issuing_unit", "issued_at"),
}


TIMESTAMPS = {table: {i for i, name in enumerate(columns) if name.endswith(("_at", "_on"))}
              for table, columns in COLUMNS.items()}


class _Writer:
    """executemany straight through the driver: the only way to reach 20,000 learners/s."""

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect.name
        self.marker = "%s" if self.dialect == "postgresql" else "?"
        if self.dialect == "sqlite":
            # A large page cache keeps the indexes being filled in memory.
            self.connection.exec_driver_sql("PRAGMA cache_size = -262144")

    def _row(self, table: str, row: tuple) -> tuple:
        if self.dialect == "postgresql":
            return row
        # SQLite keeps naive UTC text, as onetouch.db.UTCDateTime writes it.
        stamps = TIMESTAMPS[table]
        return tuple(v.replace(tzinfo=None).isoformat(" ") if i in stamps and v else v
                     for i, v in enumerate(row))

    def insert(self, table: str, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = COLUMNS[table]
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (fixed names)
               f"VALUES ({', '.join([self.marker] * len(columns))})")
        self.connection.exec_driver_sql(sql, [self._row(table, row) for row in rows])

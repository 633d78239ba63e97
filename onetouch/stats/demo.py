"""Synthetic learners for measuring: ``flask demo seed --learners N``.

Learners are spread over provinces by their share of communes (a stand-in for population:
no population figures ship with OneTouch) and over a year of registrations, with enrolments,
progress, final-exam attempts and certificates. Every row is marked as demo data
(``users.is_demo``); the e-mail addresses use the reserved ``.invalid`` domain and the
password hash is unusable, so no demo account can log in.

Rows are made as plain tuples, with moments as whole seconds, in a forked process
(``worker.in_worker``) while this one writes them through ``bulk.bulk_load``. The rollups are
counted on the way (``tally``) and added as sums, so the cost follows the learners added, not
what the database already holds.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.models import Course, Module, Quiz, QuizKind
from onetouch.geo.models import Commune
from onetouch.stats import bulk, tally
from onetouch.stats.bulk import DateText, bulk_load
from onetouch.stats.models import NO_COURSE
from onetouch.stats.worker import in_worker

CHUNK = 10_000  # learners a batch
AUDIENCES = {AudienceGroup.CITIZEN: 70, AudienceGroup.COMMUNE_OFFICIAL: 8,
             AudienceGroup.DIGITAL_TEAM: 10, AudienceGroup.IT_UNIT: 2,
             AudienceGroup.CIVIL_SERVANT: 10}  # per hundred learners
# One entry a learner in a hundred: (audience group, its number in tally.AUDIENCES)
AUDIENCE_DRAW = [(group.value, tally.AUDIENCES.index(group.value))
                 for group, share in AUDIENCES.items() for _ in range(share)]
COURSES_PER_LEARNER = (1, 1, 2, 2, 2, 3)  # drawn alike
COMPLETION_RATE = 0.45
DAY, HOUR = tally.DAY_SECONDS, 3600
YEAR = 365 * DAY

# What each table's rows hold (see bulk.Columns): the value at a position, or a constant.
COLUMNS: dict[str, bulk.Columns] = {
    "users": {"id": 1, "full_name": 2, "email": 3, "password_hash": "'!demo'",
              "province_code": 4, "commune_code": 5, "audience": 6, "consent_at": 7,
              "created_at": 7, "session_version": "1", "is_active": "TRUE", "is_demo": "TRUE",
              "registered_commune_code": 5, "registered_audience": 6},
    "enrolments": {"id": 1, "user_id": 2, "course_id": 3, "enrolled_at": 4, "completed_at": 5,
                   "final_passed_at": 5, "last_module_id": 6, "commune_code": 7, "audience": 8},
    "module_progress": {"id": 1, "enrolment_id": 2, "module_id": 3, "opened_at": 4,
                        "completed_at": 5},
    "quiz_attempts": {"id": 1, "quiz_id": 2, "user_id": 3, "enrolment_id": 4,
                      "status": "'graded'", "paper": "'[]'", "content_hash": "'demo'",
                      "answers": "'{}'", "results": "'[]'", "score_percent": "100.0",
                      "passed": "TRUE", "started_at": 5, "submitted_at": 5},
    "certificates": {"id": 1, "user_id": 2, "course_id": 3, "enrolment_id": 4, "number": 5,
                     "token": 6, "learner_name": 7, "course_title": 8, "hours": 9,
                     "issuing_unit": 10, "issued_at": 11},
}
RAW_TABLES = tuple(COLUMNS)


class DemoError(Exception):
    pass


@dataclass
class DemoCourse:
    id: int
    certificate: tuple | None  # (title, hours, issuing unit) when the course certifies
    last_module: int | None
    final_quiz: int | None


@dataclass
class Plan:
    """What the seeder needs from the database, read once."""

    places: tally.Places
    # audience group -> for each entry of COURSES_PER_LEARNER, every set of that many of the
    # courses meant for the group: drawing a set is what random.sample would do, but cheaper
    course_sets: dict[str, list[list[tuple[DemoCourse, ...]]]]
    next_ids: dict[str, int] = field(default_factory=dict)


def seed(session: Session, learners: int, seed_value: int, force: bool = False) -> dict:
    """Add ``learners`` demo learners with their activity, and commit; returns row counts."""
    users = session.scalar(select(func.count()).select_from(User))
    real = session.scalar(select(func.count()).select_from(User).where(User.is_demo.is_(False)))
    if real and not force:
        raise DemoError(f"the database holds {real} real user(s); use --force to add demo "
                        "data anyway")
    plan = _plan(session)
    session.rollback()  # the load runs on a connection of its own
    counts = dict.fromkeys(RAW_TABLES, 0)
    with bulk_load(session.get_bind(), RAW_TABLES + tuple(tally.TABLES), RAW_TABLES,
                   rebuild_indexes=learners >= users) as load:
        for table in RAW_TABLES:
            plan.next_ids[table] = (load.scalar(f"SELECT max(id) FROM {table}") or 0) + 1  # noqa: S608
        batches = batches_of(plan, load.sqlite, seed_value, learners, int(time.time()))
        for batch in in_worker(batches) if learners > CHUNK else batches():
            if batch is None:  # all learners written: index them while the areas are summed
                load.restore_indexes(RAW_TABLES)
                continue
            raw, rollups = batch
            for table, rows in raw.items():
                load.insert(table, COLUMNS[table], rows)
                counts[table] += len(rows)
            for table, rows in rollups:
                load.add(table, *tally.TABLES[table], rows)
    return counts


def batches_of(plan: Plan, sqlite: bool, seed_value: int, learners: int, now: int
               ) -> Callable[[], Iterator[tuple[dict, list] | None]]:
    """The learners, who joined in the year before ``now`` (seconds since 1970), as batches
    of (raw rows per table, rollup rows per table), then None, then the area rollups; the
    same rows for the same arguments, wherever they are made."""

    def batches() -> Iterator[tuple[dict, list] | None]:
        values = DateText(sqlite)
        areas = tally.Areas(plan.places)
        maker = _Maker(plan, values, areas, seed_value, now, learners)
        made, size = 0, CHUNK // 16
        while made < learners:
            # Small batches first, so that writing starts at once and the worker gets ahead.
            size = min(size * 2, CHUNK, learners - made)
            rows, counted = maker.chunk(size)
            made += size
            yield rows, counted.commune_rows(values.day)
        yield None
        for table_rows in areas.rows(values.day):
            yield {}, [table_rows]

    return batches


def _plan(session: Session) -> Plan:
    communes = session.execute(select(Commune.code, Commune.province_code,
                                      Commune.legacy_province_code)).all()
    courses = session.execute(select(Course).where(Course.archived_at.is_(None))).scalars().all()
    if not communes or not courses:
        raise DemoError("load the units (flask geo load) and the courses first")
    if max(course.id for course in courses) > tally.COURSE_MASK:
        raise DemoError("course ids beyond 1,048,575 do not fit the seeder's rollup keys")
    last_module = dict(session.execute(select(Module.course_id, func.max(Module.id))
                                       .group_by(Module.course_id)).all())
    final_quiz = dict(session.execute(select(Quiz.course_id, Quiz.id)
                                      .where(Quiz.kind == QuizKind.FINAL)).all())
    made = {course.id: DemoCourse(
        course.id, (course.title, course.estimated_hours, course.issuing_unit)
        if course.has_certificate else None, last_module.get(course.id),
        final_quiz.get(course.id)) for course in courses}
    sets = {}
    for audience in tally.AUDIENCES:
        suited = [made[c.id] for c in courses if audience in c.audiences] or list(made.values())
        sets[audience] = [list(combinations(suited, min(size, len(suited))))
                          for size in COURSES_PER_LEARNER]
    return Plan(tally.Places([tuple(row) for row in communes]), sets)


class _Maker:
    """Learners and their activity, a chunk at a time; repeatable for a given seed.

    This loop runs for every learner, so it keeps to local names and plain integers.
    """

    def __init__(self, plan: Plan, values: DateText, areas: tally.Areas, seed_value: int,
                 now: int, learners: int) -> None:
        self.plan, self.values, self.areas, self.seed = plan, values, areas, seed_value
        self.random = random.Random(seed_value).random  # noqa: S311 (synthetic data, not secrets)
        self.now = now
        # The k-th of n learners joins at a random moment of the k-th n-th of the year: uniform
        # over the year, and in the order of their ids, as on a real platform. It also keeps
        # each batch's rollup rows within a few weeks, so they are written near each other.
        self.first_id, self.start, self.step = plan.next_ids["users"], now - YEAR, YEAR / learners
        self.ids = dict(plan.next_ids)
        self.rows: dict[str, list[tuple]] = {}
        self.tally = tally.Tally(areas)

    def chunk(self, size: int) -> tuple[dict[str, list[tuple]], tally.Tally]:
        self.rows = {table: [] for table in RAW_TABLES}
        self.tally = tally.Tally(self.areas)
        first = self.ids["users"]
        for user_id in range(first, first + size):
            self._learner(user_id)
        self.ids["users"] = first + size
        return self.rows, self.tally

    def _learner(self, user_id: int) -> None:
        draw, communes = self.random, self.plan.places.communes
        where = int(draw() * len(communes))  # communes are drawn alike, provinces by size
        commune, province, _ = communes[where]
        audience, group = AUDIENCE_DRAW[int(draw() * len(AUDIENCE_DRAW))]
        joined = self.start + int((user_id - self.first_id + draw()) * self.step)
        name = f"Học viên thử {user_id}"
        self.rows["users"].append((
            user_id, name, f"demo-{self.seed}-{user_id:09d}@demo.onetouch.invalid", province,
            commune, audience, self.values.moment(joined)))
        self.tally.count(tally.REGISTERED, joined, where, NO_COURSE, group)
        sets = self.plan.course_sets[audience][int(draw() * len(COURSES_PER_LEARNER))]
        courses = sets[int(draw() * len(sets))]
        learner = (user_id, name, where, commune, audience, group)
        for course in courses:
            self._enrolment(learner, course, joined)

    def _enrolment(self, learner: tuple, course: DemoCourse, joined: int) -> None:
        draw, moment, rows, ids, count = (self.random, self.values.moment, self.rows, self.ids,
                                          self.tally.count)
        user_id, name, where, commune, audience, group = learner
        enrolment_id = ids["enrolments"]
        ids["enrolments"] = enrolment_id + 1
        enrolled = min(joined + 1 + int(draw() * 14 * DAY), self.now)
        done = draw() < COMPLETION_RATE
        completed = min(enrolled + HOUR + int(draw() * 29 * DAY), self.now) if done else 0
        opened, finished = moment(enrolled), moment(completed) if done else None
        rows["enrolments"].append((enrolment_id, user_id, course.id, opened, finished,
                                   course.last_module, commune, audience))
        count(tally.ENROLLED, enrolled, where, course.id, group)
        if course.last_module:
            rows["module_progress"].append((ids["module_progress"], enrolment_id,
                                            course.last_module, opened, finished))
            ids["module_progress"] += 1
        if not done:
            return
        count(tally.COMPLETED, completed, where, course.id, group)
        if course.final_quiz:
            rows["quiz_attempts"].append((ids["quiz_attempts"], course.final_quiz, user_id,
                                          enrolment_id, finished))
            ids["quiz_attempts"] += 1
        if course.certificate:
            rows["certificates"].append((
                ids["certificates"], user_id, course.id, enrolment_id,
                f"DEMO-{enrolment_id:010d}", f"demo{enrolment_id:028d}", name,
                *course.certificate, finished))
            ids["certificates"] += 1
            count(tally.CERTIFIED, completed, where, course.id, group)

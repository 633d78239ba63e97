"""Who the demo learners are and what they did: rows for the raw tables, nothing else.

Learners are spread over provinces by their share of communes (a stand-in for population:
no population figures ship with OneTouch), over the audience groups in the shares below and
over the year before the seed, in the order of their ids, as on a real platform. Each takes
one to three of the courses meant for their group, enrols within two weeks of joining, and
completes 45% of them within a month, with the final exam passed and the certificate issued.

Every row is marked as demo data (``users.is_demo``); the e-mail addresses use the reserved
``.invalid`` domain and the password hash is unusable, so no demo account can log in. The
same seed draws the same learners, with their dates counted back from ``now``.

A demo certificate has a number of the real form (``OT-2026-7K3F-Q9XD``), so that it can be
looked up where people type numbers (``/admin/certificates``, ``/verify``): the certificate
services accept no other form.
"""

from __future__ import annotations

import random
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import AudienceGroup, search_name_of
from onetouch.content.models import Course, Module, Quiz, QuizKind
from onetouch.demo.writing import Moments
from onetouch.geo.models import Commune

RAW_TABLES = ("users", "enrolments", "module_progress", "quiz_attempts", "certificates")
AUDIENCES = {AudienceGroup.CITIZEN: 70, AudienceGroup.COMMUNE_OFFICIAL: 8,
             AudienceGroup.DIGITAL_TEAM: 10, AudienceGroup.IT_UNIT: 2,
             AudienceGroup.CIVIL_SERVANT: 10}  # per hundred learners
AUDIENCE_DRAW = [group.value for group, share in AUDIENCES.items() for _ in range(share)]
COURSES_PER_LEARNER = (1, 1, 2, 2, 2, 3)  # drawn alike
COMPLETION_RATE = 0.45
DAY, HOUR = 86_400, 3600
YEAR = 365 * DAY
# What every demo row of a table holds alike.
USER = {"password_hash": "!demo", "session_version": 1, "is_active": True, "is_demo": True}
ATTEMPT = {"status": "graded", "paper": "[]", "content_hash": "demo", "answers": "{}",
           "results": "[]", "score_percent": 100.0, "passed": True,
           "completion_pending": False}  # completed with it: nothing for the fold


# Names as Vietnamese people bear them (family, middle, given), so that an admin's search by
# name meets common and rare names alike. Picked from the id, not drawn: the draws of the rest
# stay as they were.
FAMILIES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Mai")
MIDDLES = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Xuân", "Kim",
           "Gia", "Bảo", "Hoài", "Phương")
GIVENS = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hòa",
          "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Nhung",
          "Phúc", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Trung",
          "Tuấn", "Uyên", "Việt", "Vy", "Yến", "Đạt", "Ánh", "Ước")


def demo_name(user_id: int) -> str:
    # The id scattered (an odd multiplier, modulo 2**32), then read as three digits of mixed
    # bases: neighbouring ids bear unrelated names, and all 12,000 names occur.
    mixed = user_id * 0x9E37_79B1 % 2**32
    family, rest = mixed % len(FAMILIES), mixed // len(FAMILIES)
    middle, given = rest % len(MIDDLES), rest // len(MIDDLES) % len(GIVENS)
    return f"{FAMILIES[family]} {MIDDLES[middle]} {GIVENS[given]}"


# Crockford's base 32, as in real certificate numbers (no I, L, O or U).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_BITS = 35  # enrolment ids below 2**35; the code's other 5 bits step past a taken number
SPREAD = 0x2F6B_A3C5_1  # odd: multiplying by it modulo 2**ID_BITS maps ids one to one
VIETNAM_OFFSET = 7 * HOUR
EPOCH = date(1970, 1, 1)


class DemoError(Exception):
    pass


def certificate_number(enrolment_id: int, issued: int, taken: Set[str] = frozenset()) -> str:
    """A number of the real form for a demo certificate issued at ``issued`` (seconds since
    1970): the year it was issued in Việt Nam, and eight characters that spread the enrolment
    id one to one, so that no two demo certificates share a number. One that a real
    certificate (``taken``) already holds moves to the next of 32 disjoint ranges."""
    year = (EPOCH + timedelta(days=(issued + VIETNAM_OFFSET) // DAY)).year
    spread = enrolment_id * SPREAD % (1 << ID_BITS)
    for step in range(1 << (40 - ID_BITS)):
        value, code = (step << ID_BITS) | spread, []
        for _ in range(8):
            value, digit = divmod(value, 32)
            code.append(CODE_ALPHABET[digit])
        number = f"OT-{year}-{''.join(code[:4])}-{''.join(code[4:])}"
        if number not in taken:
            return number
    raise DemoError(f"no free certificate number for enrolment {enrolment_id}")


@dataclass(frozen=True)
class DemoCourse:
    id: int
    certificate: dict | None  # course_title, hours, issuing_unit when the course certifies
    last_module: int | None
    final_quiz: int | None


@dataclass(frozen=True)
class Plan:
    """What the learners are drawn from, read once."""

    communes: list[tuple[str, str]]  # (commune code, province code)
    # audience group -> for each entry of COURSES_PER_LEARNER, every set of that many of the
    # courses meant for the group: drawing a set is what random.sample would do, but cheaper
    course_sets: dict[str, list[list[tuple[DemoCourse, ...]]]]


def read_plan(session: Session) -> Plan:
    communes = session.execute(select(Commune.code, Commune.province_code)
                               .order_by(Commune.code)).all()
    courses = session.scalars(select(Course).where(Course.archived_at.is_(None))
                              .order_by(Course.id)).all()
    if not communes or not courses:
        raise DemoError("load the units (flask geo load) and the courses first")
    last_module = dict(session.execute(select(Module.course_id, func.max(Module.id))
                                       .group_by(Module.course_id)).all())
    final_quiz = dict(session.execute(select(Quiz.course_id, Quiz.id)
                                      .where(Quiz.kind == QuizKind.FINAL)).all())
    made = {course.id: DemoCourse(
        course.id, {"course_title": course.title, "hours": course.estimated_hours,
                    "issuing_unit": course.issuing_unit} if course.has_certificate else None,
        last_module.get(course.id), final_quiz.get(course.id)) for course in courses}
    sets = {}
    for group in AUDIENCES:
        suited = [made[c.id] for c in courses if group in c.audiences] or list(made.values())
        sets[group.value] = [list(combinations(suited, min(size, len(suited))))
                          for size in COURSES_PER_LEARNER]
    return Plan([tuple(row) for row in communes], sets)


class Population:
    """Learners and their activity, a chunk at a time, with ids from ``first_ids`` on.

    This loop runs for every learner, so it keeps to local names and plain values.
    """

    def __init__(self, plan: Plan, moments: Moments, seed: int, now: int, learners: int,
                 first_ids: dict[str, int], taken_numbers: Set[str] = frozenset()) -> None:
        """:param taken_numbers: the numbers of the real certificates already issued."""
        self.plan, self.moment, self.seed, self.now = plan, moments.text, seed, now
        self.taken = taken_numbers
        self.random = random.Random(seed).random  # noqa: S311 (synthetic data, not secrets)
        # The k-th of n learners joins at a random moment of the k-th n-th of the year:
        # uniform over the year, and in the order of their ids.
        self.first_user, self.start, self.step = first_ids["users"], now - YEAR, YEAR / learners
        self.ids = dict(first_ids)
        self.rows: dict[str, list[dict]] = {}

    def chunk(self, size: int) -> dict[str, list[dict]]:
        """The next ``size`` learners: rows per raw table, in the order they can be written."""
        self.rows = {table: [] for table in RAW_TABLES}
        first = self.ids["users"]
        for user_id in range(first, first + size):
            self._learner(user_id)
        self.ids["users"] = first + size
        return self.rows

    def _learner(self, user_id: int) -> None:
        draw, communes = self.random, self.plan.communes
        commune, province = communes[int(draw() * len(communes))]
        audience = AUDIENCE_DRAW[int(draw() * len(AUDIENCE_DRAW))]
        joined = self.start + int((user_id - self.first_user + draw()) * self.step)
        name, moment = demo_name(user_id), self.moment(joined)
        self.rows["users"].append({
            "id": user_id, "full_name": name, "search_name": search_name_of(name),
            "email": f"demo-{self.seed}-{user_id:09d}@demo.onetouch.invalid",
            "province_code": province, "commune_code": commune, "audience": audience,
            "consent_at": moment, "created_at": moment, "registered_commune_code": commune,
            "registered_audience": audience,
            # Demo officials were confirmed when they joined, as a bulk import would do.
            "official_confirmed_at": moment if AudienceGroup(audience).needs_confirmation
            else None, **USER})
        sets = self.plan.course_sets[audience][int(draw() * len(COURSES_PER_LEARNER))]
        for course in sets[int(draw() * len(sets))]:
            self._enrolment((user_id, name, commune, audience), course, joined)

    def _enrolment(self, learner: tuple, course: DemoCourse, joined: int) -> None:
        draw, rows, ids = self.random, self.rows, self.ids
        user_id, name, commune, audience = learner
        enrolment_id = ids["enrolments"]
        ids["enrolments"] = enrolment_id + 1
        enrolled = min(joined + 1 + int(draw() * 14 * DAY), self.now)
        done = draw() < COMPLETION_RATE
        opened = self.moment(enrolled)
        ended = min(enrolled + HOUR + int(draw() * 29 * DAY), self.now) if done else None
        finished = self.moment(ended) if done else None
        rows["enrolments"].append({
            "id": enrolment_id, "user_id": user_id, "course_id": course.id,
            "enrolled_at": opened, "completed_at": finished, "final_passed_at": finished,
            "last_module_id": course.last_module, "commune_code": commune,
            "audience": audience})
        if course.last_module:
            rows["module_progress"].append({
                "id": self._next("module_progress"), "enrolment_id": enrolment_id,
                "module_id": course.last_module, "opened_at": opened, "completed_at": finished})
        if not done:
            return
        if course.final_quiz:
            rows["quiz_attempts"].append({
                "id": self._next("quiz_attempts"), "quiz_id": course.final_quiz,
                "user_id": user_id, "enrolment_id": enrolment_id, "started_at": finished,
                "submitted_at": finished, **ATTEMPT})
        if course.certificate:
            rows["certificates"].append({
                "id": self._next("certificates"), "user_id": user_id, "course_id": course.id,
                "enrolment_id": enrolment_id,
                "number": certificate_number(enrolment_id, ended, self.taken),
                "token": f"demo{enrolment_id:028d}", "learner_name": name,
                "issued_at": finished, **course.certificate})

    def _next(self, table: str) -> int:
        number = self.ids[table]
        self.ids[table] = number + 1
        return number

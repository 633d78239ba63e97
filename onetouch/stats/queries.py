"""Dashboard figures, read from the rollups only: never a raw table, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from onetouch.core.clock import today
from onetouch.geo.models import Commune, LegacyProvince, Province
from onetouch.stats.filters import Filters
from onetouch.stats.models import (
    NO_COURSE,
    AreaDay,
    AreaTotal,
    AreaWeek,
    DailyCourseActivity,
    DailyRegistrations,
    NationalWeek,
)
from onetouch.text import sorted_places

FIGURES = ("learners", "enrolments", "completions", "certificates")


@dataclass
class Row:
    code: str
    name: str
    learners: int = 0
    enrolments: int = 0
    completions: int = 0
    certificates: int = 0
    # Sign-ups a community team member made (province pages only, whatever the course).
    assisted: int = 0

    def add(self, other: dict) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + int(other.get(name) or 0))

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name,
                **{name: getattr(self, name) for name in FIGURES}}


@dataclass
class Totals:
    rows: list[Row] = field(default_factory=list)
    # Whether the rows carry the assisted sign-ups (a province's communes do).
    with_assisted: bool = False

    def total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.rows)


def _figures(model, filters: Filters):
    """Learners, then the course figures, in one pass. Learners are the registrations, or,
    with a course filter, the learners enrolled in that course: an enrolment is unique per
    learner and course, so its count is a count of learners."""
    registration = model.course_id == NO_COURSE
    learners = (func.sum(case((registration, 0), else_=model.enrolments)) if filters.course
                else func.sum(case((registration, model.registrations), else_=0)))
    return (learners.label("learners"),
            *(func.sum(case((registration, 0), else_=getattr(model, name))).label(name)
              for name in ("enrolments", "completions", "certificates")))


def _where(model, filters: Filters, registrations: bool = False) -> list:
    """The audience and course filters; ``registrations`` keeps the registration rows
    (which belong to no course) under a course filter."""
    conditions = []
    if filters.audience:
        conditions.append(model.audience == filters.audience)
    if filters.course:
        course = model.course_id == filters.course
        conditions.append(or_(model.course_id == NO_COURSE, course) if registrations else course)
    return conditions


def _periods(filters: Filters) -> list[tuple]:
    """(table, condition) pairs covering the date range: whole weeks, then the odd days."""
    start = filters.start or date(2000, 1, 1)
    end = filters.end or today() + timedelta(days=366)
    first_week = start + timedelta(days=(7 - start.weekday()) % 7)
    last_week = end - timedelta(days=(end.weekday() + 1) % 7) - timedelta(days=6)
    if first_week > last_week:
        return [(AreaDay, AreaDay.day.between(start, end))]
    parts = [(AreaWeek, AreaWeek.week.between(first_week, last_week))]
    if start < first_week:
        parts.append((AreaDay, AreaDay.day.between(start, first_week - timedelta(days=1))))
    if end > last_week + timedelta(days=6):
        parts.append((AreaDay, AreaDay.day.between(last_week + timedelta(days=7), end)))
    return parts


def by_area(session: Session, filters: Filters) -> Totals:
    """One row per province (2025 map) or per pre-2025 province, as the scheme says."""
    legacy = filters.scheme == "legacy"
    area = LegacyProvince if legacy else Province
    names = dict(session.execute(select(area.code, area.name)).all())
    rows = {code: Row(code, name) for code, name in names.items()}
    parts = [(AreaTotal, None)] if not (filters.start or filters.end) else _periods(filters)
    for model, period in parts:
        key = model.legacy_province_code if legacy else model.province_code
        conditions = _where(model, filters) + ([period] if period is not None else [])
        query = select(key, *_figures(model, filters)).where(and_(True, *conditions)) \
            .group_by(key)
        for code, *figures in session.execute(query):
            rows[code].add(dict(zip(FIGURES, figures, strict=True)))
    return Totals(sorted_places(rows.values()))


def by_commune(session: Session, province_code: str, filters: Filters) -> Totals:
    """One row per commune of a province, from the commune rollups of that province."""
    communes = session.execute(select(Commune.code, Commune.name)
                               .where(Commune.province_code == province_code)).all()
    rows = {code: Row(code, name) for code, name in communes}
    for code, learners, assisted in session.execute(_commune_query(
            DailyRegistrations, [func.sum(DailyRegistrations.registrations),
                                 func.sum(DailyRegistrations.assisted_signups)],
            province_code, filters, course_rows=False)):
        rows[code].assisted = int(assisted or 0)
        if not filters.course:  # with a course, the learners are its enrolments (below)
            rows[code].learners = int(learners or 0)
    course_figures = [func.sum(DailyCourseActivity.enrolments),
                      func.sum(DailyCourseActivity.completions),
                      func.sum(DailyCourseActivity.certificates)]
    for code, enrolments, completions, certificates in session.execute(_commune_query(
            DailyCourseActivity, course_figures, province_code, filters, course_rows=True)):
        rows[code].add({"enrolments": enrolments, "completions": completions,
                        "certificates": certificates})
        if filters.course:
            rows[code].learners = int(enrolments or 0)
    return Totals(sorted_places(rows.values()), with_assisted=True)


def _commune_query(model, figures: list, province_code: str, filters: Filters,
                   course_rows: bool):
    conditions = [model.province_code == province_code]
    if filters.audience:
        conditions.append(model.audience == filters.audience)
    if course_rows and filters.course:
        conditions.append(model.course_id == filters.course)
    if filters.start:
        conditions.append(model.day >= filters.start)
    if filters.end:
        conditions.append(model.day <= filters.end)
    return select(model.commune_code, *figures).where(*conditions).group_by(model.commune_code)


def weekly(session: Session, filters: Filters, province_code: str | None = None) -> list[dict]:
    """Registrations and completions per week (Monday), nationally or in one province."""
    model = AreaWeek if province_code else NationalWeek
    # Registrations are sign-ups, whatever the course; completions follow the course filter.
    conditions = _where(model, filters, registrations=True)
    if province_code:
        conditions.append(AreaWeek.province_code == province_code)
    if filters.start:
        conditions.append(model.week >= filters.start - timedelta(days=6))
    if filters.end:
        conditions.append(model.week <= filters.end)
    registration = model.course_id == NO_COURSE
    query = (select(model.week,
                    func.sum(case((registration, model.registrations), else_=0)),
                    func.sum(case((registration, 0), else_=model.completions)))
             .where(and_(True, *conditions)).group_by(model.week).order_by(model.week))
    return [{"week": week.isoformat() if hasattr(week, "isoformat") else str(week),
             "registrations": int(registrations or 0), "completions": int(completions or 0)}
            for week, registrations, completions in session.execute(query)]


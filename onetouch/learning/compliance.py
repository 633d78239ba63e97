"""Compliance with a required training: the figures per area (the provinces of the nation, or
every commune of a province) and the lists of learners who have not completed it.

Every count, list and export goes through the rules of ``required`` (``in_scope``,
``declared``, ``completed``, ``overdue``, joined by ``enrolment_join``), so that the page,
its lists and its files count the same people. The areas are the starting table, outer-joined
to the counts: an area with nobody in scope is listed with zeros, as it is the biggest gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.geo.models import Commune, Province
from onetouch.learning import required
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.text import place_key

FIGURES = ("in_scope", "declared", "enrolled", "completed", "overdue")
SORTS = ("name", *FIGURES, "percent")
LISTS = ("overdue", "pending")
LIST_SORTS = ("commune", "name")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    in_scope: int
    declared: int
    enrolled: int
    completed: int
    overdue: int

    @property
    def percent(self) -> float | None:
        """Completed of those in scope, one decimal; None where nobody is in scope."""
        return round(100 * self.completed / self.in_scope, 1) if self.in_scope else None


@dataclass(frozen=True)
class Report:
    rows: list[Area]
    total: Area


def _sum_where(condition, label: str):
    return func.sum(case((condition, 1), else_=0)).label(label)


def _area_key(province_code: str | None):
    return User.commune_code if province_code else User.province_code


def _in_scope_counts(requirement: RequiredTraining, province_code: str | None, on: date):
    """Per commune (of one province) or per province, the learners in scope and what they did
    in the course: one pass over them with their enrolment outer-joined."""
    key = _area_key(province_code)
    return (select(key.label("code"), func.count().label("in_scope"),
                   func.count(Enrolment.id).label("enrolled"),
                   _sum_where(required.completed(), "completed"),
                   _sum_where(required.overdue(requirement, on), "overdue"))
            .select_from(User).outerjoin(Enrolment, required.enrolment_join(requirement))
            .where(required.in_scope(requirement, province_code))
            .group_by(key).subquery())


def _declared_counts(requirement: RequiredTraining, province_code: str | None):
    key = _area_key(province_code)
    return (select(key.label("code"), func.count().label("declared")).select_from(User)
            .where(required.declared(requirement, province_code)).group_by(key).subquery())


def by_area(session: Session, requirement: RequiredTraining, province_code: str | None,
            on: date, sort: str = "name", descending: bool = False) -> Report:
    """Every commune of ``province_code``, or every province in the requirement's scope when it
    is None, with its figures, sorted by ``sort`` (one of ``SORTS``), and the total."""
    counts = _in_scope_counts(requirement, province_code, on)
    declared = _declared_counts(requirement, province_code)
    area = Commune if province_code else Province
    figures = [func.coalesce(declared.c.declared if name == "declared"
                             else getattr(counts.c, name), 0) for name in FIGURES]
    query = (select(area.code, area.name, *figures).select_from(area)
             .outerjoin(counts, counts.c.code == area.code)
             .outerjoin(declared, declared.c.code == area.code))
    if province_code:
        query = query.where(Commune.province_code == province_code)
    elif requirement.province_code:
        query = query.where(Province.code == requirement.province_code)
    rows = [Area(*row) for row in session.execute(query)]
    return Report(sort_rows(rows, sort, descending), _total(rows))


def _total(rows: list[Area]) -> Area:
    return Area("", "", *(sum(getattr(row, name) for row in rows) for name in FIGURES))


def sort_rows(rows: list[Area], sort: str, descending: bool) -> list[Area]:
    """By one column, then by name; an area with nobody in scope has no percentage and comes
    last whichever the direction."""
    by_name = sorted(rows, key=lambda row: (place_key(row.name), row.code))
    if sort == "name":
        return by_name[::-1] if descending else by_name
    known = [row for row in by_name if getattr(row, sort) is not None]
    unknown = [row for row in by_name if getattr(row, sort) is None]
    return sorted(known, key=lambda row: getattr(row, sort), reverse=descending) + unknown


def ranked(report: Report) -> list[Area]:
    """Highest share completed first, the areas with nobody in scope last (the chart)."""
    return sort_rows(report.rows, "percent", True)


@dataclass(frozen=True)
class Learner:
    id: int
    full_name: str
    commune: str
    phone: str | None
    email: str | None
    enrolled_at: datetime | None


@dataclass(frozen=True)
class LearnerPage:
    learners: list[Learner]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _listed(requirement: RequiredTraining, province_code: str, on: date, which: str,
            commune_code: str | None):
    """The learners in scope in a province (or one of its communes) who are overdue
    (``which="overdue"``) or have not completed the course yet (``"pending"``)."""
    scope = required.in_scope(requirement, province_code)
    condition = (required.overdue(requirement, on) if which == "overdue"
                 else ~required.completed())
    conditions = [scope, condition]
    if commune_code:
        conditions.append(User.commune_code == commune_code)
    return _columns(requirement).where(*conditions)


def _columns(requirement: RequiredTraining):
    """What a list shows of a learner: name, commune, contact, enrolment in the course."""
    return (select(User.id, User.full_name, Commune.name, User.phone, User.email,
                   Enrolment.enrolled_at)
            .select_from(User).join(Commune, Commune.code == User.commune_code)
            .outerjoin(Enrolment, required.enrolment_join(requirement)))


def _ordered(query, sort: str):
    people = (User.full_name, User.id)
    return query.order_by(*((Commune.name, *people) if sort == "commune" else people))


def learners_page(session: Session, requirement: RequiredTraining, province_code: str,
                  on: date, which: str, commune_code: str | None = None,
                  sort: str = "commune", number: int = 1) -> LearnerPage:
    """One page of a list, and how many the whole list holds. The page's ids are found first
    and the rest of their rows read for them alone (not for the whole province)."""
    ids = _listed(requirement, province_code, on, which, commune_code).with_only_columns(User.id)
    total = session.scalar(select(func.count()).select_from(ids.subquery()))
    page = list(session.scalars(_ordered(ids, sort).offset((number - 1) * PAGE_SIZE)
                                .limit(PAGE_SIZE)))
    found = {row[0]: Learner(*row) for row in session.execute(
        _columns(requirement).where(User.id.in_(page)))}
    return LearnerPage([found[user_id] for user_id in page], number, total or 0)


def all_learners(session: Session, requirement: RequiredTraining, province_code: str,
                 on: date, which: str, commune_code: str | None = None,
                 sort: str = "commune") -> list[Learner]:
    """The whole list, for an export."""
    query = _listed(requirement, province_code, on, which, commune_code)
    return [Learner(*row) for row in session.execute(_ordered(query, sort))]

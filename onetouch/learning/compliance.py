"""Compliance with a required training: the figures per area (the provinces of the nation, or
every commune of a province) and the lists of learners who have not completed it.

The lists and their exports go through the rules of ``required`` (``in_scope``,
``declared``, ``completed``, ``overdue``, joined by ``enrolment_join``); the figures are
read from the running counts of ``tallies``, which follow the same rules (``flask compliance
check`` compares them with the raw rows), and only those still in their grace period are
counted from the learners. The areas are the starting table, outer-joined
to the counts: an area with nobody in scope is listed with zeros, as it is the biggest gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.geo.models import Commune, Province
from onetouch.learning import required
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.learning.tallies import EnrolmentTally, PeopleTally
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


def _area_key(province_code: str | None, model=User):
    return model.commune_code if province_code else model.province_code


def _tallied(model, requirement: RequiredTraining, province_code: str | None) -> list:
    """The conditions on a tally table's key: the audience, the area."""
    conditions = [model.audience == requirement.audience]
    area = province_code or requirement.province_code
    if area:
        conditions.append(model.province_code == area)
    return conditions


def _people_counts(requirement: RequiredTraining, province_code: str | None):
    """Per area, those in scope and those declared but not confirmed (``tallies``)."""
    key, people = _area_key(province_code, PeopleTally), PeopleTally.people
    if requirement.audience.needs_confirmation:
        in_scope = func.sum(case((PeopleTally.confirmed, people), else_=0))
        declared = func.sum(case((PeopleTally.confirmed, 0), else_=people))
    else:
        in_scope, declared = func.sum(people), literal(0)
    return (select(key.label("code"), in_scope.label("in_scope"), declared.label("declared"))
            .where(*_tallied(PeopleTally, requirement, province_code))
            .group_by(key).subquery())


def _enrolment_counts(requirement: RequiredTraining, province_code: str | None):
    """Per area, the live enrolments of those in scope in the course, and the completed."""
    key = _area_key(province_code, EnrolmentTally)
    conditions = [EnrolmentTally.course_id == requirement.course_id,
                  *_tallied(EnrolmentTally, requirement, province_code)]
    if requirement.audience.needs_confirmation:
        conditions.append(EnrolmentTally.confirmed.is_(True))
    return (select(key.label("code"), func.sum(EnrolmentTally.enrolled).label("enrolled"),
                   func.sum(EnrolmentTally.completed).label("completed"))
            .where(*conditions).group_by(key).subquery())


def _in_grace_counts(requirement: RequiredTraining, province_code: str | None, start):
    """Per area, those in scope who have not completed but entered the scope since
    ``start``: still in their grace period, so not overdue. Counted from the learners who
    entered since (``required.entered_scope``: the confirmation, else the sign-up), so the
    cost follows a grace period's joiners rather than the audience (every citizen of the
    nation; ``benchmarks/README.md``): the confirmed, a range of
    ``ix_users_audience_confirmed``; the never confirmed, a range of each province in
    ``ix_users_required_scope``, counted in the province's order (no sort of tens of
    thousands of rows). Those needing confirmation are only in scope once confirmed."""
    key, scope = _area_key(province_code), required.in_scope(requirement, province_code)
    enrolment, not_completed = required.enrolment_join(requirement), ~required.completed()
    parts = [select(key.label("code"), literal(1).label("n")).select_from(User)
             .outerjoin(Enrolment, enrolment)
             .where(scope, User.official_confirmed_at >= start, not_completed)]
    if not requirement.audience.needs_confirmation:
        area = [] if province_code or requirement.province_code else [
            User.province_code.in_(select(Province.code))]  # each province a range
        parts.append(select(key, func.count()).select_from(User)
                     .outerjoin(Enrolment, enrolment)
                     .where(scope, *area, User.official_confirmed_at.is_(None),
                            User.created_at >= start, not_completed)
                     .group_by(key))
    entered = union_all(*parts).subquery()
    return (select(entered.c.code, func.sum(entered.c.n).label("in_grace"))
            .group_by(entered.c.code).subquery())


def _figures(requirement: RequiredTraining, province_code: str | None, on: date):
    """The columns of FIGURES, and the subqueries (code, ...) they come from. Overdue: in
    scope and not completed, less those still in their grace period; none before the
    deadline or once cancelled (``required.overdue``, counted the other way round)."""
    people = _people_counts(requirement, province_code)
    enrolments = _enrolment_counts(requirement, province_code)
    in_scope, completed = (func.coalesce(people.c.in_scope, 0),
                           func.coalesce(enrolments.c.completed, 0))
    counted, overdue = [people, enrolments], literal(0)
    start = required.grace_start(requirement, on)
    if start is not None:
        in_grace = _in_grace_counts(requirement, province_code, start)
        counted.append(in_grace)
        overdue = in_scope - completed - func.coalesce(in_grace.c.in_grace, 0)
    columns = [in_scope, func.coalesce(people.c.declared, 0),
               func.coalesce(enrolments.c.enrolled, 0), completed, overdue]
    return columns, counted


def by_area(session: Session, requirement: RequiredTraining, province_code: str | None,
            on: date, sort: str = "name", descending: bool = False) -> Report:
    """Every commune of ``province_code``, or every province in the requirement's scope when it
    is None, with its figures, sorted by ``sort`` (one of ``SORTS``), and the total."""
    area = Commune if province_code else Province
    columns, counted = _figures(requirement, province_code, on)
    query = select(area.code, area.name, *columns).select_from(area)
    for counts in counted:
        query = query.outerjoin(counts, counts.c.code == area.code)
    if province_code:
        query = query.where(Commune.province_code == province_code)
    elif requirement.province_code:
        query = query.where(Province.code == requirement.province_code)
    rows = [Area(*(int(value) if index > 1 else value for index, value in enumerate(row)))
            for row in session.execute(query)]
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
    return _columns(requirement).where(*_conditions(requirement, province_code, on, which,
                                                    commune_code))


def _conditions(requirement: RequiredTraining, province_code: str, on: date, which: str,
                commune_code: str | None) -> list:
    scope = required.in_scope(requirement, province_code)
    condition = (required.overdue(requirement, on) if which == "overdue"
                 else ~required.completed())
    conditions = [scope, condition]
    if commune_code:
        conditions.append(User.commune_code == commune_code)
    return conditions


def _columns(requirement: RequiredTraining):
    """What a list shows of a learner: name, commune, contact, enrolment in the course."""
    return (select(User.id, User.full_name, Commune.name, User.phone, User.email,
                   Enrolment.enrolled_at)
            .select_from(User).join(Commune, Commune.code == User.commune_code)
            .outerjoin(Enrolment, required.enrolment_join(requirement)))


def _ordered(query, sort: str):
    people = (User.full_name, User.id)
    return query.order_by(*((Commune.name, Commune.code, *people) if sort == "commune"
                            else people))


def _sizes(session: Session, requirement: RequiredTraining, province_code: str, on: date,
           which: str) -> dict[str, int]:
    """How many each commune's list holds: its figures (not completed: in scope less
    completed), from the running counts rather than a count of tens of thousands of rows."""
    rows = by_area(session, requirement, province_code, on).rows
    return {row.code: row.overdue if which == "overdue" else row.in_scope - row.completed
            for row in rows}


def _communes_of_page(session: Session, sizes: dict[str, int], skip: int):
    """The communes, in the list's order, that the rows ``skip`` to ``skip + PAGE_SIZE`` fall
    in, and how many rows of them come before the page."""
    codes, before, covered = [], 0, 0
    for code in session.scalars(select(Commune.code).where(Commune.code.in_(sizes))
                                .order_by(Commune.name, Commune.code)):
        size = sizes[code]
        if not codes and before + size <= skip:
            before += size
        elif size:
            codes.append(code)
            covered += size
            if before + covered >= skip + PAGE_SIZE:
                break
    return codes, skip - before


def learners_page(session: Session, requirement: RequiredTraining, province_code: str,
                  on: date, which: str, commune_code: str | None = None,
                  sort: str = "commune", number: int = 1) -> LearnerPage:
    """One page of a list, and how many the whole list holds. The sizes come from the
    figures; sorted by commune, the page is then looked for in the communes it falls in
    alone, and sorted by name, a page past the middle is counted from the end (the walk in
    ``ix_users_province_audience_name`` is then at most half the list). The page's ids are
    found first and the rest of their rows read for them alone."""
    sizes = _sizes(session, requirement, province_code, on, which)
    if commune_code:
        sizes = {commune_code: sizes.get(commune_code, 0)}
    total, skip = sum(sizes.values()), (number - 1) * PAGE_SIZE
    ids = (select(User.id).outerjoin(Enrolment, required.enrolment_join(requirement))
           .where(*_conditions(requirement, province_code, on, which, commune_code)))
    if sort == "commune":
        codes, skip = _communes_of_page(session, sizes, skip)
        ids = _ordered(ids.join(Commune, Commune.code == User.commune_code)
                       .where(User.commune_code.in_(codes)), sort)
        page = list(session.scalars(ids.offset(skip).limit(PAGE_SIZE)))
    elif skip >= total:
        page = []
    elif skip > total // 2:
        size = min(PAGE_SIZE, total - skip)
        backwards = ids.order_by(User.full_name.desc(), User.id.desc())
        page = list(session.scalars(backwards.offset(total - skip - size).limit(size)))[::-1]
    else:
        page = list(session.scalars(_ordered(ids, sort).offset(skip).limit(PAGE_SIZE)))
    found = {row[0]: Learner(*row) for row in session.execute(
        _columns(requirement).where(User.id.in_(page)))}
    return LearnerPage([found[user_id] for user_id in page], number, total)


def all_learners(session: Session, requirement: RequiredTraining, province_code: str,
                 on: date, which: str, commune_code: str | None = None,
                 sort: str = "commune") -> list[Learner]:
    """The whole list, for an export."""
    query = _listed(requirement, province_code, on, which, commune_code)
    return [Learner(*row) for row in session.execute(_ordered(query, sort))]

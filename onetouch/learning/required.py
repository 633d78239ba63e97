"""Required training: a course required of an audience group, nationally or in a province,
with a deadline; and the compliance report admins read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from onetouch.accounts import roles
from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.models import Course
from onetouch.geo.models import Commune, Province
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.learning.services import LearningError
from onetouch.learning.signals import requirement_created

OVERDUE_LIST_LIMIT = 500


def assign(session: Session, admin: User, course: Course, audience: AudienceGroup,
           province_code: str | None, starts_on: date, deadline: date) -> RequiredTraining:
    """Require a course of an audience group in a scope (None: the whole nation).

    :raises LearningError: outside the admin's scope, or with dates in the wrong order.
    """
    if not roles.can_manage_province(admin, province_code):
        raise LearningError(_l("Bạn chỉ giao khóa học bắt buộc trong phạm vi mình quản lý."))
    if deadline < starts_on:
        raise LearningError(_l("Hạn hoàn thành phải sau ngày bắt đầu."))
    if course.province_code and course.province_code != province_code:
        raise LearningError(_l("Khóa học của một tỉnh chỉ có thể bắt buộc trong tỉnh đó."))
    requirement = RequiredTraining(course_id=course.id, audience=audience,
                                   province_code=province_code, starts_on=starts_on,
                                   deadline=deadline, created_by_id=admin.id)
    session.add(requirement)
    session.flush()
    requirement_created.send(requirement, session=session, actor=admin)
    return requirement


def for_learner(session: Session, user: User, on: date) -> list[RequiredTraining]:
    """Requirements that apply to this learner and have started."""
    return list(session.scalars(
        select(RequiredTraining).join(RequiredTraining.course)
        .where(RequiredTraining.audience == user.audience,
               or_(RequiredTraining.province_code.is_(None),
                   RequiredTraining.province_code == user.province_code),
               RequiredTraining.starts_on <= on, Course.archived_at.is_(None))
        .order_by(RequiredTraining.deadline)))


def visible_to(session: Session, admin: User) -> list[RequiredTraining]:
    """Requirements an admin may look at: all for the ministry; national and own for a province."""
    query = select(RequiredTraining).order_by(RequiredTraining.deadline.desc())
    if not roles.is_ministry_admin(admin):
        query = query.where(or_(RequiredTraining.province_code.is_(None),
                                RequiredTraining.province_code.in_(roles.admin_provinces(admin))))
    return list(session.scalars(query))


def may_view(admin: User, requirement: RequiredTraining, province_code: str | None) -> bool:
    """A report for one province, or (ministry only) the whole nation by province."""
    if requirement.province_code and province_code != requirement.province_code:
        return False
    return roles.can_manage_province(admin, province_code)


@dataclass
class AreaRow:
    code: str
    name: str
    in_scope: int
    enrolled: int
    completed: int
    overdue: int


def _scope(requirement: RequiredTraining, province_code: str | None):
    conditions = [User.audience == requirement.audience, User.is_active]
    if province_code:
        conditions.append(User.province_code == province_code)
    return and_(*conditions)


def compliance(session: Session, requirement: RequiredTraining, province_code: str | None,
               on: date) -> list[AreaRow]:
    """Per commune of a province, or per province for the nation, in one grouped query."""
    overdue = on > requirement.deadline
    enrolment = and_(Enrolment.user_id == User.id, Enrolment.course_id == requirement.course_id,
                     Enrolment.left_at.is_(None))
    area, area_name = ((Commune.code, Commune.name) if province_code
                       else (Province.code, Province.name))
    join_on = (User.commune_code == Commune.code) if province_code else (
        User.province_code == Province.code)
    rows = session.execute(
        select(area, area_name, func.count(User.id), func.count(Enrolment.id),
               func.count(Enrolment.completed_at),
               func.sum(case((Enrolment.completed_at.is_(None), 1), else_=0)))
        .select_from(User).join(area.class_, join_on).outerjoin(Enrolment, enrolment)
        .where(_scope(requirement, province_code))
        .group_by(area, area_name).order_by(area_name)).all()
    return [AreaRow(code, name, total, enrolled, completed, (not_done or 0) if overdue else 0)
            for code, name, total, enrolled, completed, not_done in rows]


def overdue_learners(session: Session, requirement: RequiredTraining, province_code: str,
                     on: date) -> list[tuple[User, Enrolment | None]]:
    """Learners in scope in one province who missed the deadline, with their enrolment."""
    if on <= requirement.deadline:
        return []
    enrolment = and_(Enrolment.user_id == User.id, Enrolment.course_id == requirement.course_id,
                     Enrolment.left_at.is_(None))
    return list(session.execute(
        select(User, Enrolment).outerjoin(Enrolment, enrolment)
        .where(_scope(requirement, province_code), Enrolment.completed_at.is_(None))
        .order_by(User.commune_code, User.full_name).limit(OVERDUE_LIST_LIMIT)).all())

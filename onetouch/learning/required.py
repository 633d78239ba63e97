"""Required training: a course required of an audience group, nationally or in a province,
with a deadline; and the rules of compliance that the dashboard (``compliance.py``) counts by."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from onetouch.accounts import roles
from onetouch.accounts.models import User
from onetouch.content.models import Course
from onetouch.core.clock import VIETNAM, local_day
from onetouch.learning.models import Enrolment, RequiredTraining


def for_learner(session: Session, user: User, on: date) -> list[RequiredTraining]:
    """Requirements that apply to this learner, have started and were not cancelled."""
    return list(session.scalars(
        select(RequiredTraining).join(RequiredTraining.course)
        .where(RequiredTraining.audience == user.audience,
               or_(RequiredTraining.province_code.is_(None),
                   RequiredTraining.province_code == user.province_code),
               RequiredTraining.starts_on <= on, RequiredTraining.cancelled_at.is_(None),
               Course.archived_at.is_(None))
        .order_by(RequiredTraining.deadline)))


def own_deadline(requirement: RequiredTraining, user: User) -> date:
    """The learner's own last day: the deadline, or ``grace_days`` after they entered the
    scope when that is later; the same rule as ``overdue`` (overdue from the day after)."""
    entered = user.official_confirmed_at or user.created_at
    return max(requirement.deadline,
               local_day(entered) + timedelta(days=requirement.grace_days))


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


# The rules of compliance, as SQL conditions over User (and an outer-joined Enrolment of the
# requirement's course), so that every report, list and export counts the same people.

def enrolment_join(requirement: RequiredTraining):
    """The learner's live enrolment in the required course (outer-join it)."""
    return and_(Enrolment.user_id == User.id, Enrolment.course_id == requirement.course_id,
                Enrolment.left_at.is_(None))


def in_scope(requirement: RequiredTraining, province_code: str | None = None):
    """Learners the requirement applies to: active, of its audience, in its province; officials
    and team members only once confirmed (declared ones are counted apart, see ``declared``)."""
    conditions = [User.audience == requirement.audience, User.is_active]
    if requirement.audience.needs_confirmation:
        conditions.append(User.official_confirmed_at.is_not(None))
    area = province_code or requirement.province_code
    if area:
        conditions.append(User.province_code == area)
    return and_(*conditions)


def declared(requirement: RequiredTraining, province_code: str | None = None):
    """Learners who say they are of the audience but are not confirmed yet."""
    if not requirement.audience.needs_confirmation:
        return false()
    conditions = [User.audience == requirement.audience, User.is_active,
                  User.official_confirmed_at.is_(None)]
    area = province_code or requirement.province_code
    if area:
        conditions.append(User.province_code == area)
    return and_(*conditions)


def completed():
    """The learner completed the required course (with ``enrolment_join`` outer-joined), and
    its certificate, if any was issued, has not been revoked since."""
    return and_(Enrolment.completed_at.is_not(None), Enrolment.certificate_revoked_at.is_(None))


def entered_scope():
    """The day a learner came into the scope: confirmed as an official, or signed up."""
    return func.coalesce(User.official_confirmed_at, User.created_at)


def grace_start(requirement: RequiredTraining, on: date) -> datetime | None:
    """Who entered the scope before this moment is overdue on ``on`` unless they completed:
    their grace ended before that day as well. None once nobody can be (not yet due,
    cancelled)."""
    if on <= requirement.deadline or requirement.cancelled_at is not None:
        return None
    return datetime.combine(on - timedelta(days=requirement.grace_days), time(),
                            VIETNAM).astimezone(UTC)


def _past_own_deadline(requirement: RequiredTraining, on: date):
    """Past the learner's own deadline: the requirement's, or ``grace_days`` from the day they
    entered the scope when that is later; None once nobody can be (not yet due, cancelled)."""
    start = grace_start(requirement, on)
    return None if start is None else entered_scope() < start


def overdue(requirement: RequiredTraining, on: date):
    """Not completed, and past the learner's own deadline. Nobody, once it is cancelled."""
    past = _past_own_deadline(requirement, on)
    return false() if past is None else and_(~completed(), past)


def overdue_learner(requirement: RequiredTraining, on: date, province_code: str | None = None):
    """``in_scope`` and ``overdue``, tested on one learner (no enrolment joined: their
    completed enrolment is looked up). For a list that walks learners in its own order and
    stops at a page: it reads about as many learners as it shows, where the set of everyone
    overdue would first be made whole (tens of thousands in a province)."""
    past = _past_own_deadline(requirement, on)
    if past is None:
        return false()
    done = (select(Enrolment.id).where(enrolment_join(requirement), completed())
            .correlate(User).exists())
    return and_(in_scope(requirement, province_code), past, ~done)

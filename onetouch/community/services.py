"""A team member's helped people: their progress, the member's counts, and enrolling one of
them in a course with their consent. No ``request`` here; functions flush, the view commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.accounts.services import confirmed_team_member
from onetouch.catalog.services import live_courses
from onetouch.certificates.models import Certificate
from onetouch.community.models import AssistedEnrolment
from onetouch.community.signals import assisted_enrolment
from onetouch.content.models import Course
from onetouch.core.rules import RuleError
from onetouch.db import utcnow
from onetouch.learning import services as learning
from onetouch.learning.models import Enrolment

PAGE_SIZE = 20


class CommunityError(RuleError):
    """A rule of the team tools was broken."""


class NotHelped(LookupError):
    """The person was not signed up by this team member (or does not exist): 404."""


@dataclass
class CourseLine:
    title: str
    percent: int
    completed_at: object
    certificate_number: str | None


@dataclass
class HelpedLine:
    user: User
    courses: list[CourseLine] = field(default_factory=list)


@dataclass
class Counts:
    helped: int
    enrolled: int
    completed: int


def _signed_up(helper: User):
    """Everyone the member signed up: a deleted account stays, nameless, as work done."""
    return select(User).where(User.assisted_by_id == helper.id)


def _live(helper: User):
    return _signed_up(helper).where(User.deleted_at.is_(None))


def _kept(query):
    """Enrolments that count: live, or completed (a completion is kept even after leaving)."""
    return query.where(or_(Enrolment.left_at.is_(None), Enrolment.completed_at.is_not(None)))


def counts(session: Session, helper: User) -> Counts:
    """People helped, how many of them are enrolled in a course, and how many completed one."""
    helped = _live(helper).with_only_columns(User.id).scalar_subquery()
    people = select(func.count(distinct(Enrolment.user_id))).where(
        Enrolment.user_id.in_(helped))
    return Counts(
        helped=session.scalar(_signed_up(helper).with_only_columns(func.count())) or 0,
        enrolled=session.scalar(_kept(people)) or 0,
        completed=session.scalar(people.where(Enrolment.completed_at.is_not(None))) or 0)


def helped_page(session: Session, helper: User, page: int) -> list[HelpedLine]:
    """One page of the people the member helped, newest first, each with their courses."""
    users = list(session.scalars(_signed_up(helper).order_by(User.created_at.desc(), User.id.desc())
                                 .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    lines = {user.id: HelpedLine(user) for user in users}
    # A deleted account's learning is no longer anyone's to follow.
    live = [user.id for user in users if user.deleted_at is None]
    enrolments = list(session.scalars(_kept(
        select(Enrolment).join(Enrolment.course)
        .where(Enrolment.user_id.in_(live), Course.archived_at.is_(None)))
        .order_by(Enrolment.enrolled_at)))
    progress = learning.progress_by_enrolment(session, enrolments) if enrolments else {}
    numbers = dict(session.execute(select(Certificate.enrolment_id, Certificate.number).where(
        Certificate.enrolment_id.in_([e.id for e in enrolments]),
        Certificate.revoked_at.is_(None))).all()) if enrolments else {}
    for enrolment in enrolments:
        lines[enrolment.user_id].courses.append(CourseLine(
            enrolment.course.title, 100 if enrolment.completed_at else
            progress[enrolment.id].percent, enrolment.completed_at,
            numbers.get(enrolment.id)))
    return list(lines.values())


def helped_person(session: Session, helper: User, user_id: int) -> User:
    """:raises NotHelped: unless the member signed this (undeleted) person up."""
    user = session.scalar(_live(helper).where(User.id == user_id))
    if user is None:
        raise NotHelped(user_id)
    return user


def enrol_helped(session: Session, helper: User, learner: User, course: Course,
                 consent: bool) -> Enrolment:
    """Enrol a helped person, who is present and agrees: the consent is recorded, with the
    member's hand, and audited in the same transaction.

    :raises CommunityError: without consent, or when the member is no longer confirmed.
    :raises LearningError: when the course is not open to the learner.
    """
    if not confirmed_team_member(helper):
        raise CommunityError(_l("Chỉ thành viên tổ công nghệ số cộng đồng đã được xác nhận "
                                "mới được ghi danh giúp."))
    if not consent:
        raise CommunityError(_l("Cần người được giúp đồng ý ghi danh."), field="consent")
    if learner.assisted_by_id != helper.id or learner.deleted_at is not None:
        raise NotHelped(learner.id)
    enrolment = learning.enrol(session, learner, course)
    session.add(AssistedEnrolment(enrolment_id=enrolment.id, learner_id=learner.id,
                                  helper_id=helper.id, consented_at=utcnow()))
    session.flush()
    assisted_enrolment.send(learner, session=session, actor=helper, course_title=course.title)
    return enrolment


def open_courses(session: Session, learner: User) -> list[Course]:
    """Courses the learner may be enrolled in: live, national or of their province."""
    return [course for course in live_courses(session)
            if course.province_code in (None, learner.province_code)]

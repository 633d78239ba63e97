"""The day's deadline reminders: 7 days and 1 day before a requirement's deadline, and the
notice once a learner is overdue; one digest per learner and day, whatever the number of
requirements it lists.

Each reminder is first marked (learner, requirement, kind) with ON CONFLICT DO NOTHING, one
``INSERT ... SELECT`` per requirement and kind: a mark is made once, so running the schedule
again, that day or later, reminds nobody twice. The day's digest is then one outbox message to
every learner marked that day (``digest:<day>``), which lists their marks when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.content.models import Course
from onetouch.core.clock import VIETNAM
from onetouch.db import dialect_insert
from onetouch.learning import required
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.notifications import outbox
from onetouch.notifications.models import (
    Channel,
    Kind,
    Notification,
    Reminder,
    ReminderMark,
)

BEFORE = {7: Reminder.WEEK_BEFORE, 1: Reminder.DAY_BEFORE}


@dataclass(frozen=True)
class Scheduled:
    reminders: int
    digests: int


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), VIETNAM).astimezone(UTC)


def due_requirements(session: Session, day: date) -> list[RequiredTraining]:
    """Requirements in force that day (started, not cancelled, course not archived) whose
    deadline is 7 or 1 days away, or past."""
    return list(session.scalars(
        select(RequiredTraining).join(RequiredTraining.course)
        .where(RequiredTraining.cancelled_at.is_(None), Course.archived_at.is_(None),
               RequiredTraining.starts_on <= day,
               or_(RequiredTraining.deadline.in_([day + timedelta(days=n) for n in BEFORE]),
                   RequiredTraining.deadline < day))
        .order_by(RequiredTraining.id)))


def who(requirement: RequiredTraining, day: date):
    """(the reminder, the condition on User and the outer-joined Enrolment) for that day."""
    if requirement.deadline < day:
        return Reminder.OVERDUE, required.overdue(requirement, day)
    # Before the deadline: those whose own deadline is the requirement's, not those who came
    # late and have their grace days (they get the overdue notice when those end).
    last_entry = day_start(requirement.deadline - timedelta(days=requirement.grace_days - 1))
    return (BEFORE[(requirement.deadline - day).days],
            ~required.completed() & (required.entered_scope() < last_entry))


def mark(session: Session, requirement: RequiredTraining, day: date) -> None:
    reminder, condition = who(requirement, day)
    rows = (select(User.id, literal(requirement.id), literal(reminder.value), literal(day))
            .select_from(User)
            .outerjoin(Enrolment, required.enrolment_join(requirement))
            .where(required.in_scope(requirement), User.deleted_at.is_(None), condition))
    insert = dialect_insert(session)(ReminderMark).from_select(
        ["user_id", "requirement_id", "reminder", "day"], rows).on_conflict_do_nothing()
    session.execute(insert)


def schedule(session: Session, day: date) -> Scheduled:
    """Mark the day's reminders and enqueue each marked learner's digest; flushes only."""
    # Counted before and after (indexed counts), not by row counts: psycopg reports none for
    # an INSERT ... SELECT ... ON CONFLICT here.
    key = f"digest:{day.isoformat()}"
    before = _marks(session, day), _digests(session, key)
    for requirement in due_requirements(session, day):
        mark(session, requirement, day)
    outbox.enqueue(session, Kind.REMINDER_DIGEST, key, {"day": day.isoformat()},
                   User.id.in_(select(ReminderMark.user_id).where(ReminderMark.day == day)))
    return Scheduled(_marks(session, day) - before[0], _digests(session, key) - before[1])


def _marks(session: Session, day: date) -> int:
    return session.scalar(select(func.count()).select_from(ReminderMark)
                          .where(ReminderMark.day == day))


def _digests(session: Session, key: str) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.key == key,
                                 Notification.channel == Channel.IN_APP))

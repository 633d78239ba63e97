"""A learner's in-app notifications (the list, the unread count, marking read) and their
choice of channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.core import clock
from onetouch.notifications import messages
from onetouch.notifications.models import Channel, ChannelChoice, Kind, Notification

PAGE_SIZE = 50


@dataclass(frozen=True)
class Shown:
    id: int
    created_at: object
    read: bool
    message: messages.Message


def unread_count(session: Session, user_id: int) -> int:
    """One count on the (user, channel, read_at) index."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.channel == Channel.IN_APP,
        Notification.read_at.is_(None)))


def latest(session: Session, user_id: int) -> list[Shown]:
    """The learner's latest in-app messages, newest first; digests' lines in one more query."""
    notes = list(session.scalars(
        select(Notification).where(Notification.user_id == user_id,
                                   Notification.channel == Channel.IN_APP)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(PAGE_SIZE)))
    days = {date.fromisoformat(note.params["day"]) for note in notes
            if note.kind is Kind.REMINDER_DIGEST}
    lines = messages.digest_lines(session, user_id, days) if days else {}
    return [Shown(note.id, note.created_at, note.read_at is not None,
                  messages.render(note, lines.get(date.fromisoformat(note.params["day"]))
                                  if note.kind is Kind.REMINDER_DIGEST else None))
            for note in notes]


def mark_read(session: Session, user: User, note_id: int | None) -> int:
    """Mark one of the user's messages read, or all of them (None); how many changed."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.channel == Channel.IN_APP,
        Notification.read_at.is_(None))
    if note_id is not None:
        statement = statement.where(Notification.id == note_id)
    return session.execute(statement.values(read_at=clock.now())
                           .execution_options(synchronize_session=False)).rowcount


def choice_of(session: Session, user: User) -> ChannelChoice:
    """The user's choice, or the defaults (not added to the session)."""
    return session.get(ChannelChoice, user.id) or ChannelChoice(user_id=user.id, email=True,
                                                                 sms=True)


def choose(session: Session, user: User, *, email: bool, sms: bool) -> None:
    choice = session.get(ChannelChoice, user.id)
    if choice is None:
        choice = ChannelChoice(user_id=user.id)
        session.add(choice)
    choice.email, choice.sms = email, sms
    session.flush()

"""The outbox (one row per message, learner and channel), reminder marks and channel choices."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from onetouch.db import str_enum, utcnow
from onetouch.extensions import db


class Channel(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"


class Kind(enum.StrEnum):
    REQUIREMENT_ASSIGNED = "requirement_assigned"
    REMINDER_DIGEST = "reminder_digest"
    CERTIFICATE_ISSUED = "certificate_issued"
    CERTIFICATE_REVOKED = "certificate_revoked"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind of message, not a secret)


class Status(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker until ``due_at`` (its lease)
    SENT = "sent"
    FAILED = "failed"  # retries used up
    SKIPPED = "skipped"  # nobody to send to any more (no address, channel turned off, deleted)


class Reminder(enum.StrEnum):
    WEEK_BEFORE = "week_before"
    DAY_BEFORE = "day_before"
    OVERDUE = "overdue"


class Notification(db.Model):
    """One message to one learner on one channel. ``key`` names the event, so that enqueueing
    the same event again inserts nothing (the unique constraint, with ON CONFLICT DO NOTHING).
    What it says is built from ``kind`` and ``params`` when it is sent or shown, in the
    reader's language; in-app rows are delivered by being written (status sent)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # Key first: the schedule counts a day's digests by it.
        UniqueConstraint("key", "channel", "user_id"),
        # The worker's claim: due rows by status and time.
        Index("ix_notifications_status_due_at", "status", "due_at"),
        # The header's unread count and the learner's list.
        Index("ix_notifications_user_channel_read", "user_id", "channel", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"))
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, "kind"))
    key: Mapped[str] = mapped_column(String(80))
    params: Mapped[dict]
    status: Mapped[Status] = mapped_column(str_enum(Status, "status"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a pending row may be tried (again); for a row being sent, when its lease ends.
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # Written by the worker that claimed the row: only it may mark the row sent or failed.
    claim: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class ReminderMark(db.Model):
    """A reminder of one kind about one requirement, given to one learner on ``day``: at most
    once (the key), whichever day the schedule runs again. The day's digest lists them."""

    __tablename__ = "reminder_marks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("required_trainings.id"),
                                                primary_key=True)
    reminder: Mapped[Reminder] = mapped_column(str_enum(Reminder, "reminder"), primary_key=True)
    day: Mapped[date] = mapped_column(index=True)


class ChannelChoice(db.Model):
    """A learner's choice of channels besides in-app (always on); no row: the defaults."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
    sms: Mapped[bool] = mapped_column(default=True)

"""The delivery worker: claims due e-mail and SMS rows, sends them, marks them sent.

Claiming is one conditional UPDATE that moves up to ``batch`` due rows (pending, or being sent
by a worker whose lease ran out) to "sending" with this worker's claim and a lease, returning
their ids: on PostgreSQL its subquery locks the rows it picks ``FOR UPDATE SKIP LOCKED``, so two
workers pick different rows; on SQLite an UPDATE takes the database's single write lock before
it reads, so a second worker's UPDATE sees the first one's claims and skips them. Each claim is
committed before anything is sent.

Exactly once, and where it is only at least once: a row is sent only by the worker whose claim
it carries, which renews its lease (a conditional UPDATE, committed) just before sending and
marks the row sent right after. Another worker takes the row over only once the lease has
expired. So a message goes out twice only if a worker dies (or hangs longer than the lease)
after the provider accepted it and before its "sent" was committed; SMTP and SMS providers
offer no way to undo or ask, so that window, a few milliseconds per message, is the
at-least-once that remains. Failures are retried after ``NOTIFY_RETRY_SECONDS`` doubled at
each attempt, up to ``NOTIFY_MAX_ATTEMPTS``; then the row is marked failed.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from onetouch.accounts.mail import send_mail
from onetouch.accounts.models import User
from onetouch.core import clock
from onetouch.core.urls import site_url
from onetouch.notifications import messages, sms
from onetouch.notifications.models import (
    Channel,
    ChannelChoice,
    Kind,
    Notification,
    Status,
)

LEASE_SECONDS = 300
RETRY_SECONDS = 60
MAX_ATTEMPTS = 5


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried + self.skipped


def setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def lease() -> timedelta:
    return timedelta(seconds=setting("NOTIFY_LEASE_SECONDS", LEASE_SECONDS))


def claim(session: Session, batch: int, now: datetime) -> tuple[str, list[int]]:
    """Claim up to ``batch`` due rows for this worker, committed; (the claim, their ids)."""
    session.commit()  # SQLite: the UPDATE must begin its transaction, so that it reads the latest
    token = secrets.token_hex(16)
    due = (Notification.status.in_([Status.PENDING, Status.SENDING]), Notification.due_at <= now)
    picked = select(Notification.id).where(*due).order_by(Notification.due_at).limit(batch)
    if session.get_bind().dialect.name == "postgresql":
        # A CTE, materialised: as a subquery of IN, PostgreSQL may run a locking SELECT again
        # for each row it updates, and each run skips the rows the previous ones locked:
        # a claim of "2" took 6 rows. Run once, it returns at most ``batch``.
        cte = (picked.with_for_update(skip_locked=True).cte("picked")
               .prefix_with("MATERIALIZED"))
        picked = select(cte.c.id)
    ids = session.scalars(
        update(Notification).where(Notification.id.in_(picked), *due)
        .values(status=Status.SENDING, claim=token, due_at=now + lease(),
                attempts=Notification.attempts + 1)
        .returning(Notification.id).execution_options(synchronize_session=False)).all()
    session.commit()
    return token, sorted(ids)


def _mine(token: str, note_id: int):
    return (Notification.id == note_id, Notification.claim == token,
            Notification.status == Status.SENDING)


def renew(session: Session, token: str, note_id: int) -> bool:
    """Extend this worker's lease on the row just before sending; False if it is no longer
    ours (another worker took it over after the lease ran out)."""
    ours = session.scalars(
        update(Notification).where(*_mine(token, note_id))
        .values(due_at=clock.now() + lease()).returning(Notification.id)
        .execution_options(synchronize_session=False)).first() is not None
    session.commit()
    return ours


def finish(session: Session, token: str, note_id: int, **values) -> None:
    session.execute(update(Notification).where(*_mine(token, note_id))
                    .values(claim=None, **values).execution_options(synchronize_session=False))
    session.commit()


def deliver_one(session: Session, token: str, note_id: int, tally: Tally) -> None:
    if not renew(session, token, note_id):
        return
    note = session.get(Notification, note_id, populate_existing=True)
    try:
        sent = send(session, note)
    except Exception as error:  # noqa: BLE001 (any failure of a provider is retried)
        session.rollback()
        _failed(session, token, note, error, tally)
        return
    if sent:
        finish(session, token, note_id, status=Status.SENT, sent_at=clock.now())
        tally.sent += 1
    else:
        finish(session, token, note_id, status=Status.SKIPPED)
        tally.skipped += 1


def _failed(session: Session, token: str, note: Notification, error: Exception,
            tally: Tally) -> None:
    reason = f"{type(error).__name__}: {error}"[:1000]
    tally.errors.append(reason)
    if note.attempts >= setting("NOTIFY_MAX_ATTEMPTS", MAX_ATTEMPTS):
        finish(session, token, note.id, status=Status.FAILED, last_error=reason)
        tally.failed += 1
        return
    wait = setting("NOTIFY_RETRY_SECONDS", RETRY_SECONDS) * 2 ** (note.attempts - 1)
    finish(session, token, note.id, status=Status.PENDING, last_error=reason,
           due_at=clock.now() + timedelta(seconds=wait))
    tally.retried += 1


def send(session: Session, note: Notification) -> bool:
    """Send one e-mail or SMS; False when there is nobody to send it to any more."""
    user = session.get(User, note.user_id)
    choice = session.get(ChannelChoice, note.user_id)
    if user is None or user.deleted_at is not None or not user.is_active:
        return False
    digest = None
    if note.kind is Kind.REMINDER_DIGEST:
        day = date.fromisoformat(note.params["day"])
        digest = messages.digest_lines(session, user.id, {day}).get(day, [])
    message = messages.render(note, digest)
    if note.channel is Channel.EMAIL:
        if not user.email or (choice is not None and not choice.email):
            return False
        footer = ["", site_url() + messages.PAGE_PATH]
        send_mail(user.email, message.subject, "\n".join([*message.lines, *footer]))
        return True
    if not user.phone or (choice is not None and not choice.sms):
        return False
    sms.gateway().send(user.phone, message.sms())
    return True


def deliver_due(session: Session, batch: int, stop: threading.Event | None = None) -> Tally:
    """Claim and send batches until nothing is due (or ``stop`` is set)."""
    tally = Tally()
    while stop is None or not stop.is_set():
        token, ids = claim(session, batch, clock.now())
        if not ids:
            break
        for note_id in ids:
            if stop is not None and stop.is_set():
                release(session, token)
                break
            deliver_one(session, token, note_id, tally)
    return tally


def release(session: Session, token: str) -> None:
    """Hand back what this worker claimed and has not tried, due at once (stopping cleanly)."""
    session.execute(update(Notification)
                    .where(Notification.claim == token, Notification.status == Status.SENDING)
                    .values(status=Status.PENDING, claim=None, due_at=clock.now(),
                            attempts=Notification.attempts - 1)
                    .execution_options(synchronize_session=False))
    session.commit()

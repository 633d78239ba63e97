"""Writing the outbox, in the transaction of the event: receivers of the features' signals.

A message to many learners (a requirement for a whole audience, the day's reminder digests) is
one ``INSERT ... SELECT``, never a loop in Python: each channel's rows are one SELECT, joined by
UNION ALL, so that a national requirement reaches every confirmed official of the country, on
every channel, in one statement. Each row's unique key (learner, channel, event) with ON
CONFLICT DO NOTHING makes enqueueing the same event twice a no-op.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    cast,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.certificates.models import Certificate
from onetouch.db import UTCDateTime, dialect_insert, utcnow
from onetouch.learning import required
from onetouch.learning.models import RequiredTraining
from onetouch.notifications.models import Channel, ChannelChoice, Kind, Notification, Status

COLUMNS = ["user_id", "channel", "kind", "key", "params", "status", "created_at", "due_at",
           "attempts", "sent_at"]


def channel_condition(channel: Channel) -> ColumnElement[bool]:
    """Whom a channel reaches: in-app everyone; e-mail and SMS those with the address who did not
    turn the channel off (no choice made: on)."""
    if channel is Channel.EMAIL:
        return User.email.is_not(None) & func.coalesce(ChannelChoice.email, true())
    if channel is Channel.SMS:
        return User.phone.is_not(None) & func.coalesce(ChannelChoice.sms, true())
    return true()


def enqueue(session: Session, kind: Kind, key: str, params: dict,
            *recipients: ColumnElement[bool]) -> None:
    """One message to every active learner that ``recipients`` (conditions on User) select, on
    each channel they receive, in one statement: the channels' SELECTs joined by UNION ALL.
    In-app rows are delivered by being written."""
    now = utcnow()
    postgres = session.get_bind().dialect.name == "postgresql"
    stamp = literal(now, UTCDateTime())
    # PostgreSQL takes a bound parameter in a SELECT list for text: say it is JSON.
    data = cast(literal(params, JSON()), JSON()) if postgres else literal(params, JSON())
    rows = union_all(*(_channel_rows(channel, kind, key, data, stamp, recipients)
                       for channel in Channel))
    insert = dialect_insert(session)
    session.execute(insert(Notification).from_select(COLUMNS, rows)
                    .on_conflict_do_nothing(index_elements=["key", "channel", "user_id"]))


def _channel_rows(channel: Channel, kind: Kind, key: str, data, stamp,
                  recipients: tuple[ColumnElement[bool], ...]) -> Select:
    """The SELECT of one channel's rows, in the order of ``COLUMNS``."""
    in_app = channel is Channel.IN_APP
    status = Status.SENT if in_app else Status.PENDING
    return (select(User.id, literal(channel.value), literal(kind.value), literal(key), data,
                   literal(status.value), stamp, stamp, literal(0), stamp if in_app else null())
            .select_from(User)
            .outerjoin(ChannelChoice, ChannelChoice.user_id == User.id)
            .where(User.is_active, User.deleted_at.is_(None), channel_condition(channel),
                   *recipients))


# Receivers: module-level functions, so that connecting them again (each create_app) is a no-op.

def requirement_created(requirement: RequiredTraining, session: Session, **extra) -> None:
    """To every learner in the requirement's scope (confirmed officials, for officials)."""
    enqueue(session, Kind.REQUIREMENT_ASSIGNED, f"requirement:{requirement.id}",
            {"requirement": requirement.id, "name": requirement.name,
             "deadline": requirement.deadline.isoformat()},
            required.in_scope(requirement))


def certificate_issued(certificate: Certificate, session: Session, **extra) -> None:
    enqueue(session, Kind.CERTIFICATE_ISSUED, f"certificate:{certificate.id}:issued",
            {"number": certificate.number, "course": certificate.course_title},
            User.id == certificate.user_id)


def certificate_revoked(certificate: Certificate, session: Session, **extra) -> None:
    enqueue(session, Kind.CERTIFICATE_REVOKED, f"certificate:{certificate.id}:revoked",
            {"number": certificate.number, "course": certificate.course_title,
             "reason": certificate.revoked_reason or ""},
            User.id == certificate.user_id)


def password_reset(user: User, session: Session, **extra) -> None:
    """A security notice: if the owner did not reset it, they learn that someone did."""
    session.flush()
    enqueue(session, Kind.PASSWORD_RESET, f"password:{user.session_version}", {},
            User.id == user.id)

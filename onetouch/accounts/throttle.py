"""Per-account limits on guessing, held across every worker and node.

Each failed password check of an account (log-in, the current password asked before a
sensitive change, re-authentication) is a row of ``throttle_events`` in the database, the one
store every server already shares: no new infrastructure, and a second worker or a second
address starts from the same count. At ``LOGIN_FAILURES_PER_HOUR`` failures (100, as ASVS asks)
within the last hour, the account refuses further checks until the oldest of them is an hour
old: a temporary lock, never a permanent one, and a password reset by e-mail link clears the
count, so an attacker cannot keep the owner out. Unknown identifiers are counted under a keyed
hash of the identifier, so a lock says nothing about whether an account exists.

The count is read, and the failure written, while holding the user's row lock: two servers
checking the same account at once queue there, so no more outcomes are revealed than the
limit allows. A failure answers with an error status, which rolls a request back; the count
is marked to be committed all the same (``transaction.keep_when_refused``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from onetouch.accounts import passwords
from onetouch.accounts.models import ThrottleEvent, User
from onetouch.core import clock, security_log, transaction
from onetouch.core.rules import RuleError
from onetouch.db import lock_row

WINDOW = timedelta(hours=1)
LOGIN = "login"
RESET = "reset"


class Locked(RuleError):
    """Too many failures: no password is checked until ``until``."""

    def __init__(self, until: datetime, field: str = "password") -> None:
        at = until.astimezone(clock.VIETNAM).strftime("%H:%M")
        super().__init__(_l("Tài khoản này tạm khóa vì nhập sai mật khẩu quá nhiều lần. Vui "
                            "lòng thử lại sau %(time)s, hoặc đặt lại mật khẩu qua email.",
                            time=at), field=field)
        self.until = until

    @property
    def retry_after(self) -> int:
        return max(1, int((self.until - clock.now()).total_seconds()) + 1)


def user_key(user: User, kind: str = LOGIN) -> str:
    return f"{kind}:user:{user.id}"


def identifier_key(identifier: str) -> str:
    """An identifier nobody has registered: keyed, so the table holds no phone or address."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, identifier.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"{LOGIN}:id:{digest[:40]}"


def locked_until(session: Session, key: str, limit: int) -> datetime | None:
    """When the key may be tried again, or None if it may be now: the limit-th most recent
    event of the window ages out of it then."""
    at = session.scalar(select(ThrottleEvent.at)
                        .where(ThrottleEvent.key == key, ThrottleEvent.at > clock.now() - WINDOW)
                        .order_by(ThrottleEvent.at.desc()).offset(limit - 1).limit(1))
    return at + WINDOW if at is not None else None


def refuse_if_locked(session: Session, key: str, limit: int, field: str = "password") -> None:
    until = locked_until(session, key, limit)
    if until is not None:
        raise Locked(until, field)


def count(session: Session, key: str, limit: int) -> bool:
    """Add one event; True when it is the one that reaches the limit."""
    now = clock.now()
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key,
                                                ThrottleEvent.at <= now - WINDOW))
    session.add(ThrottleEvent(key=key, at=now))
    session.flush()
    transaction.keep_when_refused(session)
    return locked_until(session, key, limit) is not None


def failure_limit() -> int:
    return int(current_app.config["LOGIN_FAILURES_PER_HOUR"])


def check_password(session: Session, user: User, password: str, field: str = "password",
                   event: str = "login_failed") -> bool:
    """Is ``password`` the user's? Within the account's limit only.

    :raises Locked: the account has failed too often in the last hour; nothing was checked,
        or what was checked is not told.
    """
    key, limit = user_key(user), failure_limit()
    refuse_if_locked(session, key, limit, field)  # spares the hashing while locked
    right = passwords.verify_password(user.password_hash, password)
    lock_row(session, User, user.id)
    refuse_if_locked(session, key, limit, field)  # again, now that this account is ours
    if not right:
        _failed(session, key, limit, event, user=user.id)
    return right


def check_unknown(session: Session, identifier: str, password: str) -> None:
    """A log-in with an identifier nobody holds: as slow, and as limited, as a real one."""
    key, limit = identifier_key(identifier), failure_limit()
    refuse_if_locked(session, key, limit)
    passwords.verify_password(passwords.dummy_hash(), password)
    _failed(session, key, limit, "login_failed", user=None)


def _failed(session: Session, key: str, limit: int, event: str, **fields) -> None:
    security_log.event(event, **fields)
    if count(session, key, limit):
        security_log.event("account_locked", **fields, minutes=int(WINDOW.total_seconds() // 60))


def clear(session: Session, user: User) -> None:
    """The owner proved themselves another way (a reset link): the count starts again."""
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == user_key(user)))


def allow_reset_mail(session: Session, user: User) -> bool:
    """At most ``RESET_MAILS_PER_HOUR`` reset mails an hour to one account; counts this one."""
    key, limit = user_key(user, RESET), int(current_app.config["RESET_MAILS_PER_HOUR"])
    if locked_until(session, key, limit) is not None:
        security_log.event("reset_limited", user=user.id)
        return False
    count(session, key, limit)
    return True


def purge(session: Session) -> int:
    """Delete events older than the window (``flask users purge``); how many went."""
    result = session.execute(delete(ThrottleEvent).where(ThrottleEvent.at <= clock.now() - WINDOW))
    return result.rowcount or 0

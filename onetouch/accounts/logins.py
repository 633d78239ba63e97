"""Session rows: begin, check, renew by "remember me", end one or all. No ``request`` here.

A session is a row of ``user_sessions``; the browser holds its secret (in the signed session
cookie) and, when "remember me" was ticked, a second secret in a long-lived cookie. Only
SHA-256 digests of both are stored. What ends a session:

- its row is deleted (log-out, "end this session", "end the others");
- the user's ``session_version`` moves past the row's (a password change, an admin's "log out
  everywhere"): one UPDATE, seen by every server at once;
- its absolute lifetime (``SESSION_ABSOLUTE_HOURS``) since the secret was issued;
- idleness (``SESSION_IDLE_MINUTES``, shorter for admins): checked against a last-activity
  time kept in the signed cookie, see session.py.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from onetouch.accounts.models import User, UserSession
from onetouch.accounts.signals import sessions_ended
from onetouch.core import clock, security_log
from onetouch.db import updated

TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)
# Last seen moves at most this often, and only on a request that writes anyway.
LAST_SEEN_EVERY = timedelta(minutes=5)

# Built once: every request of a logged-in user runs it.
BY_TOKEN = (select(UserSession, User).join(User, UserSession.user_id == User.id)
            .where(UserSession.token_hash == bindparam("digest")))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: object) -> bool:
    return (isinstance(token, str) and len(token) == TOKEN_LENGTH and token.isascii()
            and token.replace("-", "").replace("_", "").isalnum())


@dataclass(frozen=True)
class Begun:
    row: UserSession
    user: User
    token: str  # for the session cookie
    remember: str | None  # for the remember-me cookie


def _setting(name: str) -> float:
    return float(current_app.config[name])


def absolute_lifetime() -> timedelta:
    return timedelta(hours=_setting("SESSION_ABSOLUTE_HOURS"))


def idle_limit(user: User) -> timedelta:
    """Admins' sessions end sooner: they can do more with one."""
    name = "SESSION_IDLE_MINUTES_ADMIN" if user.has_roles else "SESSION_IDLE_MINUTES"
    return timedelta(minutes=_setting(name))


def remember_lifetime() -> timedelta:
    value = current_app.config["REMEMBER_COOKIE_DURATION"]
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def may_remember(user: User) -> bool:
    """"Remember me" is for learners: an admin signs in with the password each time."""
    return not user.has_roles


def begin(session: Session, user: User, device: str, remember: bool) -> Begun:
    """A new session after the password was checked; old, dead rows of the user go."""
    now = clock.now()
    _purge_user(session, user, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    remember_token = secrets.token_urlsafe(TOKEN_BYTES) if remember and may_remember(user) \
        else None
    row = UserSession(user_id=user.id, token_hash=digest(token), version=user.session_version,
                      device=device, created_at=now, renewed_at=now, last_seen_at=now,
                      remember_hash=digest(remember_token) if remember_token else None,
                      remember_until=now + remember_lifetime() if remember_token else None)
    session.add(row)
    user.last_login_at = now
    session.flush()
    security_log.event("session_started", user=user.id, session=row.id,
                       remember=remember_token is not None)
    return Begun(row, user, token, remember_token)


def found(session: Session, token: str) -> tuple[UserSession, User] | None:
    """The live session row of a cookie's secret and its user; None once it has ended."""
    if not well_formed(token):
        return None
    pair = session.execute(BY_TOKEN, {"digest": digest(token)}).one_or_none()
    if pair is None:
        return None
    row, user = pair
    if not user.is_active or row.version != user.session_version:
        return None
    return row, user


def expired(row: UserSession, now: datetime) -> bool:
    return now >= row.renewed_at + absolute_lifetime()


def seen(row: UserSession, now: datetime) -> None:
    """Note activity on the row, at most every LAST_SEEN_EVERY (the caller writes anyway)."""
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        row.last_seen_at = now


def remembered(session: Session, remember_token: str) -> UserSession | None:
    """The row a remember-me token belongs to, whatever its state."""
    if not well_formed(remember_token):
        return None
    return session.scalar(select(UserSession)
                          .where(UserSession.remember_hash == digest(remember_token)))


def renew(session: Session, remember_token: str) -> Begun | None:
    """Return through "remember me": a valid token gets the session a new secret and is
    itself replaced, so each token works once. None if the token is unknown, expired, ended,
    or belongs to an admin now."""
    row = remembered(session, remember_token)
    if row is None:
        return None
    user, now = session.get(User, row.user_id), clock.now()
    if (not user.is_active or row.version != user.session_version or not may_remember(user)
            or row.remember_until is None or now >= row.remember_until):
        return None
    token, remember = secrets.token_urlsafe(TOKEN_BYTES), secrets.token_urlsafe(TOKEN_BYTES)
    # Conditional on the old token: of two requests that present it at once, one wins.
    if not updated(session, update(UserSession).where(
            UserSession.id == row.id, UserSession.remember_hash == row.remember_hash).values(
            token_hash=digest(token), remember_hash=digest(remember), renewed_at=now,
            last_seen_at=now)):
        return None
    session.expire(row)
    user.last_login_at = now
    security_log.event("session_renewed", user=user.id, session=row.id)
    return Begun(row, user, token, remember)


def of_user(session: Session, user: User) -> list[UserSession]:
    """The user's live sessions, most recently active first."""
    now = clock.now()
    rows = session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.version == user.session_version)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()
    return [row for row in rows if not expired(row, now)
            or (row.remember_until is not None and now < row.remember_until)]


def end(session: Session, row: UserSession, reason: str, **fields) -> None:
    # By id, not session.delete: ended twice at once (two tabs) is not an error.
    session.execute(delete(UserSession).where(UserSession.id == row.id))
    security_log.event("session_ended", user=row.user_id, session=row.id, reason=reason,
                       **fields)


def end_all(session: Session, user: User, reason: str, keep: UserSession | None = None,
            **fields) -> None:
    """End every session of the user at once (but ``keep``, the one asking): the version
    moves on, and the rows of the older version go."""
    user.session_version += 1
    if keep is not None:
        keep.version = user.session_version
    session.flush()
    session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                              UserSession.version != user.session_version))
    security_log.event("sessions_ended", user=user.id, reason=reason,
                       kept=keep.id if keep is not None else None, **fields)


def end_all_by_admin(session: Session, user: User, admin: User) -> None:
    """An admin logs the user out everywhere (a lost phone, a shared computer): audited."""
    end_all(session, user, "ended_by_admin", actor=admin.id,
            keep=admin.current_session if admin.id == user.id else None)
    sessions_ended.send(user, session=session, actor=admin)


def _purge_user(session: Session, user: User, now: datetime) -> None:
    """Rows of the user that can never open a session again."""
    session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.version != user.session_version,
            (UserSession.renewed_at <= now - absolute_lifetime())
            & or_(UserSession.remember_until.is_(None), UserSession.remember_until <= now))))


def purge(session: Session) -> int:
    """Every dead row of every user (``flask users purge``); how many went."""
    now = clock.now()
    stale = select(User.id).where(User.id == UserSession.user_id,
                                  User.session_version != UserSession.version).exists()
    result = session.execute(delete(UserSession).where(or_(
        stale, (UserSession.renewed_at <= now - absolute_lifetime())
        & or_(UserSession.remember_until.is_(None), UserSession.remember_until <= now))))
    return result.rowcount or 0


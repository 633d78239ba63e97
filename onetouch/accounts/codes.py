"""One-time codes to set a password without e-mail: issued by someone who may help the learner,
entered with the learner's phone at ``/password/code``. No ``request`` in here.

Most citizens signed up by a community team have a phone number and no e-mail, so a reset link
cannot reach them. A team member (for the people they signed up), an admin of the learner's
province or a ministry admin issues a code instead and reads it to the learner. A code is
8 characters from an alphabet without the look-alikes 0/O and 1/I/L, about 40 bits: enough
when guessing is limited to ``GUESSES_PER_HOUR`` failures per account (and per address by the
view's limiter). Only an HMAC of the code, keyed with the application's secret, is stored, so
a copy of the table cannot be searched offline; issuing a new code replaces the old one, and
using a code deletes it (one DELETE, so two requests cannot both use it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from onetouch.accounts import roles, services, throttle
from onetouch.accounts.models import AudienceGroup, ResetCode, User
from onetouch.accounts.signals import reset_code_issued
from onetouch.core import clock, security_log
from onetouch.core.rules import RuleError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on a phone
LENGTH = 8
RESET, WELCOME = "reset", "welcome"
LIFETIME = {RESET: timedelta(hours=24), WELCOME: timedelta(days=7)}
GUESSES_PER_HOUR = 10  # wrong codes per account before it is locked for the hour
ISSUES_PER_HOUR = 30  # codes one helper may issue in an hour
ISSUES_PER_LEARNER_PER_HOUR = 5


class CodeError(RuleError):
    """A code could not be issued or used; ``field`` names the form field."""


class CodeLocked(CodeError):
    def __init__(self, until: datetime) -> None:
        at = until.astimezone(clock.VIETNAM).strftime("%H:%M")
        super().__init__(_l("Đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau %(time)s.",
                            time=at), field="code")
        self.until = until

    @property
    def retry_after(self) -> int:
        return max(1, int((self.until - clock.now()).total_seconds()) + 1)


@dataclass(frozen=True)
class Issued:
    user: User
    code: str
    expires_at: datetime


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def clean(raw: str | None) -> str:
    """What the learner typed, as stored: spaces and dashes dropped, upper case."""
    return "".join((raw or "").split()).replace("-", "").upper()


def digest(code: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"reset-code:{code}".encode(), hashlib.sha256).hexdigest()


def may_issue(issuer: User, learner: User) -> bool:
    """Whether ``issuer`` may issue a code for ``learner``: the team member who signed them up
    (confirmed by the province), an admin of their province, a ministry admin. Never for an
    administrator (admins reset by e-mail: a province admin must not take over a ministry
    admin's account), nor for a deleted account."""
    if learner.deleted_at is not None or not learner.is_active or learner.id == issuer.id:
        return False
    if learner.has_roles:
        return False
    return (learner.assisted_by_id == issuer.id and _confirmed_team_member(issuer)) \
        or roles.can_manage_province(issuer, learner.province_code)


def _confirmed_team_member(user: User) -> bool:
    # Anyone may declare themselves a team member; only a confirmed one helps others.
    return user.audience is AudienceGroup.DIGITAL_TEAM and user.official_confirmed_at is not None


def issue(session: Session, learner: User, issuer: User | None, purpose: str = RESET) -> Issued:
    """A new code for ``learner``, replacing any earlier one; the audit entry (for a reset
    issued by a person) is written in the same transaction by the signal's receiver.

    :raises CodeError: too many codes issued in the last hour (by this helper, or for this
        learner).
    """
    if issuer is not None:
        _count_issue(session, f"code-issue:user:{issuer.id}", ISSUES_PER_HOUR)
        _count_issue(session, f"code-for:user:{learner.id}", ISSUES_PER_LEARNER_PER_HOUR)
    code = new_code()
    expires_at = clock.now() + LIFETIME[purpose]
    session.execute(delete(ResetCode).where(ResetCode.user_id == learner.id))
    session.add(ResetCode(user_id=learner.id, code_hash=digest(code), purpose=purpose,
                          issued_by_id=issuer.id if issuer else None, issued_at=clock.now(),
                          expires_at=expires_at))
    session.flush()
    if issuer is not None:
        reset_code_issued.send(learner, session=session, actor=issuer)
        security_log.event("reset_code_issued", user=learner.id, actor=issuer.id)
    return Issued(learner, code, expires_at)


def issue_many(session: Session, users: list[User], purpose: str = WELCOME) -> dict[int, Issued]:
    """Codes for many new accounts at once (a bulk import), by user id; no earlier code exists
    for a new account, and the import's one audit entry stands for all of them."""
    now = clock.now()
    expires_at = now + LIFETIME[purpose]
    issued = {user.id: Issued(user, new_code(), expires_at) for user in users}
    if issued:  # one executemany, no objects: an import issues thousands
        session.execute(insert(ResetCode), [
            {"user_id": user_id, "code_hash": digest(one.code), "purpose": purpose,
             "issued_at": now, "expires_at": expires_at} for user_id, one in issued.items()])
    return issued


def _count_issue(session: Session, key: str, limit: int) -> None:
    if throttle.locked_until(session, key, limit) is not None:
        raise CodeError(_l("Đã cấp quá nhiều mã trong một giờ. Vui lòng thử lại sau."))
    session.add(throttle.ThrottleEvent(key=key, at=clock.now()))


def use(session: Session, identifier: str, code: str, new_password: str) -> User:
    """Set the password of the account ``identifier`` names, if ``code`` is its live code;
    the code is spent, every session of the account ends, its failed log-ins are forgiven.

    :raises CodeLocked: too many wrong codes for this account (or identifier) this hour.
    :raises CodeError: no such account, wrong or expired code (one message for all three,
        so the page does not tell who has an account), or a password the policy refuses.
    """
    user = services.find_by_login(session, identifier)
    key = f"code:user:{user.id}" if user else _unknown_key(identifier)
    until = throttle.locked_until(session, key, GUESSES_PER_HOUR)
    if until is not None:
        raise CodeLocked(until)
    stored = session.scalar(select(ResetCode).where(ResetCode.user_id == user.id)) \
        if user is not None and user.is_active else None
    if not _matches(stored, clean(code)):
        security_log.event("reset_code_failed", user=user.id if user else None)
        if throttle.count(session, key, GUESSES_PER_HOUR):
            security_log.event("reset_code_locked", user=user.id if user else None)
        raise CodeError(_l("Số điện thoại hoặc mã không đúng, hoặc mã đã hết hạn."), field="code")
    # As a reset link does (every session ends, failed log-ins forgiven, and whatever else
    # listens to a reset); the policy is checked first: a refused password keeps the code.
    services.reset_password(session, user, new_password)
    spent = session.execute(delete(ResetCode).where(ResetCode.id == stored.id))
    if spent.rowcount != 1:  # another request used it a moment ago: all of this rolls back
        raise CodeError(_l("Số điện thoại hoặc mã không đúng, hoặc mã đã hết hạn."), field="code")
    session.execute(delete(throttle.ThrottleEvent).where(throttle.ThrottleEvent.key == key))
    security_log.event("password_reset_by_code", user=user.id, purpose=stored.purpose)
    return user


def _matches(stored: ResetCode | None, code: str) -> bool:
    if stored is None or stored.expires_at <= clock.now():
        digest(code)  # as slow as a real check
        return False
    return hmac.compare_digest(stored.code_hash, digest(code))


def _unknown_key(identifier: str) -> str:
    return "code:" + throttle.identifier_key(identifier).removeprefix(f"{throttle.LOGIN}:")

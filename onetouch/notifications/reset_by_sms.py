"""A learner asks for a password code by SMS themselves, where SMS is configured. No ``request``.

"Configured" is the setting ``PASSWORD_CODE_BY_SMS``, which an operator turns on once
``NOTIFY_SMS_GATEWAY`` names a real provider. In production the default log gateway never
counts, whatever the setting: the code would go to the server log in clear text and reach
nobody. In development (DEBUG, or not built by ``wsgi.py``) it counts, so the page can be
tried: the code appears in the server's log.

The code is the same one a helper issues (accounts/codes.py: hashed, 24 hours, single use, a
new one voids the old) and is sent through the gateway at once, not through the outbox: an
outbox row keeps its message's parameters in the database, and the code must exist in clear
text nowhere but in the SMS. If the provider refuses, the code is taken back (a savepoint)
and the learner's earlier code, if any, still works; the answer is the same either way.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from onetouch.accounts import codes, throttle
from onetouch.accounts.models import User
from onetouch.accounts.phone import normalise_phone
from onetouch.core import clock, security_log
from onetouch.core.rules import RuleError
from onetouch.notifications import sms

PER_PHONE_PER_HOUR = 3  # each costs the operator an SMS, and voids the code sent before
PER_ADDRESS_PER_HOUR = 10

log = logging.getLogger(__name__)


class TooMany(RuleError):
    """Too many requests for this number or from this address in the last hour."""

    def __init__(self, until: datetime) -> None:
        at = until.astimezone(clock.VIETNAM).strftime("%H:%M")
        super().__init__(_l("Đã yêu cầu mã quá nhiều lần. Vui lòng thử lại sau %(time)s.",
                            time=at), field="phone")
        self.until = until

    @property
    def retry_after(self) -> int:
        return max(1, int((self.until - clock.now()).total_seconds()) + 1)


def offered() -> bool:
    """Whether the learner may ask for a code by SMS (the page exists, the link shows)."""
    config = current_app.config
    if not config.get("PASSWORD_CODE_BY_SMS"):
        return False
    real = config.get("NOTIFY_SMS_GATEWAY", sms.DEFAULT_GATEWAY) != sms.DEFAULT_GATEWAY
    return real or not config.get("PRODUCTION")


def _key(kind: str, value: str) -> str:
    # Keyed like the log-in throttle's: the table holds no phone number or address.
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
    return f"code-sms:{kind}:{digest[:40]}"


def request_code(session: Session, phone: str, address: str, link: str) -> None:
    """Send a new code to the account registered with ``phone``, if there is one that may
    reset this way; nothing tells the caller whether there was.

    :raises TooMany: too many requests for this number, or from this address, this
        hour (counted alike for numbers registered or not).
    """
    number = normalise_phone(phone) or phone.strip()
    limits = ((_key("phone", number), PER_PHONE_PER_HOUR),
              (_key("ip", address or "-"), PER_ADDRESS_PER_HOUR))
    for key, limit in limits:
        until = throttle.locked_until(session, key, limit)
        if until is not None:
            raise TooMany(until)
    for key, limit in limits:
        throttle.count(session, key, limit)
    user = session.scalar(select(User).where(User.phone == number))
    if not _may_reset(user):
        security_log.event("reset_code_sms_requested", user=None)
        return
    security_log.event("reset_code_sms_requested", user=user.id)
    _send(session, user, link)


def _may_reset(user: User | None) -> bool:
    # As codes.may_issue: never an administrator (they reset by e-mail), nor a closed account.
    return user is not None and user.is_active and user.deleted_at is None \
        and not user.has_roles


def _send(session: Session, user: User, link: str) -> None:
    savepoint = session.begin_nested()
    issued = codes.issue(session, user, None)
    code = f"{issued.code[:4]} {issued.code[4:]}"
    try:
        sms.gateway().send(user.phone, _(
            "OneTouch: mã đặt lại mật khẩu của bạn là %(code)s, dùng được 24 giờ, một lần, "
            "tại %(link)s. Đừng đưa mã này cho ai.", code=code, link=link))
    except Exception:  # noqa: BLE001 (any provider's failure: the answer must not differ)
        savepoint.rollback()
        log.exception("SMS gateway refused a password code")
        security_log.event("reset_code_sms_failed", user=user.id)
    else:
        savepoint.commit()
        security_log.event("reset_code_sms_sent", user=user.id)

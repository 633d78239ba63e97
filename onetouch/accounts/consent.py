"""Consent to the privacy notice (Law on Personal Data Protection 91/2025/QH15): recorded with
the notice's version at sign-up, asked again when the notice changes, withdrawn with the
account. No ``request`` here; functions flush, the view commits.

The notice's text lives in ``templates/privacy/notice/<version>.html``, one file a version,
never edited once published: a consent row names the version, and so the very text, that was
agreed to. A new version is a new file and a new ``NOTICE_VERSION``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from onetouch.accounts.models import Consent, User
from onetouch.core import clock, security_log

# The version in force, and the day it took effect (shown on the notice).
NOTICE_VERSION = "2026-12-01"
NOTICE_DATE = date(2026, 12, 1)
# Every version ever published, newest first; "0" is the sign-up check box that came before
# the notice (consents recorded before it existed carry that version).
VERSIONS = (NOTICE_VERSION,)
BEFORE_NOTICE = "0"

REGISTER, ASSISTED, NOTICE = "register", "assisted", "notice"


def needs_acceptance(user: User) -> bool:
    """Whether the user has yet to accept the notice in force (a newer one, or any)."""
    return user.privacy_version != NOTICE_VERSION


def record(session: Session, user: User, via: str, recorded_by: User | None = None,
           at: datetime | None = None) -> Consent:
    """The user agrees to the notice in force, now (or ``at``: the moment of the sign-up)."""
    now = at or clock.now()
    given = Consent(user_id=user.id, notice_version=NOTICE_VERSION, given_at=now, via=via,
                    recorded_by_id=recorded_by.id if recorded_by else None)
    session.add(given)
    user.privacy_version = NOTICE_VERSION
    user.consent_at = now
    session.flush()
    security_log.event("consent_given", user=user.id, version=NOTICE_VERSION, via=via,
                       recorded_by=recorded_by.id if recorded_by else None)
    return given


def accept(session: Session, user: User) -> Consent | None:
    """A logged-in user accepts the notice in force; nothing new if they already had."""
    if not needs_acceptance(user):
        return None
    return record(session, user, NOTICE)


def withdraw(session: Session, user: User) -> int:
    """Every standing consent of the user ends now; how many there were."""
    result = session.execute(update(Consent).where(
        Consent.user_id == user.id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=clock.now()).execution_options(synchronize_session=False))
    user.privacy_version = None
    security_log.event("consent_withdrawn", user=user.id)
    return result.rowcount or 0


def history(session: Session, user: User) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.user_id == user.id)
                                .order_by(Consent.given_at, Consent.id)))

"""Commune officials and community team members are "declared" until a province admin confirms
them. The queue of declarations, confirming, refusing, and what a profile change undoes.

A refusal turns the user into a citizen (what they can be without anyone's word) and keeps
when it happened in ``User.official_rejected_at``, so that their profile tells them, and the
queue shows it if they declare themselves again. No ``request`` in here; functions flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from onetouch.accounts import roles
from onetouch.accounts.models import VERIFIED_AUDIENCES, AudienceGroup, User
from onetouch.accounts.services import AccountError
from onetouch.accounts.signals import official_confirmed, official_rejected
from onetouch.core import clock
from onetouch.db import updated

PAGE_SIZE = 50
BULK_LIMIT = 200  # ids confirmed in one request


class NotYours(Exception):
    """The user lives in a province the admin does not manage (the view answers 403)."""


def declared():
    """Active users who declared a verified audience and were not confirmed yet."""
    return and_(User.audience.in_(VERIFIED_AUDIENCES), User.official_confirmed_at.is_(None),
                User.is_active, User.deleted_at.is_(None))


@dataclass(frozen=True)
class Filters:
    """``provinces``: the provinces the queue covers (None: the whole nation)."""

    provinces: frozenset[str] | None
    commune_code: str | None = None
    audience: AudienceGroup | None = None


@dataclass(frozen=True)
class Page:
    users: list[User]
    number: int
    has_next: bool
    total: int


def queue(session: Session, filters: Filters, number: int = 1) -> Page:
    """Declarations waiting, oldest first: the longest-waiting are answered first."""
    query = select(User).where(declared())
    if filters.provinces is not None:
        query = query.where(User.province_code.in_(filters.provinces))
    if filters.commune_code:
        query = query.where(User.commune_code == filters.commune_code)
    if filters.audience:
        query = query.where(User.audience == filters.audience)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(User.created_at, User.id)
                           .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return Page(list(rows[:PAGE_SIZE]), number, len(rows) > PAGE_SIZE, total)


def _check(admin: User, user: User) -> None:
    if not roles.can_manage_province(admin, user.province_code):
        raise NotYours(user.id)


def confirm(session: Session, admin: User, user: User) -> None:
    """Confirm a declaration: from now on the user counts in required training.

    :raises NotYours: the user is of a province the admin does not manage.
    :raises AccountError: nothing to confirm (not declared, or confirmed a moment ago).
    """
    _check(admin, user)
    now = clock.now()
    # Conditional, so that two admins confirming at once write one confirmation, one entry.
    if not updated(session, update(User).where(User.id == user.id, declared())
                   .values(official_confirmed_at=now, official_confirmed_by_id=admin.id)):
        raise AccountError(_l("Người này không còn chờ xác nhận."))
    session.refresh(user)
    official_confirmed.send(user, session=session, actor=admin, audience=user.audience)


def reject(session: Session, admin: User, user: User) -> None:
    """Refuse a declaration: the user becomes a citizen, and is told so on their profile.

    :raises NotYours: the user is of a province the admin does not manage.
    :raises AccountError: nothing to refuse.
    """
    _check(admin, user)
    audience = user.audience
    if not updated(session, update(User).where(User.id == user.id, declared())
                   .values(audience=AudienceGroup.CITIZEN,
                           official_rejected_at=clock.now())):
        raise AccountError(_l("Người này không còn chờ xác nhận."))
    session.refresh(user)
    official_rejected.send(user, session=session, actor=admin, audience=audience)


def confirm_many(session: Session, admin: User, user_ids: Iterable[int]) -> int:
    """Confirm each of the users still waiting; the number confirmed.

    :raises NotYours: any of them is outside the admin's provinces (then none is confirmed:
        the view answers 403 and the transaction rolls back).
    """
    users = session.scalars(select(User).where(User.id.in_(set(user_ids)))).all()
    for user in users:
        _check(admin, user)
    confirmed = 0
    for user in users:
        try:
            confirm(session, admin, user)
        except AccountError:
            continue  # confirmed meanwhile, or no longer declared: nothing to do
        confirmed += 1
    return confirmed

"""Who may do what: learner (everyone), province admin (one province), ministry admin."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session

from onetouch.accounts.models import Role, RoleGrant, User
from onetouch.accounts.services import AccountError
from onetouch.accounts.signals import role_granted, role_revoked
from onetouch.core import clock, security_log
from onetouch.geo.models import Province


def is_ministry_admin(user: User) -> bool:
    return user.is_authenticated and any(g.role is Role.MINISTRY_ADMIN for g in user.roles)


def admin_provinces(user: User) -> set[str]:
    """Province codes the user administers (empty for a ministry admin: see is_ministry_admin)."""
    if not user.is_authenticated:
        return set()
    return {g.province_code for g in user.roles if g.role is Role.PROVINCE_ADMIN}


def is_admin(user: User) -> bool:
    # has_roles comes with the user: no query for the roles of the many who hold none.
    if not user.is_authenticated or not user.has_roles:
        return False
    return is_ministry_admin(user) or bool(admin_provinces(user))


def can_manage_province(user: User, province_code: str | None) -> bool:
    """May the user see and manage data of this province (None: the whole nation)?"""
    if is_ministry_admin(user):
        return True
    return province_code is not None and province_code in admin_provinces(user)


def grant(session: Session, user: User, role: Role, province_code: str | None,
          granted_by: User | None = None, granted_from: str | None = None) -> RoleGrant:
    """Give a role; granting what the user already holds changes nothing.

    :param granted_by: the ministry admin who grants it (None: nobody with an account).
    :param granted_from: "Dòng lệnh (root)" when it comes from the command line.
    """
    if role is Role.PROVINCE_ADMIN:
        if session.get(Province, province_code or "") is None:
            raise AccountError(_l("Hãy chọn tỉnh, thành phố cho quản trị tỉnh."),
                               field="province_code")
    else:
        province_code = None
    existing = session.scalar(select(RoleGrant).where(
        RoleGrant.user_id == user.id, RoleGrant.role == role, RoleGrant.revoked_at.is_(None),
        RoleGrant.province_code.is_(None) if province_code is None
        else RoleGrant.province_code == province_code))
    if existing:
        return existing
    role_grant = RoleGrant(user=user, role=role, province_code=province_code,
                           granted_by_id=granted_by.id if granted_by else None,
                           granted_from=granted_from)
    session.add(role_grant)
    session.flush()
    session.expire(user, ["roles", "has_roles"])
    role_granted.send(role_grant, session=session, actor=granted_by)
    _privilege_changed("role_granted", role_grant, granted_by, granted_from)
    return role_grant


def revoke(session: Session, role_grant: RoleGrant, revoked_by: User | None = None,
           revoked_from: str | None = None) -> None:
    """End a grant; the row stays, with who revoked it, from where, and when."""
    if role_grant.revoked_at is not None:
        return
    role_grant.revoked_from = revoked_from
    role_revoked.send(role_grant, session=session, actor=revoked_by)
    role_grant.revoked_at = clock.now()
    role_grant.revoked_by_id = revoked_by.id if revoked_by else None
    session.flush()
    session.expire(role_grant.user, ["roles", "has_roles"])
    _privilege_changed("role_revoked", role_grant, revoked_by, revoked_from)


def _privilege_changed(event: str, role_grant: RoleGrant, actor: User | None,
                       origin: str | None) -> None:
    security_log.event(event, actor=actor.id if actor else None, user=role_grant.user_id,
                       role=role_grant.role.value, province=role_grant.province_code,
                       grant=role_grant.id, command_line=origin)


def admin_required(view):
    """Logged in, and an admin of a province or of the ministry; otherwise 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not is_admin(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def ministry_admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not is_ministry_admin(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper

"""Writing the audit log (receivers of the features' signals, in the action's transaction) and
reading it (an admin sees the whole nation's entries, or their own provinces')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from onetouch.accounts import roles
from onetouch.accounts.models import RoleGrant, User
from onetouch.audit.models import Action, AuditEntry
from onetouch.core.clock import VIETNAM, date_text
from onetouch.core.operator import command_line_actor
from onetouch.geo.models import Commune, Province

PAGE_SIZE = 50


def record(session: Session, action: Action, *, actor: User | None, target_type: str,
           target_id: int | None, target_name: str, province_code: str | None,
           details: str = "") -> AuditEntry:
    """Add one entry to the session: it commits or rolls back with the action itself."""
    entry = AuditEntry(action=action, actor_id=actor.id if actor else None,
                       actor_name=actor.full_name if actor else command_line_actor(),
                       target_type=target_type, target_id=target_id,
                       target_name=target_name[:300], province_code=province_code,
                       details=details)
    session.add(entry)
    return entry


def _user_name(user: User) -> str:
    return f"{user.full_name} (#{user.id})"


# Receivers: module-level functions, so that connecting them again (each create_app) is a no-op.

def role_granted(role_grant: RoleGrant, session: Session, actor: User | None = None,
                 **extra) -> None:
    _role_changed(Action.ROLE_GRANTED, role_grant, session, actor, role_grant.granted_from)


def role_revoked(role_grant: RoleGrant, session: Session, actor: User | None = None,
                 **extra) -> None:
    _role_changed(Action.ROLE_REVOKED, role_grant, session, actor, role_grant.revoked_from)


def _role_changed(action: Action, role_grant: RoleGrant, session: Session,
                  actor: User | None, origin: str | None) -> None:
    # Names, as they were on the day: the entry is read by people, and never rewritten.
    province = session.get(Province, role_grant.province_code) if role_grant.province_code \
        else None
    scope = f" – {province.name}" if province else ""
    # A ministry admin named with --by acted through the command line: say which account ran it.
    through = f" ({origin})" if origin and actor is not None else ""
    record(session, action, actor=actor, target_type="user", target_id=role_grant.user_id,
           target_name=_user_name(role_grant.user), province_code=role_grant.province_code,
           details=f"{role_grant.role.label}{scope}{through}")


def sessions_ended(user: User, session: Session, actor: User | None = None, **extra) -> None:
    record(session, Action.SESSIONS_ENDED, actor=actor, target_type="user", target_id=user.id,
           target_name=_user_name(user), province_code=user.province_code)


def reset_code_issued(user: User, session: Session, actor: User | None = None,
                      **extra) -> None:
    record(session, Action.PASSWORD_RESET_BY_HELPER, actor=actor, target_type="user",
           target_id=user.id, target_name=_user_name(user), province_code=user.province_code,
           details=str(_l("Mã đặt lại mật khẩu dùng một lần, hiệu lực 24 giờ")))


def user_registered(user: User, session: Session, **extra) -> None:
    if user.assisted_by is None:
        return
    record(session, Action.ASSISTED_SIGNUP, actor=user.assisted_by, target_type="user",
           target_id=user.id, target_name=_user_name(user), province_code=user.province_code,
           details=session.get(Commune, user.commune_code).name)


def assisted_enrolment(user: User, session: Session, actor: User | None = None,
                       course_title: str = "", **extra) -> None:
    """A team member enrolled a person they helped, who agreed there and then."""
    record(session, Action.ASSISTED_ENROLMENT, actor=actor, target_type="user",
           target_id=user.id, target_name=_user_name(user), province_code=user.province_code,
           details=course_title)


def official_confirmed(user: User, session: Session, actor: User | None = None,
                       audience=None, **extra) -> None:
    _official(Action.OFFICIAL_CONFIRMED, user, session, actor, audience)


def official_rejected(user: User, session: Session, actor: User | None = None,
                      audience=None, **extra) -> None:
    _official(Action.OFFICIAL_REJECTED, user, session, actor, audience)


def _official(action: Action, user: User, session: Session, actor: User | None,
              audience) -> None:
    """``audience``: what the user declared (a refusal has made them a citizen since)."""
    commune = session.get(Commune, user.commune_code)
    record(session, action, actor=actor, target_type="user", target_id=user.id,
           target_name=_user_name(user), province_code=user.province_code,
           details=f"{(audience or user.audience).label} – {commune.name}")


def requirement_created(requirement, session: Session, actor: User | None = None,
                        **extra) -> None:
    """``requirement``: learning's RequiredTraining (a feature above this one)."""
    _requirement(Action.REQUIREMENT_CREATED, requirement, session, actor, _terms(
        session, requirement))


def requirement_edited(requirement, session: Session, actor: User | None = None,
                       changes: list[str] | None = None, **extra) -> None:
    """``changes``: what changed, one readable line each (from learning's lifecycle)."""
    _requirement(Action.REQUIREMENT_EDITED, requirement, session, actor,
                 "; ".join(changes or []))


def requirement_cancelled(requirement, session: Session, actor: User | None = None,
                          **extra) -> None:
    _requirement(Action.REQUIREMENT_CANCELLED, requirement, session, actor,
                 _terms(session, requirement))


def _terms(session: Session, requirement) -> str:
    province = session.get(Province, requirement.province_code) \
        if requirement.province_code else None
    scope = province.name if province else str(_l("Toàn quốc"))
    return (f"{requirement.audience.label}; {scope}; "
            f"{date_text(requirement.starts_on)} – {date_text(requirement.deadline)}; "
            f"{_l('gia hạn %(days)d ngày', days=requirement.grace_days)}")


def _requirement(action: Action, requirement, session: Session, actor: User | None,
                 details: str) -> None:
    name = requirement.title or requirement.course.title
    record(session, action, actor=actor, target_type="requirement", target_id=requirement.id,
           target_name=name, province_code=requirement.province_code, details=details)


def certificate_revoked(certificate, session: Session, actor: User | None = None,
                        **extra) -> None:
    """``certificate``: a Certificate of certificates (a feature above this one)."""
    record(session, Action.CERTIFICATE_REVOKED, actor=actor, target_type="certificate",
           target_id=certificate.id,
           target_name=f"{certificate.number} – {certificate.learner_name}",
           province_code=certificate.user.province_code,
           details=certificate.revoked_reason or "")


@dataclass(frozen=True)
class Filters:
    action: Action | None = None
    province_code: str | None = None
    since: date | None = None
    until: date | None = None
    target_type: str | None = None
    target_id: int | None = None


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    number: int
    has_next: bool
    total: int


def visible_to(viewer: User) -> Select:
    """Every entry for a ministry admin; a province admin's own provinces' entries."""
    query = select(AuditEntry)
    if roles.is_ministry_admin(viewer):
        return query
    provinces = roles.admin_provinces(viewer)
    return query.where(AuditEntry.province_code.in_(provinces) if provinces else false())


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), VIETNAM).astimezone(UTC)


def filtered(viewer: User, filters: Filters) -> Select:
    query = visible_to(viewer)
    conditions = [
        (filters.action, lambda: AuditEntry.action == filters.action),
        (filters.province_code, lambda: AuditEntry.province_code == filters.province_code),
        (filters.since, lambda: AuditEntry.at >= _start_of(filters.since)),
        (filters.until, lambda: AuditEntry.at < _start_of(filters.until + timedelta(days=1))),
        (filters.target_type, lambda: AuditEntry.target_type == filters.target_type),
        (filters.target_id is not None or None, lambda: AuditEntry.target_id == filters.target_id),
    ]
    for given, condition in conditions:
        if given:
            query = query.where(condition())
    return query


def page_of(session: Session, viewer: User, filters: Filters, number: int = 1) -> Page:
    query = filtered(viewer, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                           .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return Page(list(rows[:PAGE_SIZE]), number, len(rows) > PAGE_SIZE, total or 0)


def all_of(session: Session, viewer: User, filters: Filters) -> list[AuditEntry]:
    """For an export: every entry the filters select, newest first."""
    return list(session.scalars(filtered(viewer, filters)
                                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))

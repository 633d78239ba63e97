"""A requirement's life: assigned, edited, cancelled (kept for history). Each step writes its
audit entry through a signal, in the same transaction. No ``request`` in here; functions flush.

A deadline already past puts everyone in scope overdue at once (after their grace), so it is
refused unless the admin confirms it explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from onetouch.accounts import roles
from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.models import Course
from onetouch.core import clock
from onetouch.db import updated
from onetouch.geo.models import Province
from onetouch.learning.models import RequiredTraining
from onetouch.learning.services import LearningError
from onetouch.learning.signals import (
    requirement_cancelled,
    requirement_created,
    requirement_edited,
)

GRACE_DAYS = 30
MAX_GRACE_DAYS = 365


@dataclass(frozen=True)
class Terms:
    """What an admin may set, and change later: the course and the start stay as assigned."""

    audience: AudienceGroup
    province_code: str | None
    deadline: date
    title: str | None = None
    grace_days: int = GRACE_DAYS
    confirm_past: bool = False


def assign(session: Session, admin: User, course: Course, starts_on: date,
           terms: Terms) -> RequiredTraining:
    """Require a course of an audience group in a scope (None: the whole nation).

    :raises LearningError: outside the admin's scope, dates in the wrong order, a past
        deadline not confirmed, a grace period out of range.
    """
    _check_scope(admin, course, terms.province_code)
    _check_terms(terms, starts_on, deadline_changed=True)
    requirement = RequiredTraining(
        course_id=course.id, course=course, audience=terms.audience,
        province_code=terms.province_code, starts_on=starts_on, deadline=terms.deadline,
        title=_title(terms.title), grace_days=terms.grace_days, created_by_id=admin.id)
    session.add(requirement)
    session.flush()
    requirement_created.send(requirement, session=session, actor=admin)
    return requirement


def may_change(admin: User, requirement: RequiredTraining) -> bool:
    """A national requirement is the ministry's; a province's, its admins' too."""
    return roles.can_manage_province(admin, requirement.province_code)


def edit(session: Session, admin: User, requirement: RequiredTraining, terms: Terms) -> list[str]:
    """Change title, scope, deadline and grace; the readable list of what changed (empty:
    nothing did, and nothing is written).

    :raises LearningError: cancelled, outside the admin's scope, or terms refused.
    """
    if requirement.cancelled_at is not None:
        raise LearningError(_l("Yêu cầu này đã bị hủy, không sửa được nữa."))
    if not may_change(admin, requirement):
        raise LearningError(_l("Bạn chỉ sửa yêu cầu trong phạm vi mình quản lý."))
    _check_scope(admin, requirement.course, terms.province_code)
    _check_terms(terms, requirement.starts_on,
                 deadline_changed=terms.deadline != requirement.deadline)
    changes = _changes(session, requirement, terms)
    if not changes:
        return []
    requirement.title = _title(terms.title)
    requirement.audience, requirement.province_code = terms.audience, terms.province_code
    requirement.deadline, requirement.grace_days = terms.deadline, terms.grace_days
    requirement.updated_at = clock.now()
    session.flush()
    requirement_edited.send(requirement, session=session, actor=admin, changes=changes)
    return changes


def cancel(session: Session, admin: User, requirement: RequiredTraining) -> None:
    """Cancel: kept, shown as cancelled; gone from learners' lists and from overdue.

    :raises LearningError: outside the admin's scope, or cancelled already.
    """
    if not may_change(admin, requirement):
        raise LearningError(_l("Bạn chỉ hủy yêu cầu trong phạm vi mình quản lý."))
    # Conditional, so that two admins cancelling at once write one cancellation, one entry.
    if not updated(session, update(RequiredTraining).where(
            RequiredTraining.id == requirement.id, RequiredTraining.cancelled_at.is_(None))
            .values(cancelled_at=clock.now(), cancelled_by_id=admin.id)):
        raise LearningError(_l("Yêu cầu này đã bị hủy."))
    session.refresh(requirement)
    requirement_cancelled.send(requirement, session=session, actor=admin)


def _title(text: str | None) -> str | None:
    return " ".join((text or "").split())[:200] or None


def _check_scope(admin: User, course: Course, province_code: str | None) -> None:
    if not roles.can_manage_province(admin, province_code):
        raise LearningError(_l("Bạn chỉ giao khóa học bắt buộc trong phạm vi mình quản lý."),
                            field="province_code")
    if course.province_code and course.province_code != province_code:
        raise LearningError(_l("Khóa học của một tỉnh chỉ có thể bắt buộc trong tỉnh đó."),
                            field="province_code")


def _check_terms(terms: Terms, starts_on: date, deadline_changed: bool) -> None:
    if terms.deadline < starts_on:
        raise LearningError(_l("Hạn hoàn thành phải sau ngày bắt đầu."), field="deadline")
    if not 0 <= terms.grace_days <= MAX_GRACE_DAYS:
        raise LearningError(_l("Số ngày gia hạn phải từ 0 đến 365."), field="grace_days")
    if deadline_changed and terms.deadline < clock.today() and not terms.confirm_past:
        raise LearningError(_l("Hạn hoàn thành đã qua: mọi người trong phạm vi sẽ bị tính quá "
                               "hạn ngay. Nếu đúng ý bạn, hãy đánh dấu ô xác nhận."),
                            field="confirm_past")


def scope_name(session: Session, province_code: str | None) -> str:
    """The scope as people read it: the province's name, or "Toàn quốc"."""
    province = session.get(Province, province_code) if province_code else None
    return province.name if province else str(_l("Toàn quốc"))


def _changes(session: Session, requirement: RequiredTraining, terms: Terms) -> list[str]:
    pairs = (
        (_l("Tên"), requirement.title or "", _title(terms.title) or ""),
        (_l("Đối tượng"), requirement.audience.label, terms.audience.label),
        (_l("Phạm vi"), scope_name(session, requirement.province_code),
         scope_name(session, terms.province_code)),
        (_l("Hạn hoàn thành"), requirement.deadline.strftime("%d/%m/%Y"),
         terms.deadline.strftime("%d/%m/%Y")),
        (_l("Số ngày gia hạn"), str(requirement.grace_days), str(terms.grace_days)),
    )
    return [f"{label}: {old or '—'} → {new or '—'}" for label, old, new in pairs if old != new]

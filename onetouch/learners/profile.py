"""What an admin's page of one learner shows: contact and place, courses with progress,
certificates, the last activity, who signed them up, and the audit entries about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.audit import services as audit
from onetouch.audit.models import AuditEntry
from onetouch.certificates import services as certificates
from onetouch.certificates.models import Certificate
from onetouch.learning import services as learning
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.learning.services import Progress


@dataclass(frozen=True)
class Profile:
    user: User
    enrolments: list[Enrolment]
    progress: dict[int, Progress]
    certificates: list[Certificate]
    last_activity: datetime | None
    audit: list[AuditEntry]
    more_audit: bool


def last_activity(session: Session, user: User) -> datetime | None:
    """The latest of a log-in, an enrolment, a lesson opened or completed."""
    moments = session.execute(
        select(func.max(Enrolment.enrolled_at), func.max(ModuleProgress.opened_at),
               func.max(ModuleProgress.completed_at))
        .select_from(Enrolment).outerjoin(ModuleProgress,
                                          ModuleProgress.enrolment_id == Enrolment.id)
        .where(Enrolment.user_id == user.id)).one()
    known = [moment for moment in (user.last_login_at, *moments) if moment is not None]
    return max(known) if known else None


def profile(session: Session, viewer: User, user: User) -> Profile:
    """Everything the page shows; the audit entries are those ``viewer`` may read."""
    enrolments = learning.enrolments_of(session, user)
    entries = audit.page_of(session, viewer, audit.Filters(target_type="user", target_id=user.id))
    return Profile(user=user, enrolments=enrolments,
                   progress=learning.progress_by_enrolment(session, enrolments),
                   certificates=certificates.of_learner(session, user.id),
                   last_activity=last_activity(session, user),
                   audit=entries.entries, more_audit=entries.has_next)

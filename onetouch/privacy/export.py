"""Everything OneTouch keeps about one person, as plain data: the JSON download and the
printable page are both drawn from ``personal_data``. Nothing about another person goes in:
who helped or administered is named by role, never by name, and the people a team member
signed up are only counted.

The password is kept only as an Argon2 hash and the session secrets only as SHA-256 digests;
neither is given out (a copy of them opens nothing, but a leaked file should not help anyone
guess). Security log lines are in the server's log, not in the database, and are not part of
the copy (README, "Personal data").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from onetouch.accounts import consent, logins
from onetouch.accounts.models import RoleGrant, User
from onetouch.audit.models import Action, AuditEntry
from onetouch.certificates.models import Certificate
from onetouch.content.models import Course, Module, Quiz
from onetouch.geo.models import Commune, Province
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.notifications.models import ChannelChoice, Notification
from onetouch.quizzes.models import QuizAttempt

FORMAT = "onetouch-personal-data/1"


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _place(session: Session, commune_code: str | None) -> dict | None:
    commune = session.get(Commune, commune_code) if commune_code else None
    if commune is None:
        return None
    province = session.get(Province, commune.province_code)
    return {"commune_code": commune.code, "commune": commune.name,
            "province_code": province.code, "province": province.name}


def personal_data(session: Session, user: User, made_at: datetime) -> dict:
    """The whole copy, in the order a person reads it."""
    return {
        "format": FORMAT,
        "made_at": _time(made_at),
        "account": _account(session, user),
        "consents": _consents(session, user),
        "roles": _roles(session, user),
        "sessions": _sessions(session, user),
        "enrolments": _enrolments(session, user),
        "quiz_attempts": _attempts(session, user),
        "certificates": _certificates(session, user),
        "audit_entries": _audit(session, user),
        "notifications": _notifications(session, user),
    }


def _account(session: Session, user: User) -> dict:
    helped = session.scalar(select(func.count()).select_from(User)
                            .where(User.assisted_by_id == user.id))
    return {
        "id": user.id, "full_name": user.full_name, "phone": user.phone, "email": user.email,
        "place": _place(session, user.commune_code),
        "audience": user.audience.value, "audience_label": user.audience.label,
        "position": user.position,
        "birth_year": user.birth_year,
        "registered_place": _place(session, user.registered_commune_code),
        "registered_audience": user.registered_audience.value
        if user.registered_audience else None,
        "created_at": _time(user.created_at), "last_login_at": _time(user.last_login_at),
        "consent_at": _time(user.consent_at), "privacy_notice_version": user.privacy_version,
        # A province admin's answer to the declaration as an official or team member.
        "official_confirmed_at": _time(user.official_confirmed_at),
        "official_refused_at": _time(user.official_rejected_at),
        "signed_up_by_a_team_member": user.assisted_by_id is not None,
        "people_signed_up_by_you": helped,
        "password": "argon2 hash kept, not included",
    }


def _consents(session: Session, user: User) -> list[dict]:
    return [{"notice_version": each.notice_version, "given_at": _time(each.given_at),
             "via": each.via, "recorded_by_a_team_member": each.recorded_by_id is not None,
             "withdrawn_at": _time(each.withdrawn_at)}
            for each in consent.history(session, user)]


def _roles(session: Session, user: User) -> list[dict]:
    grants = session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)
                             .order_by(RoleGrant.granted_at)).all()
    return [{"role": grant.role.value, "role_label": grant.role.label,
             "province_code": grant.province_code, "granted_at": _time(grant.granted_at),
             "revoked_at": _time(grant.revoked_at)} for grant in grants]


def _sessions(session: Session, user: User) -> list[dict]:
    return [{"device": row.device, "started_at": _time(row.created_at),
             "last_seen_at": _time(row.last_seen_at),
             "remembered_until": _time(row.remember_until)}
            for row in logins.of_user(session, user)]


def _enrolments(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(Enrolment, Course.slug, Course.title)
                           .join(Course, Course.id == Enrolment.course_id)
                           .where(Enrolment.user_id == user.id)
                           .order_by(Enrolment.enrolled_at, Enrolment.id)).all()
    progress = _progress(session, [enrolment.id for enrolment, *_ in rows])
    return [{"course": slug, "course_title": title, "enrolled_at": _time(e.enrolled_at),
             "completed_at": _time(e.completed_at), "left_at": _time(e.left_at),
             "final_exam_passed_at": _time(e.final_passed_at),
             "place_when_enrolled": _place(session, e.commune_code),
             "audience_when_enrolled": e.audience.value if e.audience else None,
             "modules": progress.get(e.id, [])} for e, slug, title in rows]


def _progress(session: Session, enrolment_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    rows = session.execute(select(ModuleProgress, Module.slug, Module.title)
                           .join(Module, Module.id == ModuleProgress.module_id)
                           .where(ModuleProgress.enrolment_id.in_(enrolment_ids))
                           .order_by(ModuleProgress.opened_at, ModuleProgress.id)).all()
    for row, slug, title in rows:
        found.setdefault(row.enrolment_id, []).append(
            {"module": slug, "module_title": title, "opened_at": _time(row.opened_at),
             "completed_at": _time(row.completed_at)})
    return found


def _attempts(session: Session, user: User) -> list[dict]:
    rows = session.execute(select(QuizAttempt, Quiz.title)
                           .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
                           .where(QuizAttempt.user_id == user.id)
                           .order_by(QuizAttempt.started_at, QuizAttempt.id)).all()
    return [{"quiz_title": title, "status": a.status.value, "started_at": _time(a.started_at),
             "submitted_at": _time(a.submitted_at), "score_percent": a.score_percent,
             "passed": a.passed, "answers": a.answers, "results": a.results}
            for a, title in rows]


def _certificates(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                           .order_by(Certificate.issued_at)).all()
    return [{"number": c.number, "learner_name": c.learner_name, "course_title": c.course_title,
             "hours": c.hours, "issuing_unit": c.issuing_unit, "issued_at": _time(c.issued_at),
             "revoked_at": _time(c.revoked_at), "revoked_reason": c.revoked_reason}
            for c in rows]


def _audit(session: Session, user: User) -> list[dict]:
    """Entries about the person or their certificates. Who did it is told by kind (an
    administrator, the command line, the person), not by name: that is another person's data."""
    numbers = select(Certificate.id).where(Certificate.user_id == user.id)
    rows = session.scalars(select(AuditEntry).where(or_(
        (AuditEntry.target_type == "user") & (AuditEntry.target_id == user.id),
        (AuditEntry.target_type == "certificate") & AuditEntry.target_id.in_(numbers)))
        .order_by(AuditEntry.at, AuditEntry.id)).all()
    return [{"at": _time(entry.at), "action": entry.action.value,
             "action_label": entry.action.label, "by": _by(entry, user),
             "details": entry.details} for entry in rows]


def _by(entry: AuditEntry, user: User) -> str:
    if entry.actor_id == user.id:
        return "you"
    if entry.actor_id is None:
        return "command_line"
    return "team_member" if entry.action is Action.ASSISTED_SIGNUP else "administrator"


def _notifications(session: Session, user: User) -> dict:
    """The channels chosen and every message kept for the person (what it was about, how and
    when it went); the text itself is rebuilt from these, as the notifications page does."""
    choice = session.get(ChannelChoice, user.id)
    messages = session.scalars(select(Notification).where(Notification.user_id == user.id)
                               .order_by(Notification.created_at, Notification.id))
    return {"email": choice.email if choice else True, "sms": choice.sms if choice else True,
            "messages": [{"kind": note.kind.value, "channel": note.channel.value,
                          "status": note.status.value, "created_at": _time(note.created_at),
                          "sent_at": _time(note.sent_at), "read_at": _time(note.read_at)}
                         for note in messages]}

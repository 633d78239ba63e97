"""Issuing, finding and revoking certificates. Functions flush; callers commit."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, func, literal, select, true
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.catalog.outline import CourseOutline
from onetouch.certificates.models import Certificate
from onetouch.certificates.signals import certificate_issued, certificate_revoked
from onetouch.content.models import Course
from onetouch.core import clock
from onetouch.core.rules import RuleError
from onetouch.db import UTCDateTime, dialect_insert, utcnow
from onetouch.learning.models import Enrolment
from onetouch.learning.repair import repair_completions

# Crockford's base-32 letters: no I, L, O or U to misread when typed from paper.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER = re.compile(r"^OT-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
TOKEN_BYTES = 24  # 192 random bits in the public URL
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
ISSUE_TRIES = 5


class CertificateError(RuleError):
    """A certificate rule was broken."""


def new_number(year: int) -> str:
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"OT-{year}-{code[:4]}-{code[4:]}"


def normalise_number(text: str) -> str:
    """What people type from paper: lower case, spaces, O for 0, I or L for 1."""
    cleaned = re.sub(r"[\s]", "", (text or "").upper())
    head, _, tail = cleaned.partition("-")
    tail = tail.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return f"{head}-{tail}" if tail else cleaned


def issue(session: Session, enrolment: Enrolment) -> Certificate | None:
    """The certificate of a completed enrolment, issued exactly once; None if the course
    gives none. Announces a new one with ``certificate_issued``.

    One statement when it issues: an ``INSERT ... SELECT`` that copies the learner's name and
    the course's details, and inserts nothing when the course gives no certificate. Racing
    callers all insert with ON CONFLICT DO NOTHING; the unique (user, course) key keeps one
    row and the others read that one back.
    """
    if enrolment.completed_at is None:
        return None
    for _ in range(ISSUE_TRIES):
        certificate = session.scalars(_insert_certificate(session, enrolment)).first()
        if certificate is not None:
            certificate_issued.send(certificate, session=session)
            return certificate
        gives, existing = session.execute(
            select(Course.has_certificate, Certificate)
            .outerjoin(Certificate, (Certificate.course_id == Course.id)
                       & (Certificate.user_id == enrolment.user_id))
            .where(Course.id == enrolment.course_id)).one()
        if existing is not None or not gives:
            return existing
        # Otherwise the new number (or token) was taken already: draw again.
    # Only reachable if every new number collided with an existing one, five times over.
    raise CertificateError(_l("Không cấp được số chứng chỉ; hãy thử lại."))


ISSUE_COLUMNS = ["user_id", "course_id", "enrolment_id", "number", "token", "learner_name",
                 "course_title", "hours", "issuing_unit", "issued_at"]


def _insert_certificate(session: Session, enrolment: Enrolment):
    """INSERT the enrolment's certificate ... SELECT from its learner and course, if the course
    gives one; ON CONFLICT DO NOTHING (issued already, or a number taken) RETURNING it."""
    now = utcnow()
    values = (select(User.id, Course.id, literal(enrolment.id), literal(new_number(now.year)),
                     literal(secrets.token_urlsafe(TOKEN_BYTES)), User.full_name, Course.title,
                     Course.estimated_hours, Course.issuing_unit, literal(now, UTCDateTime()))
              .select_from(User).join(Course, true())
              .where(User.id == enrolment.user_id, Course.id == enrolment.course_id,
                     Course.has_certificate))
    insert = dialect_insert(session)
    return (insert(Certificate).from_select(ISSUE_COLUMNS, values).on_conflict_do_nothing()
            .returning(Certificate))


def certificate_of(session: Session, enrolment: Enrolment) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.user_id == enrolment.user_id,
                                                    Certificate.course_id == enrolment.course_id))


def course_certificate(session: Session, user_id: int, outline: CourseOutline,
                       enrolment: Row) -> Row | None:
    """The certificates' part of a learner's state in a course (see learning.state): the
    number of their certificate and when it was revoked, once the course is complete."""
    if enrolment.completed_at is None or not outline.has_certificate:
        return None
    return session.connection().execute(
        COURSE_CERTIFICATE, {"user_id": user_id, "course_id": outline.id}).first()


# Built once and run as plain rows (see learning.state).
COURSE_CERTIFICATE = select(Certificate.number, Certificate.revoked_at).where(
    Certificate.user_id == bindparam("user_id"), Certificate.course_id == bindparam("course_id"))


def backfill(session: Session) -> int:
    """Complete the enrolments whose rules are met, then issue every certificate that
    completed enrolments should have; safe to run again. The number of certificates issued.
    """
    before = _count(session)
    repair_completions(session)  # a completion issues its certificate through the signal
    missing = session.scalars(
        select(Enrolment).join(Course, Course.id == Enrolment.course_id)
        .outerjoin(Certificate, (Certificate.user_id == Enrolment.user_id)
                   & (Certificate.course_id == Enrolment.course_id))
        .where(Enrolment.completed_at.is_not(None), Course.has_certificate,
               Certificate.id.is_(None))).all()
    for enrolment in missing:
        issue(session, enrolment)
    return _count(session) - before


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Certificate))


def by_token(session: Session, token: str) -> Certificate | None:
    if not TOKEN.match(token or ""):
        return None
    return session.scalar(select(Certificate).where(Certificate.token == token))


def of_learner(session: Session, user_id: int) -> list[Certificate]:
    return list(session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                .order_by(Certificate.issued_at.desc())))


def by_number(session: Session, number: str) -> Certificate | None:
    number = normalise_number(number)
    if not NUMBER.match(number):
        return None
    return session.scalar(select(Certificate).where(Certificate.number == number))


def revoke(session: Session, certificate: Certificate, admin: User, reason: str) -> None:
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise CertificateError(_l("Hãy ghi rõ lý do thu hồi."))
    if certificate.revoked_at is not None:
        raise CertificateError(_l("Chứng chỉ này đã bị thu hồi."))
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason[:1000]
    certificate.revoked_by_id = admin.id
    # Required training reads this (learning may not import certificates): the learner no
    # longer counts as having completed the course there.
    enrolment = session.get(Enrolment, certificate.enrolment_id)
    if enrolment is not None:
        enrolment.certificate_revoked_at = certificate.revoked_at
    session.flush()
    certificate_revoked.send(certificate, session=session, actor=admin)


def revoked(session: Session) -> list[Certificate]:
    return list(session.scalars(select(Certificate).where(Certificate.revoked_at.is_not(None))
                                .order_by(Certificate.revoked_at)))


def mask_name(full_name: str) -> str:
    """"Nguyễn Văn An" -> "Nguyễn V. A.": enough to recognise, too little to harvest."""
    parts = full_name.split()
    if len(parts) <= 1:
        return (parts[0][0] + ".") if parts else ""
    return " ".join([parts[0], *(part[0] + "." for part in parts[1:])])


@dataclass
class Answer:
    """What the public verification says about a certificate (or the lack of one)."""

    certificate: Certificate | None

    @property
    def status(self) -> str:
        if self.certificate is None:
            return "not_found"
        return "revoked" if self.certificate.revoked_at else "valid"


def public_answer(certificate: Certificate | None) -> dict:
    """What anyone may learn about a certificate by its token: status, masked name, course."""
    answer = Answer(certificate)
    if certificate is None:
        return {"status": answer.status}
    # A learner who deleted their account: the certificate still answers, without a name.
    learner = None if certificate.learner_deleted else mask_name(certificate.learner_name)
    body = {"status": answer.status, "certificate": {
        "number": certificate.number, "learner": learner,
        "learner_deleted": certificate.learner_deleted,
        "course": certificate.course_title, "hours": certificate.hours,
        "issuing_unit": certificate.issuing_unit,
        "issued_on": clock.local_date(certificate.issued_at)}}
    if certificate.revoked_at:
        body["revocation"] = {"date": clock.local_date(certificate.revoked_at),
                              "reason": certificate.revoked_reason}
    return body

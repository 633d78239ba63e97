"""Bulk onboarding: keep an upload, preview it, import it in one transaction. No ``request``.

Importing creates an account for each new row (officials and team members confirmed by the
import, as a province admin would), a one-time sign-in code valid 7 days for each, enrols every
row of the province in the chosen courses, and records one BULK_IMPORT audit entry. Rows that
match an account change nothing but a missing confirmation or enrolment, so the same file
imported twice changes nothing the second time. An imported account has no password: its
hash is a marker no password verifies, until the owner sets one with the code; its owner is
asked to accept the privacy notice at first log-in, as for accounts an operator creates.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from onetouch.accounts import codes
from onetouch.accounts.models import User
from onetouch.accounts.signals import user_registered
from onetouch.audit.models import Action
from onetouch.audit.services import record
from onetouch.content.models import Course
from onetouch.core import clock
from onetouch.core.rules import RuleError
from onetouch.db import lock_row
from onetouch.geo.models import Province
from onetouch.learning.models import Enrolment
from onetouch.learning.signals import enrolled
from onetouch.onboarding import rows as judged
from onetouch.onboarding.models import ImportUpload
from onetouch.onboarding.reading import Table

UPLOAD_LIFETIME = timedelta(hours=24)
NO_PASSWORD = "!imported"  # noqa: S105 (not a hash: no password verifies against it)


class OnboardingError(RuleError):
    """The import cannot go ahead; nothing was written."""


@dataclass
class Outcome:
    rows: list[judged.Row]
    issued: dict[int, codes.Issued] = field(default_factory=dict)
    created: int = 0
    confirmed: int = 0
    enrolled: int = 0


def store(session: Session, table: Table, province_code: str, file_name: str,
          actor: User | None) -> ImportUpload:
    # Uploads never confirmed hold people's data to no purpose after their day: each new
    # upload deletes those (confirmed ones were emptied already).
    session.execute(delete(ImportUpload).where(
        ImportUpload.created_at < clock.now() - UPLOAD_LIFETIME))
    upload = ImportUpload(id=secrets.token_urlsafe(16), province_code=province_code,
                          file_name=file_name[:200], rows=table.rows,
                          created_by_id=actor.id if actor else None)
    session.add(upload)
    session.flush()
    return upload


def pending(session: Session, upload_id: str) -> ImportUpload | None:
    """An upload still waiting for its confirmation (for a day at most), or None."""
    upload = session.get(ImportUpload, upload_id)
    if upload is None or upload.created_at < clock.now() - UPLOAD_LIFETIME:
        return None
    return upload


def courses_for(session: Session, province_code: str, slugs: list[str]) -> list[Course]:
    """The courses named, each open to the province; :raises OnboardingError: otherwise."""
    if not slugs:
        return []
    found = {c.slug: c for c in session.scalars(select(Course).where(Course.slug.in_(slugs)))}
    for slug in slugs:
        course = found.get(slug)
        if course is None or course.archived_at is not None or course.province_code not in (
                None, province_code):
            raise OnboardingError(_l("Không có khóa học \"%(slug)s\" cho tỉnh này.", slug=slug))
    return [found[slug] for slug in slugs]


def import_rows(session: Session, province_code: str, raw_rows: list[dict],
                courses: list[Course], actor: User | None,
                choices: dict[int, str] | None = None, file_name: str = "") -> Outcome:
    """Import every row that is not an error, in the caller's transaction."""
    outcome = Outcome(judged.judge(session, province_code, raw_rows, choices))
    new = [_account(row, province_code, actor) for row in outcome.rows
           if row.status == judged.NEW]
    session.add_all(new)
    session.flush()
    for user in new:
        user_registered.send(user, session=session)
    outcome.created = len(new)
    outcome.issued = codes.issue_many(session, new, codes.WELCOME)
    ours = new + [row.user for row in outcome.rows
                  if row.status == judged.EXISTING and row.user.province_code == province_code]
    outcome.confirmed = _confirm(ours[len(new):], actor)
    outcome.enrolled = sum(_enrol(session, ours, course) for course in courses)
    _audit(session, province_code, actor, outcome, courses, file_name)
    return outcome


def _account(row: judged.Row, province_code: str, actor: User | None) -> User:
    now = clock.now()
    user = User(full_name=row.full_name, phone=row.phone, email=row.email,
                password_hash=NO_PASSWORD, province_code=province_code,
                commune_code=row.commune.code, audience=row.audience,
                position=row.position or None, consent_at=now, privacy_version=None,
                registered_commune_code=row.commune.code, registered_audience=row.audience)
    if row.audience.needs_confirmation:
        user.official_confirmed_at = now
        user.official_confirmed_by_id = actor.id if actor else None
    row.user = user
    return user


def _confirm(existing: list[User], actor: User | None) -> int:
    """The file says who these people are: declared officials among them become confirmed."""
    count = 0
    for user in existing:
        if user.audience.needs_confirmation and user.official_confirmed_at is None:
            user.official_confirmed_at = clock.now()
            user.official_confirmed_by_id = actor.id if actor else None
            count += 1
    return count


def _enrol(session: Session, users: list[User], course: Course) -> int:
    """Enrol those not enrolled yet (one query per chunk, one insert for all); how many."""
    ids = [user.id for user in users]
    already: set[int] = set()
    for start in range(0, len(ids), judged.CHUNK):
        already.update(session.scalars(select(Enrolment.user_id).where(
            Enrolment.course_id == course.id,
            Enrolment.user_id.in_(ids[start:start + judged.CHUNK]))))
    now = clock.now()
    rows = [{"user_id": user.id, "course_id": course.id, "enrolled_at": now,
             "commune_code": user.commune_code, "audience": user.audience}
            for user in users if user.id not in already]
    if not rows:
        return 0
    session.execute(insert(Enrolment), rows)  # one executemany: no object per row to flush
    added = [row["user_id"] for row in rows]
    for start in range(0, len(added), judged.CHUNK):
        for enrolment in session.scalars(select(Enrolment).where(
                Enrolment.course_id == course.id,
                Enrolment.user_id.in_(added[start:start + judged.CHUNK]))):
            enrolled.send(enrolment, session=session)
    return len(rows)


def _audit(session: Session, province_code: str, actor: User | None, outcome: Outcome,
           courses: list[Course], file_name: str) -> None:
    province = session.get(Province, province_code)
    counts = {status: sum(r.status == status for r in outcome.rows)
              for status in (judged.NEW, judged.EXISTING, judged.ERROR)}
    details = str(_l("%(new)d tài khoản mới, %(existing)d đã có, %(errors)d dòng lỗi; "
                     "%(confirmed)d cán bộ được xác nhận; %(enrolled)d lượt ghi danh",
                     new=outcome.created, existing=counts[judged.EXISTING],
                     errors=counts[judged.ERROR], confirmed=outcome.confirmed,
                     enrolled=outcome.enrolled))
    if courses:
        details += " (" + ", ".join(course.slug for course in courses) + ")"
    record(session, Action.BULK_IMPORT, actor=actor, target_type="province", target_id=None,
           target_name=f"{province.name}: {file_name}" if file_name else province.name,
           province_code=province_code, details=details)


def confirm(session: Session, upload: ImportUpload, courses: list[Course], actor: User,
            choices: dict[int, str]) -> Outcome:
    """Import a previewed upload once; its rows are dropped from the upload afterwards.

    :raises OnboardingError: already imported.
    """
    upload = lock_row(session, ImportUpload, upload.id)  # two clicks on "confirm": one import
    if upload.confirmed_at is not None:
        raise OnboardingError(_l("Tệp này đã được nhập rồi."))
    outcome = import_rows(session, upload.province_code, upload.rows, courses, actor,
                          choices, upload.file_name)
    upload.confirmed_at, upload.rows = clock.now(), []
    session.flush()
    return outcome

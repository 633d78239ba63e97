"""Rollups follow every event, in the event's own transaction.

Each event adds to one commune-day row and to the three area rows (total, week, day) of the
commune's pre-2025 province, with INSERT ... ON CONFLICT DO UPDATE: the row is created at
its first event and incremented after, without a read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.signals import user_registered
from onetouch.certificates.models import Certificate
from onetouch.certificates.signals import certificate_issued, certificate_revoked
from onetouch.core.clock import local_day
from onetouch.db import dialect_insert
from onetouch.geo.models import Commune
from onetouch.learning.models import Enrolment
from onetouch.learning.signals import course_completed, enrolled
from onetouch.stats.models import (
    NO_COURSE,
    AreaDay,
    AreaTotal,
    AreaWeek,
    DailyCourseActivity,
    DailyRegistrations,
    NationalWeek,
)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def bump(session: Session, model, key: dict, extra: dict, increments: dict) -> None:
    """Add ``increments`` to the row with ``key``, creating it if it is the first."""
    insert = dialect_insert(session)
    statement = insert(model).values(**key, **extra, **increments)
    table = model.__table__
    session.execute(statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + statement.excluded[name] for name in increments}))


def record(session: Session, moment: datetime, commune_code: str, audience: AudienceGroup,
           course_id: int | None, **increments: int) -> None:
    commune = session.get(Commune, commune_code)
    day = local_day(moment)
    base = {"province_code": commune.province_code}
    if course_id is None:
        bump(session, DailyRegistrations, {"day": day, "commune_code": commune.code,
                                           "audience": audience}, base, increments)
    else:
        bump(session, DailyCourseActivity, {"day": day, "commune_code": commune.code,
                                            "course_id": course_id, "audience": audience},
             base, increments)
    area = {"legacy_province_code": commune.legacy_province_code,
            "course_id": course_id or NO_COURSE, "audience": audience}
    bump(session, AreaTotal, area, base, increments)
    bump(session, AreaWeek, {"week": week_of(day), **area}, base, increments)
    bump(session, AreaDay, {"day": day, **area}, base, increments)
    bump(session, NationalWeek, {"week": week_of(day), "course_id": area["course_id"],
                                 "audience": audience}, {}, increments)


def registered(user: User, session: Session, **extra) -> None:
    record(session, user.created_at, user.registered_commune_code, user.registered_audience,
           None, registrations=1, assisted_signups=1 if user.assisted_by_id else 0)


def enrolled_here(enrolment: Enrolment, session: Session, **extra) -> None:
    record(session, enrolment.enrolled_at, enrolment.commune_code, enrolment.audience,
           enrolment.course_id, enrolments=1)


def completed(enrolment: Enrolment, session: Session, **extra) -> None:
    record(session, enrolment.completed_at, enrolment.commune_code, enrolment.audience,
           enrolment.course_id, completions=1)


def _certificate(certificate: Certificate, session: Session, delta: int) -> None:
    enrolment = session.get(Enrolment, certificate.enrolment_id)
    record(session, certificate.issued_at, enrolment.commune_code, enrolment.audience,
           enrolment.course_id, certificates=delta)


def issued(certificate: Certificate, session: Session, **extra) -> None:
    _certificate(certificate, session, 1)


def revoked(certificate: Certificate, session: Session, **extra) -> None:
    # A revoked certificate no longer counts, on the day it was issued.
    _certificate(certificate, session, -1)


# Who hears what: connected once by ``create_app`` (``onetouch.listeners``), never on import.
RECEIVERS = ((user_registered, registered), (enrolled, enrolled_here),
             (course_completed, completed), (certificate_issued, issued),
             (certificate_revoked, revoked))


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)

"""Rollups follow every event, in the event's own transaction.

Each event adds to one row of every grain that counts its figures (``keys.GRAINS``): a
commune-day row, the three area rows (total, week, day) of the commune's pre-2025 province and
the national week, with INSERT ... ON CONFLICT DO UPDATE: the row is created at its first
event and incremented after, without a read.
"""

from __future__ import annotations

from datetime import datetime

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
from onetouch.stats import keys


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
    happened = keys.event(local_day(moment), session.get(Commune, commune_code), course_id,
                          audience)
    for grain in keys.GRAINS:
        if grain.counts(increments):
            bump(session, grain.model, {name: keys.value(name, happened) for name in grain.keys},
                 {name: keys.value(name, happened) for name in grain.attributes}, increments)


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

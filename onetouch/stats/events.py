"""Rollups follow every event, in the event's own transaction, written at its commit.

Each event adds to one row of every grain that counts its figures (``keys.GRAINS``): a
commune-day row, the three area rows (total, week, day) of the commune's pre-2025 province and
the national week. The receivers only note what to add, in the session; just before the
transaction commits (``apply``, a ``before_commit`` listener) the additions are summed by
key and written, one table after another in a fixed order. A transaction that rolls back
drops its notes with it.

On PostgreSQL an updated row stays locked until its transaction ends, and the rows of a
province, and the nation's, are shared by many learners at once: before, every learner of a
course waited there for the one before to commit. So a key may have several rows, its
shards (``keys.py``): an event adds to a row of its key that no other open transaction holds
(``FOR UPDATE SKIP LOCKED``), and when all are held it starts a new shard. Nobody waits on a
rollup row; a key has as many shards as transactions once wrote it at the same moment, and
one when they come one at a time. SQLite has one writer at a time anyway: there an event adds
to shard 0 with INSERT ... ON CONFLICT DO UPDATE, as a recount writes it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.signals import user_registered
from onetouch.certificates.models import Certificate
from onetouch.certificates.signals import certificate_issued, certificate_revoked
from onetouch.core.clock import local_day
from onetouch.geo.models import Commune
from onetouch.learning.models import Enrolment
from onetouch.learning.signals import course_completed, enrolled
from onetouch.stats import keys

PENDING = "onetouch.stats.pending"  # in Session.info: what the transaction adds, by row
COMMUNES = "onetouch.stats.communes"  # in Session.info: the communes the notes are about
_ORDER = {grain.table: position for position, grain in enumerate(keys.GRAINS)}


def record(session: Session, moment: datetime, commune_code: str, audience: AudienceGroup,
           course_id: int | None, **increments: int) -> None:
    """Note an event's figures for every grain that counts them, to be written at commit."""
    pending = session.info.setdefault(PENDING, {})
    # Kept with the notes: the session holds what it loaded only while something else does,
    # and a completion and its certificate happen in the same commune.
    communes = session.info.setdefault(COMMUNES, {})
    if commune_code not in communes:
        communes[commune_code] = session.get(Commune, commune_code)
    happened = keys.event(local_day(moment), communes[commune_code], course_id, audience)
    for grain in keys.GRAINS:
        if grain.counts(increments):
            key = tuple(keys.value(name, happened) for name in grain.keys)
            noted = pending.setdefault((grain.table, key), (
                grain, {name: keys.value(name, happened) for name in grain.attributes},
                Counter()))
            noted[2].update(increments)


def apply(session: Session) -> None:
    """Write what the transaction's events add to the rollups, a table at a time."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    by_table: dict[str, list] = {}
    for (table, key), (grain, attributes, increments) in sorted(
            pending.items(), key=lambda item: (_ORDER[item[0][0]], item[0][1])):
        by_table.setdefault(table, []).append(
            {**dict(zip(grain.keys, key, strict=True)), **attributes,
             **{name: increments.get(name, 0) for name in grain.measures}})
    for table, rows in by_table.items():
        _add(session, keys.BY_TABLE[table], rows)


def _add(session: Session, grain: keys.Grain, rows: list[dict]) -> None:
    dialect = session.get_bind().dialect.name
    if dialect != "postgresql":
        session.execute(_statement(_upsert, grain, dialect),
                        [{**row, keys.SHARD: 0} for row in rows])
        return
    for row in rows:
        bound = {f"key_{name}": row[name] for name in grain.keys} | {
            f"add_{name}": row[name] for name in grain.measures}
        if session.execute(_statement(_add_to_free_shard, grain, dialect), bound).first() is None:
            # Every shard of the key is held (or it has none): a new one. Random, so that two
            # transactions starting one at the same moment do not pick the same.
            session.execute(_statement(_upsert, grain, dialect),
                            {**row, keys.SHARD: _new_shard()})


_STATEMENTS: dict = {}  # built once each: SQLAlchemy then compiles each once, not per event


def _statement(build, grain: keys.Grain, dialect: str):
    key = (build, grain.table, dialect)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = build(grain, dialect)
    return _STATEMENTS[key]


def _add_to_free_shard(grain: keys.Grain, dialect: str):
    """UPDATE a row of the key that no open transaction holds, RETURNING its shard: none if
    every one is held. The key is bound as ``key_<column>``, the figures as ``add_<column>``."""
    table = grain.model.__table__
    candidate = table.alias("candidate")
    free = (select(candidate.c[keys.SHARD])
            .where(*(candidate.c[name] == bindparam(f"key_{name}") for name in grain.keys))
            .limit(1).with_for_update(skip_locked=True).scalar_subquery())
    return (update(table)
            .where(*(table.c[name] == bindparam(f"key_{name}") for name in grain.keys),
                   table.c[keys.SHARD] == free)
            .values({name: table.c[name] + bindparam(f"add_{name}") for name in grain.measures})
            .returning(table.c[keys.SHARD]))


def _upsert(grain: keys.Grain, dialect: str):
    """INSERT a row, or add its figures to the row of the same key and shard."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = grain.model.__table__
    statement = insert(table)  # the table, not the model: no ORM bulk-insert machinery
    return statement.on_conflict_do_update(
        index_elements=[*grain.keys, keys.SHARD],
        set_={name: table.c[name] + statement.excluded[name] for name in grain.measures})


def _new_shard() -> int:
    return 1 + secrets.randbelow(2**31 - 2)


def forget(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends without ``apply`` (rolled back) takes its notes with it."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(COMMUNES, None)


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
SESSION_EVENTS = (("before_commit", apply), ("after_transaction_end", forget))


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)
    for name, listener in SESSION_EVENTS:
        if not sqlalchemy_event.contains(Session, name, listener):
            sqlalchemy_event.listen(Session, name, listener)

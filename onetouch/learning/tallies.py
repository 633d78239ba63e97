"""Running counts behind the compliance dashboard, kept by the database itself.

Why: at a million learners the national view counted every official in scope against their
enrolment, one lookup each (about 80,000; 140 ms of CPU on SQLite, ``benchmarks/README.md``).
Two tables now hold the counts those lookups made, per commune and kind of learner:

- ``compliance_people``: active learners per (province, commune, audience, confirmed);
- ``compliance_enrolments``: their live enrolments per course, and how many of those are
  completed with no certificate revoked (``required.completed``).

Triggers on ``users`` and ``enrolments`` (migration ``e5b1c7d9a3f2``) change them in the
same transaction as the row they count, whichever code or SQL wrote it: a sign-up, a
confirmation, a move to another commune, a deactivation, an enrolment, a completion, a
revoked certificate, leaving a course, a bulk import or the demo seed. No row is shared by
learners of different communes, so writers in different communes never wait for each other;
on PostgreSQL each key has up to 8 ``shard`` rows (a transaction writes to one, by its id), so
that learners of one commune seldom wait for each other either. A figure is the sum of its
key's shards; a recount writes shard 0.

The rules are those of ``required.in_scope``/``declared``/``completed``, written once more as
the recount below; ``flask compliance check`` compares the tables with it and ``flask
compliance rebuild`` replaces them by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, SmallInteger, String, case, delete, func, insert, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from onetouch.accounts.models import AudienceGroup, User
from onetouch.db import str_enum
from onetouch.extensions import db
from onetouch.learning.models import Enrolment


class PeopleTally(db.Model):
    """Active learners of one audience in one commune, confirmed (as officials) or not."""

    __tablename__ = "compliance_people"
    # Keyed so that one audience's rows, for the nation or one province, are read in order.
    audience: Mapped[AudienceGroup] = mapped_column(str_enum(AudienceGroup, "audience"),
                                                    primary_key=True)
    confirmed: Mapped[bool] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=0)
    people: Mapped[int] = mapped_column(Integer, default=0)


class EnrolmentTally(db.Model):
    """Their live enrolments in one course, and how many are completed and not revoked."""

    __tablename__ = "compliance_enrolments"
    course_id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[AudienceGroup] = mapped_column(str_enum(AudienceGroup, "audience"),
                                                    primary_key=True)
    confirmed: Mapped[bool] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=0)
    enrolled: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)


def _confirmed():
    return User.official_confirmed_at.is_not(None)


def _learner_key():
    return (User.audience, _confirmed(), User.province_code, User.commune_code)


def recount_people():
    """``compliance_people`` counted from ``users``."""
    return (select(*_learner_key(), func.count()).where(User.is_active)
            .group_by(*_learner_key()))


def recount_enrolments():
    """``compliance_enrolments`` counted from ``enrolments`` and their learners."""
    done = case((Enrolment.completed_at.is_not(None)
                 & Enrolment.certificate_revoked_at.is_(None), 1), else_=0)
    return (select(Enrolment.course_id, *_learner_key(), func.count(), func.sum(done))
            .join(User, User.id == Enrolment.user_id)
            .where(User.is_active, Enrolment.left_at.is_(None))
            .group_by(Enrolment.course_id, *_learner_key()))


PEOPLE_COLUMNS = ("audience", "confirmed", "province_code", "commune_code", "people")
ENROLMENT_COLUMNS = ("course_id", "audience", "confirmed", "province_code", "commune_code",
                     "enrolled", "completed")


def rebuild(session: Session) -> None:
    """Replace both tables by a recount of the raw rows; the caller commits."""
    for model, columns, recount in ((PeopleTally, PEOPLE_COLUMNS, recount_people()),
                                    (EnrolmentTally, ENROLMENT_COLUMNS, recount_enrolments())):
        session.execute(delete(model))
        session.execute(insert(model).from_select(
            [*columns, "shard"], recount.add_columns(literal(0))))


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    stored: tuple
    recounted: tuple

    def __str__(self) -> str:
        return f"{self.table} {self.key}: stored {self.stored}, recounted {self.recounted}"


def _figures(rows, columns: tuple[str, ...], keys: int) -> dict[tuple, tuple]:
    """Rows as {key: figures}, leaving out keys whose figures are all zero (a learner who
    moved away leaves a row of zeros behind). SQLite gives "confirmed" as 0 or 1."""
    found, flag = {}, columns.index("confirmed")
    for row in rows:
        key = tuple(bool(value) if index == flag else value
                    for index, value in enumerate(row[:keys]))
        figures = tuple(int(value or 0) for value in row[keys:])
        if any(figures):
            found[key] = figures
    return found


def check(session: Session, limit: int = 50) -> list[Difference]:
    """Where the tables and a recount of the raw rows disagree (empty when they agree)."""
    found = []
    for model, columns, recount in ((PeopleTally, PEOPLE_COLUMNS, recount_people()),
                                    (EnrolmentTally, ENROLMENT_COLUMNS, recount_enrolments())):
        keys = len(model.__table__.primary_key.columns) - 1  # the shard counts nothing
        named = [getattr(model, name) for name in columns[:keys]]
        stored = _figures(session.execute(
            select(*named, *(func.sum(getattr(model, name)) for name in columns[keys:]))
            .group_by(*named)), columns, keys)
        recounted = _figures(session.execute(recount), columns, keys)
        for key in sorted(stored.keys() | recounted.keys(), key=str):
            if stored.get(key) != recounted.get(key):
                found.append(Difference(model.__tablename__, key, stored.get(key),
                                        recounted.get(key)))
    return found[:limit]

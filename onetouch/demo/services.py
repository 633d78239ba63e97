"""``seed``: demo learners written in the caller's transaction, then the rollups recounted."""

from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.certificates.models import Certificate
from onetouch.demo.learners import RAW_TABLES, DemoError, Population, read_plan
from onetouch.demo.writing import (
    Moments,
    advance_sequences,
    insert_rows,
    next_id,
    take_write_lock,
)
from onetouch.extensions import db
from onetouch.stats import rollups

CHUNK = 20_000  # learners made and written at a time: memory stays flat for any size


def seed(session: Session, learners: int, seed_value: int, force: bool = False,
         now: int | None = None) -> dict[str, int]:
    """Add ``learners`` demo learners with their activity, and recount every rollup from
    the raw rows; the caller commits. Returns the rows written per table.

    :param seed_value: the same value draws the same learners.
    :param force: add them even to a database that holds real users.
    :param now: seconds since 1970 that the learners' year of activity ends at (default: now).
    """
    connection = session.connection()
    take_write_lock(connection, RAW_TABLES)
    real = session.scalar(select(func.count()).select_from(User).where(User.is_demo.is_(False)))
    if real and not force:
        raise DemoError(f"the database holds {real} real user(s); use --force to add demo "
                        "data anyway")
    # Demo numbers never collide with one another; real ones (a --force seed) are avoided.
    taken = set(session.scalars(select(Certificate.number)
                                .join(User, User.id == Certificate.user_id)
                                .where(User.is_demo.is_(False))))
    population = Population(read_plan(session), Moments(connection.dialect.name), seed_value,
                            int(time.time()) if now is None else now, learners,
                            {table: next_id(connection, table) for table in RAW_TABLES}, taken)
    counts = dict.fromkeys(RAW_TABLES, 0)
    for start in range(0, learners, CHUNK):
        rows = population.chunk(min(CHUNK, learners - start))
        for table in RAW_TABLES:  # parents before children, for the foreign keys
            insert_rows(connection, db.metadata.tables[table], rows[table])
            counts[table] += len(rows[table])
    advance_sequences(connection, RAW_TABLES)
    rollups.rebuild(session)
    return counts

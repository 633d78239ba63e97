"""The declarative base, column types shared by all features, and SQLite connection setup."""

from __future__ import annotations

import enum
import sqlite3
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Date, DateTime, Enum, MetaData, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite keeps no zone and PostgreSQL returns the session's zone; this type makes
    both hand back the same aware UTC value, and refuses naive values on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(kind: type[enum.Enum], name: str) -> Enum:
    """An enum column stored as text with a CHECK constraint.

    Text rather than a native PostgreSQL enum, so that adding a value is a small
    migration that works the same way on SQLite and PostgreSQL.
    """
    return Enum(kind, name=name, native_enum=False, create_constraint=True, length=32,
                values_callable=lambda members: [member.value for member in members])


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    # One explicit registry: Flask-SQLAlchemy subclasses this base, and SQLAlchemy 2.1
    # accepts a type map there only when it belongs to the registry itself.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), date: Date(), dict: JSON(), list: JSON()},
    )


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers work while one writer writes; the busy timeout makes writers queue
    instead of failing at once; SQLite leaves foreign keys off unless asked."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def insert_or_ignore(session, model, values: dict, conflict: list[str] | None) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the key, on SQLite and PostgreSQL alike.

    The way to create a row at most once when requests race; ``conflict`` names the unique
    columns to watch, or None for any unique constraint. True when this call inserted the row.

    "Did I insert?" is read from the returned row, never from the row count: drivers and
    SQLAlchemy versions disagree on ``rowcount`` for a statement with RETURNING (psycopg 3
    reports -1), while a returned row means the same thing everywhere. Savepoints are avoided
    on purpose: pysqlite opens a transaction only at the first write, so a SAVEPOINT issued
    before it would open, and its release commit, the whole transaction.
    """
    insert = dialect_insert(session)
    statement = insert(model).values(**values)
    statement = (statement.on_conflict_do_nothing(index_elements=conflict) if conflict
                 else statement.on_conflict_do_nothing())
    key = model.__mapper__.primary_key[0]
    return session.execute(statement.returning(key)).first() is not None


def updated(session, statement) -> bool:
    """Run a conditional UPDATE; True when it changed a row, so that this caller won the race.

    Read from a RETURNING row for the same reason as :func:`insert_or_ignore`.
    """
    table = statement.table
    key = next(iter(table.primary_key.columns))
    result = session.execute(statement.returning(key)
                             .execution_options(synchronize_session=False))
    return result.first() is not None


def lock_row(session, model, key):
    """Take the write lock on one row and read it afresh; the row lives in the session.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite has no row locks; a no-op UPDATE of the row
    begins the write transaction there instead (pysqlite starts it at the first write), and
    SQLite's single writer then holds every other writer back until this one commits, so the
    rows read after it are the latest.
    """
    primary_key = model.__mapper__.primary_key[0]
    statement = select(model).where(primary_key == key)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(model).where(primary_key == key)
                        .values({primary_key.key: primary_key})
                        .execution_options(synchronize_session=False))
    else:
        statement = statement.with_for_update()
    return session.scalars(statement.execution_options(populate_existing=True)).one()


def dialect_insert(session):
    """The INSERT construct of the session's database, with its ON CONFLICT clauses."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert

"""Bulk loading: many rows in one transaction of its own, as fast as the database allows.

Used by ``flask demo seed``. The load runs on a connection of its own and commits (or rolls
back) itself, because the fastest SQLite path needs settings that only change outside a
transaction, and that are put back before the connection returns to the pool:

* foreign keys and CHECK constraints are not evaluated row by row (a CHECK with an IN list
  costs microseconds a row); the loader writes only values it made from the database's own
  rows and the model's enums;
* when the load is at least as large as the tables it fills, their secondary indexes are
  dropped and built again at the end, in the same transaction: one sort per index instead of
  a B-tree insertion per row (a rollback restores them, as SQLite's DDL is transactional);
* when no other connection has the database open, the load uses a rollback journal instead
  of the write-ahead log: pages are written once instead of twice (to the log, then the
  checkpoint), and new pages need no journal. The commit is as atomic either way;
* ``BEGIN IMMEDIATE`` takes the write lock first, so the ids read at the start stay free.

On PostgreSQL the tables are locked against other writers instead, and each table's id
sequence is moved past the rows written, so later inserts do not collide with them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from onetouch.db import SQLITE_BUSY_TIMEOUT_MS
from onetouch.stats.tally import DAY_SECONDS

EPOCH = date(1970, 1, 1)
SQLITE_CACHE_KIB = 2_097_152  # up to 2 GiB of pages kept in memory; the default is 2 MiB


class DateText:
    """Dates and moments as text the database reads, made cheaply for millions of rows."""

    def __init__(self, sqlite: bool) -> None:
        zone = "" if sqlite else "+00:00"
        self._days: dict[int, str] = {}
        self._times = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000{zone}"
                       for s in range(DAY_SECONDS)]

    def day(self, number: int) -> str:
        """Day ``number`` since 1970-01-01, as ISO text."""
        value = self._days.get(number)
        if value is None:
            value = self._days[number] = (EPOCH + timedelta(days=number)).isoformat()
        return value

    def moment(self, seconds: int) -> str:
        """A UTC moment in whole seconds since 1970, as text: naive UTC for SQLite, the way
        onetouch.db.UTCDateTime stores it, and with its offset for PostgreSQL."""
        number = seconds // DAY_SECONDS
        day = self._days.get(number) or self.day(number)
        return day + self._times[seconds % DAY_SECONDS]


Columns = dict[str, int | str]  # column -> the row's value at a position (from 1), or SQL text


class BulkLoad:
    """Inserts and rollup additions on one connection; rows come as plain Python tuples.

    A column may take a constant, or repeat another column's value: rows carry each value
    once, which saves binding parameters, the larger part of the cost of a row on SQLite.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"
        self.dropped: dict[str, list[str]] = {}  # table -> SQL of the indexes to build again

    def restore_indexes(self, tables: tuple[str, ...]) -> None:
        """Build the dropped indexes of ``tables`` now (the rest are built before commit)."""
        for table in tables:
            for sql in self.dropped.pop(table, []):
                self.connection.exec_driver_sql(sql)

    def scalar(self, sql: str):
        return self.connection.exec_driver_sql(sql).scalar()

    def insert(self, table: str, columns: Columns, rows: list[tuple]) -> None:
        if rows:
            self._run(self._insert(table, columns), rows)

    def add(self, table: str, keys: tuple[str, ...], others: tuple[str, ...],
            figures: tuple[str, ...], rows: list[tuple]) -> None:
        """Add rows of figures to a rollup table, creating the rows that are missing."""
        if not rows:
            return
        columns = {name: n for n, name in enumerate(keys + others + figures, start=1)}
        increments = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in figures)
        self._run(f"{self._insert(table, columns)} "
                  f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {increments}", rows)

    def _insert(self, table: str, columns: Columns) -> str:
        # Table and column names and constants come from this package, never from input.
        values = ", ".join(self._parameter(source) if isinstance(source, int) else source
                           for source in columns.values())
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"  # noqa: S608

    def _parameter(self, position: int) -> str:
        return f"?{position}" if self.sqlite else f"%(p{position})s"

    def _run(self, sql: str, rows: list[tuple]) -> None:
        if not self.sqlite:  # psycopg names a parameter that is used twice
            rows = [{f"p{n}": value for n, value in enumerate(row, start=1)} for row in rows]
        self.connection.exec_driver_sql(sql, rows)


@contextmanager
def bulk_load(engine: Engine, tables: tuple[str, ...], identities: tuple[str, ...],
              rebuild_indexes: bool) -> Iterator[BulkLoad]:
    """A committed transaction on a connection of its own; rolled back if the body raises.

    ``tables`` are all the tables written; ``identities`` those whose ids the caller assigns.
    """
    with engine.connect() as connection, _settings_for_loading(connection):
        load = BulkLoad(connection)
        try:
            _begin(load, identities)
            if load.sqlite and rebuild_indexes:
                load.dropped = _drop_indexes(connection, tables)
            yield load
            load.restore_indexes(tuple(load.dropped))
            if not load.sqlite:
                _advance_sequences(connection, identities)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise


@contextmanager
def _settings_for_loading(connection: Connection) -> Iterator[None]:
    if connection.dialect.name != "sqlite":
        yield
        return
    journal = _rollback_journal(connection)
    _pragmas(connection, foreign_keys="OFF", ignore_check_constraints="ON",
             cache_size=-SQLITE_CACHE_KIB)
    try:
        yield
    finally:
        _pragmas(connection, foreign_keys="ON", ignore_check_constraints="OFF",
                 cache_size=-2000, **({"journal_mode": "WAL"} if journal else {}))


def _rollback_journal(connection: Connection) -> bool:
    """Leave WAL for a rollback journal if no other connection has the database open."""
    connection.exec_driver_sql("PRAGMA busy_timeout = 0")  # another user: answer at once
    try:
        mode = connection.exec_driver_sql("PRAGMA journal_mode = DELETE").scalar()
    except OperationalError:
        connection.rollback()
        mode = None
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS:d}")
    connection.commit()
    return mode == "delete"


def _pragmas(connection: Connection, **values: str | int) -> None:
    for name, value in values.items():
        connection.exec_driver_sql(f"PRAGMA {name} = {value}")
    connection.commit()  # ends SQLAlchemy's own transaction; pysqlite opened none for a PRAGMA


def _begin(load: BulkLoad, tables: tuple[str, ...]) -> None:
    if load.sqlite:
        load.connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        load.connection.exec_driver_sql(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")


def _drop_indexes(connection: Connection, tables: tuple[str, ...]) -> dict[str, list[str]]:
    """Drop the tables' secondary indexes; returns the SQL that creates them again.

    Indexes that enforce a UNIQUE constraint of the table itself have no SQL of their own
    and cannot be dropped: they stay.
    """
    markers = ", ".join("?" * len(tables))
    indexes = connection.exec_driver_sql(
        "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
        f"AND sql IS NOT NULL AND tbl_name IN ({markers}) ORDER BY name", tables).all()
    dropped: dict[str, list[str]] = {}
    for table, name, sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
        dropped.setdefault(table, []).append(sql)
    return dropped


def _advance_sequences(connection: Connection, tables: tuple[str, ...]) -> None:
    for table in tables:  # names from this package's constants
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "  # noqa: S608
            f"FROM {table} HAVING max(id) IS NOT NULL")

"""Writing many raw rows in the caller's transaction, with every constraint and index on.

Rows are dicts keyed by column name. Their values are already what the driver stores (a
moment as the text SQLAlchemy would make of it, an enum as its value), so that they go to the
driver as they are: SQLAlchemy compiles each INSERT from the table once, and converting
millions of values one by one through the column types would cost more than the database's
own work. Each statement inserts ROWS_PER_STATEMENT rows, and a batch of them goes to the
driver's ``executemany``: SQLite does its per-statement work (such as building the list of
an enum's CHECK constraint) once for all those rows instead of once a row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from itertools import chain
from operator import itemgetter

from sqlalchemy import Connection, Table, bindparam, insert
from sqlalchemy.engine import Dialect

EPOCH = date(1970, 1, 1)
# Rows a statement: already most of the saving over one a statement (measured), while
# SQLAlchemy compiles it in milliseconds; its time grows faster than the rows.
ROWS_PER_STATEMENT = 100
DAY_SECONDS = 86_400


class Moments:
    """UTC moments in whole seconds since 1970 as the text a database column receives:
    naive UTC on SQLite, the way ``onetouch.db.UTCDateTime`` stores it, and with its offset on
    PostgreSQL. Made from a table of days and one of times of day, cheaply for millions."""

    def __init__(self, dialect: str) -> None:
        zone = "+00:00" if dialect == "postgresql" else ""
        self._days: dict[int, str] = {}
        self._times = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000{zone}"
                       for s in range(DAY_SECONDS)]

    def text(self, seconds: int) -> str:
        number = seconds // DAY_SECONDS
        day = self._days.get(number)
        if day is None:
            day = self._days[number] = (EPOCH + timedelta(days=number)).isoformat()
        return day + self._times[seconds % DAY_SECONDS]


def insert_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert ``rows``, which all have the same keys, into ``table``."""
    if not rows:
        return
    whole = len(rows) - len(rows) % ROWS_PER_STATEMENT
    for size, part in ((ROWS_PER_STATEMENT, rows[:whole]), (1, rows[whole:])):
        if part:
            sql, values = _statement(connection.dialect, table, tuple(rows[0]), size)
            connection.exec_driver_sql(sql, [
                tuple(chain.from_iterable(map(values, part[first:first + size])))
                for first in range(0, len(part), size)])


@lru_cache(maxsize=64)
def _statement(dialect: Dialect, table: Table, columns: tuple[str, ...], size: int
               ) -> tuple[str, Callable[[dict], tuple]]:
    """An INSERT of ``size`` rows of ``columns`` with its parameters by position, and what
    gives a row's values in the order of its parameters."""
    if not dialect.positional:
        dialect = type(dialect)(paramstyle="format")
    takes: dict[str, tuple[int, str]] = {}
    values = []
    for row in range(size):
        named = {}
        for name in columns:
            key = f"p{len(takes)}"
            takes[key], named[name] = (row, name), bindparam(key)
        values.append(named)
    compiled = insert(table).values(values).compile(dialect=dialect)
    # A column left out that has a default in Python would need SQLAlchemy's own execution.
    missing = set(compiled.positiontup) - set(takes)
    if missing:
        raise ValueError(f"{table.name}: no value for {', '.join(sorted(missing))}")
    order = [takes[key] for key in compiled.positiontup]
    names = tuple(name for _, name in order[:len(columns)])
    if order != [(row, name) for row in range(size) for name in names]:
        raise ValueError(f"{table.name}: the rows' parameters are not one row after another")
    if len(names) == 1:  # itemgetter of one name gives the value itself, not a tuple
        return str(compiled), lambda row: (row[names[0]],)
    return str(compiled), itemgetter(*names)


def take_write_lock(connection: Connection, tables: tuple[str, ...]) -> None:
    """Keep other writers of ``tables`` out until the transaction ends, so that the ids read
    next stay free: SQLite's one write lock, taken now rather than at the first insert; on
    PostgreSQL, the tables' (readers go on)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")


def next_id(connection: Connection, table: str) -> int:
    return (connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar() or 0) + 1  # noqa: S608


def advance_sequences(connection: Connection, tables: tuple[str, ...]) -> None:
    """On PostgreSQL, move each table's id sequence past the rows written with chosen ids, so
    that the next sign-up does not collide with them."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:  # names from this package's constants
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "  # noqa: S608
            f"FROM {table} HAVING max(id) IS NOT NULL")

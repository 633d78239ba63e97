"""Recount the rollups from the raw tables (``flask stats rebuild``, and ``flask demo seed``
after writing its learners) and compare the two (``flask stats check``). Set-based SQL
throughout, so millions of rows stay quick.

Each grain of ``keys.GRAINS`` is recounted by one INSERT ... SELECT ... GROUP BY: the finest
from the raw rows, the others from the finer grains they name, so that the area and national
figures are summed from rollup rows instead of from every event again. A recount writes one
row a key (shard 0); stored rows are compared by the sum of their shards. Days are days in
Việt Nam (UTC+7, no daylight saving). The SQL is assembled from fixed fragments of this
package only (table and column names, the dialect's date functions); nothing from outside
ever reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from onetouch.core.clock import TIMEZONE_NAME
from onetouch.stats.keys import BY_TABLE, FROM_COMMUNE, GRAINS, Grain, expression
from onetouch.stats.models import NO_COURSE

RAW_COLUMNS = ("day", "commune_code", "course_id", "audience")


@dataclass(frozen=True)
class RawEvents:
    """One kind of event in the raw tables: the figures it adds, and where it is found."""

    figures: dict[str, str]  # figure -> its value for one event, as SQL
    moment: str  # the column holding when it happened
    place: tuple[str, str, str]  # commune, course, audience group, as SQL
    source: str  # FROM ... [WHERE ...]

    def select(self, dialect: str, measures: tuple[str, ...]) -> str:
        columns = (_day(dialect, self.moment), *self.place,
                   *(self.figures.get(name, "0") for name in measures))
        named = ", ".join(f"{value} AS {name}" for value, name in
                          zip(columns, RAW_COLUMNS + measures, strict=True))
        return f"SELECT {named} {self.source}"


_ENROLMENT = ("e.commune_code", "e.course_id", "e.audience")
RAW_EVENTS = (
    RawEvents({"registrations": "1",
               "assisted_signups": "CASE WHEN u.assisted_by_id IS NULL THEN 0 ELSE 1 END"},
              "u.created_at", ("u.registered_commune_code", str(NO_COURSE),
                               "u.registered_audience"), "FROM users u"),
    RawEvents({"enrolments": "1"}, "e.enrolled_at", _ENROLMENT, "FROM enrolments e"),
    RawEvents({"completions": "1"}, "e.completed_at", _ENROLMENT,
              "FROM enrolments e WHERE e.completed_at IS NOT NULL"),
    RawEvents({"certificates": "1"}, "k.issued_at", _ENROLMENT,
              "FROM certificates k JOIN enrolments e ON e.id = k.enrolment_id "
              "WHERE k.revoked_at IS NULL"),
)


def _day(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"(({column}) AT TIME ZONE '{TIMEZONE_NAME}')::date"
    return f"date({column}, '+7 hours')"


def _sources(grain: Grain, dialect: str) -> tuple[tuple[str, ...], str]:
    """The rows a grain is summed from, with their columns: the raw events, or the finer
    grains it names (each lacking column filled in as ``keys.expression`` says)."""
    measures = grain.measures
    if not grain.summed_from:
        return RAW_COLUMNS + measures, " UNION ALL ".join(
            raw.select(dialect, measures) for raw in RAW_EVENTS
            if set(raw.figures) & set(measures))
    finer = [BY_TABLE[table] for table in grain.summed_from]
    columns = tuple(dict.fromkeys(name for each in finer for name in each.keys + each.attributes))
    selects = []
    for each in finer:
        own = each.keys + each.attributes
        values = [expression(name, own, dialect) for name in columns]
        values += [f"s.{name}" if name in each.measures else "0" for name in measures]
        named = ", ".join(f"{value} AS {name}" for value, name in
                          zip(values, columns + measures, strict=True))
        selects.append(f"SELECT {named} FROM {each.table} s")
    return columns + measures, " UNION ALL ".join(selects)


def recount(grain: Grain, dialect: str) -> str:
    """A grain's rows (its ``columns``), summed from what it is made of."""
    columns, rows = _sources(grain, dialect)
    own = columns[:-len(grain.measures)]
    if not set(grain.keys) <= set(own):  # a key is coarser than the rows (a week, an area)
        return _select(grain, own, rows, grain.keys + grain.attributes, dialect, group=True)
    # The rows carry the key as it is: sum them first, so that what follows from the key
    # (a commune's province) is looked up once a rollup row, not once an event.
    kept = tuple(name for name in grain.keys + grain.attributes if name in own)
    summed = _select(grain, own, rows, kept, dialect, group=True)
    return _select(grain, kept, summed, grain.keys + grain.attributes, dialect, group=False)


def _select(grain: Grain, own: tuple[str, ...], rows: str, names: tuple[str, ...],
            dialect: str, group: bool) -> str:
    """``names`` and the grain's figures from ``rows`` (whose columns are ``own``, then the
    figures), summed by ``names`` if ``group``."""
    values = ", ".join(f"{expression(name, own, dialect)} AS {name}" for name in names)
    join = ""
    if any(name in FROM_COMMUNE and name not in own for name in names):
        join = " JOIN communes c ON c.code = s.commune_code"
    if not group:
        figures = ", ".join(f"s.{name}" for name in grain.measures)
        return f"SELECT {values}, {figures} FROM ({rows}) s{join}"
    figures = ", ".join(f"sum(s.{name}) AS {name}" for name in grain.measures)
    counted = " OR ".join(f"s.{name} <> 0" for name in grain.measures)
    groups = ", ".join(expression(name, own, dialect) for name in names)
    return (f"SELECT {values}, {figures} FROM ({rows}) s{join} WHERE {counted} "
            f"GROUP BY {groups}")


def rebuild(session: Session) -> None:
    """Replace every rollup row by a recount of the raw tables; the caller commits."""
    dialect = session.get_bind().dialect.name
    for grain in GRAINS:
        session.execute(text(f"DELETE FROM {grain.table}"))
    for grain in GRAINS:
        session.execute(text(f"INSERT INTO {grain.table} ({', '.join(grain.columns)}) "
                             f"{recount(grain, dialect)}"))


@dataclass
class Difference:
    table: str
    side: str  # "rollup only" or "raw only"
    row: tuple

    def __str__(self) -> str:
        return f"{self.table}: {self.side}: {self.row}"


def _stored(grain: Grain) -> str:
    """A grain's figures as stored: its shards summed, whichever shard each event went to.
    A key whose figures all fell back to zero (a revoked certificate) means nothing."""
    named = ", ".join(grain.keys + grain.attributes)
    sums = ", ".join(f"sum({name})" for name in grain.measures)
    nonzero = " OR ".join(f"sum({name}) <> 0" for name in grain.measures)
    return f"SELECT {named}, {sums} FROM {grain.table} GROUP BY {named} HAVING {nonzero}"


def check(session: Session, limit: int = 50) -> list[Difference]:
    """Where the rollups and a recount disagree (empty when they agree). Each grain is
    compared with a recount of what it is made of: the finest with the raw tables, the
    others with the finer grains, which are compared in turn."""
    dialect = session.get_bind().dialect.name
    found = []
    for grain in GRAINS:
        stored, recounted = _stored(grain), recount(grain, dialect)
        for side, first, second in (("rollup only", stored, recounted),
                                    ("raw only", recounted, stored)):
            query = f"SELECT * FROM ({first} EXCEPT {second}) d LIMIT {limit:d}"
            found += [Difference(grain.table, side, tuple(row))
                      for row in session.execute(text(query))]
    return found

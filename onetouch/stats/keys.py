"""What each rollup row counts, said once: the live events (``events.py``) and the recount
(``rollups.py``, used by ``flask stats rebuild`` and ``flask demo seed``) both follow it.

An event happens on a day (in Việt Nam), in a commune, for an audience group and, unless it is
a registration, in a course. A rollup table (``models.py``) is a grain: its primary key says
which of these it keeps, and its figure columns which events it counts. The few columns that
an event does not carry as such follow from it by the rules below, written twice, side by
side: in Python for one event, in SQL for a recount of many.

* ``week``: the Monday of the event's day;
* ``province_code`` and ``legacy_province_code``: the commune's 2025 and pre-2025 province;
* ``course_id`` of a registration: ``NO_COURSE``, as a key column cannot be NULL.

Every rollup table also has a ``shard`` in its primary key, which counts nothing: a figure is
the sum of the rows that share the grain's keys, whatever their shard (the dashboards'
queries sum anyway, and ``flask stats check`` compares sums). A recount writes one row a
key, in shard 0; on PostgreSQL a live event adds to a row of its key that no other open
transaction holds, or starts a new shard (``events.py``), so learners never queue on the
row of their province or of the nation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from onetouch.stats.models import (
    MEASURES,
    NO_COURSE,
    AreaDay,
    AreaTotal,
    AreaWeek,
    DailyCourseActivity,
    DailyRegistrations,
    NationalWeek,
)

FROM_COMMUNE = ("province_code", "legacy_province_code")
SHARD = "shard"


def event(day: date, commune, course_id: int | None, audience: str) -> dict:
    """What one event holds, for ``value``: ``commune`` is the Commune where it happened."""
    return {"day": day, "commune_code": commune.code, "province_code": commune.province_code,
            "legacy_province_code": commune.legacy_province_code,
            "course_id": NO_COURSE if course_id is None else course_id, "audience": audience}


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_sql(dialect: str, day: str) -> str:
    """The Monday of ``day`` (an SQL date expression); ``week_of`` in SQL."""
    if dialect == "postgresql":
        return f"(date_trunc('week', {day}))::date"
    return f"date({day}, 'weekday 0', '-6 days')"


def value(column: str, event: Mapping) -> object:
    """A rollup column's value for one ``event``."""
    if column == "week":
        return week_of(event["day"])
    return event[column]


def expression(column: str, source: tuple[str, ...], dialect: str) -> str:
    """A rollup column as SQL over the rows of ``source`` (their columns), aliased ``s``; the
    commune's columns come from ``communes`` aliased ``c``. ``value`` in SQL."""
    if column in source:
        return f"s.{column}"
    if column == "week":
        return week_sql(dialect, expression("day", source, dialect))
    if column in FROM_COMMUNE and "commune_code" in source:
        return f"c.{column}"
    if column == "course_id":
        return str(NO_COURSE)
    raise ValueError(f"{column} does not follow from rows of ({', '.join(source)})")


@dataclass(frozen=True)
class Grain:
    """One rollup table, read from its model: key columns, other columns, figures (read once:
    every event asks for them, a bulk import ten thousand times)."""

    model: type
    summed_from: tuple[str, ...] = ()  # finer grains it is recounted from; none: raw rows

    @property
    def table(self) -> str:
        return self.model.__tablename__

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """What a row counts by (its primary key but the shard): a figure is the sum of the
        rows with the same keys."""
        return tuple(column.name for column in self.model.__table__.primary_key.columns
                     if column.name != SHARD)

    @cached_property
    def attributes(self) -> tuple[str, ...]:
        """Columns that follow from the key (the 2025 province of a commune or area)."""
        return tuple(column.name for column in self.model.__table__.columns
                     if not column.primary_key and column.name not in MEASURES)

    @cached_property
    def measures(self) -> tuple[str, ...]:
        return tuple(name for name in MEASURES if name in self.model.__table__.columns)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + self.attributes + self.measures

    def counts(self, increments: Mapping[str, int]) -> bool:
        """Whether an event with these figures belongs in this grain."""
        return set(increments) <= set(self.measures)


# Finest first: a grain is recounted from the ones it names, which come before it.
GRAINS = (
    Grain(DailyRegistrations),
    Grain(DailyCourseActivity),
    Grain(AreaDay, ("stats_daily_registrations", "stats_daily_course_activity")),
    Grain(AreaWeek, ("stats_area_days",)),
    Grain(AreaTotal, ("stats_area_weeks",)),
    Grain(NationalWeek, ("stats_area_weeks",)),
)
BY_TABLE = {grain.table: grain for grain in GRAINS}

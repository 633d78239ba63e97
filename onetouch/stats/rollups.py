"""Recount the rollups from the raw tables (``flask stats rebuild``) and compare the two
(``flask stats check``). Set-based SQL throughout, so millions of rows stay quick.

Days are days in Việt Nam (UTC+7, no daylight saving); weeks start on Monday. The SQL is
assembled from fixed fragments of this module only (table and column names, the dialect's
date functions); nothing from outside ever reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from onetouch.core.clock import TIMEZONE_NAME

AREA_TABLES = {"stats_area_totals": None, "stats_area_weeks": "week", "stats_area_days": "day"}
NATIONAL = "stats_national_weeks"
COMMUNE_TABLES = ("stats_daily_registrations", "stats_daily_course_activity")
AREA_MEASURES = "registrations, assisted_signups, enrolments, completions, certificates"


def _day(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"(({column}) AT TIME ZONE '{TIMEZONE_NAME}')::date"
    return f"date({column}, '+7 hours')"


def _week(dialect: str, day: str) -> str:
    if dialect == "postgresql":
        return f"(date_trunc('week', {day}))::date"
    return f"date({day}, 'weekday 0', '-6 days')"


def raw_registrations(dialect: str) -> str:
    return f"""
        SELECT {_day(dialect, 'u.created_at')} AS day, u.registered_commune_code AS commune_code,
               u.registered_audience AS audience, c.province_code AS province_code,
               count(*) AS registrations, count(u.assisted_by_id) AS assisted_signups
        FROM users u JOIN communes c ON c.code = u.registered_commune_code
        GROUP BY 1, 2, 3, 4"""


def raw_course_activity(dialect: str) -> str:
    return f"""
        SELECT x.day, x.commune_code, x.course_id, x.audience, c.province_code,
               sum(x.e) AS enrolments, sum(x.f) AS completions, sum(x.k) AS certificates
        FROM (
            SELECT {_day(dialect, 'enrolled_at')} AS day, commune_code, course_id, audience,
                   1 AS e, 0 AS f, 0 AS k FROM enrolments
            UNION ALL
            SELECT {_day(dialect, 'completed_at')}, commune_code, course_id, audience, 0, 1, 0
            FROM enrolments WHERE completed_at IS NOT NULL
            UNION ALL
            SELECT {_day(dialect, 'ce.issued_at')}, e.commune_code, e.course_id, e.audience,
                   0, 0, 1
            FROM certificates ce JOIN enrolments e ON e.id = ce.enrolment_id
            WHERE ce.revoked_at IS NULL
        ) x JOIN communes c ON c.code = x.commune_code
        GROUP BY x.day, x.commune_code, x.course_id, x.audience, c.province_code"""


def area_from_communes(dialect: str, period: str | None) -> str:
    """An area table's rows, summed from the commune tables."""
    grain = {None: "", "week": f"{_week(dialect, 'x.day')} AS week, ",
             "day": "x.day AS day, "}[period]
    group = {None: "", "week": "1, ", "day": "1, "}[period]
    offset = 0 if period is None else 1
    keys = ", ".join(str(n + offset) for n in range(1, 5))
    return f"""
        SELECT {grain}c.legacy_province_code, x.course_id, x.audience, c.province_code,
               sum(x.registrations) AS registrations,
               sum(x.assisted_signups) AS assisted_signups, sum(x.enrolments) AS enrolments,
               sum(x.completions) AS completions, sum(x.certificates) AS certificates
        FROM (
            SELECT day, commune_code, 0 AS course_id, audience, registrations,
                   assisted_signups, 0 AS enrolments, 0 AS completions, 0 AS certificates
            FROM stats_daily_registrations
            UNION ALL
            SELECT day, commune_code, course_id, audience, 0, 0, enrolments, completions,
                   certificates
            FROM stats_daily_course_activity
        ) x JOIN communes c ON c.code = x.commune_code
        GROUP BY {group}{keys}"""


def national_from_areas() -> str:
    return f"""
        SELECT week, course_id, audience, {", ".join(f"sum({m}) AS {m}" for m in
                                                     AREA_MEASURES.split(", "))}
        FROM stats_area_weeks GROUP BY week, course_id, audience"""


def _columns(period: str | None) -> str:
    head = f"{period}, " if period else ""
    return f"{head}legacy_province_code, course_id, audience, province_code, {AREA_MEASURES}"


def rebuild(session: Session) -> None:
    """Replace every rollup row by a recount of the raw tables; the caller commits."""
    dialect = session.get_bind().dialect.name
    for table in (*COMMUNE_TABLES, *AREA_TABLES, NATIONAL):
        session.execute(text(f"DELETE FROM {table}"))
    session.execute(text(
        "INSERT INTO stats_daily_registrations (day, commune_code, audience, province_code, "
        f"registrations, assisted_signups) {raw_registrations(dialect)}"))
    session.execute(text(
        "INSERT INTO stats_daily_course_activity (day, commune_code, course_id, audience, "
        f"province_code, enrolments, completions, certificates) {raw_course_activity(dialect)}"))
    for table, period in AREA_TABLES.items():
        session.execute(text(
            f"INSERT INTO {table} ({_columns(period)}) {area_from_communes(dialect, period)}"))
    session.execute(text(f"INSERT INTO {NATIONAL} (week, course_id, audience, {AREA_MEASURES}) "
                         f"{national_from_areas()}"))


@dataclass
class Difference:
    table: str
    side: str  # "rollup only" or "raw only"
    row: tuple

    def __str__(self) -> str:
        return f"{self.table}: {self.side}: {self.row}"


def _stored(table: str, columns: str, measures: list[str]) -> str:
    # A row whose figures all fell back to zero (a revoked certificate) means nothing.
    nonzero = " OR ".join(f"{m} <> 0" for m in measures)
    return f"SELECT {columns} FROM {table} WHERE {nonzero}"


def _compare(session: Session, table: str, stored: str, recount: str,
             limit: int) -> list[Difference]:
    found = []
    for side, first, second in (("rollup only", stored, recount), ("raw only", recount, stored)):
        query = f"SELECT * FROM ({first} EXCEPT {second}) d"
        for row in session.execute(text(query + f" LIMIT {limit:d}")):
            found.append(Difference(table, side, tuple(row)))
    return found


def check(session: Session, limit: int = 50) -> list[Difference]:
    """Where the rollups and a recount of the raw tables disagree (empty when they agree)."""
    dialect = session.get_bind().dialect.name
    found = _compare(session, "stats_daily_registrations", _stored(
        "stats_daily_registrations", "day, commune_code, audience, province_code, "
        "registrations, assisted_signups", ["registrations", "assisted_signups"]),
        raw_registrations(dialect), limit)
    found += _compare(session, "stats_daily_course_activity", _stored(
        "stats_daily_course_activity", "day, commune_code, course_id, audience, province_code, "
        "enrolments, completions, certificates", ["enrolments", "completions", "certificates"]),
        raw_course_activity(dialect), limit)
    measures = AREA_MEASURES.split(", ")
    for table, period in AREA_TABLES.items():
        found += _compare(session, table, _stored(table, _columns(period), measures),
                          area_from_communes(dialect, period), limit)
    found += _compare(session, NATIONAL, _stored(
        NATIONAL, f"week, course_id, audience, {AREA_MEASURES}", measures),
        national_from_areas(), limit)
    return found

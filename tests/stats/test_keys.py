"""One set of rollup rules: the live events and the recount key and count events alike."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, text

from onetouch.accounts.models import User
from onetouch.certificates.models import Certificate
from onetouch.extensions import db
from onetouch.learning.models import Enrolment
from onetouch.stats import events, keys, rollups


def rollup_rows(session) -> dict[str, set[tuple]]:
    """Every rollup figure that is not zero, per table: a spread grain's shards summed."""
    found = {}
    for grain in keys.GRAINS:
        named = ", ".join(grain.keys + grain.attributes)
        nonzero = " OR ".join(f"sum({name}) <> 0" for name in grain.measures)
        sums = ", ".join(f"sum({name})" for name in grain.measures)
        found[grain.table] = {tuple(row) for row in session.execute(text(
            f"SELECT {named}, {sums} FROM {grain.table} GROUP BY {named} "  # noqa: S608
            f"HAVING {nonzero}"))}
    return found


def replay_every_event(session) -> None:
    """Feed each raw row to the live receivers, as if it had just happened."""
    for user in session.scalars(select(User)):
        events.registered(user, session)
    for enrolment in session.scalars(select(Enrolment)):
        events.enrolled_here(enrolment, session)
        if enrolment.completed_at:
            events.completed(enrolment, session)
    for certificate in session.scalars(select(Certificate)):
        events.issued(certificate, session)


def test_live_events_and_the_rebuild_make_the_same_rows(app, runner, synced_library):
    """A year of demo learners, whose rollups the seed recounted, counted again one event at a
    time by the live path: days in Việt Nam, weeks, communes, areas and the nation agree."""
    result = runner.invoke(args=["demo", "seed", "--learners", "300", "--seed", "11"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rebuilt = rollup_rows(db.session)
        for grain in keys.GRAINS:
            db.session.execute(text(f"DELETE FROM {grain.table}"))  # noqa: S608
        replay_every_event(db.session)
        events.apply(db.session)  # what the commit would write
        assert rollup_rows(db.session) == rebuilt
        assert sum(len(rows) for rows in rebuilt.values()) > 1000
        db.session.rollback()


def test_weeks_start_on_monday_in_python_and_in_sql(session):
    dialect = session.get_bind().dialect.name
    days = [date(2025, 12, 22) + timedelta(days=n) for n in range(15)]  # across a new year
    cast = "CAST(:day AS date)" if dialect == "postgresql" else ":day"
    for day in days:
        in_sql = session.scalar(text(f"SELECT {keys.week_sql(dialect, cast)}"),
                                {"day": day.isoformat()})
        assert str(in_sql) == keys.week_of(day).isoformat() == (
            day - timedelta(days=day.weekday())).isoformat()


def test_each_grain_is_read_from_its_table():
    grains = {grain.table: (set(grain.keys), grain.attributes, grain.measures)
              for grain in keys.GRAINS}
    assert grains["stats_daily_registrations"] == (
        {"day", "commune_code", "audience"}, ("province_code",),
        ("registrations", "assisted_signups"))
    assert grains["stats_area_weeks"][0] == {"week", "legacy_province_code", "course_id",
                                             "audience"}
    assert grains["stats_national_weeks"][:2] == ({"week", "course_id", "audience"}, ())
    for grain in keys.GRAINS:  # a shard ends every primary key, and counts nothing
        primary_key = [column.name for column in grain.model.__table__.primary_key.columns]
        assert primary_key == [*grain.keys, "shard"]
    assert [grain.counts({"enrolments": 1}) for grain in keys.GRAINS] == [
        False, True, True, True, True, True]


def test_a_grain_summed_from_finer_ones_fills_what_they_lack():
    area_days = keys.BY_TABLE["stats_area_days"]
    sql = rollups.recount(area_days, "sqlite")
    assert "0 AS course_id" in sql  # registrations belong to no course
    assert "JOIN communes c ON c.code = s.commune_code" in sql  # the pre-2025 province


def test_a_grain_comes_after_those_it_is_summed_from():
    order = [grain.table for grain in keys.GRAINS]
    for position, grain in enumerate(keys.GRAINS):
        assert all(order.index(finer) < position for finer in grain.summed_from)

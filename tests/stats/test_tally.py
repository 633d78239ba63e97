"""The in-memory tally of a bulk load counts days, weeks and keys as the live rollups do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from onetouch.stats import events, tally
from onetouch.stats.bulk import DateText

EPOCH = date(1970, 1, 1)
SQLITE_TEXT, POSTGRESQL_TEXT = DateText(sqlite=True), DateText(sqlite=False)
# Việt Nam has kept UTC+7 all year only since 13 June 1975 (before that the south used +8),
# and the bulk tally counts in that fixed offset: demo data never reaches back that far.
moments = st.datetimes(min_value=datetime(1976, 1, 1), max_value=datetime(2099, 12, 31),
                       timezones=st.just(UTC)).map(lambda moment: moment.replace(microsecond=0))


@given(moments)
def test_days_and_weeks_are_those_of_the_live_rollups(moment):
    day = tally.local_day(int(moment.timestamp()))
    assert EPOCH + timedelta(days=day) == events.local_day(moment)
    assert EPOCH + timedelta(days=tally.monday(day)) == events.week_of(events.local_day(moment))


@given(moments)
def test_moments_are_written_as_sqlalchemy_writes_them(moment):
    stored = sqlite.DATETIME().bind_processor(sqlite.dialect())(moment.replace(tzinfo=None))
    seconds = int(moment.timestamp())
    assert SQLITE_TEXT.moment(seconds) == stored
    assert datetime.fromisoformat(POSTGRESQL_TEXT.moment(seconds)) == moment
    assert SQLITE_TEXT.day(seconds // 86_400) == moment.date().isoformat()


@given(st.integers(0, 60_000), st.integers(0, 4095), st.integers(0, 100_000),
       st.sampled_from(tally.AUDIENCES))
def test_keys_unpack_to_what_was_packed_and_sort_like_the_primary_keys(day, place, course,
                                                                      audience):
    key = tally.pack(day, place, course, tally.AUDIENCES.index(audience))
    assert tally.unpack(key) == (day, place, course, audience)
    later = tally.pack(day + 1, 0, 0, 0)
    assert key < later

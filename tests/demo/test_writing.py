"""The raw-row writer: moments as SQLAlchemy stores them, and no column left to a default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from onetouch.db import UTCDateTime
from onetouch.demo.writing import Moments, _statement
from onetouch.extensions import db

moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31),
                       timezones=st.just(UTC)).map(lambda moment: moment.replace(microsecond=0))
SQLITE_TEXT, POSTGRESQL_TEXT = Moments("sqlite"), Moments("postgresql")
SQLITE_STORES = UTCDateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())


@given(moments)
def test_moments_are_the_text_sqlalchemy_writes(moment):
    seconds = int(moment.timestamp())
    assert SQLITE_TEXT.text(seconds) == SQLITE_STORES(moment)
    assert datetime.fromisoformat(POSTGRESQL_TEXT.text(seconds)) == moment


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()])
def test_a_column_with_a_default_in_python_must_be_given(dialect):
    import onetouch.models  # noqa: F401  (the tables)

    users = db.metadata.tables["users"]
    with pytest.raises(ValueError, match="no value for"):
        _statement(dialect, users, ("id", "full_name"), 3)
    columns = ("opened_at", "id", "module_id", "enrolment_id")
    sql, values = _statement(dialect, db.metadata.tables["module_progress"], columns, 2)
    assert sql.startswith("INSERT INTO module_progress (id, enrolment_id, module_id, opened_at)")
    assert sql.count("(") == 3  # the column list, then two rows
    row = {"opened_at": "2026-01-01 00:00:00.000000", "id": 7, "module_id": 3, "enrolment_id": 5}
    assert values(row) == (7, 5, 3, "2026-01-01 00:00:00.000000")

"""Alembic migrations go up and down, and match the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from onetouch import create_app
from onetouch.extensions import db
from tests.conftest import make_config


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _round_trip(database_url: str) -> None:
    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        assert _tables() == set(db.metadata.tables)
        assert _differences() == []
        downgrade(revision="base")
        assert _tables() == set()
        upgrade()
        assert _tables() == set(db.metadata.tables)
        db.engine.dispose()


def test_sqlite_upgrade_downgrade_upgrade(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")


@pytest.mark.postgres
def test_postgresql_upgrade_downgrade_upgrade(postgres_url):
    _round_trip(postgres_url)

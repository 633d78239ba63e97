"""Alembic migrations go up and down, and match the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from onetouch import create_app
from onetouch.content.search_index import include_name
from onetouch.extensions import db
from tests.fixtures.apps import make_config


def _tables() -> set[str]:
    """The tables the models declare; the search index's own (see migrations/env.py) aside."""
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if include_name(name, "table", {})}


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                              "include_name": include_name})
        return compare_metadata(context, db.metadata)


def _round_trip(database_url: str) -> None:
    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        assert _tables() == set(db.metadata.tables)
        assert _differences() == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert _tables() == set(db.metadata.tables)
        db.engine.dispose()


def test_sqlite_upgrade_downgrade_upgrade(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")


@pytest.mark.postgres
def test_postgresql_upgrade_downgrade_upgrade(postgres_url):
    _round_trip(postgres_url)

"""statistics: rollup tables stored in primary key order on SQLite (WITHOUT ROWID)

A rollup row is found, incremented and read by its primary key (day or week first). As a
WITHOUT ROWID table SQLite keeps the rows in that key's B-tree itself, instead of a rowid table
plus a separate index of the key: one B-tree to write per event instead of two, and a date
range is read from consecutive pages. PostgreSQL has no such option; nothing changes there.

Revision ID: 5a0c2e7d9b14
Revises: b061d98a7cf4
Create Date: 2026-11-29 20:20:00.000000

"""
import re

from alembic import op


# revision identifiers, used by Alembic.
revision = '5a0c2e7d9b14'
down_revision = 'b061d98a7cf4'
branch_labels = None
depends_on = None

TABLES = ("stats_daily_registrations", "stats_daily_course_activity", "stats_area_totals",
          "stats_area_weeks", "stats_area_days", "stats_national_weeks")


def _rebuild(table: str, without_rowid: bool) -> None:
    """Create the table again from its own CREATE statement, with or without the rowid."""
    bind = op.get_bind()
    create = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    indexes = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL", (table,)).scalars().all()
    body = re.sub(r"\s*WITHOUT ROWID\s*$", "", create.strip(), flags=re.IGNORECASE)
    body = re.sub(r'^CREATE TABLE\s+"?' + table + r'"?', f"CREATE TABLE _new_{table}", body)
    op.execute(body + (" WITHOUT ROWID" if without_rowid else ""))
    op.execute(f"INSERT INTO _new_{table} SELECT * FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE _new_{table} RENAME TO {table}")
    for index in indexes:
        op.execute(index)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            _rebuild(table, without_rowid=True)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            _rebuild(table, without_rowid=False)

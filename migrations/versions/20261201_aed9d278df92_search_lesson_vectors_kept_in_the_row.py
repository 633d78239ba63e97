"""search: lesson vectors kept in the row (PostgreSQL)

Revision ID: aed9d278df92
Revises: 15458bd374ff
Create Date: 2026-12-01 04:10:00.000000

A lesson's ``search_vector`` is about 6 KB, over PostgreSQL's 2 KB threshold, so with the
default storage it was moved to the TOAST table, and a search fetched it from there for every
matching lesson, twice (once for ``@@``, once for ``ts_rank_cd``): with hundreds of matching
lessons, a large part of the query. ``MAIN`` keeps it in the row whenever the row fits in a
page. The rows already there are rewritten (updating
``search_text`` to itself computes the vector again), so that they are stored the new way
too. SQLite's index is not touched.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'aed9d278df92'
down_revision = '15458bd374ff'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE modules ALTER COLUMN search_vector SET STORAGE MAIN")
        op.execute("UPDATE modules SET search_text = search_text")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE modules ALTER COLUMN search_vector SET STORAGE EXTENDED")

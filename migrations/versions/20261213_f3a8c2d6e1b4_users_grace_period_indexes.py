"""users: indexes of who entered a requirement's scope since a day (its grace period)

The compliance figures count from the learners only those still in their grace period:
entered the scope (confirmed as an official, else signed up) since a day. With only
``ix_users_audience_scope`` that read every index entry of the audience: 224 ms of CPU for
the national view of a requirement on the 700,000 citizens of a million demo learners
(``benchmarks/README.md``). These two partial indexes hold the confirmed by confirmation and
the never confirmed by sign-up, so each part of the count is a range of the newest entries.

Revision ID: f3a8c2d6e1b4
Revises: e5b1c7d9a3f2
Create Date: 2026-12-13 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a8c2d6e1b4'
down_revision = 'e5b1c7d9a3f2'
branch_labels = None
depends_on = None

CONFIRMED = sa.text("official_confirmed_at IS NOT NULL")
NEVER_CONFIRMED = sa.text("official_confirmed_at IS NULL")


def upgrade():
    # Plain CREATE INDEX, not Alembic's batch mode: on SQLite a batch would rebuild ``users``
    # and drop the triggers of its name index and of the compliance counts.
    op.create_index("ix_users_audience_confirmed", "users",
                    ["audience", "official_confirmed_at", "province_code", "commune_code",
                     "is_active"], sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)
    op.create_index("ix_users_audience_joined", "users",
                    ["audience", "created_at", "province_code", "commune_code", "is_active"],
                    sqlite_where=NEVER_CONFIRMED, postgresql_where=NEVER_CONFIRMED)


def downgrade():
    op.drop_index("ix_users_audience_joined", table_name="users")
    op.drop_index("ix_users_audience_confirmed", table_name="users")

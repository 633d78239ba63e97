"""users: indexes of the newest confirmations and of names, for a requirement's figures and
lists at scale

The compliance figures count from the learners only those still in their grace period:
entered the scope (confirmed as an official, else signed up) since a day. That read every
index entry of the audience in ``ix_users_audience_scope``: 224 ms of CPU for the national
view of a requirement on the 700,000 citizens of a million demo learners
(``benchmarks/README.md``). The never confirmed are now read as a range of sign-ups in each
province of ``ix_users_required_scope``, and the confirmed as a range of a partial index.

The overdue and not-yet-completed lists sorted by name sorted every learner of the list for
one page (35,000 citizens of a large province: 115 ms of CPU a page). With the second index a
page walks the province's audience in name order, from the index alone, until it is full.

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


def upgrade():
    # Plain CREATE INDEX, not Alembic's batch mode: on SQLite a batch would rebuild ``users``
    # and drop the triggers of its name index and of the compliance counts.
    op.create_index("ix_users_audience_confirmed", "users",
                    ["audience", "official_confirmed_at", "province_code", "commune_code",
                     "is_active"], sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)
    op.create_index("ix_users_province_audience_name", "users",
                    ["province_code", "audience", "full_name", "id", "is_active",
                     "official_confirmed_at", "created_at", "commune_code"])


def downgrade():
    op.drop_index("ix_users_province_audience_name", table_name="users")
    op.drop_index("ix_users_audience_confirmed", table_name="users")

"""compliance dashboard: indexes for a requirement's figures by area

The dashboard counts one audience group's learners by province (the nation) or by commune (a
province), each with their enrolment in the required course. With these two indexes both sides
are read from an index alone: users by audience, then area, with the columns that decide who is
in scope; enrolments by course, then learner, with their state. Indexes only: no table is
rebuilt on either engine.

Revision ID: 3c7a5e1d2b90
Revises: 5e4a7c1d2b93
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c7a5e1d2b90'
down_revision = '5e4a7c1d2b93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_audience_scope', 'users',
                    ['audience', 'province_code', 'commune_code', 'is_active',
                     'official_confirmed_at', 'created_at'], unique=False)
    op.create_index('ix_enrolments_course_user_state', 'enrolments',
                    ['course_id', 'user_id', 'left_at', 'completed_at',
                     'certificate_revoked_at'], unique=False)


def downgrade():
    op.drop_index('ix_enrolments_course_user_state', table_name='enrolments')
    op.drop_index('ix_users_audience_scope', table_name='users')

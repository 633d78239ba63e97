"""a revoked certificate reopens required training; a refused official declaration is kept

Enrolments gain when the certificate of the enrolment was revoked: required training counts the
learner as having completed the course only while that is empty (statistics still count the
completion). Existing revocations are copied across. Users gain when a province admin last
refused their declaration as a commune official or team member, so that their profile can say
so.

Columns are added in place on both engines (no table is rebuilt).

Revision ID: 3f9a2c7d1e54
Revises: ac11ff662ccc
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f9a2c7d1e54'
down_revision = 'ac11ff662ccc'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('enrolments', sa.Column('certificate_revoked_at', sa.DateTime(timezone=True),
                                          nullable=True))
    op.add_column('users', sa.Column('official_rejected_at', sa.DateTime(timezone=True),
                                     nullable=True))
    op.execute('UPDATE enrolments SET certificate_revoked_at = ('
               'SELECT certificates.revoked_at FROM certificates '
               'WHERE certificates.enrolment_id = enrolments.id) '
               'WHERE id IN (SELECT enrolment_id FROM certificates '
               'WHERE revoked_at IS NOT NULL)')


def downgrade():
    with op.batch_alter_table('users', recreate='never') as batch_op:
        batch_op.drop_column('official_rejected_at')
    with op.batch_alter_table('enrolments', recreate='never') as batch_op:
        batch_op.drop_column('certificate_revoked_at')

"""a team member enrols a helped person, whose consent is recorded; its audit action; birth year

One row per assisted enrolment: the learner who agreed, when, and the team member's hand. The
audit log gains its action ("assisted_enrolment"): the CHECK of audit_entries is replaced, as
earlier revisions did (a batch copy of audit_entries on SQLite, not of users). A partial
index on users (the helped ones) counts assisted sign-ups per team member of a province.
Users gain an optional birth year, added in place (no rebuild of users on SQLite), and a
partial index of those who gave one, for the province's age groups.

Revision ID: d2a6e8f41c37
Revises: 9d2f6b8e4c17
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2a6e8f41c37'
down_revision = '9d2f6b8e4c17'
branch_labels = None
depends_on = None

AUDIT_ACTIONS = ('role_granted', 'role_revoked', 'requirement_created', 'requirement_edited',
                 'requirement_cancelled', 'certificate_revoked', 'official_confirmed',
                 'official_rejected', 'assisted_signup', 'password_reset_by_helper',
                 'bulk_import', 'sessions_ended', 'account_deleted')
ASSISTED_ENROLMENT = 'assisted_enrolment'


def _audit_actions(actions):
    names = ", ".join(f"'{name}'" for name in actions)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_entries_audit_action'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_entries_audit_action'),
                                         sa.text(f"action IN ({names})"))


def upgrade():
    op.create_table(
        'assisted_enrolments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('helper_id', sa.Integer(), nullable=True),
        sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'],
                                name=op.f('fk_assisted_enrolments_enrolment_id_enrolments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['helper_id'], ['users.id'],
                                name=op.f('fk_assisted_enrolments_helper_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['learner_id'], ['users.id'],
                                name=op.f('fk_assisted_enrolments_learner_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assisted_enrolments')),
    )
    for column in ('enrolment_id', 'helper_id', 'learner_id'):
        op.create_index(op.f(f'ix_assisted_enrolments_{column}'), 'assisted_enrolments',
                        [column], unique=False)
    _audit_actions(AUDIT_ACTIONS + (ASSISTED_ENROLMENT,))
    op.add_column('users', sa.Column('birth_year', sa.Integer(), nullable=True))
    op.create_index('ix_users_province_birth_year', 'users',
                    ['province_code', 'birth_year', 'created_at'], unique=False,
                    sqlite_where=sa.text('birth_year IS NOT NULL'),
                    postgresql_where=sa.text('birth_year IS NOT NULL'))
    op.create_index('ix_users_province_assisted_by', 'users',
                    ['province_code', 'assisted_by_id', 'created_at'], unique=False,
                    sqlite_where=sa.text('assisted_by_id IS NOT NULL'),
                    postgresql_where=sa.text('assisted_by_id IS NOT NULL'))


def downgrade():
    op.drop_index('ix_users_province_birth_year', table_name='users',
                  sqlite_where=sa.text('birth_year IS NOT NULL'),
                  postgresql_where=sa.text('birth_year IS NOT NULL'))
    op.drop_index('ix_users_province_assisted_by', table_name='users',
                  sqlite_where=sa.text('assisted_by_id IS NOT NULL'),
                  postgresql_where=sa.text('assisted_by_id IS NOT NULL'))
    # SQLite >= 3.35 drops a column in place: users is never rebuilt.
    with op.batch_alter_table('users', recreate='never') as batch_op:
        batch_op.drop_column('birth_year')
    op.execute(f"DELETE FROM audit_entries WHERE action = '{ASSISTED_ENROLMENT}'")
    _audit_actions(AUDIT_ACTIONS)
    for column in ('enrolment_id', 'helper_id', 'learner_id'):
        op.drop_index(op.f(f'ix_assisted_enrolments_{column}'), table_name='assisted_enrolments')
    op.drop_table('assisted_enrolments')

"""accounts: server-side sessions, throttle events, revoked grants kept

A session row per signed-in device (the cookie's secret stored hashed, "remember me" tokens
hashed and rotated), counted attempts for the per-account limits, and role grants that stay
with who revoked them and when: one live grant per role and scope, by a partial unique index.
The audit log gains "sessions ended by an admin".

Revision ID: f60bd59d3ffe
Revises: d74f22f75f99
Create Date: 2026-12-02 07:11:03.364333

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f60bd59d3ffe'
down_revision = 'd74f22f75f99'
branch_labels = None
depends_on = None

AUDIT_ACTIONS = ('role_granted', 'role_revoked', 'requirement_created', 'requirement_edited',
                 'requirement_cancelled', 'certificate_revoked', 'official_confirmed',
                 'official_rejected', 'assisted_signup', 'password_reset_by_helper',
                 'bulk_import')
SESSIONS_ENDED = 'sessions_ended'


def _audit_actions(actions):
    names = ", ".join(f"'{name}'" for name in actions)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_entries_audit_action'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_entries_audit_action'),
                                         sa.text(f"action IN ({names})"))


def upgrade():
    op.create_table('throttle_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_events'))
    )
    with op.batch_alter_table('throttle_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_throttle_events_key_at', ['key', 'at'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember_hash', sa.String(length=64), nullable=True),
    sa.Column('remember_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('device', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('renewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('remember_hash', name=op.f('uq_user_sessions_remember_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_role_grants_user_id_role_province_code'), type_='unique')
        batch_op.create_index('uq_role_grants_live', ['user_id', 'role', 'province_code'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_role_grants_revoked_by_id_users'), 'users', ['revoked_by_id'], ['id'])

    _audit_actions(AUDIT_ACTIONS + (SESSIONS_ENDED,))


def downgrade():
    # The older schema knows neither revoked grants nor this audit action: both go.
    op.execute(f"DELETE FROM audit_entries WHERE action = '{SESSIONS_ENDED}'")
    _audit_actions(AUDIT_ACTIONS)
    op.execute("DELETE FROM role_grants WHERE revoked_at IS NOT NULL")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_role_grants_revoked_by_id_users'), type_='foreignkey')
        batch_op.drop_index('uq_role_grants_live', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_role_grants_user_id_role_province_code'), ['user_id', 'role', 'province_code'])
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revoked_at')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('throttle_events', schema=None) as batch_op:
        batch_op.drop_index('ix_throttle_events_key_at')
        batch_op.drop_index(batch_op.f('ix_throttle_events_at'))

    op.drop_table('throttle_events')

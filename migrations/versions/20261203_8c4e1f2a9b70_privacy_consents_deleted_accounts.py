"""privacy: consents with the notice's version, deleted accounts, who granted from the shell

Law on Personal Data Protection 91/2025/QH15: each consent is a row naming the version of the
privacy notice agreed to; users carry the version they last accepted (existing users have
none, and are asked to accept the notice at their next visit), the time of their last log-in
(for the retention of inactive accounts) and when they deleted their account. A deleted
account keeps no way of reaching its owner, so the contact check allows it. Role grants made
or revoked on the command line record the system account that ran the command. The audit
log gains "account deleted".

Consents given before the notice existed (the sign-up check box) become rows of version "0".

On SQLite the users table is rebuilt to change its check constraint; foreign keys are off
meanwhile, or dropping the old table would cascade to the sessions and role grants that
point at it.

Revision ID: 8c4e1f2a9b70
Revises: 5b0c2e7d91a4
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c4e1f2a9b70'
down_revision = '5b0c2e7d91a4'
branch_labels = None
depends_on = None

AUDIT_ACTIONS = ('role_granted', 'role_revoked', 'requirement_created', 'requirement_edited',
                 'requirement_cancelled', 'certificate_revoked', 'official_confirmed',
                 'official_rejected', 'assisted_signup', 'password_reset_by_helper',
                 'bulk_import', 'sessions_ended')
ACCOUNT_DELETED = 'account_deleted'
CONTACT = "phone IS NOT NULL OR email IS NOT NULL"
CONTACT_OR_DELETED = CONTACT + " OR deleted_at IS NOT NULL"


def _audit_actions(actions):
    names = ", ".join(f"'{name}'" for name in actions)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_entries_audit_action'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_entries_audit_action'),
                                         sa.text(f"action IN ({names})"))


def _foreign_keys(on):
    """SQLite only. A PRAGMA foreign_keys inside a transaction does nothing, and pysqlite
    opens one at the first write (the rows a rebuild copies): what was done so far is
    committed first, as SQLite's DDL here is not transactional anyway."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    state = raw.execute("PRAGMA foreign_keys").fetchone()[0]
    assert state == int(on), f"foreign keys could not be switched {'on' if on else 'off'}"


def _users(contact, *, add):
    _foreign_keys(False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        if add:
            batch_op.add_column(sa.Column('privacy_version', sa.String(length=20), nullable=True))
            batch_op.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_users_contact'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_contact'), sa.text(contact))
        if not add:
            batch_op.drop_column('deleted_at')
            batch_op.drop_column('last_login_at')
            batch_op.drop_column('privacy_version')
    _foreign_keys(True)


def upgrade():
    _users(CONTACT_OR_DELETED, add=True)
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('notice_version', sa.String(length=20), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consents_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('granted_from', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('revoked_from', sa.String(length=100), nullable=True))

    _audit_actions(AUDIT_ACTIONS + (ACCOUNT_DELETED,))
    op.execute("INSERT INTO consents (user_id, notice_version, given_at, via, recorded_by_id) "
               "SELECT id, '0', consent_at, 'before_notice', assisted_by_id FROM users")


def downgrade():
    # The older schema cannot hold a deleted account (no contact) nor this audit action.
    op.execute(f"DELETE FROM audit_entries WHERE action = '{ACCOUNT_DELETED}'")
    _audit_actions(AUDIT_ACTIONS)
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_column('revoked_from')
        batch_op.drop_column('granted_from')

    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_user_id'))

    op.drop_table('consents')
    op.execute("UPDATE users SET email = 'deleted-' || id || '@invalid' "
               "WHERE deleted_at IS NOT NULL AND phone IS NULL AND email IS NULL")
    _users(CONTACT, add=False)

"""one-time password codes; bulk imports of users

A learner without e-mail sets a new password with a one-time code issued by a helper (or
printed in a bulk import's report for a new account): only a keyed hash of it is kept, one
live code per user. A bulk import's parsed upload waits in the database between its preview
and its confirmation, so that any server of the cluster can confirm it.

New tables only: nothing existing is rebuilt.

Revision ID: b7e3c91d4a20
Revises: 3c7a5e1d2b90
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c91d4a20'
down_revision = '3c7a5e1d2b90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reset_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name=op.f('fk_reset_codes_issued_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_reset_codes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reset_codes')),
        sa.UniqueConstraint('user_id', name=op.f('uq_reset_codes_user_id')),
    )
    op.create_table(
        'import_uploads',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('province_code', sa.String(length=2), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_import_uploads_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code'],
                                name=op.f('fk_import_uploads_province_code_provinces')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_uploads')),
    )
    op.create_index(op.f('ix_import_uploads_created_at'), 'import_uploads', ['created_at'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_import_uploads_created_at'), table_name='import_uploads')
    op.drop_table('import_uploads')
    op.drop_table('reset_codes')

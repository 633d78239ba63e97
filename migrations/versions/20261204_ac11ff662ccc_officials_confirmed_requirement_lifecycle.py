"""officials confirmed by a province admin; required training edited, cancelled, with grace

Commune officials and community team members are "declared" until a province admin (or a bulk
import) confirms them: users gain when and by whom. Existing ones start declared, as nobody has
checked them yet. Required training gains an admin's title, a grace period for learners who
enter its scope late (30 days unless set), when it was last edited, and its cancellation.

Columns are added in place on both engines; on SQLite a column's foreign key is declared with
the column, so that the users table is not rebuilt (dropping it would cascade to the rows that
point at it).

Revision ID: ac11ff662ccc
Revises: 8c4e1f2a9b70
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ac11ff662ccc'
down_revision = '8c4e1f2a9b70'
branch_labels = None
depends_on = None

USER_REFERENCES = (('required_trainings', 'cancelled_by_id'),
                   ('users', 'official_confirmed_by_id'))


def _fk_name(table, column):
    return f'fk_{table}_{column}_users'


def _add_reference(table, column):
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                   f'CONSTRAINT {_fk_name(table, column)} REFERENCES users (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(_fk_name(table, column), table, 'users', [column], ['id'])


def upgrade():
    op.add_column('required_trainings', sa.Column('title', sa.String(length=200), nullable=True))
    op.add_column('required_trainings', sa.Column('grace_days', sa.Integer(),
                                                  server_default='30', nullable=False))
    op.add_column('required_trainings', sa.Column('updated_at', sa.DateTime(timezone=True),
                                                  nullable=True))
    op.add_column('required_trainings', sa.Column('cancelled_at', sa.DateTime(timezone=True),
                                                  nullable=True))
    op.add_column('users', sa.Column('official_confirmed_at', sa.DateTime(timezone=True),
                                     nullable=True))
    for table, column in USER_REFERENCES:
        _add_reference(table, column)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column in USER_REFERENCES:
        if not sqlite:
            op.drop_constraint(_fk_name(table, column), table, type_='foreignkey')
    with op.batch_alter_table('users', recreate='never') as batch_op:
        batch_op.drop_column('official_confirmed_by_id')
        batch_op.drop_column('official_confirmed_at')
    with op.batch_alter_table('required_trainings', recreate='never') as batch_op:
        for column in ('cancelled_by_id', 'cancelled_at', 'updated_at', 'grace_days', 'title'):
            batch_op.drop_column(column)

"""users: the name folded for admins' learner search; indexes for the learner list

Admins find learners by name without accents or case ("nguyen thi hoa" finds "Nguyễn Thị
Hoà"). The folded name is stored beside the name, so that the search and the order by name
run on an index at a million learners. The column is added in place (with an empty default,
so that SQLite can add it NOT NULL without rebuilding ``users``) and filled from the names
with the application's own folding, a batch at a time. The list's indexes (by name, by province
and name, by province and joining day) hold the accounts not deleted, the only ones it shows;
two more answer "in the scope of a requirement, since when" and "enrolled, completed" from the
index alone, as the list's status filter asks of a whole province.

Revision ID: 5e4a7c1d2b93
Revises: ff411cafd859
Create Date: 2026-12-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from onetouch.text import fold


# revision identifiers, used by Alembic.
revision = '5e4a7c1d2b93'
down_revision = 'ff411cafd859'
branch_labels = None
depends_on = None

BATCH = 10_000


def _fill(connection):
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('search_name', sa.String))
    last = 0
    while True:
        rows = connection.execute(sa.select(users.c.id, users.c.full_name)
                                  .where(users.c.id > last).order_by(users.c.id)
                                  .limit(BATCH)).all()
        if not rows:
            return
        connection.execute(users.update().where(users.c.id == sa.bindparam('user_id'))
                           .values(search_name=sa.bindparam('folded')),
                           [{'user_id': id_, 'folded': ' '.join(fold(name).split())}
                            for id_, name in rows])
        last = rows[-1][0]


LISTED = {'sqlite_where': sa.text('deleted_at IS NULL'),
          'postgresql_where': sa.text('deleted_at IS NULL')}


def upgrade():
    op.add_column('users', sa.Column('search_name', sa.String(length=200), server_default='',
                                     nullable=False))
    _fill(op.get_bind())
    op.create_index('ix_users_search_name', 'users', ['search_name'], unique=False, **LISTED)
    op.create_index('ix_users_province_search_name', 'users', ['province_code', 'search_name'],
                    unique=False, **LISTED)
    op.create_index('ix_users_province_created_at', 'users', ['province_code', 'created_at'],
                    unique=False, **LISTED)
    op.create_index('ix_users_required_scope', 'users',
                    ['province_code', 'audience', 'is_active', 'created_at',
                     'official_confirmed_at'], unique=False)
    op.create_index('ix_enrolments_user_course_state', 'enrolments',
                    ['user_id', 'course_id', 'left_at', 'completed_at',
                     'certificate_revoked_at'], unique=False)


def downgrade():
    op.drop_index('ix_enrolments_user_course_state', table_name='enrolments')
    for name in ('ix_users_required_scope', 'ix_users_province_created_at',
                 'ix_users_province_search_name', 'ix_users_search_name'):
        op.drop_index(name, table_name='users')
    with op.batch_alter_table('users', recreate='never') as batch_op:
        batch_op.drop_column('search_name')

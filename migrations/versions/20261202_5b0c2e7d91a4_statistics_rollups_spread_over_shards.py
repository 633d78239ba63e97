"""statistics: rollup rows spread over shards

Revision ID: 5b0c2e7d91a4
Revises: f60bd59d3ffe
Create Date: 2026-12-02 07:00:00.000000

Each event added to shared rollup rows (its province's, the nation's week) and held their
locks until it committed, so on PostgreSQL learners queued on them. Every rollup table's
primary key gains a shard; the figures already counted stay in shard 0, which is where a
recount puts them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b0c2e7d91a4'
down_revision = 'f60bd59d3ffe'
branch_labels = None
depends_on = None

KEYS = {
    'stats_daily_registrations': ['day', 'commune_code', 'audience'],
    'stats_daily_course_activity': ['day', 'commune_code', 'course_id', 'audience'],
    'stats_area_days': ['day', 'legacy_province_code', 'course_id', 'audience'],
    'stats_area_weeks': ['week', 'legacy_province_code', 'course_id', 'audience'],
    'stats_area_totals': ['legacy_province_code', 'course_id', 'audience'],
    'stats_national_weeks': ['week', 'course_id', 'audience'],
}
MEASURES = {
    'stats_daily_registrations': ['registrations', 'assisted_signups'],
    'stats_daily_course_activity': ['enrolments', 'completions', 'certificates'],
}
AREA_MEASURES = ['registrations', 'assisted_signups', 'enrolments', 'completions',
                 'certificates']


def upgrade():
    for table, keys in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('shard', sa.Integer(), server_default=sa.text('0'),
                                          nullable=False))
            batch_op.drop_constraint(f'pk_{table}', type_='primary')
            batch_op.create_primary_key(f'pk_{table}', [*keys, 'shard'])


def downgrade():
    # The shards of a key are summed back into one row.
    for table, keys in KEYS.items():
        measures = MEASURES.get(table, AREA_MEASURES)
        others = [column['name'] for column in sa.inspect(op.get_bind()).get_columns(table)
                  if column['name'] not in keys + measures + ['shard']]
        grouped = ', '.join(keys + others)
        summed = ', '.join(f'sum({name}) AS {name}' for name in measures)
        op.execute(f'CREATE TABLE {table}_summed AS SELECT {grouped}, {summed} '
                   f'FROM {table} GROUP BY {grouped}')
        op.execute(f'DELETE FROM {table}')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'pk_{table}', type_='primary')
            batch_op.create_primary_key(f'pk_{table}', keys)
            batch_op.drop_column('shard')
        columns = ', '.join(keys + others + measures)
        op.execute(f'INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_summed')
        op.execute(f'DROP TABLE {table}_summed')

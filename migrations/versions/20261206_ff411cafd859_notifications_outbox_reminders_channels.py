"""notifications: the outbox, reminder marks, learners' choice of channels

The outbox holds one row per message, learner and channel, unique by (event key, channel,
learner) so that enqueueing an event twice inserts nothing; the worker claims due rows by (status,
due_at), and the header counts a learner's unread rows by (user, channel, read_at). Reminder
marks record each deadline reminder given (learner, requirement, kind) once. New tables only:
nothing existing is rebuilt.

Revision ID: ff411cafd859
Revises: 3f9a2c7d1e54
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ff411cafd859'
down_revision = '3f9a2c7d1e54'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _when(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        'notification_choices',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.Column('sms', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notification_choices_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_choices')))
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', _enum('channel', 'in_app', 'email', 'sms'), nullable=False),
        sa.Column('kind', _enum('kind', 'requirement_assigned', 'reminder_digest',
                                'certificate_issued', 'certificate_revoked', 'password_reset'),
                  nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('status', _enum('status', 'pending', 'sending', 'sent', 'failed', 'skipped'),
                  nullable=False),
        _when('created_at', nullable=False),
        _when('due_at', nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claim', sa.String(length=32), nullable=True),
        _when('sent_at'),
        _when('read_at'),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notifications_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('key', 'channel', 'user_id',
                            name=op.f('uq_notifications_key_channel_user_id')))
    op.create_index('ix_notifications_status_due_at', 'notifications', ['status', 'due_at'])
    op.create_index('ix_notifications_user_channel_read', 'notifications',
                    ['user_id', 'channel', 'read_at'])
    op.create_table(
        'reminder_marks',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('requirement_id', sa.Integer(), nullable=False),
        sa.Column('reminder', _enum('reminder', 'week_before', 'day_before', 'overdue'),
                  nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['requirement_id'], ['required_trainings.id'],
                                name=op.f('fk_reminder_marks_requirement_id_required_trainings')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_reminder_marks_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'requirement_id', 'reminder',
                                name=op.f('pk_reminder_marks')))
    op.create_index(op.f('ix_reminder_marks_day'), 'reminder_marks', ['day'])


def downgrade():
    op.drop_index(op.f('ix_reminder_marks_day'), table_name='reminder_marks')
    op.drop_table('reminder_marks')
    op.drop_index('ix_notifications_user_channel_read', table_name='notifications')
    op.drop_index('ix_notifications_status_due_at', table_name='notifications')
    op.drop_table('notifications')
    op.drop_table('notification_choices')

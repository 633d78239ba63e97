"""quiz_attempts: completion_pending, the queue of passed attempts whose completion is to be
applied in a batch

With ``COMPLETIONS = "queued"`` a submission grades its attempt and marks it pending in the
same UPDATE; ``flask quizzes fold`` completes the module or the course (and issues the
certificate) for the pending attempts, a batch per transaction, and clears the mark. The
partial index holds only the pending ones, so it stays as small as the queue.

Revision ID: a4c9e2f7b351
Revises: f3a8c2d6e1b4
Create Date: 2026-12-14 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c9e2f7b351'
down_revision = 'f3a8c2d6e1b4'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both engines: a batch copy of the table would rebuild every
    # attempt of a national database, and the constant default is metadata only on PostgreSQL.
    op.add_column("quiz_attempts", sa.Column("completion_pending", sa.Boolean(),
                                             server_default=sa.false(), nullable=False))
    op.create_index("ix_quiz_attempts_completion_pending", "quiz_attempts", ["id"],
                    sqlite_where=sa.text("completion_pending = 1"),
                    postgresql_where=sa.text("completion_pending"))


def downgrade():
    op.drop_index("ix_quiz_attempts_completion_pending", table_name="quiz_attempts")
    with op.batch_alter_table("quiz_attempts") as batch_op:
        batch_op.drop_column("completion_pending")

"""Quiz attempts: the paper drawn for the learner, the answers and the grade."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onetouch.content.models import Quiz
from onetouch.db import str_enum, utcnow
from onetouch.extensions import db


class AttemptStatus(enum.StrEnum):
    OPEN = "open"
    GRADED = "graded"
    EXPIRED = "expired"


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        Index("ix_quiz_attempts_user_quiz", "user_id", "quiz_id"),
        # At most one open attempt per learner and quiz, even if "start" is clicked twice.
        Index("uq_quiz_attempts_one_open", "user_id", "quiz_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        # The queue of passed attempts whose completion is still to be applied (quizzes/fold.py):
        # only those rows, so it stays as small as the queue. SQLite compares a boolean with 1.
        Index("ix_quiz_attempts_completion_pending", "id",
              sqlite_where=text("completion_pending = 1"),
              postgresql_where=text("completion_pending")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    status: Mapped[AttemptStatus] = mapped_column(
        str_enum(AttemptStatus, "attempt_status"), default=AttemptStatus.OPEN
    )
    # The drawn questions and option orders, fixed for this attempt.
    paper: Mapped[list]
    # Hash of the questions as drawn, so a later edit of the bank never changes this result.
    content_hash: Mapped[str] = mapped_column(String(64))
    # The learner's answers by paper position ("1", "2", ...), and when they were saved.
    answers: Mapped[dict | None]
    answers_saved_at: Mapped[datetime | None]
    # Per question, after grading: the answer, the credit earned.
    results: Mapped[list | None]
    score_percent: Mapped[float | None]
    passed: Mapped[bool | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    # Passed, with COMPLETIONS = "queued": its module or course is completed by the next fold.
    completion_pending: Mapped[bool] = mapped_column(default=False, server_default=false())

    quiz: Mapped[Quiz] = relationship()

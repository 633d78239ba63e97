"""Completions in batches (``COMPLETIONS = "queued"``): the fold.

A submission that completed the course in its own request ran 18 statements and cost about
25 ms of CPU on PostgreSQL (the certificate, its status entry, the rollups, the notification:
``benchmarks/README.md``, "The write path"), five times a bare INSERT. Queued, the request
grades the attempt and marks it ``completion_pending`` in the same UPDATE; the fold then
completes the module or the course of each pending attempt, a batch of them in one
transaction, on whichever machine runs ``flask quizzes fold``.

It applies the same rules as the request did (``services.complete``: learning's lock on the
enrolment, its conditional updates, the certificate's unique key), so two folds at once, or
a fold racing the learner's own last module, still complete a course exactly once. An
attempt is taken from the queue and completed in one transaction: a crash leaves it pending,
never lost. Each attempt's work runs in a savepoint, so one that fails is logged, put back
and retried by the next fold while the rest of its batch is committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from onetouch.content.models import Quiz
from onetouch.quizzes.models import QuizAttempt
from onetouch.quizzes.services import complete

BATCH = 100
log = logging.getLogger(__name__)


@dataclass
class Folded:
    taken: int  # attempts taken from the queue
    done: int  # of which completed; the others failed and wait for the next fold


def fold(session: Session, limit: int = BATCH) -> Folded:
    """Complete up to ``limit`` pending attempts, oldest first; the caller commits."""
    taken = _take(session, limit)
    failed = []
    for attempt_id, quiz_id, enrolment_id in taken:
        try:
            with session.begin_nested():
                complete(session, session.get(Quiz, quiz_id), enrolment_id)
        except Exception:  # noqa: BLE001 (any failure: the others of the batch go on)
            log.exception("the completion of attempt %s failed; it stays queued", attempt_id)
            failed.append(attempt_id)
    if failed:
        session.execute(update(QuizAttempt).where(QuizAttempt.id.in_(failed))
                        .values(completion_pending=True)
                        .execution_options(synchronize_session=False))
    return Folded(len(taken), len(taken) - len(failed))


def _take(session: Session, limit: int) -> list[tuple[int, int, int]]:
    """Take the oldest pending attempts off the queue, in one statement: on PostgreSQL rows
    another fold holds are skipped, not waited for; SQLite's one writer waits its turn. The
    write also opens SQLite's transaction, inside which the savepoints then nest."""
    oldest = (select(QuizAttempt.id).where(QuizAttempt.completion_pending)
              .order_by(QuizAttempt.id).limit(limit).with_for_update(skip_locked=True))
    rows = session.execute(
        update(QuizAttempt).where(QuizAttempt.id.in_(oldest.scalar_subquery()))
        .values(completion_pending=False)
        .returning(QuizAttempt.id, QuizAttempt.quiz_id, QuizAttempt.enrolment_id)
        .execution_options(synchronize_session=False))
    # In the order of their enrolments: every fold then takes enrolment locks in the same
    # order and holds them to its commit, so two folds never wait on each other in a circle.
    return sorted(((row.id, row.quiz_id, row.enrolment_id) for row in rows),
                  key=lambda row: (row[2], row[0]))


def pending(session: Session) -> int:
    """How many passed attempts wait for their completion."""
    return session.scalar(select(func.count()).select_from(QuizAttempt)
                          .where(QuizAttempt.completion_pending))

"""Attempts: start (or resume), save answers, submit, grade once, complete.

Functions change the session; the view commits once. Grading marks the attempt with one
conditional UPDATE (``WHERE status = 'open'``), so a double click or twenty racing
requests grade it exactly once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from onetouch.accounts.models import User
from onetouch.catalog.outline import CourseOutline
from onetouch.content.models import Course, Module, OnTimeout, Question, Quiz, QuizKind
from onetouch.core.rules import RuleError
from onetouch.db import insert_or_ignore, utcnow
from onetouch.learning import services as learning
from onetouch.quizzes import grading, papers
from onetouch.quizzes.models import AttemptStatus, QuizAttempt
from onetouch.text import digest

GRACE = timedelta(seconds=30)  # network and a slow phone: a submission this late still counts


class QuizError(RuleError):
    """A quiz rule was broken."""


@dataclass
class Standing:
    """Where a learner stands with a quiz: attempts used, best score, may they start now."""

    used: int
    best: float | None
    passed: bool
    open_attempt: Row | None  # the open attempt's id, if one is open
    wait_until: datetime | None
    limit_reached: bool


class Rules(Protocol):
    """What a standing depends on: a Quiz, or a quiz of a course's outline."""

    id: int
    attempt_limit: int | None
    cooldown_seconds: int


def finished(session: Session, user: User, quiz: Quiz) -> list[QuizAttempt]:
    return list(session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id,
                                  QuizAttempt.status != AttemptStatus.OPEN)
        .order_by(QuizAttempt.started_at.desc())))


def open_attempt(session: Session, user: User, quiz: Quiz) -> QuizAttempt | None:
    return session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id,
        QuizAttempt.status == AttemptStatus.OPEN))


# Built once and run as plain rows on the session's connection: a learner's every course and
# lesson page asks where they stand (see learning.state), and building the statement and
# loading ORM objects would cost more than the query.
ATTEMPT_FIELDS = (QuizAttempt.id, QuizAttempt.quiz_id, QuizAttempt.status,
                  QuizAttempt.score_percent, QuizAttempt.passed, QuizAttempt.submitted_at)
QUIZ_ATTEMPTS = select(*ATTEMPT_FIELDS).where(QuizAttempt.user_id == bindparam("user_id"),
                                              QuizAttempt.quiz_id == bindparam("quiz_id"))
# An attempt belongs to the enrolment in its course: one learner's attempts in one course.
ENROLMENT_ATTEMPTS = select(*ATTEMPT_FIELDS).where(
    QuizAttempt.enrolment_id == bindparam("enrolment_id"))


def standing(session: Session, user: User, quiz: Quiz, now: datetime) -> Standing:
    rows = session.connection().execute(QUIZ_ATTEMPTS, {"user_id": user.id, "quiz_id": quiz.id})
    return _standing(quiz, rows.all(), now)


def course_standings(session: Session, user_id: int, outline: CourseOutline,
                     enrolment: Row) -> dict[int, Standing]:
    """The quizzes' part of a learner's state in a course (see learning.state): their
    standing with each quiz of the course, by quiz id, while they are enrolled."""
    if enrolment.left_at is not None and enrolment.completed_at is None:
        return {}
    attempts = defaultdict(list)
    for row in session.connection().execute(ENROLMENT_ATTEMPTS, {"enrolment_id": enrolment.id}):
        attempts[row.quiz_id].append(row)
    now = utcnow()
    return {quiz.id: _standing(quiz, attempts[quiz.id], now) for quiz in outline.quizzes.values()}


def _standing(quiz: Rules, attempts: list[Row], now: datetime) -> Standing:
    done = [a for a in attempts if a.status is not AttemptStatus.OPEN]
    scores = [a.score_percent for a in done if a.score_percent is not None]
    last = max((a.submitted_at for a in done if a.submitted_at), default=None)
    wait = last + timedelta(seconds=quiz.cooldown_seconds) if last and quiz.cooldown_seconds \
        else None
    return Standing(
        used=len(done), best=max(scores) if scores else None,
        passed=any(a.passed for a in done),
        open_attempt=next((a for a in attempts if a.status is AttemptStatus.OPEN), None),
        wait_until=wait if wait and wait > now else None,
        limit_reached=quiz.attempt_limit is not None and len(done) >= quiz.attempt_limit)


def start(session: Session, user: User, quiz: Quiz, now: datetime) -> QuizAttempt:
    """Resume the open attempt, or draw a new paper if the rules allow one."""
    enrolment = learning.enrolment_of(session, user, session.get(Course, quiz.course_id))
    if not learning.active(enrolment):
        raise QuizError(_l("Hãy ghi danh khóa học trước khi làm bài."))
    current = open_attempt(session, user, quiz)
    if current is not None and not finalise_if_late(session, current, now):
        return current
    state = standing(session, user, quiz, now)
    if state.limit_reached:
        raise QuizError(_l("Bạn đã dùng hết %(count)d lượt làm bài.", count=quiz.attempt_limit))
    if state.wait_until:
        minutes = max(1, round((state.wait_until - now).total_seconds() / 60))
        raise QuizError(_l("Hãy ôn lại bài và thử lại sau %(minutes)d phút.", minutes=minutes))
    bank = list(session.scalars(select(Question).where(Question.quiz_id == quiz.id,
                                                       Question.archived_at.is_(None))))
    if not bank:
        raise QuizError(_l("Bài kiểm tra này chưa có câu hỏi."))
    paper = papers.draw(quiz, bank)
    # At most one open attempt per learner and quiz (a unique partial index): a second click
    # at the same moment inserts nothing, and both requests resume the one that was drawn.
    insert_or_ignore(session, QuizAttempt, {
        "quiz_id": quiz.id, "user_id": user.id, "enrolment_id": enrolment.id,
        "status": AttemptStatus.OPEN, "paper": paper, "content_hash": digest({"paper": paper}),
        "started_at": now, "deadline_at": now + timedelta(seconds=quiz.time_limit_seconds)
        if quiz.time_limit_seconds else None}, conflict=None)
    return open_attempt(session, user, quiz)


def is_late(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def save(session: Session, attempt: QuizAttempt, answers: dict, now: datetime) -> None:
    if attempt.status is not AttemptStatus.OPEN:
        raise QuizError(_l("Bài làm này đã nộp."))
    if is_late(attempt, now):
        raise QuizError(_l("Đã hết giờ làm bài; các câu trả lời không được lưu thêm."))
    attempt.answers = answers
    attempt.answers_saved_at = now
    session.flush()


def finalise_if_late(session: Session, attempt: QuizAttempt, now: datetime) -> bool:
    """Close an open attempt whose time ran out; True if it is (now) closed."""
    if attempt.status is AttemptStatus.OPEN and is_late(attempt, now):
        submit(session, attempt, None, now)
        return True
    return attempt.status is not AttemptStatus.OPEN


def finalise_late(session: Session, now: datetime) -> int:
    """Close every open attempt whose time ran out; the number closed."""
    late = session.scalars(select(QuizAttempt).where(
        QuizAttempt.status == AttemptStatus.OPEN, QuizAttempt.deadline_at < now - GRACE)
        .order_by(QuizAttempt.id)).all()
    return sum(finalise_if_late(session, attempt, now) for attempt in late)


# Built once and run as plain rows on the session's connection: each submission needs these
# few rules of its quiz, and the conditional UPDATE that grades it once. Through the ORM they
# cost more than the statements themselves (benchmarks/README.md, "The write path").
GRADING_RULES = select(Quiz.id, Quiz.kind, Quiz.module_id, Quiz.pass_percent,
                       Quiz.partial_credit, Quiz.on_timeout).where(Quiz.id == bindparam("quiz_id"))
_ATTEMPTS = QuizAttempt.__table__
GRADE = (update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id"),
                                 _ATTEMPTS.c.status == AttemptStatus.OPEN)
         .returning(_ATTEMPTS.c.id))


def submit(session: Session, attempt: QuizAttempt, answers: dict | None,
           now: datetime) -> bool:
    """Grade the attempt once. True if this call graded it, False if it already was.

    :param answers: the submitted answers; ignored when the submission is late, in which
        case the quiz's ``on_timeout`` rule decides.
    """
    quiz = session.connection().execute(GRADING_RULES, {"quiz_id": attempt.quiz_id}).one()
    values = _outcome(quiz, attempt, answers, now)
    queued = values["passed"] and completions_queued()
    if queued:
        values["completion_pending"] = True
    graded = session.connection().execute(
        GRADE.values(**values, submitted_at=now), {"attempt_id": attempt.id}).first()
    if graded is None:
        session.refresh(attempt)  # a racing request graded it first: show its grade
        return False
    # We wrote these values, so we know them: no read back. Committed, not changes to flush.
    for key, value in (values | {"submitted_at": now}).items():
        set_committed_value(attempt, key, value)
    if attempt.passed and not queued:
        complete(session, quiz, attempt.enrolment_id)
    return True


def completions_queued() -> bool:
    """True when passed attempts are completed by the fold (``COMPLETIONS = "queued"``)
    rather than in the request that passed them."""
    return has_app_context() and current_app.config.get("COMPLETIONS") == "queued"


def _outcome(quiz: Quiz, attempt: QuizAttempt, answers: dict | None, now: datetime) -> dict:
    if is_late(attempt, now):
        if quiz.on_timeout is OnTimeout.EXPIRE:
            return {"status": AttemptStatus.EXPIRED, "score_percent": 0.0, "passed": False,
                    "results": _results(quiz, attempt.paper, {})}
        answers = attempt.answers or {}
    answers = answers or {}
    results = _results(quiz, attempt.paper, answers)
    score = grading.score_percent([r["credit"] for r in results])
    return {"status": AttemptStatus.GRADED, "answers": answers, "results": results,
            "score_percent": score, "passed": score >= quiz.pass_percent}


def _results(quiz: Quiz, paper: list[dict], answers: dict) -> list[dict]:
    return [{"answer": answers.get(str(i)),
             "credit": grading.credit(question, answers.get(str(i)), quiz.partial_credit)}
            for i, question in enumerate(paper, start=1)]


def complete(session: Session, quiz: Quiz, enrolment_id: int) -> None:
    """What passing the quiz completes in the enrolment: its module, or (a final exam) the
    course. Learning locks the enrolment and reads it itself: its id is enough."""
    if quiz.kind is QuizKind.FINAL:
        learning.final_exam_passed(session, enrolment_id)
    else:
        learning.complete_module(session, enrolment_id, session.get(Module, quiz.module_id))


def live_quiz(session: Session, quiz_id: int) -> Quiz | None:
    return session.scalar(select(Quiz).join(Course, Course.id == Quiz.course_id).where(
        Quiz.id == quiz_id, Quiz.archived_at.is_(None), Course.archived_at.is_(None)))


def final_exam(session: Session, course: Course) -> Quiz | None:
    return session.scalar(select(Quiz).where(Quiz.course_id == course.id,
                                             Quiz.kind == QuizKind.FINAL,
                                             Quiz.archived_at.is_(None)))


def bank_size(session: Session, quiz: Quiz) -> int:
    return session.scalar(select(func.count()).select_from(Question).where(
        Question.quiz_id == quiz.id, Question.archived_at.is_(None)))

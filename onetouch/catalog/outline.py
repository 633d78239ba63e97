"""A course's outline: its lessons and quizzes as plain values, the same for every reader.

Course and lesson pages keep it with their rendered shell (see ``pages``) and hand it to the
learner's panel on every request, so that no request loads the syllabus or the quizzes again.
Plain frozen values rather than ORM objects: they outlive the session that loaded them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onetouch.content.models import Course, Module, Question, Quiz, QuizKind


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    slug: str
    title: str
    required: bool


@dataclass(frozen=True)
class QuizOutline:
    """A quiz's rules as a learner sees them before starting: what the quiz pages and the
    learner's standing need."""

    id: int
    module_id: int | None  # None for the final exam
    title: str
    questions: int  # live questions in the bank
    draw: int | None
    pass_percent: int
    time_limit_seconds: int | None
    attempt_limit: int | None
    cooldown_seconds: int

    @property
    def per_attempt(self) -> int:
        return min(self.draw or self.questions, self.questions)


@dataclass(frozen=True)
class CourseOutline:
    id: int
    slug: str
    title: str
    has_certificate: bool
    modules: tuple[ModuleOutline, ...]  # the live lessons, in order
    quizzes: dict[int | None, QuizOutline]  # by module id; the final exam under None

    @property
    def final_exam(self) -> QuizOutline | None:
        return self.quizzes.get(None)

    def module(self, module_id: int) -> ModuleOutline:
        return next(m for m in self.modules if m.id == module_id)


def outline(session: Session, course: Course, modules: list[Module]) -> CourseOutline:
    """The outline of a course whose live modules (in order) are already loaded: one query,
    for its live quizzes and the size of their banks."""
    rows = session.execute(
        select(Quiz, func.count(Question.id))
        .outerjoin(Question, (Question.quiz_id == Quiz.id) & Question.archived_at.is_(None))
        .where(Quiz.course_id == course.id, Quiz.archived_at.is_(None))
        .group_by(Quiz.id)
    ).all()
    quizzes = {
        (None if quiz.kind is QuizKind.FINAL else quiz.module_id): QuizOutline(
            quiz.id, quiz.module_id, quiz.title, count, quiz.draw, quiz.pass_percent,
            quiz.time_limit_seconds, quiz.attempt_limit, quiz.cooldown_seconds)
        for quiz, count in rows
    }
    return CourseOutline(
        course.id, course.slug, course.title, course.has_certificate,
        tuple(ModuleOutline(m.id, m.slug, m.title, m.required) for m in modules), quizzes)

"""A learner's state in one course, built once for a course or lesson page.

Learning owns the enrolment and the lessons done; the features built on learning add their
part: the quizzes where the learner stands with each quiz, certificates the certificate.
Learning may not import them, so ``create_app`` hands their functions in through
``init_app`` (and this module's ``for_page`` to the catalogue, which may not import learning
either). With the course's outline kept beside the page (``catalog.pages``), the state costs
one statement for a learner who never enrolled, two for an enrolment in progress and three
for a completed course.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from onetouch.catalog.outline import CourseOutline, ModuleOutline, QuizOutline
from onetouch.extensions import db
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.learning.services import Progress

EXTENSION = "onetouch.learner_parts"

# (session, user id, the course's outline, the enrolment row) -> the feature's part.
Part = Callable[[Session, int, CourseOutline, Row], Any]


def init_app(app: Flask, *, quizzes: Part, certificate: Part) -> None:
    """:param quizzes: the learner's standing with each quiz of the course, by quiz id.
    :param certificate: the learner's certificate for the course (``number``,
        ``revoked_at``), or None."""
    app.extensions[EXTENSION] = {"quizzes": quizzes, "certificate": certificate}


@dataclass
class LearnerState:
    outline: CourseOutline
    # id, completed_at, left_at, final_passed_at, last_module_id; None if never enrolled.
    enrolment: Row | None = None
    done: frozenset[int] = frozenset()  # ids of the modules completed
    quizzes: dict[int, Any] = field(default_factory=dict)
    certificate: Row | None = None

    @property
    def enrolled(self) -> bool:
        """Enrolled and not left; a completed course counts as enrolled whatever happened
        after (a completion is never undone by leaving)."""
        return self.enrolment is not None and (self.enrolment.left_at is None
                                               or self.enrolment.completed_at is not None)

    @property
    def completed(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is not None

    @property
    def progress(self) -> Progress:
        required = [m.id for m in self.outline.modules if m.required]
        return Progress(len(self.done.intersection(required)), len(required))

    @property
    def resume(self) -> ModuleOutline | None:
        """Where to continue: the last lesson worked on if unfinished, else the first unfinished."""
        modules = self.outline.modules
        last = next((m for m in modules if m.id == self.enrolment.last_module_id), None)
        if last is not None and last.id not in self.done:
            return last
        return next((m for m in modules if m.id not in self.done),
                    last or (modules[0] if modules else None))

    def next_after(self, module: ModuleOutline) -> ModuleOutline | None:
        """The first unfinished lesson after this one, else the first unfinished before it."""
        modules = self.outline.modules
        at = modules.index(module)
        return next((m for m in modules[at + 1:] + modules[:at] if m.id not in self.done), None)

    def standing(self, quiz: QuizOutline):
        return self.quizzes.get(quiz.id)


# Built once, and run on the session's connection as plain rows (no ORM layer): a learner's
# every page runs it, and building and loading through the ORM cost more than the query.
ENROLMENT = (
    select(Enrolment.id, Enrolment.completed_at, Enrolment.left_at, Enrolment.final_passed_at,
           Enrolment.last_module_id, ModuleProgress.module_id)
    .outerjoin(ModuleProgress, (ModuleProgress.enrolment_id == Enrolment.id)
               & ModuleProgress.completed_at.is_not(None))
    .where(Enrolment.user_id == bindparam("user_id"),
           Enrolment.course_id == bindparam("course_id"))
)


def for_page(outline: CourseOutline) -> LearnerState | None:
    """The current visitor's state in the course; None for a visitor who is not logged in."""
    if not current_user.is_authenticated:
        return None
    return build(db.session, current_user.id, outline, current_app.extensions[EXTENSION])


def build(session: Session, user_id: int, outline: CourseOutline,
          parts: dict[str, Part]) -> LearnerState:
    """The enrolment and the modules done in one statement, then each feature's part."""
    rows = session.connection().execute(
        ENROLMENT, {"user_id": user_id, "course_id": outline.id}).all()
    if not rows:
        return LearnerState(outline)
    enrolment = rows[0]
    done = frozenset(row.module_id for row in rows if row.module_id is not None)
    return LearnerState(outline, enrolment, done,
                        quizzes=parts["quizzes"](session, user_id, outline, enrolment),
                        certificate=parts["certificate"](session, user_id, outline, enrolment))

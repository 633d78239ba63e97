"""Finding enrolments whose rules are met but which were never completed, and completing them.

Live requests complete a course in the transaction of its last step. This repairs what an
older release, a crash between steps or a changed syllabus (a module no longer required) left
behind. Each candidate is completed through the same path as a live request, so the
certificate and the statistics follow; running it again finds nothing.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from onetouch.content.models import Module, Quiz, QuizKind
from onetouch.learning import services
from onetouch.learning.models import Enrolment, ModuleProgress


def overdue_completions(session: Session) -> list[int]:
    """Ids of enrolments not completed whose required modules are done and whose final exam,
    if the course has one, was passed; counted in SQL, so in-progress learners cost nothing."""
    required = (select(Module.course_id, func.count().label("n"))
                .where(Module.required, Module.archived_at.is_(None))
                .group_by(Module.course_id).subquery())
    done = (select(ModuleProgress.enrolment_id, func.count().label("n"))
            .join(Module, Module.id == ModuleProgress.module_id)
            .where(ModuleProgress.completed_at.is_not(None), Module.required,
                   Module.archived_at.is_(None))
            .group_by(ModuleProgress.enrolment_id).subquery())
    finals = (select(Quiz.course_id).where(Quiz.kind == QuizKind.FINAL,
                                           Quiz.archived_at.is_(None)))
    return list(session.scalars(
        select(Enrolment.id)
        .outerjoin(required, required.c.course_id == Enrolment.course_id)
        .outerjoin(done, done.c.enrolment_id == Enrolment.id)
        .where(Enrolment.completed_at.is_(None),
               func.coalesce(done.c.n, 0) >= func.coalesce(required.c.n, 0),
               or_(Enrolment.final_passed_at.is_not(None),
                   Enrolment.course_id.not_in(finals)))
        .order_by(Enrolment.id)))


def repair_completions(session: Session) -> int:
    """Complete every enrolment that should be complete; the number completed."""
    completed = 0
    for enrolment_id in overdue_completions(session):
        enrolment = services.lock(session, session.get(Enrolment, enrolment_id))
        completed += services.maybe_complete_course(session, enrolment)
    return completed

"""Enrolment and progress rules. Functions flush; the request's unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from onetouch.accounts.models import User
from onetouch.content.models import Course, Module, Quiz, QuizKind
from onetouch.core.rules import RuleError
from onetouch.db import insert_or_ignore, lock_row, updated, utcnow
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.learning.signals import course_completed, enrolled


class LearningError(RuleError):
    """A learning rule was broken."""


def enrolment_of(session: Session, user: User, course: Course) -> Enrolment | None:
    return session.scalar(select_enrolment(user.id, course.id))


def enrol(session: Session, user: User, course: Course) -> Enrolment:
    """Enrol the user; enrolling again (or at the same moment twice) is still one enrolment.

    :raises LearningError: when the course belongs to another province.
    """
    if course.province_code and course.province_code != user.province_code:
        raise LearningError(_l("Khóa học này dành riêng cho người học của một tỉnh khác."))
    enrolment = enrolment_of(session, user, course)
    if enrolment is None:
        # A concurrent request may insert it between our read and our insert.
        created = insert_or_ignore(session, Enrolment, {
            "user_id": user.id, "course_id": course.id, "enrolled_at": utcnow(),
            "commune_code": user.commune_code, "audience": user.audience},
            conflict=["user_id", "course_id"])
        enrolment = enrolment_of(session, user, course)
        if created:
            enrolled.send(enrolment, session=session)
    if enrolment.left_at is not None:
        enrolment.left_at = None
    session.flush()
    return enrolment


def leave(session: Session, enrolment: Enrolment) -> None:
    """Leave a course; progress is kept in case the learner comes back.

    A completed course cannot be left: leaving is for putting aside a course in progress,
    and a completion is a record (the certificate, required training, the statistics) that
    one tap must not take away.

    :raises LearningError: when the course is completed.
    """
    if enrolment.completed_at is not None:
        raise LearningError(_l("Bạn đã hoàn thành khóa học này: kết quả và chứng chỉ được "
                               "giữ, không cần rời khóa học."))
    enrolment.left_at = utcnow()
    session.flush()


def active(enrolment: Enrolment | None) -> bool:
    return enrolment is not None and enrolment.left_at is None


def module_quiz(session: Session, module: Module) -> Quiz | None:
    return session.scalar(select(Quiz).where(Quiz.module_id == module.id,
                                             Quiz.archived_at.is_(None)))


def progress_of(session: Session, enrolment: Enrolment, module: Module) -> ModuleProgress | None:
    return session.scalar(select(ModuleProgress).where(
        ModuleProgress.enrolment_id == enrolment.id, ModuleProgress.module_id == module.id))


def open_module(session: Session, enrolment: Enrolment, module: Module) -> ModuleProgress:
    """The learner's progress row for a module, made on their first step in it (marking it
    read, passing its quiz), and the module remembered as where they left off."""
    progress = progress_of(session, enrolment, module)
    if progress is None:
        insert_or_ignore(session, ModuleProgress, {"enrolment_id": enrolment.id,
                                                   "module_id": module.id,
                                                   "opened_at": utcnow()},
                         conflict=["enrolment_id", "module_id"])
        progress = progress_of(session, enrolment, module)
    enrolment.last_module_id = module.id
    session.flush()
    return progress


def mark_read(session: Session, enrolment: Enrolment, module: Module) -> None:
    """Complete a module that has no quiz; one with a quiz is completed by passing it."""
    if module_quiz(session, module) is not None:
        raise LearningError(_l("Bài học này hoàn thành khi bạn đạt bài kiểm tra."))
    complete_module(session, enrolment, module)


def complete_module(session: Session, enrolment: Enrolment | int, module: Module) -> None:
    """Complete a module of the enrolment (or of the enrolment with this id)."""
    enrolment = lock(session, enrolment)
    progress = open_module(session, enrolment, module)
    if progress.completed_at is None:
        progress.completed_at = utcnow()
    session.flush()
    maybe_complete_course(session, enrolment)


def lock(session: Session, enrolment: Enrolment | int) -> Enrolment:
    """Take the enrolment's write lock and read it afresh, before a step towards completion;
    the locked enrolment, given it or its id (the caller need not load it first).

    The last module and the final exam may be passed at the same moment (two tabs). Each
    path writes its own row and then asks "is everything done?"; without a common lock each
    would miss the other's uncommitted write and neither would complete the course. With
    it, the second waits for the first to commit and then sees its write.
    """
    key = enrolment if isinstance(enrolment, int) else enrolment.id
    return lock_row(session, Enrolment, key)


def modules_done(session: Session, enrolment: Enrolment) -> bool:
    """True when no required module of the course lacks a completed progress row."""
    completed = exists().where(ModuleProgress.enrolment_id == enrolment.id,
                               ModuleProgress.module_id == Module.id,
                               ModuleProgress.completed_at.is_not(None))
    missing = session.scalar(select(Module.id).where(
        Module.course_id == enrolment.course_id, Module.required, Module.archived_at.is_(None),
        ~completed).limit(1))
    return missing is None


def has_final_exam(session: Session, course_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(Quiz).where(
        Quiz.course_id == course_id, Quiz.kind == QuizKind.FINAL,
        Quiz.archived_at.is_(None))) > 0


def maybe_complete_course(session: Session, enrolment: Enrolment) -> bool:
    """Complete the course once its required modules are done and, if it has a final exam,
    the exam was passed, whichever came last. Announces it with ``course_completed``."""
    if enrolment.completed_at is not None:
        return False
    if enrolment.final_passed_at is None and has_final_exam(session, enrolment.course_id):
        return False
    if not modules_done(session, enrolment):
        return False
    # Only the request that moves completed_at from NULL completes the course.
    now = utcnow()
    done = updated(session, update(Enrolment)
                   .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
                   .values(completed_at=now))
    if not done:
        session.refresh(enrolment)  # a racing request completed it: read its completed_at
        return False
    # We wrote the value, so we know it: no read back. Committed, not a change to flush.
    set_committed_value(enrolment, "completed_at", now)
    course_completed.send(enrolment, session=session)
    return True


def final_exam_passed(session: Session, enrolment: Enrolment | int) -> bool:
    """Record the first pass of the final exam of the enrolment (or of the enrolment with this
    id); True when it completed the course."""
    enrolment = lock(session, enrolment)
    if enrolment.final_passed_at is None:
        enrolment.final_passed_at = utcnow()
        session.flush()
    return maybe_complete_course(session, enrolment)


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_by_enrolment(session: Session, enrolments: list[Enrolment]) -> dict[int, Progress]:
    """Completed and required module counts for many enrolments in two queries."""
    course_ids = {e.course_id for e in enrolments}
    totals = dict(session.execute(
        select(Module.course_id, func.count()).where(
            Module.course_id.in_(course_ids), Module.required, Module.archived_at.is_(None))
        .group_by(Module.course_id)).all())
    done = dict(session.execute(
        select(ModuleProgress.enrolment_id, func.count())
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.enrolment_id.in_([e.id for e in enrolments]),
               ModuleProgress.completed_at.is_not(None), Module.required,
               Module.archived_at.is_(None))
        .group_by(ModuleProgress.enrolment_id)).all())
    return {e.id: Progress(done.get(e.id, 0), totals.get(e.course_id, 0)) for e in enrolments}


def completed_module_ids(session: Session, enrolment: Enrolment) -> set[int]:
    return set(session.scalars(select(ModuleProgress.module_id).where(
        ModuleProgress.enrolment_id == enrolment.id, ModuleProgress.completed_at.is_not(None))))


def enrolments_of(session: Session, user: User) -> list[Enrolment]:
    return list(session.scalars(
        select(Enrolment).join(Enrolment.course).options(contains_eager(Enrolment.course))
        # A course completed before leaving was refused stays among the completed ones.
        .where(Enrolment.user_id == user.id,
               or_(Enrolment.left_at.is_(None), Enrolment.completed_at.is_not(None)),
               Course.archived_at.is_(None))
        .order_by(Enrolment.enrolled_at.desc())))


def select_enrolment(user_id: int, course_id: int):
    return select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)

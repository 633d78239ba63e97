"""Each "exactly once" step decides from a returned row, so both engines announce it once.

A row count is not enough: for INSERT ... RETURNING psycopg reports -1, and on PostgreSQL the
enrolment and certificate signals (and with them the statistics) once never fired.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from onetouch.accounts.models import User
from onetouch.certificates import services as certificates
from onetouch.certificates.models import Certificate
from onetouch.certificates.signals import certificate_issued
from onetouch.content.models import Course, Module, Quiz, QuizKind
from onetouch.db import insert_or_ignore, updated, utcnow
from onetouch.extensions import db
from onetouch.learning import services as learning
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.learning.repair import repair_completions
from onetouch.learning.signals import course_completed, enrolled
from onetouch.quizzes import services as quizzes
from onetouch.quizzes.models import QuizAttempt


@contextmanager
def heard(signal):
    """Collect what a signal announces while the block runs."""
    senders = []

    def receiver(sender, **extra):
        senders.append(sender)

    with signal.connected_to(receiver):
        yield senders


@pytest.fixture
def setting(app, make_user, synced_library):
    """A learner and the sample course, inside an app context."""
    user_id = make_user()
    with app.app_context():
        yield db.session.get(User, user_id), db.session.scalar(select(Course))
        db.session.remove()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_insert_or_ignore_says_whether_it_inserted(setting):
    user, course = setting
    row = {"user_id": user.id, "course_id": course.id, "enrolled_at": utcnow()}
    assert insert_or_ignore(db.session, Enrolment, row, conflict=["user_id", "course_id"])
    assert not insert_or_ignore(db.session, Enrolment, row, conflict=["user_id", "course_id"])
    assert not insert_or_ignore(db.session, Enrolment, row, conflict=None)
    assert count(Enrolment) == 1


def test_a_conditional_update_says_whether_it_changed_a_row(setting):
    user, course = setting
    enrolment = learning.enrol(db.session, user, course)
    first = (update(Enrolment).where(Enrolment.id == enrolment.id,
                                        Enrolment.completed_at.is_(None))
             .values(completed_at=utcnow()))
    assert updated(db.session, first)
    assert not updated(db.session, first)


def test_enrolling_twice_is_announced_once(setting):
    user, course = setting
    with heard(enrolled) as announced:
        first = learning.enrol(db.session, user, course)
        again = learning.enrol(db.session, user, course)
    assert announced == [first]
    assert again.id == first.id
    assert count(Enrolment) == 1


def test_opening_a_module_twice_keeps_one_progress_row(setting):
    user, course = setting
    enrolment = learning.enrol(db.session, user, course)
    module = db.session.scalar(select(Module).order_by(Module.position))
    first = learning.open_module(db.session, enrolment, module)
    assert learning.open_module(db.session, enrolment, module).id == first.id
    assert count(ModuleProgress) == 1


def test_starting_twice_resumes_the_one_open_attempt(setting):
    user, course = setting
    learning.enrol(db.session, user, course)
    quiz = db.session.scalar(select(Quiz).where(Quiz.kind == QuizKind.FINAL))
    first = quizzes.start(db.session, user, quiz, utcnow())
    assert quizzes.start(db.session, user, quiz, utcnow() + timedelta(seconds=1)).id == first.id
    assert count(QuizAttempt) == 1


def finish_everything(enrolment: Enrolment) -> None:
    """Every module done and the final exam passed, written without the completion rules."""
    for module in db.session.scalars(select(Module).where(Module.course_id ==
                                                          enrolment.course_id)):
        db.session.add(ModuleProgress(enrolment_id=enrolment.id, module_id=module.id,
                                      completed_at=utcnow()))
    enrolment.final_passed_at = utcnow()
    db.session.flush()


def test_issuing_twice_is_announced_once(setting):
    user, course = setting
    enrolment = learning.enrol(db.session, user, course)
    finish_everything(enrolment)
    with heard(certificate_issued) as announced:
        assert learning.maybe_complete_course(db.session, enrolment)
        assert certificates.issue(db.session, enrolment).id == announced[0].id
    assert len(announced) == 1
    assert count(Certificate) == 1


@pytest.mark.parametrize("last", ["module", "final"])
def test_the_last_step_completes_the_course_whichever_it_is(setting, last):
    user, course = setting
    enrolment = learning.enrol(db.session, user, course)
    modules = db.session.scalars(select(Module).order_by(Module.position)).all()
    for module in modules[:-1]:
        learning.complete_module(db.session, enrolment, module)
    steps = {"module": lambda: learning.complete_module(db.session, enrolment, modules[-1]),
             "final": lambda: learning.final_exam_passed(db.session, enrolment)}
    with heard(course_completed) as announced:
        steps["final" if last == "module" else "module"]()
        assert announced == []
        steps[last]()
    assert announced == [enrolment]
    assert enrolment.completed_at is not None
    assert count(Certificate) == 1


def test_repair_completes_what_the_rules_allow_and_only_once(app, setting, runner):
    user, course = setting
    enrolment = learning.enrol(db.session, user, course)
    finish_everything(enrolment)  # as a lost race left it: everything done, not completed
    db.session.commit()
    result = runner.invoke(args=["learning", "repair"])
    assert result.exit_code == 0, result.output
    assert "1 enrolment(s) completed" in result.output
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).completed_at is not None
    assert count(Certificate) == 1
    assert runner.invoke(args=["learning", "repair"]).output.startswith("0 enrolment(s)")
    assert runner.invoke(args=["stats", "check"]).exit_code == 0


def test_repair_leaves_unfinished_enrolments_alone(setting):
    user, course = setting
    enrolment = learning.enrol(db.session, user, course)
    enrolment.final_passed_at = utcnow()  # the exam passed, the modules not yet done
    db.session.flush()
    assert repair_completions(db.session) == 0
    assert enrolment.completed_at is None


def test_certificate_backfill_also_completes_first(setting, runner):
    user, course = setting
    finish_everything(learning.enrol(db.session, user, course))
    db.session.commit()
    result = runner.invoke(args=["certificates", "backfill"])
    assert result.exit_code == 0, result.output
    assert "1 certificate(s) issued" in result.output
    assert count(Certificate) == 1

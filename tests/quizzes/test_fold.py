"""Completions in batches (COMPLETIONS = "queued"): a submission grades and queues, the fold
completes the module or the course and issues the certificate, exactly once and at least
once, on both engines."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from onetouch.certificates.models import Certificate
from onetouch.config import ConfigError
from onetouch.content.models import Module
from onetouch.extensions import db
from onetouch.learning import services as learning
from onetouch.learning import tallies
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.quizzes import fold
from onetouch.quizzes.models import QuizAttempt
from onetouch.stats import rollups
from tests.fixtures.apps import make_config
from tests.fixtures.quizzes import answer_form, paper_of, start

PENDING_NOTE = "Tiến độ khóa học (và chứng chỉ, nếu khóa học có) được cập nhật"


@pytest.fixture
def queued(app):
    app.config["COMPLETIONS"] = "queued"
    return app


def _state(app, enrolment_id: int) -> dict:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        return {
            "completed": enrolment.completed_at is not None,
            "final_passed": enrolment.final_passed_at is not None,
            "modules_done": db.session.scalar(select(func.count()).select_from(ModuleProgress)
                                              .where(ModuleProgress.enrolment_id == enrolment_id,
                                                     ModuleProgress.completed_at.is_not(None))),
            "certificates": db.session.scalar(select(func.count()).select_from(Certificate)
                                              .where(Certificate.enrolment_id == enrolment_id)),
            "pending": db.session.scalar(select(func.count()).select_from(QuizAttempt)
                                         .where(QuizAttempt.enrolment_id == enrolment_id,
                                                QuizAttempt.completion_pending)),
        }


def _figures_agree(app) -> None:
    """The statistics' rollups and the compliance dashboard's running counts equal a count
    from the raw rows (``flask stats check``, ``flask compliance check``)."""
    with app.app_context():
        assert rollups.check(db.session) == []
        assert tallies.check(db.session) == []


def test_a_queued_pass_completes_and_certifies_at_the_fold(queued, client, learner, quiz_ids,
                                                          runner, queries):
    attempt = start(client, quiz_ids["final"])
    with queries() as seen:
        answered = client.post(f"/attempts/{attempt}", data=answer_form(paper_of(queued, attempt)))
    assert answered.status_code == 302
    # The request grades and queues in one UPDATE: no completion, certificate or rollup.
    assert [w.split()[:2] for w in seen.writes] == [["UPDATE", "quiz_attempts"]]
    assert PENDING_NOTE in client.get(f"/attempts/{attempt}/result").get_data(as_text=True)
    with queued.app_context():
        enrolment_id = db.session.get(QuizAttempt, attempt).enrolment_id
    assert _state(queued, enrolment_id) == {"completed": False, "final_passed": False,
                                            "modules_done": 0, "certificates": 0, "pending": 1}
    _figures_agree(queued)

    for module in ("gioi-thieu", "thuc-hanh"):  # one by its quiz (queued), one marked read
        _complete_module(queued, client, learner, module, quiz_ids)
    result = runner.invoke(args=["quizzes", "fold", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 completion(s) applied; 0 still queued" in result.output
    assert _state(queued, enrolment_id) == {"completed": True, "final_passed": True,
                                            "modules_done": 2, "certificates": 1, "pending": 0}
    assert PENDING_NOTE not in client.get(f"/attempts/{attempt}/result").get_data(as_text=True)
    _figures_agree(queued)
    again = runner.invoke(args=["quizzes", "fold", "--once"])
    assert "0 completion(s) applied; 0 still queued" in again.output
    assert _state(queued, enrolment_id)["certificates"] == 1


def _complete_module(app, client, user_id: int, module: str, quiz_ids: dict) -> None:
    if module == "gioi-thieu":
        attempt = start(client, quiz_ids["module"])
        assert client.post(f"/attempts/{attempt}",
                           data=answer_form(paper_of(app, attempt))).status_code == 302
        return
    with app.app_context():
        found = db.session.scalar(select(Module).where(Module.slug == module))
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id))
        learning.mark_read(db.session, enrolment, found)
        db.session.commit()


def test_a_failed_attempt_is_not_queued(queued, factories, make_user, quiz_ids, synced_library):
    user = make_user()
    enrolment_id = factories.enrol(user)
    attempt = factories.take_quiz(user, quiz_ids["final"], right=False)
    with queued.app_context():
        assert db.session.get(QuizAttempt, attempt).completion_pending is False
        assert fold.fold(db.session).taken == 0
    assert _state(queued, enrolment_id)["pending"] == 0


def test_inline_is_the_default_and_queues_nothing(app, factories, make_user, synced_library):
    assert app.config["COMPLETIONS"] == "inline"
    enrolment_id = factories.complete_course(make_user())
    assert _state(app, enrolment_id) == {"completed": True, "final_passed": True,
                                         "modules_done": 2, "certificates": 1, "pending": 0}


def test_a_fold_rolled_back_leaves_its_attempts_queued(queued, factories, make_user,
                                                       synced_library):
    """At least once: taking attempts off the queue and completing them is one transaction."""
    enrolment_id = factories.complete_course(make_user())
    assert _state(queued, enrolment_id)["pending"] == 2
    with queued.app_context():
        assert fold.fold(db.session).done == 2
        db.session.rollback()  # the worker died before its commit
    assert _state(queued, enrolment_id) == {"completed": False, "final_passed": False,
                                            "modules_done": 1, "certificates": 0, "pending": 2}
    with queued.app_context():
        assert fold.fold(db.session).done == 2
        db.session.commit()
    assert _state(queued, enrolment_id)["certificates"] == 1


def test_one_failing_completion_does_not_hold_back_the_batch(queued, factories, make_user,
                                                             synced_library, monkeypatch):
    first, second = (factories.complete_course(make_user()) for _ in range(2))
    real = learning.final_exam_passed

    def refuse_first(session, enrolment):
        if enrolment == first:
            raise RuntimeError("a bug in one learner's completion")
        return real(session, enrolment)

    monkeypatch.setattr(learning, "final_exam_passed", refuse_first)
    with queued.app_context():
        folded = fold.fold(db.session)
        db.session.commit()
    assert (folded.taken, folded.done) == (4, 3)
    assert _state(queued, first) == {"completed": False, "final_passed": False,
                                     "modules_done": 2, "certificates": 0, "pending": 1}
    assert _state(queued, second)["certificates"] == 1
    _figures_agree(queued)
    monkeypatch.setattr(learning, "final_exam_passed", real)
    with queued.app_context():
        assert fold.fold(db.session).done == 1
        db.session.commit()
    assert _state(queued, first)["certificates"] == 1


def test_folds_at_the_same_moment_complete_each_course_once(queued, factories, make_user,
                                                            synced_library):
    """Exactly once and at least once with four workers folding a batch of two at a time."""
    enrolments = [factories.complete_course(make_user()) for _ in range(6)]
    barrier = threading.Barrier(4)

    def worker(_):
        barrier.wait()
        done = 0
        with queued.app_context():
            while (folded := fold.fold(db.session, 2)).taken:
                db.session.commit()
                done += folded.done
            db.session.commit()
        return done

    with ThreadPoolExecutor(4) as pool:
        applied = sum(pool.map(worker, range(4)))
    assert applied == 12  # each learner's module quiz and final exam, once
    for enrolment_id in enrolments:
        assert _state(queued, enrolment_id) == {"completed": True, "final_passed": True,
                                                "modules_done": 2, "certificates": 1,
                                                "pending": 0}
    _figures_agree(queued)


def test_completions_must_be_inline_or_queued(database_url):
    from onetouch import create_app

    with pytest.raises(ConfigError, match="COMPLETIONS must be inline or queued"):
        create_app(make_config(database_url, COMPLETIONS="later"))

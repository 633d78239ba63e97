"""20 submissions of one attempt at the same moment, through real gunicorn workers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from onetouch.content.models import Module, Quiz
from onetouch.extensions import db
from onetouch.learning.models import ModuleProgress
from onetouch.quizzes.models import AttemptStatus, QuizAttempt
from tests.fixtures.quizzes import answer_form
from tests.fixtures.users import PASSWORD
from tests.learning.test_concurrency import prepare
from tests.live import Browser, gunicorn, server_env

pytestmark = pytest.mark.slow  # gunicorn workers

REQUESTS = 20


def submit_at_once(app, base: str) -> tuple[list[int], int]:
    browser = Browser(base)
    browser.login("0912000001", PASSWORD)
    token = browser.csrf("/courses/mau-khoa-hoc")
    assert browser.request("/courses/mau-khoa-hoc/enrol", {"csrf_token": token})[0] == 302
    with app.app_context():
        quiz_id = db.session.scalar(select(Quiz.id).join(Module, Module.id == Quiz.module_id)
                                    .where(Module.slug == "gioi-thieu"))
    status, _ = browser.request(f"/quizzes/{quiz_id}/start", {"csrf_token": token})
    assert status == 302
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        attempt_id, paper = attempt.id, attempt.paper
    body = urlencode({**answer_form(paper), "csrf_token": token}, doseq=True)
    start = threading.Barrier(REQUESTS)

    def submit(_):
        start.wait()
        return browser.request_raw(f"/attempts/{attempt_id}", body.encode())

    with ThreadPoolExecutor(REQUESTS) as pool:
        return list(pool.map(submit, range(REQUESTS))), attempt_id


def check(app, statuses: list[int], attempt_id: int) -> None:
    assert statuses == [302] * REQUESTS
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.status is AttemptStatus.GRADED
        assert attempt.score_percent == 100.0
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
        completed = db.session.scalars(select(ModuleProgress)).all()
        assert len(completed) == 1
        assert completed[0].completed_at is not None


def test_twenty_concurrent_submissions(app, database_url, synced_library, tmp_path):
    prepare(app)
    with gunicorn(server_env(database_url, tmp_path / "instance"), workers=4) as base:
        statuses, attempt_id = submit_at_once(app, base)
    check(app, statuses, attempt_id)

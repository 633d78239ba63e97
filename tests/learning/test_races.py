"""Learners racing through a course over real gunicorn workers: every course whose rules are
met is completed exactly once, with one certificate, and the statistics agree.

Each learner registers, enrols and passes (or fails) the module quiz, the reading-only module
and the final exam in an order of their own, some steps submitted together from two tabs,
while all learners run at once. The two-tab race (last module and final exam submitted at the
same moment) once left courses never completed on PostgreSQL.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from onetouch.certificates.models import Certificate
from onetouch.content.models import Module, Quiz, QuizKind
from onetouch.extensions import db
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.quizzes.models import QuizAttempt
from tests.fixtures.quizzes import answer_form
from tests.fixtures.users import PASSWORD, first_commune
from tests.live import Browser, gunicorn, server_env

pytestmark = pytest.mark.slow  # gunicorn workers and many browsers at once

COURSE = "/courses/mau-khoa-hoc"
LEARNERS = 16
TWO_TAB_LEARNERS = 20


@pytest.fixture
def served(app, database_url, synced_library, tmp_path):
    """The sample course served by four gunicorn workers; yields (base URL, quiz ids)."""
    with app.app_context():
        commune = first_commune("01")
        quizzes = {kind: db.session.scalar(select(Quiz.id).where(Quiz.kind == kind))
                   for kind in (QuizKind.MODULE, QuizKind.FINAL)}
    env = server_env(database_url, tmp_path / "instance") | {
        "ONETOUCH_RATELIMIT_ENABLED": "false"}  # every learner here comes from 127.0.0.1
    with gunicorn(env, workers=4) as base:
        yield base, commune, quizzes


class Learner:
    """One person in a browser without JavaScript, with the papers of their open attempts."""

    def __init__(self, app, base: str, commune: str, number: int) -> None:
        self.app, self.browser, self.number = app, Browser(base), number
        token = self.browser.csrf("/register")
        status, body = self.browser.request("/register", {
            "full_name": f"Người Học {number}", "phone": f"0913{number:06d}",
            "province_code": "01", "commune_code": commune, "audience": "citizen",
            "password": PASSWORD, "confirm": PASSWORD, "consent": "y", "csrf_token": token})
        assert status == 302, body[:400]
        self.token = self.browser.csrf(COURSE)
        assert self.post(f"{COURSE}/enrol") == 302

    def post(self, path: str, data: dict | None = None) -> int:
        return self.browser.request(path, {**(data or {}), "csrf_token": self.token})[0]

    def start(self, quiz_id: int) -> tuple[int, list]:
        assert self.post(f"/quizzes/{quiz_id}/start") == 302
        with self.app.app_context():
            attempt = db.session.scalar(select(QuizAttempt).where(
                QuizAttempt.quiz_id == quiz_id, QuizAttempt.user_id == self.user_id()))
            return attempt.id, attempt.paper

    def user_id(self) -> int:
        from onetouch.accounts.models import User

        return db.session.scalar(select(User.id).where(User.phone == f"+84913{self.number:06d}"))

    def submit(self, attempt: tuple[int, list], right: bool) -> None:
        attempt_id, paper = attempt
        body = urlencode({**answer_form(paper, right), "csrf_token": self.token}, doseq=True)
        assert self.browser.request_raw(f"/attempts/{attempt_id}", body.encode()) == 302

    def read_practice(self) -> None:
        assert self.browser.request(f"{COURSE}/thuc-hanh")[0] == 200
        assert self.post(f"{COURSE}/thuc-hanh/done") == 302


def steps_of(learner: Learner, quizzes: dict, rng: random.Random) -> tuple[list, bool]:
    """The learner's steps in a random order, some pairs together; True if all will pass."""
    module, final = learner.start(quizzes[QuizKind.MODULE]), learner.start(quizzes[QuizKind.FINAL])
    fails = rng.random() < 0.25
    steps = [lambda: learner.submit(module, True), learner.read_practice,
             lambda: learner.submit(final, not fails)]
    rng.shuffle(steps)
    cut = rng.choice([1, 2, 3])  # the steps before the cut one by one, the rest together
    return [[step] for step in steps[:cut - 1]] + [steps[cut - 1:]], not fails


def run_together(steps: list) -> None:
    if len(steps) == 1:
        steps[0]()
        return
    start = threading.Barrier(len(steps), timeout=60)

    def go(step):
        start.wait()
        step()

    with ThreadPoolExecutor(len(steps)) as tabs:
        list(tabs.map(go, steps))


def assert_completed_exactly_when_the_rules_are_met(app) -> dict[int, bool]:
    """Checks every enrolment from the raw rows; returns completed or not by enrolment id."""
    with app.app_context():
        required = db.session.scalar(select(func.count()).select_from(Module)
                                     .where(Module.required))
        outcome = {}
        for enrolment in db.session.scalars(select(Enrolment)):
            done = db.session.scalar(select(func.count()).select_from(ModuleProgress).where(
                ModuleProgress.enrolment_id == enrolment.id,
                ModuleProgress.completed_at.is_not(None)))
            final_passed = db.session.scalar(select(func.count()).select_from(QuizAttempt).join(
                Quiz, Quiz.id == QuizAttempt.quiz_id).where(
                QuizAttempt.enrolment_id == enrolment.id, Quiz.kind == QuizKind.FINAL,
                QuizAttempt.passed)) > 0
            met = done == required and final_passed
            assert (enrolment.completed_at is not None) == met, enrolment.id
            certificates = db.session.scalar(select(func.count()).select_from(Certificate)
                                             .where(Certificate.enrolment_id == enrolment.id))
            assert certificates == (1 if met else 0), enrolment.id
            outcome[enrolment.user_id] = met
    assert app.test_cli_runner().invoke(args=["stats", "check"]).exit_code == 0
    return outcome


def test_learners_in_any_order_and_concurrency_complete_exactly_once(app, served):
    base, commune, quizzes = served

    def learn(number: int) -> bool:
        learner = Learner(app, base, commune, number)
        groups, will_pass = steps_of(learner, quizzes, random.Random(number))  # noqa: S311 (test plan)
        for group in groups:
            run_together(group)
        return will_pass

    with ThreadPoolExecutor(LEARNERS) as pool:
        expected = list(pool.map(learn, range(1, LEARNERS + 1)))
    outcome = assert_completed_exactly_when_the_rules_are_met(app)
    assert sorted(outcome.values()) == sorted(expected)
    assert any(expected)


def test_the_last_module_and_the_final_exam_submitted_together(app, served):
    """Twenty times, one learner submits the module quiz and the final exam at one moment.

    One pair at a time, so that two of the four workers take the two submissions together.
    """
    base, commune, quizzes = served
    with ThreadPoolExecutor(8) as pool:
        learners = list(pool.map(lambda n: Learner(app, base, commune, n),
                                 range(1, TWO_TAB_LEARNERS + 1)))
    for learner in learners:
        learner.read_practice()
        module = learner.start(quizzes[QuizKind.MODULE])
        final = learner.start(quizzes[QuizKind.FINAL])
        run_together([partial(learner.submit, attempt, True) for attempt in (module, final)])
    outcome = assert_completed_exactly_when_the_rules_are_met(app)
    assert list(outcome.values()) == [True] * TWO_TAB_LEARNERS

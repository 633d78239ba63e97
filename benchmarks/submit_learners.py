"""Learners one submission away from a certificate, for ``benchmarks/quiz_submit.py``.

Run in the environment of the benchmark's instance (``ONETOUCH_INSTANCE_PATH``, and
``DATABASE_URL`` for PostgreSQL):

    python benchmarks/submit_learners.py COUNT COURSE_SLUG SEED OUTPUT

Each learner is a citizen in a commune drawn at random (so a province gets learners in
proportion to its communes, as ``flask demo seed`` spreads them), enrolled in the course with
every required module done and an open final exam, its paper drawn as ``/quizzes/<id>/start``
draws it. Rows are written in bulk and the rollups recounted by ``flask stats rebuild``'s
function, so ``flask stats check`` agrees before the run. OUTPUT gets one JSON line per
learner: the submission of the right answers (path, session cookie, form body). The cookie is
made by the app's own session and CSRF code over a session row of its own, as a log-in
through the form would make them (logging in 10,000 learners would cost 10,000 argon2 hashes
and measure nothing here).
"""

from __future__ import annotations

import json
import random
import secrets
import sys
import time
from datetime import timedelta
from urllib.parse import urlencode

from flask import session as flask_session
from flask_login.utils import _create_identifier
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, insert, select

from onetouch import create_app
from onetouch.accounts import logins
from onetouch.accounts.consent import NOTICE_VERSION
from onetouch.accounts.models import AudienceGroup, User, UserSession
from onetouch.accounts.session import SEEN
from onetouch.content.models import Course, Module, Question, Quiz, QuizKind
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.quizzes import papers
from onetouch.quizzes.models import AttemptStatus, QuizAttempt
from onetouch.stats import rollups
from onetouch.text import digest

USER_AGENT = "onetouch-load"  # as benchmarks/loadgen.py sends it
REMOTE_ADDR = "127.0.0.1"


def right_answers(paper: list[dict]) -> dict:
    """The form that answers every question of a paper rightly."""
    form: dict = {"action": "submit"}
    for n, question in enumerate(paper, start=1):
        key = question["answer"]
        if question["kind"] in ("single", "true_false", "multiple"):
            form[f"q{n}"] = [str(i) for i, option in enumerate(question["options"], start=1)
                             if option["id"] in key["options"]]
        elif question["kind"] == "text":
            form[f"q{n}"] = key["accepted"][0]
        else:
            form[f"q{n}"] = str(key["value"])
    return form


def write_rows(session, count: int, course: Course, rng: random.Random) -> list[tuple]:
    """The learners' rows and session rows; (session token, attempt id, paper) for each."""
    final = session.scalar(select(Quiz).where(Quiz.course_id == course.id,
                                              Quiz.kind == QuizKind.FINAL))
    bank = list(session.scalars(select(Question).where(Question.quiz_id == final.id,
                                                       Question.archived_at.is_(None))))
    modules = list(session.scalars(select(Module.id).where(
        Module.course_id == course.id, Module.required, Module.archived_at.is_(None))))
    communes = list(session.scalars(select(Commune.code).order_by(Commune.code)))
    provinces = dict(session.execute(select(Commune.code, Commune.province_code)).all())
    first = (session.scalar(select(func.max(User.id))) or 0) + 1
    now = utcnow()
    places = [rng.choice(communes) for _ in range(count)]
    user_ids = session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"full_name": f"Người Học {first + n}", "phone": f"+849{first + n:08d}",
         "password_hash": "!benchmark", "province_code": provinces[place],
         "commune_code": place, "audience": AudienceGroup.CITIZEN, "consent_at": now,
         "privacy_version": NOTICE_VERSION, "created_at": now, "registered_commune_code": place,
         "registered_audience": AudienceGroup.CITIZEN} for n, place in enumerate(places)]).all()
    enrolment_ids = session.scalars(
        insert(Enrolment).returning(Enrolment.id, sort_by_parameter_order=True), [
            {"user_id": user_id, "course_id": course.id, "enrolled_at": now,
             "commune_code": place, "audience": AudienceGroup.CITIZEN,
             "last_module_id": modules[-1]}
            for user_id, place in zip(user_ids, places, strict=True)]).all()
    session.execute(insert(ModuleProgress), [
        {"enrolment_id": enrolment_id, "module_id": module, "opened_at": now,
         "completed_at": now} for enrolment_id in enrolment_ids for module in modules])
    drawn = [papers.draw(final, bank, rng) for _ in user_ids]
    limit = final.time_limit_seconds
    deadline = now + timedelta(seconds=limit) if limit else None
    attempt_ids = session.scalars(
        insert(QuizAttempt).returning(QuizAttempt.id, sort_by_parameter_order=True), [
            {"quiz_id": final.id, "user_id": user_id, "enrolment_id": enrolment_id,
             "status": AttemptStatus.OPEN, "paper": paper,
             "content_hash": digest({"paper": paper}), "started_at": now,
             "deadline_at": deadline}
            for user_id, enrolment_id, paper in zip(user_ids, enrolment_ids, drawn,
                                                    strict=True)]).all()
    tokens = [secrets.token_urlsafe(logins.TOKEN_BYTES) for _ in user_ids]
    # A session row each, as a log-in through the form begins one (accounts/logins.py).
    session.execute(insert(UserSession), [
        {"user_id": user_id, "token_hash": logins.digest(token), "version": 1,
         "device": "benchmark", "created_at": now, "renewed_at": now, "last_seen_at": now}
        for user_id, token in zip(user_ids, tokens, strict=True)])
    return list(zip(tokens, attempt_ids, drawn, strict=True))


def submission(app, token: str, attempt_id: int, paper: list[dict]) -> dict:
    """The learner's session cookie and the form that submits their paper rightly."""
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": REMOTE_ADDR,
                                                     "HTTP_USER_AGENT": USER_AGENT}):
        # What accounts/session.py keeps in the cookie of a session it began.
        flask_session.update({"_user_id": token, "_fresh": True, "_id": _create_identifier(),
                              SEEN: int(time.time())})
        csrf = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(flask_session))
    body = urlencode({**right_answers(paper), "csrf_token": csrf}, doseq=True)
    return {"path": f"/attempts/{attempt_id}",
            "cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}", "body": body}


def main(count: int, course_slug: str, seed: int, output: str) -> None:
    app = create_app()
    rng = random.Random(seed)  # noqa: S311 (a benchmark's draw, not a secret)
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == course_slug))
        learners = write_rows(db.session, count, course, rng)
        rollups.rebuild(db.session)
        db.session.commit()
    with open(output, "w", encoding="utf-8") as out:
        for token, attempt_id, paper in learners:
            out.write(json.dumps(submission(app, token, attempt_id, paper)) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4])

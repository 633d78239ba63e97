from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from onetouch.content.models import Module, Quiz, QuizKind
from onetouch.extensions import db
from onetouch.quizzes.models import QuizAttempt


@pytest.fixture
def learner(client, make_user, login, synced_library):
    """A logged-in learner enrolled in the sample course."""
    user = make_user()
    login(client, user)
    assert client.post("/courses/mau-khoa-hoc/enrol").status_code == 302
    return user


@pytest.fixture
def quiz_ids(app, synced_library) -> dict:
    with app.app_context():
        module_quiz = db.session.scalar(select(Quiz.id).join(Module, Module.id == Quiz.module_id)
                                        .where(Module.slug == "gioi-thieu"))
        final = db.session.scalar(select(Quiz.id).where(Quiz.kind == QuizKind.FINAL))
    return {"module": module_quiz, "final": final}


def start(client, quiz_id: int) -> int:
    response = client.post(f"/quizzes/{quiz_id}/start")
    assert response.status_code == 302, response.headers.get("Location")
    match = re.search(r"/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def paper_of(app, attempt_id: int) -> list[dict]:
    with app.app_context():
        return db.session.get(QuizAttempt, attempt_id).paper


def attempt_row(app, attempt_id: int) -> QuizAttempt:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def answer_form(paper: list[dict], right: bool = True) -> dict:
    """Form data answering every question of a paper, rightly or wrongly."""
    form: dict = {"action": "submit"}
    for n, question in enumerate(paper, start=1):
        key = question["answer"]
        if question["kind"] in ("single", "true_false", "multiple"):
            tokens = [str(i) for i, o in enumerate(question["options"], start=1)
                      if (o["id"] in key["options"]) == right]
            form[f"q{n}"] = tokens if question["kind"] == "multiple" else tokens[:1]
        elif question["kind"] == "text":
            form[f"q{n}"] = key["accepted"][0] if right else "không biết"
        else:
            form[f"q{n}"] = str(key["value"] if right else key["value"] + 100)
    return form

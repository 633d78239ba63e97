"""Quiz links on lesson and course pages, for logged-in learners."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from onetouch.content.models import Course, Module, Quiz
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.quizzes import services


def _panel(quiz: Quiz | None, course: Course) -> Markup:
    if quiz is None:
        return Markup("")
    state = None
    if current_user.is_authenticated:
        state = services.standing(db.session, current_user, quiz, utcnow())
    # Rendered by Jinja with autoescaping on: already safe HTML.
    return Markup(render_template("quizzes/panel.html", quiz=quiz, course=course,  # noqa: S704
                                  state=state, bank=services.bank_size(db.session, quiz)))


def quiz_panel(course: Course, module: Module) -> Markup:
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id,
                                                Quiz.archived_at.is_(None)))
    return _panel(quiz, course)


def exam_panel(course: Course) -> Markup:
    return _panel(services.final_exam(db.session, course), course)


def template_globals() -> dict:
    return {"quiz_panel": quiz_panel, "exam_panel": exam_panel}

"""Quiz pages. Owner check: an attempt is visible to the learner who made it, nobody else."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from onetouch.content.models import Course, Module
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.quizzes import papers, services
from onetouch.quizzes.models import AttemptStatus, QuizAttempt

bp = Blueprint("quizzes", __name__)


class AttemptForm(FlaskForm):
    """Only the CSRF token: the answers are read against the paper by papers.read_answers."""


def _quiz_or_404(quiz_id: int):
    return services.live_quiz(db.session, quiz_id) or abort(404)


def _own_attempt(attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)  # another learner's attempt does not exist, as far as you can tell
    return attempt


def _context(quiz) -> dict:
    course = db.session.get(Course, quiz.course_id)
    module = db.session.get(Module, quiz.module_id) if quiz.module_id else None
    return {"quiz": quiz, "course": course, "module": module}


@bp.get("/quizzes/<id:quiz_id>")
@login_required
def quiz(quiz_id: int):
    found = _quiz_or_404(quiz_id)
    now = utcnow()
    state = services.standing(db.session, current_user, found, now)
    return render_template("quizzes/start.html", state=state, form=AttemptForm(),
                           attempts=services.finished(db.session, current_user, found),
                           bank=services.bank_size(db.session, found), **_context(found))


@bp.post("/quizzes/<id:quiz_id>/start")
@login_required
def start(quiz_id: int):
    found = _quiz_or_404(quiz_id)
    if not AttemptForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start(db.session, current_user, found, utcnow())
    except services.QuizError as error:
        flash(error.message, "error")
        return redirect(url_for("quizzes.quiz", quiz_id=quiz_id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<id:attempt_id>")
@login_required
def attempt(attempt_id: int):
    found = _own_attempt(attempt_id)
    if found.status is not AttemptStatus.OPEN:
        return redirect(url_for("quizzes.result", attempt_id=found.id))
    if services.is_late(found, utcnow()):
        # Shown as closed; the learner's submission (or `flask quizzes finalise`) grades it.
        return _paper(found, _("Đã hết giờ làm bài; các câu trả lời không được lưu thêm."))
    return _paper(found)


def _paper(found: QuizAttempt, error: str | None = None, status: int = 200):
    quiz = db.session.get(services.Quiz, found.quiz_id)
    return render_template("quizzes/attempt.html", attempt=found, form=AttemptForm(),
                           error=error, chosen=papers.chosen_tokens, saved=found.answers or {},
                           **_context(quiz)), status


@bp.post("/attempts/<id:attempt_id>")
@login_required
def answer(attempt_id: int):
    # No form object to build: its only field is the CSRF token, which CSRFProtect checked
    # before any POST view, and a form would draw a new token (an HMAC) on every submission.
    found = _own_attempt(attempt_id)
    if found.status is not AttemptStatus.OPEN:
        return redirect(url_for("quizzes.result", attempt_id=found.id))  # a resend: graded once
    try:
        answers = papers.read_answers(found.paper, request.form)
    except papers.AnswerError as error:
        return _paper(found, error.message, 400)
    now = utcnow()
    if request.form.get("action") == "save":
        try:
            services.save(db.session, found, answers, now)
        except services.QuizError as error:
            return _paper(found, error.message, 409)
        flash(_("Đã lưu câu trả lời."), "success")
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    services.submit(db.session, found, answers, now)
    return redirect(url_for("quizzes.result", attempt_id=found.id))


@bp.get("/attempts/<id:attempt_id>/result")
@login_required
def result(attempt_id: int):
    found = _own_attempt(attempt_id)
    if found.status is AttemptStatus.OPEN:
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    quiz = db.session.get(services.Quiz, found.quiz_id)
    return render_template("quizzes/result.html", attempt=found, **_context(quiz))

"""Quizzes and final exams: attempts, grading on the server."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)

from onetouch.quizzes import views  # noqa: E402,F401  (routes)

"""Learning: enrolment, progress, my learning, required training."""

from flask import Blueprint

bp = Blueprint("learning", __name__)

from onetouch.learning import admin_views, views  # noqa: E402,F401  (routes)

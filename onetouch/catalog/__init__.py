"""Catalogue: course list, search, course and lesson pages, course assets."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from onetouch.catalog import views  # noqa: E402,F401  (routes attach to bp)

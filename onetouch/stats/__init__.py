"""Statistics: rollups, dashboards, exports, API."""

from flask import Blueprint

bp = Blueprint("stats", __name__)

from onetouch.stats import api, views  # noqa: E402,F401  (routes)

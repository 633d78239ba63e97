"""Site-wide pages: home, health check, language switch, error pages."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from onetouch.core import views  # noqa: E402,F401  (routes attach to bp)

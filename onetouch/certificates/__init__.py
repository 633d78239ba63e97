"""Certificates: issuing, PDF, public verification, signed credentials, revocation."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from onetouch.certificates import admin_views, views  # noqa: E402,F401  (routes)

"""Accounts: registration, log-in, profile, roles and assisted sign-up."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from onetouch.accounts import admin_views, views  # noqa: E402,F401  (routes attach to bp)

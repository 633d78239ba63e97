"""A logged-in user who has not accepted the privacy notice in force (it changed, or their
account came before it) is asked to, before any page that processes their data; public pages
(courses, lessons, certificate checks, statistics) stay open, and so do the pages where they
use their rights: the notice itself, their copy, correcting the profile, deleting the account.
Nothing is blocked that a visitor may read."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

from onetouch.accounts import consent

# Blueprints whose every page a visitor may read (the API answers with its own JSON).
OPEN_BLUEPRINTS = frozenset({"core", "catalog", "api", "privacy"})
OPEN_ENDPOINTS = frozenset({
    "static",
    "accounts.login", "accounts.logout", "accounts.register", "accounts.resume",
    "accounts.reauth", "accounts.profile", "accounts.change_password", "accounts.sessions",
    "accounts.end_session", "accounts.end_other_sessions",
    "accounts.forgot_password", "accounts.reset_password",
    "certificates.verify", "certificates.verify_form", "certificates.revocations",
    "certificates.issuer", "certificates.public_key", "certificates.status_list",
    "stats.public", "stats.public_export",
})


def is_open(endpoint: str | None) -> bool:
    if endpoint is None:  # no route: the 404 page
        return True
    return endpoint in OPEN_ENDPOINTS or endpoint.partition(".")[0] in OPEN_BLUEPRINTS


def ask_for_consent():
    """before_request: the notice's page, with the page asked for to come back to."""
    if is_open(request.endpoint) or not current_user.is_authenticated:
        return None
    if not consent.needs_acceptance(current_user):
        return None
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("privacy.accept", next=back))

"""One unit of work per request: the only place a request commits.

Views call services, which change the session and flush; this hook commits when a request
that may change data (POST and the like) ends in success (a status below 400), and rolls back
everything else: a GET or HEAD whatever it did, a form shown again with its errors (422), a
refused or failed request, an exception (Flask-SQLAlchemy rolls back at teardown). A commit
that fails raises here, inside the request, so the visitor gets the error page rather than a
success page for data that was never saved.
"""

from __future__ import annotations

from flask import Flask, Response, request

from onetouch.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    app.after_request(finish)


def finish(response: Response) -> Response:
    if request.method in SAFE_METHODS or response.status_code >= 400:
        db.session.rollback()
    else:
        db.session.commit()
    return response

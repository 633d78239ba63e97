"""One unit of work per request: the only place a request commits.

Views call services, which change the session and flush; this hook commits when a request
that may change data (POST and the like) ends in success (a status below 400), and rolls back
everything else: a GET or HEAD whatever it did, a form shown again with its errors (422), a
refused or failed request, an exception (Flask-SQLAlchemy rolls back at teardown). A commit
that fails raises here, inside the request, so the visitor gets the error page rather than a
success page for data that was never saved.

One exception: a service may mark its work as worth keeping although the request is refused
(:func:`keep_when_refused`). A wrong password answers 422, yet the failed attempt it counted
must reach the database that every server shares, or the per-account limit would never bind.
A server error (5xx) still rolls everything back.
"""

from __future__ import annotations

from flask import Flask, Response, request
from sqlalchemy.orm import Session

from onetouch.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEEP_WHEN_REFUSED = "onetouch.keep_when_refused"


def init_app(app: Flask) -> None:
    app.after_request(finish)


def keep_when_refused(session: Session) -> None:
    """Commit this request's work even if it answers with a 4xx status."""
    session.info[KEEP_WHEN_REFUSED] = True


def finish(response: Response) -> Response:
    keep = db.session.info.pop(KEEP_WHEN_REFUSED, False)
    status = response.status_code
    if request.method in SAFE_METHODS or status >= 500 or (status >= 400 and not keep):
        db.session.rollback()
    else:
        db.session.commit()
    return response

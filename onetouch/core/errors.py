"""Error pages: HTML for people, JSON for the API and the health check.

Where Flask sends an exception decides what can answer it. One raised by a view, a
before_request hook or the user loader they call goes to the handler registered for its class.
One raised by an error handler or an after_request hook, or handled nowhere, goes to
``handle_exception``: Flask logs it and calls the 500 handler with an InternalServerError
whose ``original_exception`` is the error. If that handler raises too, the WSGI server answers
with its own bare English page.

So a database outage becomes a 503 with Retry-After on both paths, any other unexpected error
a 500, and neither page may touch the database: the session is rolled back first (a failed
flush or commit refuses every query until then), the page is rendered without Flask's context
processors (Flask-Login's loads the user, which is a query), and should even that fail, a fixed
page is sent.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from onetouch.core.urls import safe_next
from onetouch.extensions import db
from onetouch.faults import is_outage

MESSAGES = {
    400: _l("Yêu cầu không hợp lệ."),
    403: _l("Bạn không có quyền xem trang này."),
    404: _l("Không tìm thấy trang bạn cần."),
    405: _l("Trang này không nhận kiểu yêu cầu đó."),
    413: _l("Dữ liệu gửi lên quá lớn."),
    429: _l("Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút."),
    500: _l("Hệ thống đang gặp sự cố. Vui lòng thử lại sau."),
    503: _l("Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau ít phút."),
}
UNAVAILABLE = 503
RETRY_AFTER_SECONDS = 30
FAILURE_TEMPLATE = "errors/failure.html"
# The last resort, when even the failure template cannot be rendered.
FALLBACK_PAGE = ('<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
                 "<title>OneTouch</title></head><body><main><h1>Hệ thống đang gặp sự cố. "
                 "Vui lòng thử lại sau ít phút.</h1></main></body></html>\n")


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(SQLAlchemyError, _database_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        return _server_error(error)
    message = str(MESSAGES.get(code, MESSAGES[500]))
    headers = _kept_headers(error)
    if _wants_json():
        return {"error": {"code": code, "message": message}}, code, headers
    return render_template("errors/error.html", code=code, message=message), code, headers


def _kept_headers(error: HTTPException) -> dict:
    """What the error itself says beside its page: ``Allow`` on a 405 (RFC 9110 requires it),
    ``Retry-After`` on a 429 or 503, ``WWW-Authenticate`` on a 401."""
    return {name: value for name, value in error.get_headers()
            if name.lower() != "content-type"}


def _server_error(error: HTTPException):
    """500 and 503, including what ``handle_exception`` passes on."""
    if is_outage(getattr(error, "original_exception", None)):
        return failure_response(UNAVAILABLE)
    return failure_response(error.code or 500)


def _database_error(error: SQLAlchemyError):
    if not is_outage(error):
        raise error  # a bug, not an outage: Flask's 500 path logs it with its traceback
    current_app.logger.error("database unavailable, answered 503 to %s %s: %s",
                             request.method, request.path, _summary(error))
    return failure_response(UNAVAILABLE)


def _summary(error: SQLAlchemyError) -> str:
    """The driver's error in one line, without the SQLAlchemy message's statement parameters
    (they may be personal data)."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"


def failure_response(code: int):
    """The 500 or 503 answer, built without the database and without current_user."""
    _rollback()
    headers = {"Cache-Control": "no-store"}
    if code == UNAVAILABLE:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    try:
        body = _failure_body(code)
    except Exception:  # raising here would leave the answer to the WSGI server
        current_app.logger.exception("the error page could not be rendered")
        body = FALLBACK_PAGE
    return body, code, headers


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # a dead connection can fail the rollback too; the page matters more
        current_app.logger.warning("rollback after an error failed", exc_info=True)


def _failure_body(code: int) -> dict | str:
    message = str(MESSAGES.get(code, MESSAGES[500]))
    if _wants_json():
        return {"error": {"code": code, "message": message}}
    # Not render_template: that runs every context processor, and Flask-Login's loads the
    # user. The template and the parts of base.html it keeps need nothing else.
    template = current_app.jinja_env.get_template(FAILURE_TEMPLATE)
    return template.render(code=code, message=message, retry=_retry_target(),
                           current_locale=lambda: str(get_locale()))


def _retry_target() -> str:
    """This page again, for a GET of a path on this site ("" when a link cannot retry)."""
    if request.method != "GET":
        return ""
    query = request.query_string.decode("ascii", "replace")
    return safe_next(quote(request.path) + (f"?{query}" if query else ""), "")

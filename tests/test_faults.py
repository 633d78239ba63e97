"""A database outage answers 503 with Retry-After; no 500 or 503 page queries the database.

The outage is made at the driver: from ``SQL.fail()`` on, every statement raises the driver's
OperationalError, as on a dead disk or a lost server, wrapped by SQLAlchemy as usual.
``SQL.count`` then counts the statements tried: exactly one (the one that failed) means the
error page tried none.
"""

from __future__ import annotations

import re
import sqlite3

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError

from onetouch.core import errors
from onetouch.extensions import db
from onetouch.faults import FULL, READ_ONLY, UNREACHABLE, outage_reason

OUTAGE_TEXT = "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau ít phút."
FAILURE_TEXT = "Hệ thống đang gặp sự cố. Vui lòng thử lại sau."


class SQL:
    """Counts the statements run on one engine and, once told to, fails each of them."""

    def __init__(self) -> None:
        self.count = 0
        self.failing = False

    def fail(self) -> None:
        self.count = 0
        self.failing = True

    def __call__(self, connection, _cursor, _statement, _parameters, _context, _many):
        self.count += 1
        if self.failing:  # the driver's own error, which SQLAlchemy wraps as it would a real one
            raise connection.dialect.loaded_dbapi.OperationalError("disk I/O error")


@pytest.fixture
def served(app):
    """The app as gunicorn runs it: an unhandled error goes to the 500 handler, not to the
    test client (TESTING would re-raise it)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.fixture
def sql(served):
    with served.app_context():
        engine = db.engine
    counter = SQL()
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture
def learner(served, client, make_user, login):
    """The test client, logged in as a learner named Người Học 1."""
    login(client, make_user())
    return client


def assert_site_page(html: str) -> None:
    """The site's look without its database: layout, language, skip link, and no script but
    the site's deferred one (it needs no database either)."""
    assert '<html lang="vi">' in html
    assert 'class="skip-link" href="#main"' in html
    assert 'href="/static/css/site.css"' in html
    assert re.findall(r"<script\b[^>]*>", html) == re.findall(
        r'<script src="/static/js/pwa\.js" defer [^>]*>', html)
    assert html.count("<script") == 1
    assert "Traceback" not in html


def assert_outage_page(response) -> str:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert OUTAGE_TEXT in html
    assert_site_page(html)
    return html


def test_outage_answers_503_to_a_visitor(client, sql, caplog):
    assert client.get("/courses").status_code == 200
    sql.fail()
    html = assert_outage_page(client.get("/courses?audience=citizen"))
    assert sql.count == 1
    assert 'href="/courses?audience=citizen">Thử lại</a>' in html
    assert "database unavailable, answered 503 to GET /courses" in caplog.text


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x"])
def test_the_retry_link_stays_on_this_site(learner, sql, path):
    sql.fail()
    html = assert_outage_page(learner.get("/x", environ_overrides={"PATH_INFO": path}))
    retry = html.split("Thử lại")[0].rsplit("<a ", 1)[1]
    assert retry.startswith('href="/')
    assert not retry.startswith(('href="//', 'href="/\\'))


def test_outage_answers_503_to_a_logged_in_learner_without_loading_them(learner, sql):
    sql.fail()
    html = assert_outage_page(learner.get("/my/learning"))
    assert sql.count == 1  # the user loader's query; the page asked nothing more
    assert "Người Học 1" not in html
    assert "Đăng xuất" not in html


def test_outage_inside_an_error_handler_still_answers_503(learner, sql, caplog):
    # The 404 page shows the user's menu, so the user loader fails inside the 404 handler;
    # Flask passes that error on to the 500 handler, which must see the outage in it.
    sql.fail()
    assert_outage_page(learner.get("/khong-co-trang-nay"))
    assert sql.count == 1
    assert "Exception on /khong-co-trang-nay [GET]" in caplog.text


def test_outage_on_a_post_answers_503(learner, sql):
    sql.fail()
    response = learner.post("/profile", data={"full_name": "Tên Mới"})
    html = assert_outage_page(response)
    assert "Thử lại" not in html  # a link cannot send the form again
    assert sql.count == 1


@pytest.mark.parametrize("path", ["/api/v1/stats/provinces", "/api/v1/stats/provinces/01/communes"])
def test_api_outage_answers_json_503(learner, sql, path):
    sql.fail()
    response = learner.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert response.get_json() == {"error": {"code": 503, "message": OUTAGE_TEXT}}
    assert sql.count == 1


def test_outage_page_speaks_the_chosen_language(client, sql):
    client.get("/lang/en")
    sql.fail()
    response = client.get("/courses")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "The service is temporarily unavailable. Please try again in a few minutes." in html


def test_unexpected_error_is_a_500_page_without_sql(served, learner, sql, caplog):
    def broken_view():
        sql.count = 0
        raise RuntimeError("a bug")

    served.view_functions["catalog.index"] = broken_view
    response = learner.get("/courses")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    html = response.get_data(as_text=True)
    assert FAILURE_TEXT in html
    assert_site_page(html)
    assert "a bug" not in html
    assert sql.count == 0  # neither the user nor anything else was loaded for the page
    assert "Exception on /courses [GET]" in caplog.text


def test_a_broken_error_template_still_gives_a_page(client, sql, monkeypatch, caplog):
    monkeypatch.setattr(errors, "FAILURE_TEMPLATE", "errors/khong-co.html")
    sql.fail()
    response = client.get("/courses")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert response.get_data(as_text=True) == errors.FALLBACK_PAGE
    assert "the error page could not be rendered" in caplog.text


def wrapped(kind, dbapi_error):
    return kind("SELECT 1", {}, dbapi_error)


def from_sqlite(code: int, kind=sqlite3.OperationalError, wrapper=OperationalError):
    """A sqlite3 error as the driver raises it, with SQLite's (extended) result code."""
    error = kind(f"SQLite error {code}")
    error.sqlite_errorcode = code
    return wrapped(wrapper, error)


@pytest.mark.parametrize(("error", "reason"), [
    (from_sqlite(sqlite3.SQLITE_READONLY), READ_ONLY),
    (from_sqlite(sqlite3.SQLITE_FULL), FULL),
    (from_sqlite(sqlite3.SQLITE_CANTOPEN), UNREACHABLE),
    (from_sqlite(sqlite3.SQLITE_IOERR_WRITE), UNREACHABLE),
    (from_sqlite(sqlite3.SQLITE_BUSY), UNREACHABLE),  # "database is locked": an outage all the same
    (wrapped(InternalError, psycopg.errors.ReadOnlySqlTransaction("read-only")), READ_ONLY),
    (wrapped(OperationalError, psycopg.errors.DiskFull("no space")), FULL),
    (wrapped(OperationalError, psycopg.OperationalError("connection refused")), UNREACHABLE),
    (from_sqlite(sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.IntegrityError, IntegrityError), None),
    (wrapped(InternalError, psycopg.errors.InternalError_("bug")), None),
    (RuntimeError("a bug"), None),
])
def test_what_counts_as_an_outage(error, reason):
    assert outage_reason(error) == reason


def test_an_outage_re_raised_as_another_error_is_still_an_outage():
    def load_page():
        try:
            raise wrapped(OperationalError, psycopg.OperationalError("server closed"))
        except OperationalError as error:
            raise RuntimeError("could not load the page") from error

    with pytest.raises(RuntimeError) as caught:
        load_page()
    assert outage_reason(caught.value) == UNREACHABLE

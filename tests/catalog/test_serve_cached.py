"""Cached anonymous pages are answered in front of Flask, and only when that is safe."""

from __future__ import annotations

import pytest

from tests.fixtures.courses import SAMPLE

LESSON = "/courses/mau-khoa-hoc/gioi-thieu"


@pytest.fixture
def cached_app(app_for, database_url):
    app = app_for(database_url, PAGE_CACHE_CHECK_SECONDS=60)
    assert app.test_cli_runner().invoke(args=["courses", "sync", str(SAMPLE)]).exit_code == 0
    return app


def break_flask(app):
    def broken(*args, **kwargs):
        raise AssertionError("Flask was asked")

    app.view_functions["catalog.lesson"] = broken


def test_a_second_anonymous_visit_never_reaches_flask(cached_app):
    visitor = cached_app.test_client()
    first = visitor.get(LESSON)
    assert first.status_code == 200
    break_flask(cached_app)
    again = cached_app.test_client().get(LESSON)
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    revalidated = cached_app.test_client().get(LESSON, headers={
        "If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304


def test_each_language_has_its_own_page(cached_app):
    cached_app.test_client().get(LESSON)
    english = cached_app.test_client()
    english.set_cookie("lang", "en")
    assert '<html lang="en">' in english.get(LESSON).get_data(as_text=True)
    break_flask(cached_app)
    assert '<html lang="en">' in english.get(LESSON).get_data(as_text=True)
    assert '<html lang="vi">' in cached_app.test_client().get(LESSON).get_data(as_text=True)


def test_a_visitor_with_a_session_goes_through_flask(cached_app):
    cached_app.test_client().get(LESSON)
    with_session = cached_app.test_client()
    with_session.get("/login")  # the form's CSRF token puts a session cookie in place
    break_flask(cached_app)
    cached_app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(AssertionError, match="Flask was asked"):
        with_session.get(LESSON)


def test_a_stale_version_check_goes_through_flask(cached_app):
    cached_app.test_client().get(LESSON)
    from onetouch.catalog.cache import EXTENSION

    cached_app.extensions[EXTENSION].checked_at = float("-inf")
    break_flask(cached_app)
    cached_app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(AssertionError, match="Flask was asked"):
        cached_app.test_client().get(LESSON)

"""The larger-text setting: a link that sets a cookie on this device, read by the server."""

from __future__ import annotations

import pytest

from tests.fixtures.courses import SAMPLE

LESSON = "/courses/mau-khoa-hoc/gioi-thieu"


def test_footer_offers_larger_text_with_a_plain_link(client):
    html = client.get("/courses").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert ('<a href="/text-size/large?next=/courses" rel="nofollow">Chữ to hơn</a>'
            in html)


def test_the_choice_is_remembered_on_this_device(client):
    response = client.get("/text-size/large?next=/courses")
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("text=large;")
    for part in ("Max-Age=31536000", "HttpOnly", "SameSite=Lax"):
        assert part in cookie
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi" class="text-large">' in html
    assert '<a href="/text-size/normal?next=/" rel="nofollow">Chữ cỡ thường</a>' in html
    client.get("/text-size/normal")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "evil"])
def test_the_switch_never_redirects_off_site(client, target):
    response = client.get("/text-size/large", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_size_changes_nothing(client):
    assert "Set-Cookie" not in client.get("/text-size/huge").headers
    client.set_cookie("text", "huge")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_the_stylesheet_enlarges_and_darkens(client):
    with client.get("/static/css/site.css") as response:
        css = response.get_data(as_text=True)
    assert "html.text-large { font-size: 125%; --muted: var(--ink); }" in css


@pytest.fixture
def cached_app(app_for, database_url):
    app = app_for(database_url, PAGE_CACHE_CHECK_SECONDS=60)
    assert app.test_cli_runner().invoke(args=["courses", "sync", str(SAMPLE)]).exit_code == 0
    return app


def test_cached_pages_are_kept_apart_by_text_size(cached_app):
    normal = cached_app.test_client()
    large = cached_app.test_client()
    large.set_cookie("text", "large")
    for url in (LESSON, "/courses/mau-khoa-hoc", "/courses"):
        assert 'class="text-large"' not in normal.get(url).get_data(as_text=True)
        assert '<html lang="vi" class="text-large">' in large.get(url).get_data(as_text=True)
        # Served from the cache this time, still each with its own size.
        assert 'class="text-large"' not in normal.get(url).get_data(as_text=True)
        assert 'class="text-large"' in large.get(url).get_data(as_text=True)


def test_the_offline_file_keeps_the_size(cached_app):
    large = cached_app.test_client()
    large.set_cookie("text", "large")
    html = large.get("/courses/mau-khoa-hoc/offline.html").get_data(as_text=True)
    assert 'class="text-large"' in html
    plain = cached_app.test_client().get("/courses/mau-khoa-hoc/offline.html")
    assert 'class="text-large"' not in plain.get_data(as_text=True)


def test_the_failure_page_keeps_the_size_without_context_processors(app):
    from onetouch.core.errors import failure_response

    with app.test_request_context("/", headers={"Cookie": "text=large"}):
        body, code, _ = failure_response(503)
    assert code == 503
    assert 'class="text-large"' in body

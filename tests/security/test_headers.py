"""The security headers on the paths the route matrix does not walk (500 and 503 pages,
HSTS, cookies over https), ``no-store`` on personal answers, and templates with nothing
inline for the policy to refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import event

from onetouch.core.security import CONTENT_SECURITY_POLICY
from onetouch.extensions import db

TEMPLATES = Path(__file__).resolve().parents[2] / "onetouch" / "templates"
HTTPS = "https://onetouch.example"


def assert_secured(response) -> None:
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_policy_is_strict():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    for name in ("object-src", "base-uri", "frame-ancestors"):
        assert directives[name] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


# The downloadable course file is read from the learner's disk, not served under the site's
# policy: its styles are inlined on purpose, and it carries its own policy (no script at all).
SELF_CONTAINED = {TEMPLATES / "catalog" / "offline.html"}


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template):
    html = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    if template not in SELF_CONTAINED:
        assert "<style" not in html
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", html), "event handler attribute"
    assert "javascript:" not in html


@pytest.fixture
def served(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug is a 500 page, as under gunicorn
    return app


def test_a_500_page_carries_the_headers(served, client):
    def broken():
        raise RuntimeError("a bug")

    served.view_functions["catalog.index"] = broken
    response = client.get("/courses")
    assert response.status_code == 500
    assert_secured(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_503_page_carries_the_headers(served, client):
    def fail(connection, *_):
        raise connection.dialect.loaded_dbapi.OperationalError("disk I/O error")

    with served.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", fail)
    try:
        response = client.get("/courses")
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    assert response.status_code == 503
    assert_secured(response)


def test_a_cached_page_carries_the_headers(app_for, database_url, synced_library):
    cached = app_for(database_url, PAGE_CACHE_CHECK_SECONDS=3600)
    cached.test_client().get("/courses")

    def not_flask(*args, **kwargs):
        raise AssertionError("the page cache should have answered")

    cached.view_functions["catalog.index"] = not_flask
    response = cached.test_client().get("/courses")
    assert response.status_code == 200
    assert_secured(response)


def test_hsts_only_when_the_site_is_public_over_https(app_for, database_url):
    plain = app_for(database_url).test_client().get("/healthz")
    assert "Strict-Transport-Security" not in plain.headers
    secure = app_for(database_url, PUBLIC_URL=HTTPS).test_client().get("/healthz")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in app_for(
        database_url, PUBLIC_URL=HTTPS, HSTS_SECONDS=0).test_client().get("/").headers


def cookies_of(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookies_are_secure_and_host_only_over_https(app_for, database_url, make_user):
    from tests.fixtures.users import PASSWORD, phone_of

    secure = app_for(database_url, PUBLIC_URL=HTTPS)
    assert secure.config["SESSION_COOKIE_NAME"] == "__Host-session"
    client = secure.test_client()
    user = make_user()
    response = client.post("/login", base_url=HTTPS, data={
        "identifier": phone_of(secure, user), "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    set_cookies = cookies_of(response)
    assert set(set_cookies) == {"__Host-session", "__Host-remember_token"}
    for header in set_cookies.values():
        for attribute in ("Secure", "Path=/", "HttpOnly"):
            assert attribute in header
        assert "Domain" not in header
    language = cookies_of(client.get("/lang/en", base_url=HTTPS))
    assert "Secure" in language["__Host-lang"]
    page = client.get("/courses", base_url=HTTPS).get_data(as_text=True)
    assert '<html lang="en">' in page  # read back under its new name


def test_secure_cookies_can_be_turned_off_and_stay_off_over_http(app_for, database_url):
    assert app_for(database_url).config["SESSION_COOKIE_NAME"] == "session"
    assert not app_for(database_url).config["SESSION_COOKIE_SECURE"]
    off = app_for(database_url, PUBLIC_URL=HTTPS, SECURE_COOKIES=False)
    assert off.config["SESSION_COOKIE_NAME"] == "session"


def test_personal_answers_are_not_stored(client, login, certified):
    _, certificate = certified
    for path in ("/my/learning", f"/my/certificates/{certificate.number}/pdf",
                 f"/my/certificates/{certificate.number}/credential.json", "/courses",
                 "/no/such/page"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    public = client.get("/api/v1/provinces/01/communes")
    assert public.headers["Cache-Control"] == "public, max-age=86400"  # nobody's data


def test_a_visitors_public_pages_stay_cacheable(client, synced_library):
    assert "no-store" not in client.get("/courses").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/stats").headers.get("Cache-Control", "")


def test_an_svg_asset_keeps_its_stricter_policy(client, synced_library):
    response = client.get("/courses/mau-khoa-hoc/assets/images/so-do.svg")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'")
    assert "sandbox" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"

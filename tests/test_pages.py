"""The home page, the base layout, the language switch and error pages."""

from __future__ import annotations

import re

import pytest


def test_home_page_is_vietnamese_and_says_who_it_is_for(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Học kỹ năng số, miễn phí cho mọi người" in html
    for audience in ("Người dân", "Cán bộ, lãnh đạo cấp xã", "Tổ công nghệ số cộng đồng",
                     "Đơn vị chuyên trách CNTT"):
        assert audience in html
    # Today's policy frame: Resolution 57 and Bình dân học vụ số, with Decision 749 as the
    # programme OneTouch began under.
    assert "57-NQ/TW" in html
    assert "Bình dân học vụ số" in html
    assert "749/QĐ-TTg" in html


def test_layout_has_skip_link_and_needs_no_javascript(client):
    html = client.get("/").get_data(as_text=True)
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    assert 'name="viewport"' in html
    # JavaScript only adds to a page that works without it: one deferred file of the site's,
    # nothing inline, no handler attributes.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == [re.search(r'<script src="/static/js/pwa\.js" defer[^>]*>', html).group(0)]
    assert "<script>" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_stylesheet_is_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/static/css/site.css"' in html
    assert "http://" not in html.split("<body")[0].replace("http://www.w3.org", "")
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200


def test_language_switch_to_english_and_back(client):
    response = client.get("/lang/en?next=/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Digital skills, free for everyone" in html
    client.get("/lang/vi")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "evil"]
)
def test_language_switch_never_redirects_off_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.get("/lang/xx")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_not_found_page_is_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang bạn cần." in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_template_strings_find_the_translations_once_a_render(app, monkeypatch):
    import flask_babel
    from flask import render_template_string

    from onetouch import extensions
    from onetouch.accounts.forms import LoginForm

    lookups = []
    monkeypatch.setattr(extensions, "get_translations",
                        lambda: lookups.append(1) or flask_babel.get_translations())
    page = ("{% from 'macros.html' import errors_summary %}{{ _('Đăng nhập') }} · "
            "{{ _('Đăng ký') }} · {{ _('%(n)d bài', n=3) }} · {{ errors_summary(form) }}")
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        form = LoginForm(meta={"csrf": False})
        form.validate()  # nothing filled in: two problems
        html = render_template_string(page, form=form)
    assert html.startswith("Log in · Sign up · 3 bài · ")
    # A macro imported without the render's context still speaks the visitor's language.
    assert "2 problems to fix" in html
    assert len(lookups) == 2  # the render's, and the macro's own lookup

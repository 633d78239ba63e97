"""The home page leads somewhere: a "Bắt đầu học" call to action, and each audience card is a
link to the catalogue filtered for that audience; the catalogue's filters are links too."""

from __future__ import annotations

import re

from onetouch.accounts.models import AudienceGroup


def test_the_home_page_has_a_start_learning_button(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a class="button cta" href="/courses">Bắt đầu học</a>' in html
    assert '<a href="/register">Đăng ký miễn phí</a>' in html


def test_a_logged_in_learner_is_not_asked_to_register(client, make_user, login):
    login(client, make_user())
    html = client.get("/").get_data(as_text=True)
    assert "Bắt đầu học" in html
    assert "Đăng ký miễn phí" not in html


def test_every_audience_card_links_to_its_courses(client, synced_library):
    html = client.get("/").get_data(as_text=True)
    cards = re.search(r'<ul class="cards audience-cards">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(r'<h3><a href="([^"]+)">', cards)
    assert links == [f"/courses?audience={group}" for group in
                     ("citizen", "commune_official", "it_unit", "digital_team")] + ["/stats"]
    for link in links[:-1]:
        page = client.get(link).get_data(as_text=True)
        assert 'aria-current="page"' in page
        assert client.get(link).status_code == 200


def test_the_catalogue_filter_links_each_audience(client, synced_library):
    html = client.get("/courses").get_data(as_text=True)
    for group in AudienceGroup:
        assert f'href="/courses?audience={group.value}"' in html


def test_the_header_search_fits_and_is_labelled(client):
    html = client.get("/").get_data(as_text=True)
    form = re.search(r'<form class="site-search"[^>]*>', html).group(0)
    assert 'role="search"' in form
    assert 'aria-label="Tìm trên toàn trang"' in form
    assert 'placeholder="Tìm bài học"' in html  # short enough not to be cut at 360 px

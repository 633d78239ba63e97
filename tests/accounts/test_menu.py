"""The admin menu lists every admin page the user may open, and nothing they may not."""

from __future__ import annotations

import re

import pytest

from onetouch.accounts import menu

MENU = re.compile(r'<details class="admin-menu">(.*?)</details>', re.S)


def menu_links(client, path: str = "/courses") -> list[str]:
    page = client.get(path).get_data(as_text=True)
    found = MENU.search(page)
    return re.findall(r'href="([^"]+)"', found.group(1)) if found else []


def admin_pages(app) -> list[str]:
    """Every page under /admin that takes no part of its address as a parameter."""
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/admin") and not rule.arguments
                   and "GET" in rule.methods})


@pytest.fixture
def ministry(app, make_user, login):
    return login(app.test_client(), make_user(role="ministry_admin"))


@pytest.fixture
def province_admin(app, make_user, login):
    return login(app.test_client(), make_user(province="79", role="province_admin",
                                              role_province="01"))


@pytest.mark.parametrize("who", ["ministry", "province_admin"])
def test_the_menu_lists_exactly_the_admin_pages_the_user_may_open(app, request, who):
    client = request.getfixturevalue(who)
    links = menu_links(client)
    assert links, "an admin sees the menu"
    for path in admin_pages(app):
        status = client.get(path).status_code
        assert status in (200, 403), (path, status)
        assert (path in links) == (status == 200), (who, path, status)
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_province_admin_gets_their_province_statistics_only(province_admin):
    links = menu_links(province_admin)
    assert "/stats/provinces/01" in links
    assert not [link for link in links if link.startswith("/stats/provinces/")
                and link != "/stats/provinces/01"]
    assert "/admin/users" not in links
    assert "/admin/certificates" not in links
    assert "/admin/audit" in links
    page = province_admin.get("/courses").get_data(as_text=True)
    assert "Thống kê: Thành phố Hà Nội" in page


def test_the_ministry_menu_has_users_certificates_audit_and_statistics(ministry):
    links = menu_links(ministry)
    for path in ("/admin/users", "/admin/certificates", "/admin/required", "/admin/audit",
                 "/stats"):
        assert path in links
    assert 'aria-current="page"' in ministry.get("/admin/audit").get_data(as_text=True)


def test_learners_and_visitors_have_no_admin_menu(app, make_user, login):
    assert menu_links(app.test_client()) == []
    learner = login(app.test_client(), make_user())
    page = learner.get("/courses").get_data(as_text=True)
    assert 'class="admin-menu"' not in page


def test_the_learner_list_is_in_the_menu():
    assert "/admin/learners" in {page.path for page in menu.PAGES}


def test_a_page_no_route_serves_is_left_out_until_one_does(app_for, database_url, make_user,
                                                           login, monkeypatch):
    """A page built elsewhere (the learner list) is linked by its address: no link before a
    route serves it, so the menu never leads to a 404, and the link as soon as one does."""
    monkeypatch.setattr(menu, "PAGES", (*menu.PAGES, menu.Page("/admin/elsewhere", "Nơi khác")))
    admin = make_user(role="ministry_admin")
    without = app_for(database_url)
    assert "/admin/elsewhere" not in menu_links(login(without.test_client(), admin))
    served = app_for(database_url)
    served.add_url_rule("/admin/elsewhere", "elsewhere", lambda: "ở đây")
    assert "/admin/elsewhere" in menu_links(login(served.test_client(), admin))

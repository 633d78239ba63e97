"""Course and lesson pages: one shell per URL and language, each visitor's own parts put in.

What a logged-in learner's page costs, that nothing of one visitor reaches another, and that
a sync still shows the new library to everyone.
"""

from __future__ import annotations

import re

import pytest
from jinja2 import ChoiceLoader, DictLoader

from onetouch.catalog import pages, views
from tests.fixtures.courses import edit
from tests.fixtures.users import PASSWORD, phone_of

COURSE = "/courses/mau-khoa-hoc"
LESSON = f"{COURSE}/thuc-hanh"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def learner(client, make_user, login, synced_library):
    login(client, make_user(full_name="Hà Văn Sơn"))
    client.post(f"{COURSE}/enrol")
    client.post(f"{LESSON}/done")


@pytest.fixture
def graduate(client, make_user, login, factories, synced_library):
    """A learner with the most to show: every quiz attempted, the course complete, a
    certificate."""
    user = make_user(full_name="Hà Thị Mai")
    login(client, user)
    factories.complete_course(user)


@pytest.mark.parametrize("who", ["learner", "graduate"])
@pytest.mark.parametrize("url", [LESSON, COURSE])
def test_a_learners_page_costs_a_few_statements_and_writes_nothing(request, client, queries,
                                                                   synced_library, who, url):
    # synced_library is named here because the database is chosen before getfixturevalue runs.
    request.getfixturevalue(who)
    assert client.get(url).status_code == 200  # the first request renders the shell
    with queries() as seen:
        assert client.get(url).status_code == 200
    assert len(seen) <= 6, seen
    assert seen.writes == []
    assert not [s for s in seen if "FROM modules" in s or "courses.slug" in s], (
        "the syllabus and the course come with the kept shell")


def log_in(client, app, user_id: int) -> None:
    form = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"identifier": phone_of(app, user_id),
                                           "password": PASSWORD,
                                           "csrf_token": TOKEN.search(form).group(1)})
    assert response.status_code == 302


def test_each_learner_sees_only_their_own_name_and_state(app, make_user, login,
                                                         synced_library):
    anna, binh, visitor = app.test_client(), app.test_client(), app.test_client()
    login(anna, make_user(full_name="Trần Thị Anna"))
    login(binh, make_user(full_name="Lê Văn Bình"))
    anna.post(f"{COURSE}/enrol")
    anna.post(f"{LESSON}/done")
    for url in (LESSON, COURSE):
        first = anna.get(url).get_data(as_text=True)  # Anna's request renders the shell
        second = binh.get(url).get_data(as_text=True)
        anonymous = visitor.get(url).get_data(as_text=True)
        assert "Trần Thị Anna" in first
        assert "Lê Văn Bình" not in first
        assert "Lê Văn Bình" in second
        assert "Trần Thị Anna" not in second
        assert "Trần Thị Anna" not in anonymous
        assert "Lê Văn Bình" not in anonymous
        assert "Ghi danh khóa học" in second
        assert "Rời khóa học" not in second
        assert "Đăng nhập" in anonymous
        assert "Đăng xuất" not in anonymous
    assert "Bạn đã hoàn thành bài học này." in anna.get(LESSON).get_data(as_text=True)
    assert "Bạn đã hoàn thành" not in binh.get(LESSON).get_data(as_text=True)


def test_forms_carry_the_token_of_their_own_session(app_for, database_url, make_user,
                                                    synced_library):
    guarded = app_for(database_url, WTF_CSRF_ENABLED=True, PAGE_CACHE_CHECK_SECONDS=0)
    first, second = guarded.test_client(), guarded.test_client()
    log_in(first, guarded, make_user())
    log_in(second, guarded, make_user())
    tokens = []
    for client in (first, second):
        course = client.get(COURSE).get_data(as_text=True)
        enrol = client.post(f"{COURSE}/enrol", data={"csrf_token": TOKEN.search(course).group(1)})
        assert enrol.status_code == 302
        tokens.append(set(TOKEN.findall(client.get(LESSON).get_data(as_text=True))))
    assert all(tokens)
    assert tokens[0].isdisjoint(tokens[1])
    other = first.post(f"{LESSON}/done", data={"csrf_token": min(tokens[1])})
    assert other.status_code == 400
    own = first.post(f"{LESSON}/done", data={"csrf_token": min(tokens[0])})
    assert own.status_code == 302


def test_a_sync_reaches_a_logged_in_learners_page(client, learner, library, synced_library):
    assert "Lợi ích to lớn" not in client.get(f"{COURSE}/gioi-thieu").get_data(as_text=True)
    edit(library / "mau-khoa-hoc" / "01-gioi-thieu.md", "Lợi ích", "Lợi ích to lớn")
    edit(library / "mau-khoa-hoc" / "02-thuc-hanh.md", "title: Thực hành nộp hồ sơ",
         "title: Thực hành nộp hồ sơ trực tuyến")
    synced_library()
    assert "Lợi ích to lớn" in client.get(f"{COURSE}/gioi-thieu").get_data(as_text=True)
    course = client.get(COURSE).get_data(as_text=True)
    assert "Thực hành nộp hồ sơ trực tuyến" in course
    assert "Đã hoàn thành 1/2 bài học bắt buộc" in course


def test_a_form_outside_the_personal_blocks_stops_the_page(app, synced_library):
    """Its CSRF token would be served to every reader of the shell."""
    leaky = '{% extends "catalog/lesson.html" %}{% block title %}{{ csrf_token() }}{% endblock %}'
    app.jinja_env.loader = ChoiceLoader([DictLoader({"catalog/leaky.html": leaky}),
                                         app.jinja_env.loader])
    with app.test_request_context(LESSON), pytest.raises(RuntimeError, match="outside its"):
        pages.render("catalog/leaky.html", lambda: views._lesson("mau-khoa-hoc", "thuc-hanh"))


def test_each_language_has_its_own_shell(client, learner):
    assert "Đăng xuất" in client.get(LESSON).get_data(as_text=True)
    client.get("/lang/en")
    english = client.get(LESSON).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Hà Văn Sơn" in english
    assert "Đăng xuất" not in english
    assert "Bạn đã hoàn thành bài học này." not in english

"""The statistics pages: the learners figure follows the course filter and says what it
counts; a province admin finds their own province, and a 403 leads back to it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from onetouch.content.models import Course
from onetouch.extensions import db
from onetouch.learning.models import Enrolment
from tests.fixtures.courses import copy_course

SECOND = "khoa-hoc-thu-hai"


def card(page: str) -> int:
    """The learners card: the first figure of the totals."""
    found = re.search(r'<ul class="totals">\s*<li><strong>([\d.,]+)</strong>', page)
    assert found, page[:2000]
    return int(found.group(1).replace(".", "").replace(",", ""))


def meaning(page: str) -> str:
    return re.search(r'<p class="meta learners-meaning">(.*?)</p>', page, re.S).group(1)


@pytest.fixture
def two_courses(app, library, synced_library, make_user, factories):
    """Six learners in Hà Nội: four in the sample course, two of them in a second one too,
    one in the second course only, one in none. Returns the course ids (sample, second)."""
    copy_course(library, SECOND, "Khóa học thứ hai")
    synced_library()
    learners = [make_user(province="01") for _ in range(6)]
    for user in learners[:4]:
        factories.enrol(user)
    for user in learners[2:5]:
        factories.enrol(user, SECOND)
    factories.complete_course(learners[0])
    with app.app_context():
        ids = dict(db.session.execute(select(Course.slug, Course.id)).all())
    return ids["mau-khoa-hoc"], ids[SECOND]


def enrolled_in(app, course_id: int) -> int:
    """A direct count of the distinct learners enrolled in a course, from the raw rows."""
    with app.app_context():
        query = select(func.count(Enrolment.user_id.distinct())).where(
            Enrolment.course_id == course_id)
        return db.session.scalar(query)


def test_the_learners_card_follows_the_course_filter(app, client, runner, two_courses):
    sample, second = two_courses
    everyone = client.get("/stats").get_data(as_text=True)
    assert card(everyone) == 6
    assert "số tài khoản đã đăng ký" in meaning(everyone)
    for course, expected in ((sample, 4), (second, 3)):
        page = client.get(f"/stats?course={course}").get_data(as_text=True)
        assert card(page) == enrolled_in(app, course) == expected
        assert "đã ghi danh khóa học" in meaning(page)
        assert "Người học ghi danh khóa này" in page  # the column says it too
    assert "Khóa học thứ hai" in meaning(client.get(f"/stats?course={second}")
                                         .get_data(as_text=True))
    dated = client.get("/stats?from=2020-01-01").get_data(as_text=True)
    assert "khoảng ngày đã chọn" in meaning(dated)
    # The weekly series keeps sign-ups to the platform; completions follow the course.
    for course, completions in ((sample, 1), (second, 0)):
        weeks = client.get(f"/api/v1/stats/timeseries?course={course}").get_json()["weeks"]
        assert sum(week["registrations"] for week in weeks) == 6
        assert sum(week["completions"] for week in weeks) == completions
    # The rollups are untouched by this reading of them: they still equal a recount.
    assert runner.invoke(args=["stats", "check"]).exit_code == 0


def test_the_province_page_counts_learners_the_same_way(app, make_user, login, two_courses):
    sample, second = two_courses
    admin = login(app.test_client(), make_user(province="79", role="province_admin",
                                               role_province="01"))
    assert card(admin.get("/stats/provinces/01").get_data(as_text=True)) == 6
    page = admin.get(f"/stats/provinces/01?course={second}").get_data(as_text=True)
    assert card(page) == enrolled_in(app, second) == 3
    communes = admin.get(f"/api/v1/stats/provinces/01/communes?course={sample}").get_json()
    assert sum(row["learners"] for row in communes["communes"]) == 4


def province_links(page: str) -> set[str]:
    return set(re.findall(r'href="/stats/provinces/(\d+)[?"]', page))


def test_a_province_admin_links_to_their_province_only(app, make_user, login):
    admin = login(app.test_client(), make_user(province="79", role="province_admin",
                                               role_province="01"))
    page = admin.get("/stats?audience=citizen").get_data(as_text=True)
    assert "Tỉnh của tôi" in page
    assert re.search(r'href="/stats/provinces/01\?[^"]*audience=citizen', page)  # filters kept
    assert province_links(page) == {"01"}
    ministry = login(app.test_client(), make_user(role="ministry_admin"))
    everything = ministry.get("/stats").get_data(as_text=True)
    assert len(province_links(everything)) == 34
    assert "Tỉnh của tôi" not in everything
    assert province_links(app.test_client().get("/stats").get_data(as_text=True)) == set()


def test_another_province_answers_403_with_the_way_back(app, make_user, login):
    admin = login(app.test_client(), make_user(province="79", role="province_admin",
                                               role_province="01"))
    for url in ("/stats/provinces/79", "/stats/provinces/79/export.csv"):
        response = admin.get(url)
        assert response.status_code == 403
        page = response.get_data(as_text=True)
        assert "Thành phố Hồ Chí Minh" in page
        assert 'href="/stats/provinces/01"' in page
        assert re.search(r'href="/stats\?[^"]*">Về thống kê toàn quốc', page)
    learner = login(app.test_client(), make_user())
    response = learner.get("/stats/provinces/01")
    assert response.status_code == 403
    assert "Tỉnh của tôi" not in response.get_data(as_text=True)
    assert admin.get("/api/v1/stats/provinces/79/communes").status_code == 403


def test_the_english_page_says_what_it_counts(client, two_courses):
    client.get("/lang/en")
    page = client.get(f"/stats?course={two_courses[1]}").get_data(as_text=True)
    assert "Learners enrolled in this course" in page
    assert "the people enrolled in the course “Khóa học thứ hai”" in meaning(page)

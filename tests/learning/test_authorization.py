"""Who may see what: visitors, learners, province admins, ministry admins."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.learning.models import RequiredTraining


@pytest.fixture
def people(app, make_user, synced_library):
    from onetouch.content.models import Course

    ids = {
        "learner_hn": make_user(province="01", full_name="Học Viên Hà Nội"),
        "learner_hcm": make_user(province="79", full_name="Học Viên Sài Gòn"),
        "admin_hn": make_user(province="01", role="province_admin", role_province="01"),
        "ministry": make_user(role="ministry_admin"),
    }
    with app.app_context():
        course = db.session.scalar(select(Course))
        requirement = RequiredTraining(course_id=course.id, audience="citizen",
                                       province_code=None, starts_on=today(),
                                       deadline=today(), created_by_id=ids["ministry"])
        db.session.add(requirement)
        db.session.commit()
        ids["requirement"] = requirement.id
    return ids


@pytest.mark.parametrize("url", ["/my/learning", "/profile", "/profile/password",
                                 "/admin/required", "/admin/learners/1", "/assist/register",
                                 "/admin/users"])
def test_visitors_are_sent_to_log_in(client, people, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def as_(app, login, user_id):
    return login(app.test_client(), user_id)


def test_a_learner_cannot_see_another_learners_progress(app, login, people):
    client = as_(app, login, people["learner_hn"])
    assert client.get(f"/admin/learners/{people['learner_hcm']}").status_code == 403
    assert client.get(f"/admin/learners/{people['learner_hn']}").status_code == 403
    assert client.get("/admin/required").status_code == 403
    assert client.get(f"/admin/required/{people['requirement']}").status_code == 403
    assert "Học Viên Sài Gòn" not in client.get("/my/learning").get_data(as_text=True)


def test_a_province_admin_sees_only_their_province(app, login, people):
    client = as_(app, login, people["admin_hn"])
    assert client.get(f"/admin/learners/{people['learner_hn']}").status_code == 200
    assert client.get(f"/admin/learners/{people['learner_hcm']}").status_code == 403
    report = f"/admin/required/{people['requirement']}"
    assert client.get(report).status_code == 200  # defaults to their own province
    assert client.get(f"{report}?province=01").status_code == 200
    assert client.get(f"{report}?province=79").status_code == 403
    assert client.get(f"{report}?province=").status_code == 403  # the national view


def test_a_ministry_admin_sees_everything(app, login, people):
    client = as_(app, login, people["ministry"])
    for learner in ("learner_hn", "learner_hcm"):
        assert client.get(f"/admin/learners/{people[learner]}").status_code == 200
    report = f"/admin/required/{people['requirement']}"
    for province in ("", "01", "79"):
        assert client.get(f"{report}?province={province}").status_code == 200


def test_only_team_members_sign_citizens_up(app, login, people, make_user):
    learner = as_(app, login, people["learner_hn"])
    assert learner.get("/assist/register").status_code == 403
    team = as_(app, login, make_user(audience="digital_team", confirmed_days_ago=1))
    assert team.get("/assist/register").status_code == 200


def test_unknown_ids_are_404_for_admins(app, login, people):
    client = as_(app, login, people["ministry"])
    assert client.get("/admin/learners/999999").status_code == 404
    assert client.get("/admin/required/999999").status_code == 404
